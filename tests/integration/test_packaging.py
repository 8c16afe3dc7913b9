"""The wheel as an operator installs it: a fresh venv outside the checkout migrates, loads the funds, serves."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support.serving import SECRET, children, clean_env, free_port, run_cli, serving

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "instance", "artifacts", "__pycache__", ".*_cache", "tests",
    "bench",
    "*.mo",  # compiled catalogues are not in git: the build must compile them (setup.py)
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_installs_into_a_fresh_venv_and_migrates_loads_and_serves_outside_the_checkout(
    tmp_path: Path, wheel: Path
) -> None:
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
    for lang in ("en", "tr"):  # the catalogues, compiled by the build (docs/i18n.md)
        assert f"webapp/translations/{lang}/LC_MESSAGES/messages.mo" in names
        for domain in ("mails", "workflows"):
            assert f"fondsengine/translations/{lang}/LC_MESSAGES/{domain}.mo" in names

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
        turkish = httpx.get(server.url + "/", headers={"Accept-Language": "tr"}, timeout=30)
        assert '<html lang="tr"' in turkish.text and "Mahalledeki fikriniz için para" in turkish.text
        assert httpx.get(server.url + "/readyz", timeout=30).json()["status"] == "ok"
        css = next(n for n in names if n.startswith("webapp/static/") and n.endswith(".css"))
        assert httpx.get(server.url + "/static/" + css.removeprefix("webapp/static/"), timeout=30).status_code == 200
        assert server.stop() == 0


def _exec_start(unit: str, venv: Path) -> list[str]:
    """The ExecStart command of a unit in deploy/, pointed at the test's venv."""
    text = (ROOT / "deploy" / unit).read_text(encoding="utf-8")
    (line,) = [row for row in text.splitlines() if row.startswith("ExecStart=")]
    return line.removeprefix("ExecStart=").replace("/opt/fondsengine/venv", str(venv)).split()


@pytest.mark.postgres
def test_the_deploy_files_install_migrate_and_run_web_with_four_workers_and_the_scheduler_on_postgresql(
    tmp_path: Path, wheel: Path, pg_url: str
) -> None:
    venv = _venv_with_wheel(tmp_path, wheel)  # stands in for `python3 -m venv` (dependencies offline)
    home = tmp_path / "var-lib-fondsengine"
    home.mkdir()
    port = free_port()
    env_file = tmp_path / "fondsengine.env"
    example = (ROOT / "deploy" / "fondsengine.env.example").read_text(encoding="utf-8")
    values = {
        "FONDS_INSTANCE_PATH": str(home / "instance"), "FONDS_DATABASE_URL": pg_url, "FONDS_SECRET_KEY": SECRET,
        "FONDS_BASE_URL": f"http://127.0.0.1:{port}", "FONDS_UPLOAD_DIR": str(home / "uploads"),
        "FONDS_MAIL_BACKEND": "mailbox", "FONDS_SERVE_BIND": f"127.0.0.1:{port}", "FONDS_SECURE_COOKIES": "false",
    }  # fmt: skip
    lines = []
    for row in example.splitlines():  # the example file with this machine's values
        key = row.split("=", 1)[0]
        if key in values:
            row = f"{key}={values.pop(key)}"
        elif key.startswith(("FONDS_SMTP", "FONDS_MAIL_FROM")):
            continue
        lines.append(row)
    lines += [f"{k}={v}" for k, v in values.items()]
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    env = clean_env()
    env.pop("PYTHONPATH", None)
    env.update(FONDSENGINE_VENV=str(venv), FONDSENGINE_ENV_FILE=str(env_file))
    env["PIP_INSTALL_OPTIONS"] = "--no-deps --no-index"
    installed = subprocess.run(
        ["sh", str(ROOT / "deploy" / "install.sh"), str(wheel)], cwd=home, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "witten-quartiersfonds: neue Version" in installed.stdout and "Installiert." in installed.stdout

    service_env = clean_env()
    service_env.pop("PYTHONPATH", None)
    for row in env_file.read_text(encoding="utf-8").splitlines():  # what systemd's EnvironmentFile= does
        if row and not row.startswith("#"):
            key, _, value = row.partition("=")
            service_env[key] = value
    web_cmd = _exec_start("fondsengine-web.service", venv)
    scheduler_cmd = _exec_start("fondsengine-scheduler.service", venv)
    assert "FONDS_SERVE_WORKERS=4" in lines and "FONDS_PROXY_COUNT=1" in lines
    log = open(tmp_path / "services.log", "wb")  # noqa: SIM115
    web = subprocess.Popen(web_cmd, cwd=home, env=service_env, stdout=log, stderr=subprocess.STDOUT)
    scheduler = subprocess.Popen(scheduler_cmd, cwd=home, env=service_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(url + "/readyz", timeout=5)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert ready is not None and ready.status_code == 200, (tmp_path / "services.log").read_text()
        deadline = time.monotonic() + 60
        while len(children(web.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert len(children(web.pid)) == 4
        home_page = httpx.get(url + "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
        assert home_page.status_code == 200
        assert scheduler.poll() is None  # the scheduler keeps running
        web.send_signal(signal.SIGTERM)
        scheduler.send_signal(signal.SIGTERM)
        assert web.wait(timeout=60) == 0
        assert scheduler.wait(timeout=60) in (0, -signal.SIGTERM)  # systemd counts both as a clean stop
    finally:
        for process in (web, scheduler):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        log.close()
    text = (tmp_path / "services.log").read_text(encoding="utf-8")
    assert "Scheduler startet" in text and "Shutting down: Master" in text
