"""Organisations on both databases: members are co-applicants who see and edit the organisation's
applications; only the representative manages the members; outsiders learn nothing."""

from __future__ import annotations

import pytest

from fondsengine.accounts import organisations as orgs
from fondsengine.applications import service as apps
from fondsengine.applications.queries import get_application
from fondsengine.applications.records import applications_of
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from tests.integration.test_jury_support import uid
from tests.support.factories import person, quartiersfonds_input

QF = "witten-quartiersfonds"


def test_a_member_of_the_organisation_sees_and_edits_its_draft_and_submits_it(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    carla = person(fonds, "Carla Mitantrag", "carla@example.org")
    org = orgs.create_organisation(fonds, anna, "Nachbarschaftsverein Wiesenviertel", "association")
    orgs.add_organisation_member(fonds, anna, org, "Carla@Example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input(title="Hoffest"))
    with pytest.raises(NotFound):  # before the link Carla does not see it
        get_application(fonds, carla, app_id)
    orgs.link_organisation(fonds, anna, app_id, org)
    assert get_application(fonds, carla, app_id).organisation == "Nachbarschaftsverein Wiesenviertel"
    assert [a.id for a in applications_of(fonds, carla)] == [app_id]
    apps.update_draft(fonds, carla, app_id, quartiersfonds_input(title="Hoffest mit Flohmarkt"))
    assert get_application(fonds, anna, app_id).title == "Hoffest mit Flohmarkt"
    assert orgs.application_and_organisation(fonds, carla, app_id)[1] == "Nachbarschaftsverein Wiesenviertel"
    (view,) = orgs.organisations_of(fonds, carla)
    assert [m[1] for m in view.members] == ["Anna Beispiel", "Carla Mitantrag"]
    assert view.representative_id == uid(anna) and not view.i_represent


def test_only_the_representative_manages_members_and_hands_over_the_representation(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    carla = person(fonds, "Carla Mitantrag", "carla@example.org")
    bert = person(fonds, "Bert Außen", "bert@example.org")
    org = orgs.create_organisation(fonds, anna, "Initiative Kiezgarten", "initiative")
    orgs.add_organisation_member(fonds, anna, org, "carla@example.org")
    with pytest.raises(PermissionDenied):
        orgs.add_organisation_member(fonds, carla, org, "bert@example.org")
    with pytest.raises(NotFound):  # an outsider does not learn that the organisation exists
        orgs.add_organisation_member(fonds, bert, org, "bert@example.org")
    with pytest.raises(InvalidInput, match="kein bestätigtes Konto"):
        orgs.add_organisation_member(fonds, anna, org, "niemand@example.org")
    with pytest.raises(InvalidInput, match="schon"):
        orgs.add_organisation_member(fonds, anna, org, "carla@example.org")
    with pytest.raises(InvalidInput):
        orgs.remove_organisation_member(fonds, anna, org, uid(anna))
    with pytest.raises(InvalidInput):
        orgs.name_representative(fonds, anna, org, uid(bert))
    orgs.name_representative(fonds, anna, org, uid(carla))
    with pytest.raises(PermissionDenied):
        orgs.remove_organisation_member(fonds, anna, org, uid(carla))
    orgs.remove_organisation_member(fonds, carla, org, uid(anna))
    assert orgs.organisations_of(fonds, anna) == []


def test_a_removed_member_and_outsiders_no_longer_see_the_application(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    carla = person(fonds, "Carla Mitantrag", "carla@example.org")
    bert = person(fonds, "Bert Außen", "bert@example.org")
    org = orgs.create_organisation(fonds, anna, "Verein", "association")
    orgs.add_organisation_member(fonds, anna, org, "carla@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    with pytest.raises(NotFound):  # only the applicant links, and only to an organisation they belong to
        orgs.link_organisation(fonds, bert, app_id, org)
    orgs.link_organisation(fonds, anna, app_id, org)
    with pytest.raises(InvalidInput, match="schon"):
        orgs.link_organisation(fonds, carla, app_id, org)
    for outsider in (bert,):
        with pytest.raises(NotFound):
            get_application(fonds, outsider, app_id)
        with pytest.raises(NotFound):
            apps.update_draft(fonds, outsider, app_id, quartiersfonds_input(title="Übernommen"))
    orgs.remove_organisation_member(fonds, anna, org, uid(carla))
    with pytest.raises(NotFound):
        get_application(fonds, carla, app_id)
    assert applications_of(fonds, carla) == []


def test_a_submitted_application_is_not_linked_afterwards(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    org = orgs.create_organisation(fonds, anna, "Verein", "association")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    with pytest.raises(InvalidInput, match="Entwurf"):
        orgs.link_organisation(fonds, anna, app_id, org)


def test_a_person_with_a_role_in_the_fund_is_no_co_applicant_there(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    juror = person(fonds, "Jule Jury", "jule@example.org", (QF, "jury_member"))
    org = orgs.create_organisation(fonds, anna, "Verein", "association")
    orgs.add_organisation_member(fonds, anna, org, "jule@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    orgs.link_organisation(fonds, anna, app_id, org)
    with pytest.raises(NotFound):
        get_application(fonds, juror, app_id)
