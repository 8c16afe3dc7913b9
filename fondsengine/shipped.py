"""Where the shipped guideline and workflow files are read from.

The settings `richtlinien_dir` / `workflows_dir` default to `richtlinien` / `workflows`. A relative
directory that exists (the checkout, or an office's own folder in the working directory) is used
as it is; otherwise the copy inside the installed package (`fondsengine/shipped/`, put there
when the wheel is built) is used, so an installed fondsengine loads the Witten funds anywhere."""

from __future__ import annotations

from pathlib import Path

from fondsengine.config import Settings

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def shipped_dir(name: str) -> Path:
    """The shipped folder `richtlinien` or `workflows`: inside the wheel, else in the checkout."""
    inside = PACKAGE / "shipped" / name
    return inside if inside.is_dir() else CHECKOUT / name


def _resolve(configured: str, default: str) -> Path:
    path = Path(configured)
    if path.is_dir() or path.is_absolute() or configured != default:
        return path
    return shipped_dir(default)


def richtlinien_dir(settings: Settings) -> Path:
    """The guideline folder the settings name (falling back to the shipped one)."""
    return _resolve(settings.richtlinien_dir, "richtlinien")


def workflows_dir(settings: Settings) -> Path:
    """The workflow folder the settings name (falling back to the shipped one)."""
    return _resolve(settings.workflows_dir, "workflows")
