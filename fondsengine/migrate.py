"""Running the Alembic migrations from code (CLI, tests, demo) and reading the schema revision.

Alembic is imported only to migrate: the web app's `/readyz` compares the database's revision
with `head_revision()`, which reads the revision files itself (alembic and the migration
modules would add about 15 MiB to every web worker)."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped inside the package (and the wheel)


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate a database to the newest schema."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision of the shipped migrations (the one no other revision follows)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        values = _revision_values(path)
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        if isinstance(down, str):
            followed.add(down)
        elif isinstance(down, tuple | list):
            followed.update(str(d) for d in down)
    heads = revisions - followed
    if len(heads) == 1:
        return heads.pop()
    return alembic_head()  # none or several heads: let alembic decide (it reports branches)


def alembic_head() -> str:
    """The head revision as alembic computes it (imports alembic and every migration module)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("")).get_current_head() or ""


def _revision_values(path: Path) -> dict[str, object]:
    """The literal module-level `revision` and `down_revision` of a migration file, without importing it."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return found


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: not migrated at all)."""
    with engine.execution_options(fonds_readonly=True).connect() as conn:  # no write lock on SQLite
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
