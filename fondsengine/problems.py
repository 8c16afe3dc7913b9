"""A problem found while loading a data file (guideline or workflow), with its line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a file: where it is and what is wrong, in plain German."""

    file: str
    line: int  # 1-based line number; 0 when the problem concerns the whole file
    message: str

    def format(self) -> str:
        """The problem as `file:line: message`."""
        return f"{self.file}:{self.line}: {self.message}"
