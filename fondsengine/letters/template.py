"""Letter texts with {placeholders}: filling them and checking them for unknown names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# "{{" and "}}" are literal braces; "{name}" is a placeholder
_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders_in(text: str) -> list[str]:
    """Names of all placeholders in a text, in order of first appearance."""
    seen: list[str] = []
    for m in _TOKEN.finditer(text):
        name = m.group(1)
        if name and name not in seen:
            seen.append(name)
    return seen


def unknown_placeholders(text: str, known: Iterable[str]) -> list[str]:
    """Placeholders in a text that are not among the known names."""
    allowed = set(known)
    return [name for name in placeholders_in(text) if name not in allowed]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders by their values; unknown ones stay visible as typed."""

    def replace(m: re.Match[str]) -> str:
        matched = m.group(0)
        if matched in ("{{", "}}"):
            return matched[0]
        name = m.group(1)
        return values.get(name, matched)

    return _TOKEN.sub(replace, text)


# placeholders whose value may be empty without leaving a gap in a sentence (a list on its own line)
MAY_BE_EMPTY = frozenset({"conditions"})


def empty_placeholders(text: str, values: Mapping[str, str]) -> list[str]:
    """Placeholders of a text that would be filled with nothing (a letter must never say "am .")."""
    return [name for name in placeholders_in(text) if name not in MAY_BE_EMPTY and not values.get(name, "x").strip()]
