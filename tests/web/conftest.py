"""Fixtures of the Flask test-client tests: a fresh SQLite file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.builders import PASSWORD, World, build_world, migrated_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("template"))


@pytest.fixture()
def world(template_db: Path, tmp_path: Path) -> Iterator[World]:
    w = build_world(template_db, tmp_path)
    w.app.config["WTF_CSRF_ENABLED"] = False
    yield w
    w.fonds.db.dispose()


def login(client: FlaskClient, email: str) -> None:
    """Log in through the real login form."""
    response = client.post("/anmelden", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


@pytest.fixture()
def client(world: World) -> FlaskClient:
    return world.app.test_client()
