"""One registry each for the guards and the effects a workflow file may name.

A guard or effect is a function in code registered with its German description:

    @GUARDS.register("Das freie Budget des Haushaltsjahres reicht aus.")
    def budget_available(c: GuardContext) -> GuardResult: ...

The loader accepts only registered names (nothing named in a file is ever imported or run by
name), the machine calls the registered function, and docs/workflows.md lists the descriptions.

A guard that judges an input of the step (the amount of a payment, a refund) declares it with
`needs=("amount",)` and an `offer` function: while the office's page asks which steps to offer,
the input is not known yet, so `offer` answers "could the step be taken with some input?";
when the step is fired, the guard itself judges the given input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fondsengine.workflow.use_cases import USE_CASE_DESCRIPTIONS

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class GuardResult:
    """What a guard says: ok, and if not, why (German) and under which clause."""

    ok: bool
    message: str = ""
    clause: str | None = None


GuardFn = Callable[[Any], GuardResult]  # receives the caller's context object
EffectFn = Callable[[Any], None]  # receives the step's effect context


@dataclass(frozen=True)
class Entry(Generic[F]):
    """One registered function with what the workflow documentation says about it."""

    name: str
    description: str  # German, one sentence
    fn: F
    needs: tuple[str, ...] = ()  # inputs of the step the function judges (guards)
    offer: F | None = None  # the guard's answer while those inputs are not known yet


class Registry(Generic[F]):
    """Name -> registered function; filled by the decorators where the functions are defined."""

    def __init__(self, what: str) -> None:
        self.what = what  # German, for messages: "Bedingung (guard)"
        self._entries: dict[str, Entry[F]] = {}
        self.functions: dict[str, F] = {}  # name -> function (what is called when a step is taken)
        self.offers: dict[str, Callable[[Any], Any]] = {}  # name -> the answer while offering a step

    def register(
        self, description: str, *, name: str | None = None, needs: tuple[str, ...] = (), offer: F | None = None
    ) -> Callable[[F], F]:
        """Decorator: register a function under its own name (or `name`)."""

        def decorate(fn: F) -> F:
            self.add(name or fn.__name__, description, fn, needs=needs, offer=offer)
            return fn

        return decorate

    def add(self, name: str, description: str, fn: F, *, needs: tuple[str, ...] = (), offer: F | None = None) -> None:
        """Register a function made elsewhere (e.g. by a factory) under a name."""
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is registered twice")
        if needs and offer is None:
            raise ValueError(f"{self.what} {name!r} needs {needs} but has no offer function")
        self._entries[name] = Entry(name, description, fn, needs, offer)
        self.functions[name] = fn
        if offer is not None:
            self.offers[name] = _Offer(fn, offer, needs)

    def __getitem__(self, name: str) -> Entry[F]:
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def descriptions(self) -> dict[str, str]:
        """Name -> German description, in registration order."""
        return {e.name: e.description for e in self._entries.values()}


class Declared(Registry[F]):
    """A registry whose names and descriptions are declared apart, in a leaf module a loader can read
    without importing the functions; the functions register where they are defined (`implements`).
    Membership, iteration and descriptions answer from the declaration."""

    def __init__(self, what: str, declared: Mapping[str, str]) -> None:
        super().__init__(what)
        self.declared = dict(declared)

    def implements(self, fn: F) -> F:
        """Decorator: the function implementing the declared name it carries."""
        name = fn.__name__
        if name not in self.declared:
            raise ValueError(f"{self.what} {name!r} is not declared")
        self.add(name, self.declared[name], fn)
        return fn

    def missing(self) -> list[str]:
        """The declared names no function implements (yet)."""
        return [n for n in self.declared if n not in self.functions]

    def __contains__(self, name: object) -> bool:
        return name in self.declared

    def __iter__(self) -> Iterator[str]:
        return iter(self.declared)

    def __len__(self) -> int:
        return len(self.declared)

    def descriptions(self) -> dict[str, str]:
        """Name -> German description, in declaration order."""
        return dict(self.declared)


class _Offer:
    """While offering a step: the guard itself when its inputs are given, else its offer function.

    The context says which inputs it has with `given(name) -> bool`."""

    def __init__(self, fn: Callable[[Any], Any], offer: Callable[[Any], Any], needs: tuple[str, ...]) -> None:
        self.fn, self.offer, self.needs = fn, offer, needs

    def __call__(self, context: Any) -> Any:
        if all(context.given(n) for n in self.needs):
            return self.fn(context)
        return self.offer(context)


# The two registries. They are filled where the functions are defined
# (fondsengine/lifecycle/guards.py and effects.py); the loader imports those modules.
GUARDS: Registry[GuardFn] = Registry("Bedingung (guard)")
EFFECTS: Registry[EffectFn] = Registry("Wirkung (effect)")
# The use cases a step's `use_case` may name: declared in fondsengine/workflow/use_cases.py, implemented
# in fondsengine/applications/steps.py.
USE_CASES: Declared[Callable[[Any], None]] = Declared("Anwendungsfall (use_case)", USE_CASE_DESCRIPTIONS)
