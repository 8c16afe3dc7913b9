"""A person's own account data: name and postal address (the e-mail address changes through
`accounts.check_email_change` / `accounts.change_email`, confirmed from the new address).

The account's address is the person's own; the address of an application's applicant (a legal
entity, an association ...) is kept on the application.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.i18n import known
from fondsengine.inputs import check_text
from fondsengine.lifecycle.audit import record
from fondsengine.model import User

_POSTCODE_RE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True)
class Profile:
    """The changeable account data of one person (empty strings where nothing is stored)."""

    name: str
    email: str
    street: str
    postcode: str
    city: str
    language: str = "de"


def profile_of(fonds: Engine, actor: Actor) -> Profile:
    """The acting person's own account data."""
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id) if actor.user_id is not None else None
        if user is None or user.anonymised_at is not None:
            raise NotFound("Dieses Konto gibt es nicht.")
        return Profile(
            user.name, user.email or "", user.street or "", user.postcode or "", user.city or "", user.language
        )


def _clean(name: str, street: str, postcode: str, city: str) -> tuple[str, str | None, str | None, str | None]:
    name = check_text(name.strip(), label="Name", max_len=200, field="name")
    if not name:
        raise InvalidInput("Bitte geben Sie Ihren Namen an.", field="name")
    street = check_text(street.strip(), label="Straße und Hausnummer", max_len=200, field="street")
    postcode = check_text(postcode.strip(), label="Postleitzahl", max_len=10, field="postcode")
    city = check_text(city.strip(), label="Ort", max_len=100, field="city")
    if postcode and not _POSTCODE_RE.match(postcode):
        raise InvalidInput("Die Postleitzahl hat fünf Ziffern.", field="postcode")
    given = [bool(street), bool(postcode), bool(city)]
    if any(given) and not all(given):
        missing = next(f for f, ok in zip(("street", "postcode", "city"), given, strict=True) if not ok)
        raise InvalidInput("Bitte geben Sie die Anschrift vollständig an (Straße, Postleitzahl, Ort).", field=missing)
    return name, street or None, postcode or None, city or None


def change_profile(fonds: Engine, actor: Actor, *, name: str, street: str, postcode: str, city: str) -> list[str]:
    """Change the acting person's name and postal address; returns the changed fields (audited by
    their names, the values stay in the account)."""
    if actor.user_id is None:
        raise InvalidInput("Nur angemeldete Personen haben ein Konto.")
    values = _clean(name, street, postcode, city)
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id, with_for_update=True)
        if user is None or user.anonymised_at is not None:
            raise NotFound("Dieses Konto gibt es nicht.")
        changed = [
            key
            for key, value in zip(("name", "street", "postcode", "city"), values, strict=True)
            if getattr(user, key) != value
        ]
        if changed:
            user.name, user.street, user.postcode, user.city = values
            record(
                uow.session,
                actor=actor,
                role="user",
                action="change_profile",
                at=fonds.clock.now(),
                data={"user_id": user.id, "changed": changed},
            )
        uow.commit()
        return changed


def set_language(fonds: Engine, actor: Actor, code: str) -> bool:
    """Choose the language of the acting person's pages and mails (letters stay German); True when
    it changed (audited)."""
    if actor.user_id is None:
        raise InvalidInput("Nur angemeldete Personen haben ein Konto.")
    if known(code) is None:
        raise InvalidInput("Diese Sprache gibt es hier nicht.", field="language")
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id, with_for_update=True)
        if user is None or user.anonymised_at is not None:
            raise NotFound("Dieses Konto gibt es nicht.")
        if user.language == code:
            return False
        before, user.language = user.language, code
        record(
            uow.session,
            actor=actor,
            role="user",
            action="set_language",
            at=fonds.clock.now(),
            data={"user_id": user.id, "from": before, "to": code},
        )
        uow.commit()
        return True
