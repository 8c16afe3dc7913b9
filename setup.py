"""Build hook: the wheel carries the shipped guideline and workflow files as fondsengine/shipped/.

Everything else is declared in pyproject.toml. In the checkout (editable install) the files are
read from richtlinien/ and workflows/ directly (fondsengine/shipped.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("richtlinien", "workflows")


class BuildWithShippedFiles(build_py):
    """Copy richtlinien/*.yaml and workflows/*.yaml into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SHIPPED:
            target = Path(self.build_lib) / "fondsengine" / "shipped" / name
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((HERE / name).glob("*.yaml")):
                shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": BuildWithShippedFiles})
