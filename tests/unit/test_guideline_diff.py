"""The line difference of two guideline texts: numbers in both texts, unchanged runs folded."""

from __future__ import annotations

from fondsengine.funds.diff import ADDED, FOLDED, REMOVED, SAME, changed, line_diff


def test_a_changed_line_is_removed_and_added_with_its_numbers_and_context() -> None:
    old = "\n".join(f"zeile {n}" for n in range(1, 21)) + "\n"
    new = old.replace("zeile 10\n", "zeile zehn\n")
    lines = line_diff(old, new, context=2)
    assert [(d.kind, d.old_no, d.new_no, d.text) for d in lines if d.kind in (ADDED, REMOVED)] == [
        (REMOVED, 10, None, "zeile 10"),
        (ADDED, None, 10, "zeile zehn"),
    ]
    shown = [d.old_no for d in lines if d.kind == SAME]
    assert shown == [8, 9, 11, 12]  # two lines of context on each side
    folds = [(d.old_no, d.count) for d in lines if d.kind == FOLDED]
    assert folds == [(1, 7), (13, 8)]
    assert changed(lines) == 2


def test_inserted_lines_shift_the_new_numbers_and_equal_texts_fold_whole() -> None:
    old = "a\nb\nc\n"
    lines = line_diff(old, "a\nneu\nb\nc\n", context=3)
    assert [(d.kind, d.old_no, d.new_no) for d in lines] == [
        (SAME, 1, 1), (ADDED, None, 2), (SAME, 2, 3), (SAME, 3, 4),
    ]  # fmt: skip
    same = line_diff(old, old)
    assert [(d.kind, d.count) for d in same] == [(FOLDED, 3)]
    assert changed(same) == 0
    assert [(d.kind, d.text) for d in line_diff("", "x\n")] == [(ADDED, "x")]
