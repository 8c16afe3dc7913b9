"""The web tests' apps share compiled template code (tests/support/templates.py): a later app takes
the code an earlier one compiled, a changed source is compiled anew, and an app with other compile
options does not get code compiled under different ones."""

from __future__ import annotations

import uuid

from flask import Flask
from jinja2 import DictLoader

from tests.support.templates import share_compiled_templates


def _app(sources: dict[str, str], **jinja: object) -> Flask:
    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, **jinja}
    app.jinja_env.loader = DictLoader(sources)
    return app


def test_a_later_app_uses_the_code_an_earlier_app_compiled_and_a_changed_source_is_compiled_anew() -> None:
    page = f"seite-{uuid.uuid4().hex}.html"  # a name no other test of this process has compiled
    first = _app({page: "Hallo {{ name }}!"})
    cache = share_compiled_templates(first)
    hits = cache.hits
    assert first.jinja_env.get_template(page).render(name="Anna") == "Hallo Anna!"
    assert cache.hits == hits  # compiled here, stored for the next app

    second = _app({page: "Hallo {{ name }}!"})
    assert share_compiled_templates(second) is cache
    assert second.jinja_env.get_template(page).render(name="Bert") == "Hallo Bert!"
    assert cache.hits == hits + 1

    changed = _app({page: "Guten Tag, {{ name }}."})
    share_compiled_templates(changed)
    assert changed.jinja_env.get_template(page).render(name="Anna") == "Guten Tag, Anna."
    assert cache.hits == hits + 1  # the stored code belonged to another source: not used


def test_an_app_with_other_compile_options_gets_its_own_store() -> None:
    plain = _app({"zeilen.html": "  {% if true %}\nja\n  {% endif %}\n"})
    share_compiled_templates(plain)
    assert plain.jinja_env.get_template("zeilen.html").render() == "  \nja\n  "

    trimmed = _app({"zeilen.html": "  {% if true %}\nja\n  {% endif %}\n"}, trim_blocks=True, lstrip_blocks=True)
    assert share_compiled_templates(trimmed) is not share_compiled_templates(plain)
    assert trimmed.jinja_env.get_template("zeilen.html").render() == "ja\n"
