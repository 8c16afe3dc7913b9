"""The jury's mails are signed with the office named in the fund's guideline, never the sender address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fondsengine.applications import decisions
from fondsengine.engine import Actor, Engine
from fondsengine.jobs.table import run_job
from fondsengine.notify import FakeMailer
from tests.integration.test_outbox import approved_application, make_cast
from tests.support.factories import QF


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return make_cast(fonds)


def test_the_jury_invitation_is_signed_with_the_funds_office(fonds: Engine, cast: dict[str, Actor]) -> None:
    approved_application(fonds, cast)
    starts = datetime(2027, 4, 21, 16, 0, tzinfo=UTC)
    decisions.create_session(fonds, cast["office"], QF, starts, "Rathaus, Raum 102")
    assert run_job(fonds, "jury_invitation", starts - timedelta(days=14)) == 1
    mailer = FakeMailer()
    run_job(fonds, "send_mail", starts - timedelta(days=14), mailer=mailer)
    with fonds.db.read() as s:
        office = fonds.catalog.current(s, QF)[2].office.name
    mails = [m for m in mailer.to("jana@example.org") if m.subject.startswith("Einladung")]
    assert len(mails) == 1
    assert office in mails[0].text and fonds.settings.mail_from not in mails[0].text.split("\n-- ")[-1]
