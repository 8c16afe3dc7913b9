"""The wheel as an operator installs it: a fresh venv outside the checkout migrates, loads the funds, serves."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support.serving import SECRET, clean_env, run_cli, serving

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "instance", "artifacts", "__pycache__", ".*_cache", "tests", "bench"
)


def _build_wheel(tmp: Path) -> Path:
    """Build from a copy of the sources (no stale build/ folder, nothing written into the checkout)."""
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    out = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out),
         str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (wheel,) = out.glob("fondsengine-*.whl")
    return wheel


def _venv_with_wheel(tmp: Path, wheel: Path) -> Path:
    """A new venv whose dependencies come from the project's venv (a .pth line), fondsengine from the wheel."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # only the plain directory: the editable fondsengine's own .pth there is not processed
    (Path(site) / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return venv


def test_the_wheel_installs_into_a_fresh_venv_and_migrates_loads_and_serves_outside_the_checkout(
    tmp_path: Path,
) -> None:
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "fondsengine/migrations/env.py", "fondsengine/migrations/versions/0001_initial_schema.py",
        "fondsengine/shipped/richtlinien/witten-quartiersfonds.yaml",
        "fondsengine/shipped/workflows/bewohnerfonds.yaml",
        "webapp/templates/base.html", "fondsengine/py.typed",
    ):  # fmt: skip
        assert expected in names
    assert any(n.startswith("fondsengine/letters/fonts/") and n.endswith(".ttf") for n in names)
    assert any(n.startswith("webapp/static/") for n in names)

    venv = _venv_with_wheel(tmp_path, wheel)
    exe = str(venv / "bin" / "fondsengine")
    office = tmp_path / "buero"  # an operator's folder: no checkout, no richtlinien/ here
    office.mkdir()
    env = clean_env(secret_key=SECRET, secure_cookies="false", mail_backend="console")
    env.pop("PYTHONPATH", None)

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import fondsengine, webapp; print(fondsengine.__file__, webapp.__file__)"],  # noqa: E501
        cwd=office, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert all(path.startswith(str(venv)) for path in where), where

    assert run_cli("--version", env=env, cwd=office, exe=exe).stdout.strip() == "fondsengine 0.1.0"
    upgraded = run_cli("db", "upgrade", env=env, cwd=office, exe=exe)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (office / "instance" / "fondsengine.db").is_file()
    loaded = run_cli("funds", "load", env=env, cwd=office, exe=exe)
    assert loaded.returncode == 0, loaded.stderr
    assert "witten-quartiersfonds: neue Version" in loaded.stdout and "witten-cityfonds: neue Version" in loaded.stdout
    checked = run_cli("check", env=env, cwd=office, exe=exe)
    assert "4 Datei(en) geprüft" in checked.stdout

    with serving(env, tmp_path, "--workers", "1", exe=exe, cwd=office) as server:
        home = httpx.get(server.url + "/", timeout=30)
        assert home.status_code == 200 and "Dein Projektgeld" in home.text
        assert httpx.get(server.url + "/readyz", timeout=30).json()["status"] == "ok"
        css = next(n for n in names if n.startswith("webapp/static/") and n.endswith(".css"))
        assert httpx.get(server.url + "/static/" + css.removeprefix("webapp/static/"), timeout=30).status_code == 200
        assert server.stop() == 0
