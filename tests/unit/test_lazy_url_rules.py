"""URL rules compile their builders on first use (webapp/routing.py) and build the URLs werkzeug builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import url_for
from werkzeug.routing import Map, Rule

from fondsengine.config import load_settings
from webapp import create_app
from webapp.routing import LazyBuildRule

PATTERNS: list[tuple[str, dict[str, Any]]] = [
    ("/", {}),
    ("/verwaltung/antraege/<int:app_id>", {}),
    ("/a/<int:year>/<path:rest>", {}),
    ("/liste/<int:page>", {"defaults": {"page": 1}}),
    ("/f/<string(length=2):code>/ä ö", {}),
    ("/sub", {"subdomain": "<kiez>"}),
]
VALUES: list[dict[str, Any]] = [
    {},
    {"app_id": 7},
    {"app_id": 7, "q": "Gärten & Höfe", "seite": [1, 2]},
    {"year": 2026, "rest": "x/y z"},
    {"page": 1},
    {"page": 3, "sort": "neu"},
    {"code": "de"},
    {"code": "toolong"},  # the converter refuses it: no URL
    {"kiez": "nord", "x": "1"},
]


def _bindable(rule_class: type[Rule]) -> Map:
    return Map([rule_class(p, endpoint=str(i), **opts) for i, (p, opts) in enumerate(PATTERNS)])


def _compiled(rule: Rule) -> list[Any]:
    cell = rule._build.__func__.__closure__  # type: ignore[attr-defined]
    return list(cell[1].cell_contents) if cell else ["eager"]


def _outcome(rule: Rule, values: dict[str, Any], unknown: bool) -> object:
    """The built (domain, path), None when a converter refuses a value, or the error for a missing one."""
    try:
        return rule.build(values, unknown)
    except TypeError as exc:
        return ("TypeError", str(exc).split("(")[-1])


def test_lazy_rules_build_the_urls_werkzeug_builds_and_compile_only_when_used() -> None:
    eager, lazy = _bindable(Rule), _bindable(LazyBuildRule)
    assert all(not _compiled(r) for r in lazy.iter_rules())
    for eager_rule, lazy_rule in zip(eager.iter_rules(), lazy.iter_rules(), strict=True):
        for values in VALUES:
            for unknown in (True, False):
                assert _outcome(lazy_rule, values, unknown) == _outcome(eager_rule, values, unknown), values
    assert all(_compiled(r) for r in lazy.iter_rules())
    urls = [lazy.bind("example.org").build(str(i), v) for i, v in ((1, {"app_id": 3, "q": "a b"}), (3, {}))]
    assert urls == ["/verwaltung/antraege/3?q=a+b", "/liste/1"]


def _value(rule: Rule, name: str) -> Any:
    """A value the rule's converter for `name` accepts."""
    converter = rule._converters[name]
    items = getattr(converter, "items", None)
    if items:
        return sorted(items)[0]
    return 12  # every other converter of the app takes a number (ids, years, pages) or any text


def test_the_apps_rules_are_lazy_and_build_as_before(tmp_path: Path) -> None:
    settings = load_settings(
        environ={}, database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="k" * 32,
        instance_path=str(tmp_path / "instance"), mail_backend="console",
    )  # fmt: skip
    app = create_app(settings)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) > 100 and all(isinstance(r, LazyBuildRule) for r in rules)
    eager = Map([Rule(r.rule, endpoint=r.endpoint, defaults=r.defaults, methods=r.methods) for r in rules])
    eager.converters.update(app.url_map.converters)
    eager_urls = eager.bind("localhost")
    with app.test_request_context():
        for rule in rules:
            values = {name: _value(rule, name) for name in rule.arguments}
            assert url_for(rule.endpoint, **values, extra="1") == eager_urls.build(
                rule.endpoint, {**values, "extra": "1"}
            ), rule.rule
