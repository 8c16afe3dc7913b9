"""Compiled templates kept in the instance folder between starts (webapp/template_cache.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jinja2 import DictLoader, Environment

from tests.web.builders import World
from webapp import create_app
from webapp.template_cache import TemplateCache, cache_folder


def _app(world: World) -> Flask:
    """A new app on the world's settings (its instance folder), as a new server process builds it."""
    return create_app(world.fonds.settings, fonds=world.fonds, mailer=world.mailer)


def _counting_compiles(env: Environment) -> list[str]:
    """The names of the templates the environment compiles from now on."""
    compiled: list[str] = []
    original = env.compile

    def compile(source: str, name: str | None = None, filename: str | None = None, **kw: Any) -> Any:
        compiled.append(str(name))
        return original(source, name, filename, **kw)

    env.compile = compile  # type: ignore[method-assign,assignment]
    return compiled


def test_a_new_app_reads_the_templates_the_last_one_compiled_from_the_instance_folder(world: World) -> None:
    first = _app(world)
    compiled_first = _counting_compiles(first.jinja_env)
    page = first.test_client().get("/")
    assert page.status_code == 200
    assert compiled_first == ["public/index.html", "base.html"]  # the start page and its layout
    folder = cache_folder(first, world.fonds.settings.instance_path)
    assert folder.parent == Path(world.fonds.settings.instance_path) / "cache"
    assert len(list(folder.glob("__jinja2_*.cache"))) == len(compiled_first)
    assert folder.stat().st_mode & 0o777 == 0o700

    second = _app(world)
    compiled_second = _counting_compiles(second.jinja_env)
    again = second.test_client().get("/")
    assert compiled_second == []  # everything came from the cache
    assert again.get_data(as_text=True) == page.get_data(as_text=True)


def test_an_edited_template_is_compiled_anew_and_the_cache_keeps_the_new_code(tmp_path: Path) -> None:
    def render(source: str) -> tuple[str, list[str]]:
        env = Environment(loader=DictLoader({"page.html": source}), bytecode_cache=TemplateCache(str(tmp_path)))
        compiled = _counting_compiles(env)
        return env.get_template("page.html").render(n=2), compiled

    assert render("alt {{ n }}") == ("alt 2", ["page.html"])
    assert render("alt {{ n }}") == ("alt 2", [])
    assert render("neu {{ n * 2 }}") == ("neu 4", ["page.html"])  # the source's checksum differs
    assert render("neu {{ n * 2 }}") == ("neu 4", [])


def test_a_cache_folder_that_cannot_be_written_leaves_the_pages_as_they_were(world: World) -> None:
    app = _app(world)
    folder = cache_folder(app, world.fonds.settings.instance_path)
    shutil.rmtree(folder)  # gone after the start: every write fails
    page = app.test_client().get("/")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert not folder.exists()


def test_an_instance_folder_without_room_for_the_cache_builds_the_app_without_one(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    instance = Path(world.fonds.settings.instance_path)
    shutil.rmtree(instance / "cache")
    (instance / "cache").write_text("a file where the folder would be", encoding="utf-8")
    with caplog.at_level("INFO", logger="webapp.template_cache"):
        app = _app(world)
    assert app.jinja_env.bytecode_cache is None
    assert any("Kein Vorlagen-Zwischenspeicher" in r.getMessage() for r in caplog.records)
    assert app.test_client().get("/").status_code == 200
