"""Build hook: the wheel carries the shipped guideline and workflow files as fondsengine/shipped/,
and the message catalogues compiled (.po -> .mo; the .mo files are not in git).

Everything else is declared in pyproject.toml. In the checkout (editable install) the files are
read from richtlinien/ and workflows/ directly (fondsengine/shipped.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("richtlinien", "workflows")
CATALOGUES = ("webapp/translations", "fondsengine/translations")


def compile_catalogues(root: Path) -> list[Path]:
    """Compile every <root>/<package>/translations/<lang>/LC_MESSAGES/*.po next to itself (make translations)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for folder in CATALOGUES:
        for po in sorted((root / folder).glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo)
    return written


class BuildWithShippedFiles(build_py):
    """Copy richtlinien/*.yaml and workflows/*.yaml into the built package; compile the catalogues there."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout compiles its catalogues with `make translations`
        compile_catalogues(Path(self.build_lib))
        for name in SHIPPED:
            target = Path(self.build_lib) / "fondsengine" / "shipped" / name
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((HERE / name).glob("*.yaml")):
                shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": BuildWithShippedFiles})
