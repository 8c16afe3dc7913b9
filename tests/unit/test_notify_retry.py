"""The retry schedule, giving up, and one delivery attempt through the fake mailer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.notify.fake import FakeMailer
from fondsengine.notify.port import DeliveryError, Message
from fondsengine.notify.retry import (
    DEFAULT_POLICY,
    RetryPolicy,
    attempt_delivery,
    next_attempt_at,
    retry_schedule,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MAIL = Message(to=("anna@example.org",), subject="Test", text="Hallo")


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=2)),
        (3, timedelta(minutes=4)),
        (4, timedelta(minutes=8)),
        (9, timedelta(minutes=256)),
        (10, timedelta(hours=6)),
        (16, timedelta(hours=6)),
    ],
)
def test_the_wait_doubles_from_one_minute_up_to_six_hours(attempts: int, wait: timedelta) -> None:
    assert next_attempt_at(attempts, NOW) == NOW + wait


def test_after_the_seventeenth_failed_attempt_the_mail_is_given_up() -> None:
    assert next_attempt_at(16, NOW) is not None
    assert next_attempt_at(17, NOW) is None
    assert next_attempt_at(100, NOW) is None


def test_the_last_attempt_happens_a_little_over_two_days_after_the_first() -> None:
    offsets = retry_schedule()
    assert len(offsets) == DEFAULT_POLICY.max_attempts - 1 == 16
    assert offsets[:4] == [timedelta(minutes=m) for m in (1, 3, 7, 15)]
    assert offsets[-1] == timedelta(days=2, hours=2, minutes=31)


def test_a_custom_policy_caps_and_stops_as_configured() -> None:
    policy = RetryPolicy(timedelta(seconds=30), timedelta(minutes=1), max_attempts=4)
    waits = [next_attempt_at(n, NOW, policy) for n in range(1, 5)]
    assert waits == [
        NOW + timedelta(seconds=30),
        NOW + timedelta(minutes=1),
        NOW + timedelta(minutes=1),
        None,
    ]


def test_a_huge_attempt_count_with_a_long_policy_does_not_overflow() -> None:
    policy = RetryPolicy(max_attempts=10_000)
    assert next_attempt_at(5_000, NOW, policy) == NOW + timedelta(hours=6)


def test_counting_starts_at_one_and_now_must_be_aware() -> None:
    with pytest.raises(InvalidInput):
        next_attempt_at(0, NOW)
    with pytest.raises(InvalidInput):
        next_attempt_at(1, datetime(2026, 3, 2, 9, 0))
    with pytest.raises(InvalidInput):
        RetryPolicy(max_attempts=0)


def test_a_successful_attempt_is_reported_as_sent() -> None:
    mailer = FakeMailer()
    result = attempt_delivery(mailer, MAIL, attempts_before=0, now=NOW)
    assert (result.status, result.attempts, result.next_attempt_at) == ("sent", 1, None)
    assert mailer.sent == [MAIL]


def test_a_temporary_failure_schedules_the_next_attempt() -> None:
    mailer = FakeMailer()
    mailer.fail_next(temporary=True)
    result = attempt_delivery(mailer, MAIL, attempts_before=2, now=NOW)
    assert result.status == "retry"
    assert result.attempts == 3
    assert result.next_attempt_at == NOW + timedelta(minutes=4)
    assert result.error is not None and "421" in result.error
    assert mailer.sent == []


def test_a_permanent_failure_fails_at_once_without_retry() -> None:
    mailer = FakeMailer()
    mailer.fail_next(temporary=False)
    result = attempt_delivery(mailer, MAIL, attempts_before=0, now=NOW)
    assert (result.status, result.attempts, result.next_attempt_at) == ("failed", 1, None)
    assert result.error is not None and "550" in result.error


def test_a_temporary_failure_on_the_last_attempt_gives_up() -> None:
    mailer = FakeMailer()
    mailer.fail_next()
    result = attempt_delivery(mailer, MAIL, attempts_before=16, now=NOW)
    assert result.status == "failed"
    assert result.error is not None and result.error.startswith("Aufgegeben nach 17 Versuchen")


class _BrokenMailer:
    def send(self, message: Message) -> None:
        raise RuntimeError("kaputt")


def test_an_unexpected_adapter_error_is_retried_not_raised() -> None:
    result = attempt_delivery(_BrokenMailer(), MAIL, attempts_before=0, now=NOW)
    assert result.status == "retry"
    assert result.error == "Interner Fehler: RuntimeError: kaputt"


def test_the_fake_fails_exactly_the_requested_number_of_sends() -> None:
    mailer = FakeMailer()
    mailer.fail_next(2, temporary=False)
    outcomes = []
    for _ in range(3):
        try:
            mailer.send(MAIL)
            outcomes.append("ok")
        except DeliveryError as exc:
            outcomes.append("permanent" if exc.permanent else "temporary")
    assert outcomes == ["permanent", "permanent", "ok"]
    assert mailer.attempts == 3
    assert mailer.to("anna@example.org") == [MAIL]
    assert mailer.subjects() == ["Test"]
