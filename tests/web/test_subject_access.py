"""DSGVO Art. 15: a resident downloads everything about them as JSON, and nothing of anyone else."""

from __future__ import annotations

import json

from tests.support.public import SECRETS, seed
from tests.web.builders import World
from tests.web.conftest import login


def test_a_resident_downloads_their_own_data_without_secrets_or_other_peoples_data(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert "/konto/meine-daten.json" in client.get("/konto").get_data(as_text=True)
    response = client.get("/konto/meine-daten.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "anna@example.org" and data["account"]["name"] == "Anna Beispiel"
    for secret in ("password_hash", "totp_secret", "totp_recovery"):
        assert secret not in data["account"]
    [app] = data["applications"]
    assert app["id"] == seeded.released and app["cost_items"] and app["attachments"][0]["original_name"] == "fest.png"
    assert "stored_name" not in app["attachments"][0]
    assert app["publication_consents"][0]["photo_consent_by"] == "alle abgebildeten Personen"
    assert any(e["action"] == "record_publication_consent" for e in data["audit_events"])
    text = response.get_data(as_text=True)
    for value in SECRETS.values():  # Bert's application is not Anna's data
        assert value not in text
    assert client.get("/konto/meine-daten.json").status_code == 200


def test_the_download_needs_a_login(world: World) -> None:
    response = world.app.test_client().get("/konto/meine-daten.json")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
