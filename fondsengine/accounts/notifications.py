"""Which e-mails a person wants. Letters (decisions) are always sent: they are legally required."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.lifecycle.audit import record
from fondsengine.model import Membership, User


@dataclass(frozen=True)
class Choice:
    """One group of optional mails a person can switch off."""

    key: str
    label: str  # German
    topics: tuple[str, ...]  # outbox topics the choice covers
    for_roles: frozenset[str]  # shown only to people with one of these roles (empty: everyone)
    enabled: bool = True


CHOICES: tuple[Choice, ...] = (
    Choice("status", "Wenn sich der Stand meines Antrags ändert", ("status_changed",), frozenset()),
    Choice(
        "proof",
        "Erinnerungen an den Verwendungsnachweis",
        ("proof_due_soon", "proof_due_today", "proof_overdue"),
        frozenset(),
    ),
    Choice("messages", "Neue Nachrichten zu einem Antrag", ("application_message",), frozenset()),
    Choice("round", "Erinnerung an die Antragsfrist, solange ich einen Entwurf habe", ("round_deadline",), frozenset()),
    Choice(
        "jury",
        "Einladungen und Erinnerungen zu Jurysitzungen",
        ("jury_invitation", "jury_reminder"),
        frozenset({"jury_member"}),
    ),
    Choice(
        "office",
        "Neue Aufgaben für die Geschäftsführung (eingegangene Anträge und Nachweise)",
        ("office_attention",),
        frozenset({"manager"}),
    ),
    Choice("escalation", "Überfällige Verwendungsnachweise", ("proof_escalation",), frozenset({"manager"})),
    Choice("digest", "Tägliche Übersicht für die Geschäftsführung", ("daily_digest",), frozenset({"manager"})),
)


def _roles(fonds: Engine, user_id: int) -> frozenset[str]:
    with fonds.db.read() as s:
        return frozenset(s.scalars(select(Membership.role).where(Membership.user_id == user_id)))


def notification_choices(fonds: Engine, actor: Actor) -> list[Choice]:
    """The choices that apply to this person, with their current setting."""
    if actor.user_id is None:
        return []
    roles = _roles(fonds, actor.user_id)
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        prefs = dict(user.notification_prefs or {})
    return [
        Choice(c.key, c.label, c.topics, c.for_roles, all(prefs.get(t, True) is not False for t in c.topics))
        for c in CHOICES
        if not c.for_roles or c.for_roles & roles
    ]


def set_notifications(fonds: Engine, actor: Actor, enabled: set[str]) -> None:
    """Switch the optional mails of the acting person: the keys in `enabled` on, the others off."""
    if actor.user_id is None:
        raise InvalidInput("Nur angemeldete Personen haben Einstellungen.")
    known = {c.key: c for c in notification_choices(fonds, actor)}
    unknown = enabled - set(known)
    if unknown:
        raise InvalidInput(f"Unbekannte Einstellung: {', '.join(sorted(unknown))}.")
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id)
        assert user is not None
        prefs = dict(user.notification_prefs or {})
        for key, choice in known.items():
            for topic in choice.topics:
                prefs[topic] = key in enabled
        user.notification_prefs = prefs
        record(
            uow.session,
            actor=actor,
            role="applicant",
            action="set_notifications",
            at=fonds.clock.now(),
            data={"enabled": sorted(enabled)},
        )
        uow.commit()
