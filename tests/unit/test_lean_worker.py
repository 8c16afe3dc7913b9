"""Lean web workers: heavy libraries load when a letter, report, export or upload needs them;
the schema head is read without alembic; database pools can be handed across a fork."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from fondsengine.cli import entry, main
from fondsengine.db import close_all_connections, forget_inherited_connections, make_engine
from fondsengine.migrate import alembic_head, head_revision, upgrade
from tests.support.serving import clean_env, instance_env, run_cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("reportlab", "openpyxl", "pypdf", "PIL", "boto3", "botocore", "alembic")


def _modules_after(code: str, tmp_path: Path) -> dict[str, bool]:
    """Run `code` in a fresh interpreter and report which heavy modules it left in sys.modules."""
    probe = f"import json, sys\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    env = clean_env(secret_key="k" * 32, instance_path=str(tmp_path / "instance"),
                    database_url=f"sqlite:///{tmp_path / 'x.db'}", mail_backend="console")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_and_warming_the_web_app_imports_no_pdf_spreadsheet_image_s3_or_migration_library(
    tmp_path: Path,
) -> None:
    loaded = _modules_after(
        "from fondsengine.config import load_settings\n"
        "import webapp\n"
        "app = webapp.create_app(load_settings())\n"
        "webapp.warm(app)\n"
        "from fondsengine.letters import LETTER_KINDS, check_template, placeholders_for\n"
        "assert check_template('{project_title}', 'approval') == [] and placeholders_for() and LETTER_KINDS\n"
        "from fondsengine.migrate import head_revision\n"
        "assert head_revision()\n",
        tmp_path,
    )
    assert not any(loaded.values()), f"loaded with the web app: {[m for m, hit in loaded.items() if hit]}"


def test_rendering_a_letter_loads_reportlab_on_demand(tmp_path: Path) -> None:
    loaded = _modules_after(
        "from fondsengine.letters import render_letter\n"
        "from fondsengine.letters.samples import sample_approval, sample_context\n"
        "pdf = render_letter('approval', sample_context(), sample_approval())\n"
        "assert pdf.startswith(b'%PDF')\n",
        tmp_path,
    )
    assert loaded["reportlab"]


def test_the_schema_head_read_from_the_revision_files_is_the_one_alembic_computes() -> None:
    assert head_revision() == alembic_head() != ""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_gets_a_fresh_pool_and_leaves_the_parents_connection_alone(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fork.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (who TEXT)"))
    with engine.connect() as conn:  # back in the pool at the fork: a child must not pick it up
        parent_dbapi = conn.connection.dbapi_connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: what gunicorn's post_fork does, then work on its own connection
        code = 1
        try:
            os.close(read)
            forget_inherited_connections()
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES ('child')"))
                mine = conn.connection.dbapi_connection
            os.write(write, b"new" if mine is not parent_dbapi else b"inherited")
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    answer = os.read(read, 20)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and answer == b"new"
    with engine.connect() as conn:  # the parent's own connection still works
        assert conn.connection.dbapi_connection is parent_dbapi
        assert conn.execute(text("SELECT who FROM t")).scalars().all() == ["child"]
    assert engine.pool.checkedin() == 1
    assert close_all_connections() >= 1
    assert engine.pool.checkedin() == 0  # closed before a fork; the engine connects again on demand
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
    engine.dispose()


def test_serve_preloads_the_app_by_default_and_an_operator_can_switch_it_off() -> None:
    from fondsengine.config import load_settings
    from fondsengine.ops.serve import gunicorn_options, post_fork

    default = gunicorn_options(load_settings(environ={}))
    assert default["preload_app"] is True and default["post_fork"] is post_fork
    off = gunicorn_options(load_settings(environ={"FONDS_SERVE_PRELOAD": "false"}))
    assert off["preload_app"] is False


# What the master of `fondsengine serve` does before it forks (FondsServer.load with preload), in a fresh
# interpreter, counting the documents PyYAML's pure Python composer reads and the collector's runs while
# it is paused (automatic runs cannot happen then, so these are the explicit ones).
_PRELOAD_PROBE = """
import gc, json, sys
import yaml.composer
python_documents = []
composed = yaml.composer.Composer.compose_document
def counting(self):
    python_documents.append(1)
    return composed(self)
yaml.composer.Composer.compose_document = counting
collections = []
def seen(phase, info):
    if phase == "start" and not gc.isenabled():
        collections.append(info["generation"])
gc.callbacks.append(seen)
from fondsengine.config import load_settings
from fondsengine.ops.serve import FondsServer, prepared_settings
sys.argv = sys.argv[:1]
app = FondsServer(prepared_settings(load_settings())).load()
catalog = app.extensions["fonds"].catalog
paused = list(collections)
frozen = gc.get_freeze_count()
gc.unfreeze()
print(json.dumps({
    "python_documents": len(python_documents), "guidelines": len(catalog._guidelines),
    "workflows": len(catalog._workflows), "collections_while_paused": paused,
    "collector_on": gc.isenabled(), "frozen": frozen > 50_000, "garbage_below_1000": gc.collect() < 1000,
}))
"""


def test_the_preloading_master_parses_the_funds_with_libyaml_and_freezes_without_a_collection(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ready.db'}"
    upgrade(url)
    env = instance_env(tmp_path, url)
    loaded = run_cli("funds", "load", env=env)  # through the console script (fondsengine.cli.entry)
    assert loaded.returncode == 0, loaded.stderr
    done = subprocess.run(
        [sys.executable, "-c", _PRELOAD_PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures == {
        "python_documents": 0,  # both guidelines and both workflows went through libyaml
        "guidelines": 2,
        "workflows": 2,
        "collections_while_paused": [],  # no collection: what was loaded is frozen as it is
        "collector_on": True,
        "frozen": True,  # everything loaded (more than 50,000 objects)
        "garbage_below_1000": True,  # loading left next to no cyclic garbage behind (about 540 objects; the
        # guideline reader's recursive closure once kept ~3,400 objects of every read alive)
    }


def test_the_console_script_pauses_the_collector_only_while_it_loads_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[bool, bool]] = []

    def command() -> int:
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return 7

    monkeypatch.setattr(main, "main", command)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    try:
        assert entry.main() == 7 and seen == [(True, True)] and gc.isenabled()  # what it loaded was frozen
    finally:
        gc.unfreeze()  # this test process's objects are collected again
