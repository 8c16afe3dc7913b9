"""The read model of the jury session page (`fondsengine.jury.papers_read.session_page`) on SQLite
and PostgreSQL: the papers of all items from one read hold the same values as the per-application
reads, only the guideline's visible fields, no bank or private contact data, only the shared
messages, the findings of each item, and nothing for a viewer who may not read an item."""

from __future__ import annotations

from pathlib import Path

import pytest

from fondsengine.applications.message_sharing import jury_messages, share_message_with_jury
from fondsengine.applications.messages import send_message
from fondsengine.applications.queries import findings_for
from fondsengine.engine import Actor, Engine
from fondsengine.jury import usecases as jury
from fondsengine.jury.notes import comment_on_item
from fondsengine.jury.papers_read import SessionPage, session_page
from fondsengine.jury.reads import SessionInfo, session_info
from fondsengine.lifecycle.views import check_context, check_contexts, pending_states
from fondsengine.model import Application, Attendance
from tests.integration.test_jury_support import Cast, agenda, app_of, load_test_fund, make_cast
from tests.support.factories import person

IBAN = "DE89370400440532013000"
PHONE = "02302 918273"


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path)
    return make_cast(fonds)


def _info(fonds: Engine, actor: Actor, session_id: int) -> SessionInfo:
    info = session_info(fonds, actor, session_id)
    assert info is not None
    return info


def _scene(fonds: Engine, cast: Cast) -> tuple[int, int, int, int, int]:
    """A session with Anna's application (bank data, a shared and a private message, a comment) and
    one of Kim's (a jury member applying, asking more than the guideline's normal maximum)."""
    session_id, (anna_item, kim_item) = agenda(fonds, cast, [cast.anna, cast.kim])
    anna_app, kim_app = app_of(fonds, anna_item).id, app_of(fonds, kim_item).id
    with fonds.unit_of_work() as uow:
        row = uow.session.get(Application, anna_app)
        assert row is not None
        row.iban, row.account_holder, row.contact_phone = IBAN, "Anna Kontoinhaberin", PHONE
        uow.commit()
    shared = send_message(fonds, cast.anna, anna_app, "Das neue Angebot liegt bei.")
    send_message(fonds, cast.anna, anna_app, "Nur fürs Büro: meine Handynummer.")
    share_message_with_jury(fonds, cast.office, anna_app, shared)
    comment_on_item(fonds, cast.jan, anna_item, "Gute Idee.")
    return session_id, anna_item, kim_item, anna_app, kim_app


def _unavailable(page: SessionPage, items: tuple[int, ...]) -> None:
    assert sorted(page.papers) == sorted(items)
    for p in page.papers.values():
        assert not p.available and p.view is None and p.findings == () and p.messages == ()


def test_the_papers_of_all_items_hold_what_the_per_application_reads_hold(fonds: Engine, cast: Cast) -> None:
    session_id, anna_item, kim_item, anna_app, kim_app = _scene(fonds, cast)
    page = session_page(fonds, cast.ida, _info(fonds, cast.ida, session_id))

    assert [i.id for i in page.items] == [anna_item, kim_item]
    anna, kim = page.papers[anna_item], page.papers[kim_item]
    assert (anna.application_id, kim.application_id) == (anna_app, kim_app)
    assert anna.available and kim.available
    # the same values as the three reads of one application (one building code)
    for p, app_id in ((anna, anna_app), (kim, kim_app)):
        assert p.view == jury.jury_view_of_application(fonds, cast.ida, app_id)
        assert list(p.findings) == findings_for(fonds, cast.ida, app_id)
        assert list(p.messages) == jury_messages(fonds, cast.ida, app_id)
    # the guideline's visible fields only, the applicant's name first
    assert anna.view is not None
    assert list(anna.view.fields) == ["applicant", *page.guideline.jury.visible_fields]
    assert anna.view.fields["applicant"] == "Nachbarschaftsinitiative Wiesenviertel"  # organisation, else name
    assert anna.view.financing["requested"] == 120_000
    # never bank details or private contact data
    text = repr(page)
    for secret in (IBAN, "Anna Kontoinhaberin", PHONE, "anna@example.org"):
        assert secret not in text
    # only the shared message, on its own item
    assert [m.text for m in anna.messages] == ["Das neue Angebot liegt bei."]
    assert kim.messages == ()
    # the notes: Jan's comment on Anna's item
    assert [c.body for c in page.notes[anna_item].comments] == ["Gute Idee."]
    assert page.notes[kim_item].comments == ()


def test_findings_belong_to_their_own_item(fonds: Engine, cast: Cast) -> None:
    session_id, (small, large) = agenda(fonds, cast, [cast.anna, cast.kim])
    large_app = app_of(fonds, large).id
    with fonds.unit_of_work() as uow:  # the office's figures say Kim asks for more than the year has
        row = uow.session.get(Application, large_app)
        assert row is not None
        row.requested_cents = 9_000_000
        uow.commit()
    page = session_page(fonds, cast.ida, _info(fonds, cast.ida, session_id))
    small_codes = {f.code for f in page.papers[small].findings}
    large_codes = {f.code for f in page.papers[large].findings}
    assert large_codes - small_codes  # the large request has findings the small one has not
    assert [f.code for f in page.papers[large].findings] == [f.code for f in findings_for(fonds, cast.ida, large_app)]


def test_an_applicant_on_the_jury_reads_the_papers_but_not_the_notes_of_their_own_item(
    fonds: Engine, cast: Cast
) -> None:
    session_id, anna_item, kim_item, _, _ = _scene(fonds, cast)
    page = session_page(fonds, cast.kim, _info(fonds, cast.kim, session_id))
    assert page.papers[anna_item].available and page.papers[kim_item].available
    assert sorted(page.notes) == [anna_item]  # never the jury's notes on the item Kim applied for
    assert next(i for i in page.items if i.id == kim_item).i_am_applicant


def test_a_viewer_who_may_not_read_the_papers_gets_none(fonds: Engine, cast: Cast) -> None:
    session_id, anna_item, kim_item, _, _ = _scene(fonds, cast)
    info = _info(fonds, cast.ida, session_id)  # a SessionInfo read for someone else: no key to the papers
    stranger = person(fonds, "Fremde Person", "fremd@example.org")
    assert session_info(fonds, stranger, session_id) is None
    for outsider in (stranger, cast.anna):  # the applicant reads her record, never the jury's papers
        page = session_page(fonds, outsider, info)
        _unavailable(page, (anna_item, kim_item))
        assert page.notes == {}
        assert IBAN not in repr(page) and "Das neue Angebot" not in repr(page)


def test_an_invited_guest_reads_the_papers_without_the_notes_and_the_office_reads_all(
    fonds: Engine, cast: Cast
) -> None:
    session_id, anna_item, kim_item, _, _ = _scene(fonds, cast)
    guest = person(fonds, "Gast Geladen", "gast@example.org")  # invited, not in the jury (an attendance row)
    assert guest.user_id is not None
    with fonds.unit_of_work() as uow:
        uow.session.add(
            Attendance(session_id=session_id, user_id=guest.user_id, invited_at=fonds.clock.now(), present=False)
        )
        uow.commit()
    page = session_page(fonds, guest, _info(fonds, guest, session_id))
    assert page.papers[anna_item].available and page.papers[kim_item].available
    assert [m.text for m in page.papers[anna_item].messages] == ["Das neue Angebot liegt bei."]
    assert page.notes == {}  # not in the jury: no notes
    office = session_page(fonds, cast.office, _info(fonds, cast.office, session_id))
    assert all(p.available for p in office.papers.values())
    assert sorted(office.notes) == [anna_item, kim_item]
    assert office.notes[anna_item].totals is not None  # the office sees the aggregate of the scores


def test_the_other_grants_of_each_applicant_are_summed_for_all_items_at_once(fonds: Engine, cast: Cast) -> None:
    _, items = agenda(fonds, cast, [cast.anna, cast.anna, cast.kim])
    ids = [app_of(fonds, i).id for i in items]
    with fonds.db.read() as s:
        apps = [s.get(Application, i) for i in ids]
        assert all(a is not None for a in apps)
        loaded = [a for a in apps if a is not None]
        pending = pending_states(fonds.catalog, s)
        day = fonds.clock.now().date()
        together = check_contexts(
            s, loaded, now_dates=dict.fromkeys(ids, day), budget_free=dict.fromkeys(ids, 1), pending_states=pending
        )
        alone = {a.id: check_context(s, a, now_date=day, budget_free=1, pending_states=pending) for a in loaded}
    assert together == alone
    # Anna's two applications each count the other's request; Kim's has no other
    assert [together[i].applicant_other_grants_cents for i in ids] == [120_000, 120_000, 0]
