"""People and roles: the office gives roles per fund (inviting new people) and takes them away at once."""

from __future__ import annotations

import html

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.engine import Actor
from fondsengine.model import Membership, User
from fondsengine.workflow.names import ROLES
from tests.web.builders import PASSWORD, QF, World
from tests.web.conftest import login


def test_giving_a_jury_role_to_a_new_person_creates_the_account_without_a_password(
    world: World, client: FlaskClient
) -> None:
    login(client, "buero@example.org")
    response = client.post(
        "/verwaltung/rollen",
        data={"fonds": QF, "email": "neu@example.org", "name": "Nora Neu", "role": "jury_member", "group": "resident"},
    )
    assert response.status_code == 302
    with world.fonds.db.read() as s:
        user = s.scalars(select(User).where(User.email == "neu@example.org")).one()
        membership = s.scalars(select(Membership).where(Membership.user_id == user.id)).one()
        assert (user.name, user.password_hash) == ("Nora Neu", None)
        assert (membership.fund_id, membership.role, membership.group) == (QF, "jury_member", "resident")
    page = client.get(f"/verwaltung/rollen?fonds={QF}").get_data(as_text=True)
    assert "Nora Neu" in page and "Jurymitglied (Bewohnerinnen und Bewohner (ausgelost))" in page


def test_a_missing_role_is_named_in_the_error_summary(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    response = client.post("/verwaltung/rollen", data={"fonds": QF, "email": "neu@example.org"})
    assert response.status_code == 400
    assert 'href="#f-role">Bitte wählen Sie eine Rolle.' in response.get_data(as_text=True)


def test_a_revoked_manager_role_takes_effect_immediately(world: World, client: FlaskClient) -> None:
    colleague = create_user(world.fonds, name="Kai Kollege", email="kai@example.org", password=PASSWORD, confirmed=True)
    grant_role(world.fonds, Actor.scheduler(), user_id=colleague, fund_id=QF, role="manager")
    other = world.app.test_client()
    login(other, "kai@example.org")
    assert other.get(f"/verwaltung/?fonds={QF}").status_code == 200
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/rollen?fonds={QF}").get_data(as_text=True)
    assert "Geschäftsführung von Kai Kollege entziehen" in page
    assert "Geschäftsführung von Innenstadt-Büro entziehen" not in page

    response = client.post(
        "/verwaltung/rollen/entziehen", data={"fonds": QF, "user_id": str(colleague), "role": "manager"}
    )

    assert response.status_code == 302
    assert other.get(f"/verwaltung/?fonds={QF}").status_code == 403


def test_people_who_do_not_manage_the_fund_cannot_give_roles(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    data = {"fonds": QF, "email": "anna@example.org", "role": "manager"}
    assert client.post("/verwaltung/rollen", data=data).status_code == 403
    assert client.get("/verwaltung/rollen").status_code == 403
    with world.fonds.db.read() as s:
        assert s.scalars(select(Membership).where(Membership.user_id == world.anna)).all() == []


def test_a_new_person_is_invited_by_mail_and_sets_a_password_with_the_link(world: World, client: FlaskClient) -> None:
    import re

    login(client, "buero@example.org")
    world.mailer.sent.clear()
    response = client.post(
        "/verwaltung/rollen",
        data={
            "fonds": QF,
            "email": "jule@example.org",
            "name": "Jule Jury",
            "role": "jury_member",
            "group": "resident",
        },
    )
    assert response.status_code == 302
    (mail,) = world.mailer.to("jule@example.org")
    assert mail.subject.startswith("Einladung: Jurymitglied")
    link = re.search(r"https?://[^\s]+/passwort-neu/[^\s\"<]+", mail.text)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    client.post("/abmelden")
    set_pw = client.post("/" + path, data={"password": "jule-neues-passwort", "password2": "jule-neues-passwort"})
    assert set_pw.status_code == 302
    assert (
        client.post("/anmelden", data={"email": "jule@example.org", "password": "jule-neues-passwort"}).status_code
        == 302
    )
    client.post("/abmelden")
    client.post("/" + path, data={"password": "noch-ein-passwort", "password2": "noch-ein-passwort"})
    # the link works only once: the second password was not taken
    assert (
        client.post("/anmelden", data={"email": "jule@example.org", "password": "noch-ein-passwort"}).status_code == 400
    )
    # an existing account with a password gets no invitation
    world.mailer.sent.clear()
    login(client, "buero@example.org")
    client.post("/verwaltung/rollen", data={"fonds": QF, "email": "anna@example.org", "role": "auditor"})
    assert world.mailer.to("anna@example.org") == []


def test_a_new_address_without_a_name_creates_nobody_and_names_the_field(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    data = {"fonds": QF, "email": "ohne-name@example.org", "role": "auditor"}
    response = client.post("/verwaltung/rollen", data=data)
    assert response.status_code == 400
    assert 'href="#f-name">Bitte geben Sie den Namen der neuen Person an.' in response.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert s.scalars(select(User).where(User.email == "ohne-name@example.org")).all() == []


def test_an_unreadable_address_is_refused_before_anything_is_written(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    with world.fonds.db.read() as s:
        before = len(s.scalars(select(User)).all())
    response = client.post(
        "/verwaltung/rollen", data={"fonds": QF, "email": "kein-at-zeichen", "name": "X", "role": "auditor"}
    )
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert len(s.scalars(select(User)).all()) == before


def test_the_roles_page_names_each_role_as_the_workflow_refusals_do(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/rollen?fonds={QF}").get_data(as_text=True)
    for role in ("manager", "jury_member", "city_approver", "auditor"):
        assert f'<option value="{role}">{html.escape(ROLES[role], quote=False)}</option>' in page
    assert "Bewilligungsstelle der Stadt" in page and "Bewilligung durch die Stadt" not in page
