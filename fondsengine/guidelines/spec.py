"""How a section of a guideline file is declared: a pydantic model on fondsengine.schema.

Each section (office, amounts, jury ...) is a `Spec` model: every key of the section is a
field, stated once with its type and its default once (where the guideline model's dataclass
has a default, the field takes it from there: `repeat_allowed: Bool = AmountRules.repeat_allowed`).
The field types below read the values the way a guideline author writes them (euro amounts
to cents, percent numbers to exact Fractions, JJJJ-MM-TT to dates) and say what is wrong in
the sentences authors know; `check()` validates one section's data with the guideline's
wording ("unbekannter Schlüssel 'x' in 'y' – meinten Sie 'z'?", "In 'y' fehlt der
Pflichtschlüssel 'x'.") and reports every problem with its line. A key written without a
value (`phone:`) counts as not given; a number or yes/no keeps the text it is written in
(`Written`: the postcode 01067, "gefunden: yes"). Relations between keys (max not below min
...) are checked in `Spec.problems()` on the validated model, `line_at` giving the lines, and
only while the values they relate are sound (`aligned`, `complete`: no element of a list failed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError
from yaml.nodes import Node

from fondsengine.guidelines.yamlreader import Collector, suggest
from fondsengine.schema import Loc, Located, Opaque, Wording, located, validate

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

TOP = "Förderrichtlinie"  # how the top of the file is named in problems
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_FRACTION_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_MONEY = "ein Betrag in Euro ohne Tausenderpunkt (z. B. 1500 oder 1500.50)"
_PERCENT = "eine Prozentzahl zwischen 0 und 100 (z. B. 50)"


class Spec(BaseModel):
    """A mapping of a guideline file: unknown keys and values of the wrong kind are problems."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, arbitrary_types_allowed=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        """`key:` without a value is the key not given (its default, or missing)."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k not in cls.model_fields}
        return data

    def problems(self, data: Located, out: Collector) -> None:
        """Report keys of the valid section that contradict each other (`data`: as written)."""


# --- how a value is shown in a problem ----------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A number or a yes/no of the file: its value and its text as written ("01067", "yes")."""

    value: int | float | bool
    text: str

    def __str__(self) -> str:
        return self.text


def _written(value: Any, text: str) -> Any:
    return Written(value, text) if isinstance(value, int | float) else value


def _number_text(value: Any) -> str | None:
    """The text of a whole or decimal number (not of a yes/no)."""
    ok = isinstance(value, Written) and not isinstance(value.value, bool)
    return value.text.strip() if ok else None


def shown(value: Any) -> str:
    """A value as a problem names it (a list and a mapping by what they are)."""
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "ein Abschnitt"
    return raw(value) or "(leer)"


def raw(value: Any) -> str:
    """A scalar as written (as near as the parsed value allows)."""
    return "" if value is None else str(value)


def fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    """A problem; '{key}' in the message becomes the key the value stands at."""
    return PydanticCustomError(f"guideline_{kind}", message, ctx)


def scalar(value: Any) -> Any:
    """The value, if it is a single value (not a list or a mapping)."""
    if isinstance(value, list | dict):
        raise fail("scalar", "'{key}' muss ein einzelner Wert sein, gefunden: {shown}", shown=shown(value))
    return value


# --- the value types -----------------------------------------------------------------------


def _text(value: Any) -> str:
    value = scalar(value)
    if not isinstance(value, str):
        raise fail("text", "'{key}' muss ein Text sein, gefunden: {value}", value=raw(value))
    if not value.strip():
        raise fail("empty", "'{key}' darf nicht leer sein.")
    return value.strip()


def _bool(value: Any) -> bool:
    if not (isinstance(value, Written) and isinstance(value.value, bool)):
        raise fail("bool", "'{key}' muss true oder false sein, gefunden: {shown}", shown=shown(scalar(value)))
    return value.value


def _number(value: Any, what: str) -> Decimal:
    text = _number_text(scalar(value))
    if text is None or not _NUMBER_RE.match(text.lstrip("-")):
        raise fail("number", "'{key}' muss {what} sein, gefunden: {shown}", what=what, shown=shown(value))
    return Decimal(text)


def _money(value: Any) -> int:
    amount = _number(value, _MONEY)
    if amount < 0:
        raise fail("negative", "'{key}' darf nicht negativ sein, gefunden: {value}", value=raw(value))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise fail(
            "cents", "'{key}' hat mehr als zwei Nachkommastellen (ganze Cent), gefunden: {value}", value=raw(value)
        )
    return int(cents)


def _percent(value: Any) -> Fraction:
    share = _number(value, _PERCENT)
    if not 0 <= share <= 100:
        raise fail("percent", "'{key}' muss zwischen 0 und 100 liegen, gefunden: {value}", value=raw(value))
    return Fraction(share) / 100


def _day(value: Any) -> date:
    text = raw(scalar(value)).strip()
    if isinstance(value, str | Opaque) and _DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise fail("date", "'{key}' ist kein gültiges Datum, gefunden: {value}", value=text) from None
    raise fail(
        "date_format",
        "'{key}' muss ein Datum im Format JJJJ-MM-TT sein (z. B. 2027-02-15), gefunden: {value}",
        value=text,
    )


def integer(minimum: int | None = None, maximum: int | None = None) -> BeforeValidator:
    """A whole number within optional bounds."""

    def check(written: Any) -> int:
        text = _number_text(scalar(written))
        if text is None or not isinstance(written.value, int) or not text.lstrip("-").isdigit():
            raise fail("int", "'{key}' muss eine ganze Zahl sein, gefunden: {shown}", shown=shown(written))
        value = int(text)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                raise fail(
                    "min", "'{key}' muss mindestens {minimum} sein, gefunden: {value}", minimum=minimum, value=value
                )
            if minimum is None:
                raise fail(
                    "max", "'{key}' darf höchstens {maximum} sein, gefunden: {value}", maximum=maximum, value=value
                )
            raise fail(
                "range",
                "'{key}' muss zwischen {minimum} und {maximum} liegen, gefunden: {value}",
                minimum=minimum,
                maximum=maximum,
                value=value,
            )
        return value

    return BeforeValidator(check)


def _choice_check(allowed: Collection[str]) -> Callable[[Any], str]:
    options = ", ".join(sorted(allowed))

    def check(value: Any) -> str:
        word = raw(scalar(value))
        if word not in allowed:
            raise fail(
                "choice",
                "'{key}' muss einer dieser Werte sein: {options}; gefunden: {value}",
                options=options,
                value=word,
            )
        return word

    return check


def choice(allowed: Collection[str]) -> BeforeValidator:
    """One of a fixed set of words."""
    return BeforeValidator(_choice_check(allowed))


def one_of(enum: type[E]) -> BeforeValidator:
    """One of the values of an enumeration, as its member."""
    check = _choice_check([m.value for m in enum])
    return BeforeValidator(lambda value: enum(check(value)))


def _list(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("list", "'{key}' muss eine Liste sein (Zeilen mit „- “), gefunden: {shown}", shown=shown(value))
    return value


def _text_item(value: Any) -> str:
    whole = isinstance(value, Written) and type(value.value) is int
    if not (isinstance(value, str) or whole):
        raise fail("item", "Jeder Eintrag in '{key}' muss ein Text sein, gefunden: {shown}", shown=shown(value))
    return str(value).strip()


def _fraction_item(value: Any) -> Fraction:
    m = _FRACTION_RE.match(value) if isinstance(value, str) else None
    if m is None or int(m.group(2)) == 0:
        raise fail(
            "fraction", "Jeder Eintrag in '{key}' muss ein Bruch wie „2/3“ sein, gefunden: {shown}", shown=shown(value)
        )
    share = Fraction(int(m.group(1)), int(m.group(2)))
    if share > 1:
        raise fail("share", "Ein Anteil in '{key}' darf höchstens 1 (= 100 %) sein, gefunden: {value}", value=value)
    return share


def at_least_one(message: str) -> AfterValidator:
    """A list given empty is a problem with its own sentence ('{key}' is the list's key)."""

    def check(values: list[Any]) -> list[Any]:
        if not values:
            raise fail("empty_list", message)
        return values

    return AfterValidator(check)


LIST = BeforeValidator(_list)


def default_of(built: tuple[Any, ...]) -> Any:
    """The default of a list key: the one the dataclass it builds states (`()` there, a new list here),
    as a scalar key takes its default from the dataclass (`= BalanceRule.margin`). So every default is
    written once; a list key whose dataclass field has none states its own (`Field(default_factory=list)`)."""
    return Field(default_factory=lambda: list(built))
Text = Annotated[str, BeforeValidator(_text)]
Bool = Annotated[bool, BeforeValidator(_bool)]
Money = Annotated[int, BeforeValidator(_money)]  # euros as written, cents as read
Percent = Annotated[Fraction, BeforeValidator(_percent)]  # 0 to 100 as written, a share 0 to 1 as read
Day = Annotated[date, BeforeValidator(_day)]
Texts = Annotated[list[Annotated[str, BeforeValidator(_text_item)]], LIST]
Fractions = Annotated[list[Annotated[Fraction, BeforeValidator(_fraction_item)]], LIST]


# --- the wording and the check ---------------------------------------------------------------


def _name(loc: Loc, root: str) -> str:
    """The name of the mapping at loc: its key (a list item: the list's key), or the root's name."""
    return next((str(part) for part in reversed(loc) if isinstance(part, str)), root)


def _fill(key: str, error: ErrorDetails) -> str:
    return error["msg"].replace("{key}", key)


class _Types(dict[str, Callable[[str, ErrorDetails], str]]):
    """Every guideline error type speaks its own sentence (with the key filled in)."""

    def __contains__(self, kind: object) -> bool:
        return isinstance(kind, str) and kind.startswith("guideline_")

    def __getitem__(self, kind: str) -> Callable[[str, ErrorDetails], str]:
        return _fill


def wording(root: str, data: Located) -> Wording:
    """The sentences of the guideline loader for the data of the mapping named `root`."""
    return Wording(
        unknown_key=lambda loc, hint: (
            f"unbekannter Schlüssel '{loc[-1]}' in '{_name(loc[:-1], root)}'"
            + (f" – meinten Sie '{hint}'?" if hint else "")
        ),
        missing=lambda loc, _: f"In '{_name(loc[:-1], root)}' fehlt der Pflichtschlüssel '{loc[-1]}'.",
        not_mapping=lambda loc: (
            f"'{_name(loc, root)}' muss ein Abschnitt mit Schlüsseln sein, gefunden: {shown(data.get(loc))}"
        ),
        types=_Types(),
        suggest=suggest,
        missing_when_suggested=True,
    )


def read(node: Node, out: Collector, root: str, key_line: int) -> Located:
    """The data of a node, its top named `root`, whose key stands at `key_line`."""
    data = located(
        node,
        out,
        duplicate=lambda loc: f"Der Schlüssel '{loc[-1]}' kommt in '{_name(loc[:-1], root)}' doppelt vor.",
        scalar=_written,
    )
    return Located(data.value, data.lines, {**data.key_lines, (): key_line})


def check(model: type[M], data: Located, out: Collector, root: str) -> M | None:
    """The section as its model, or None; every problem goes to `out` with its line."""
    return validate(model, data, out, wording(root, data))


def line_at(data: Located, *loc: str | int) -> int:
    """Line of the key at loc, or of the mapping's own key when the key is not given."""
    return data.key_lines.get(loc) or data.key_line(loc[:-1])


def values(spec: BaseModel, *, skip: Collection[str] = (), **names: str) -> dict[str, Any]:
    """The fields of a model as a dataclass takes them: lists as tuples, a key renamed to the
    dataclass's field where `names` says so (`max="max_cents"`), the keys in `skip` left out."""
    return {
        names.get(name, name): tuple(value) if isinstance(value, list) else value
        for name, value in spec
        if name not in skip
    }


def items(data: Located, key: str) -> list[Located]:
    """The elements of the list at key, each with its own lines (none when it is no list)."""
    value = data.get((key,))
    return [data.at((key, i)) for i in range(len(value))] if isinstance(value, list) else []


def aligned(valid: list[T], data: Located, key: str) -> list[tuple[T, Located]]:
    """The validated elements of a list with their data; none when an element failed (its
    problem is reported, and checks across the elements wait until it is fixed)."""
    given = items(data, key)
    return list(zip(valid, given, strict=True)) if len(valid) == len(given) else []


def complete(valid: list[Any], data: Located, key: str) -> bool:
    """True when no element of the list at key failed."""
    return len(valid) == len(items(data, key))


def written_id(value: Any) -> str:
    """An id as written (a text or a whole number), or '' when it is none."""
    whole = isinstance(value, Written) and type(value.value) is int
    return str(value).strip() if isinstance(value, str) or whole else ""


def unique(out: Collector, data: Located, keys: tuple[str, ...], what: str, id_key: str = "id") -> None:
    """Report every id (as written, also in an element that failed otherwise) that occurs twice."""
    seen: set[str] = set()
    for key in keys:
        for item in items(data, key):
            ident = written_id(item.get((id_key,)))
            if ident and ident in seen:
                out.add(item.key_line((id_key,)), f"Die Kennung '{ident}' kommt bei den {what} doppelt vor.")
            seen.add(ident)


def needs(out: Collector, data: Located, section: str, key: str) -> None:
    """A key another key makes required (`mode: monthly` needs `monthly_deadline_day`): missing
    when it is not written at all (a value that failed is reported as it is)."""
    if data.get((key,)) is None:
        out.add(line_at(data), f"In '{section}' fehlt der Pflichtschlüssel '{key}'.")
