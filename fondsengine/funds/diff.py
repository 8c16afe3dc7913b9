"""Line differences between two guideline texts (difflib), with unchanged runs folded."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

SAME, ADDED, REMOVED, FOLDED = "same", "added", "removed", "folded"


@dataclass(frozen=True)
class DiffLine:
    """One line of a difference: kept, added or removed, with its numbers in the old and new text.

    A `folded` line stands for `count` unchanged lines that are not shown."""

    kind: str
    old_no: int | None
    new_no: int | None
    text: str
    count: int = 0


def line_diff(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """The lines of `new` against `old`; unchanged runs longer than twice `context` are folded."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            run = [DiffLine(SAME, i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
            out.extend(_fold(run, context, first=not out, last=i2 == len(a) and j2 == len(b)))
            continue
        out.extend(DiffLine(REMOVED, i + 1, None, a[i]) for i in range(i1, i2))
        out.extend(DiffLine(ADDED, None, j + 1, b[j]) for j in range(j1, j2))
    return out


def _fold(run: list[DiffLine], context: int, *, first: bool, last: bool) -> list[DiffLine]:
    """Keep `context` lines next to each change and fold the rest of an unchanged run."""
    head = 0 if first else context
    tail = 0 if last else context
    if len(run) <= head + tail + 1:
        return run
    hidden = run[head : len(run) - tail]
    folded = DiffLine(FOLDED, hidden[0].old_no, hidden[0].new_no, "", count=len(hidden))
    return [*run[:head], folded, *run[len(run) - tail :]]


def changed(lines: list[DiffLine]) -> int:
    """How many lines were added or removed."""
    return sum(1 for line in lines if line.kind in (ADDED, REMOVED))
