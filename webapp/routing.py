"""URL rules that compile their URL builders on first use (issue 19, first response after start).

werkzeug compiles two small functions per rule (building with and without unknown arguments,
from an `ast` each) when a rule is added: 282 for the app's 141 rules, about 0.065 s of the
master's CPU before its first answer. A worker builds URLs for a few dozen rules on its first pages,
so `LazyBuildRule` hands werkzeug a stand-in that compiles the real builder on its first call and
then calls it; the URLs are the ones werkzeug builds. Threads racing on the first call each
compile one; either result is the same function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    """A werkzeug rule whose URL builders are compiled when first used."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown).__get__(rule, None))
            return compiled[0](**values)

        return build  # bound to the rule by werkzeug's compile(), as its own builders are
