"""`fondsengine jury draw` re-runs a recorded draw and confirms it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fondsengine.cli.main import main
from fondsengine.jury import usecases as jury
from tests.conftest import make_fonds
from tests.support.factories import QF, person


def test_a_recorded_draw_can_be_verified_from_the_command_line(
    tmp_path: Path, clock: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'draw.db'}"
    fonds = make_fonds(url, clock, tmp_path)  # type: ignore[arg-type]
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    for i in range(8):
        who = person(fonds, f"Freiwillige {i}", f"v{i}@example.org")
        assert who.user_id is not None
        jury.register_volunteer(fonds, office, QF, who.user_id, "resident")
    result = jury.draw_members(fonds, office, QF, 3, "oeffentlicher-seed-2026", term_from=date(2027, 1, 1))
    fonds.db.dispose()

    assert main(["--database", url, "jury", "draw", QF, "--seed", "oeffentlicher-seed-2026", "--size", "3"]) == 0
    out = capsys.readouterr().out
    assert "Stimmt mit der aufgezeichneten Auslosung" in out
    assert result.fingerprint in out
    for member_id in result.drawn:
        assert f"(Nr. {member_id})" in out

    assert main(["--database", url, "jury", "draw", QF, "--seed", "anderer-seed", "--size", "3"]) == 0
    assert "Vorschau" in capsys.readouterr().out
