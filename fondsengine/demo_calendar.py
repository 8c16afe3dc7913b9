"""The demo's calendar: the story is written for 2026 and moved by whole years so that it ends just before
today; on another year the shipped guidelines are loaded with their budget years and rounds moved alike."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.shipped import richtlinien_dir, workflows_dir

STORY_ENDS = (11, 21)  # the story's last step is on 20 November (of 2026 + shift)
_YEAR = re.compile(r"(?<![\d.])(202[4-9])(?=-\d\d-\d\d|-\d\b|\b)")


def year_shift(today: date) -> int:
    """Whole years to move the 2026 story by, so that its last step lies in the year before today."""
    return today.year - 2026 - (1 if (today.month, today.day) < STORY_ENDS else 0)


def shifted_text(text: str, k: int) -> str:
    """A guideline text with every year of its dates, budget years and round ids moved by k years (pure)."""
    if k == 0:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + k), text)


def load_shifted_guidelines(fonds: Engine, k: int) -> None:
    """Load the shipped guidelines moved by k years as new versions (budget years and rounds around today)."""
    if k == 0:
        return
    source = Path(richtlinien_dir(fonds.settings))
    with tempfile.TemporaryDirectory(prefix="fondsengine-demo-") as tmp:
        for path in sorted(source.glob("*.yaml")):
            (Path(tmp) / path.name).write_text(shifted_text(path.read_text("utf-8"), k), "utf-8")
        load_funds(fonds, Actor.scheduler(), tmp, workflows_dir(fonds.settings))
