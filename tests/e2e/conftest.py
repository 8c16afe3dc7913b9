"""End-to-end fixtures: Debian's Chromium, one local server, a fresh SQLite file per test."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from tests.web.builders import PASSWORD, World, build_world, migrated_template

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
# screenshots for a person to look at cost about a second per page: taken only when asked for
TAKE_SHOTS = os.environ.get("FONDS_SCREENSHOTS", "") not in ("", "0")
BROWSER_LOCALE = "de-DE"  # contexts a test opens itself pass it too (browser.new_context(locale=...))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class Dispatcher:
    """The server's WSGI app; each test plugs in its own Flask app."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # a German browser (Accept-Language de-DE), as most residents have: the pages follow it (webapp/i18n.py)
    return {**browser_context_args, "locale": BROWSER_LOCALE}


@pytest.fixture(scope="session")
def dispatcher() -> Dispatcher:
    return Dispatcher()


@pytest.fixture(scope="session")
def base_url(dispatcher: Dispatcher) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("e2e-template"))


@pytest.fixture()
def world(template_db: Path, tmp_path: Path, dispatcher: Dispatcher, base_url: str) -> Iterator[World]:
    w = build_world(template_db, tmp_path, upload_max_bytes=300 * 1024, base_url=base_url)
    dispatcher.app = w.app
    yield w
    w.fonds.db.dispose()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


class Checker:
    """Runs axe-core on every page a test visits and takes the screenshots."""

    def __init__(self, page: Page, axe: Axe) -> None:
        self.page, self.axe = page, axe
        self.visited: list[str] = []

    def check(self, shot: str | None = None) -> None:
        """Assert zero axe violations on the current page; optionally save phone and desktop shots."""
        results = self.axe.run(self.page)
        assert results.violations_count == 0, results.generate_report()
        self.visited.append(self.page.url)
        if shot and TAKE_SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            (ROOT / "artifacts" / ".gitignore").write_text("*\n")
            size = self.page.viewport_size or {"width": 1280, "height": 800}
            for width in (390, 1280):
                self.page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
                self.page.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)
            self.page.set_viewport_size(size)


@pytest.fixture()
def a11y(page: Page, axe: Axe) -> Checker:
    return Checker(page, axe)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would."""
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label(re.compile(r"^Passwort")).fill(password)
    page.get_by_role("button", name="Anmelden").click()


@pytest.fixture()
def other_pages(browser: Browser, base_url: str) -> Iterator[list[BrowserContext]]:
    """Browser contexts for other people (each their own device and login), closed after the test."""
    contexts: list[BrowserContext] = []
    yield contexts
    for context in contexts:
        context.close()


def device(browser: Browser, base_url: str, contexts: list[BrowserContext], email: str) -> Page:
    """Another person's own browser, logged in."""
    context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    contexts.append(context)
    page = context.new_page()
    log_in(page, email)
    return page
