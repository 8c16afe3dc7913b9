"""The engine's runtime context and the unit of work; the acting user (`Actor`, fondsengine/actor.py) and
what a unit of work created (`Created`, fondsengine/created.py) are re-exported from here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, UOWTransaction

from fondsengine.actor import Actor
from fondsengine.clock import Clock, SystemClock
from fondsengine.config import Settings
from fondsengine.created import Created
from fondsengine.db import Database
from fondsengine.errors import ConcurrentChange
from fondsengine.funds.catalog import Catalog
from fondsengine.model import Letter, OutboxMessage
from fondsengine.storage import Storage, storage_for

__all__ = ["WRITE_SESSION", "Actor", "Created", "Engine", "PageRead", "ReadSession", "UnitOfWork"]

WRITE_SESSION = "fonds_write"  # session.info key: this session belongs to a unit of work
ReadSession = Session  # a read-only session a caller holds open (a web request) and hands to engine reads


@dataclass
class Engine:
    """Everything a use case needs: database, clock, settings, guideline/workflow catalog."""

    db: Database
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    after_commit: list[Callable[[Engine, Created], None]] = field(default_factory=list)
    _catalog: Catalog | None = None
    _storage: Storage | None = None

    @property
    def catalog(self) -> Catalog:
        """The cache of stored guideline and workflow versions."""
        if self._catalog is None:
            self._catalog = Catalog()
        return self._catalog

    @property
    def storage(self) -> Storage:
        """The file store of uploads (a folder or an S3-compatible bucket, from the settings)."""
        if self._storage is None:
            self._storage = storage_for(self.settings)
        return self._storage

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (one transaction)."""
        return UnitOfWork(self)

    def page_read(self) -> PageRead:
        """A read session for one page, opened on first use; its holder closes it."""
        return PageRead(self)

    @contextmanager
    def reading(self, within: ReadSession | None = None) -> Iterator[ReadSession]:
        """The session a read model reads in: `within` (a page's open read session, left open) or a
        new read-only one, closed at the end."""
        if within is not None:
            yield within
            return
        with self.db.read() as session:
            yield session


class PageRead:
    """One page's read-only session (a web request's): the page's read model and its layout read in it
    and share what it keeps (the actor's roles, the funds and their guideline versions). Opened on
    first use of `session`, closed by `close` (the web layer calls it when the request ends). Only for
    reading: a writer uses a unit of work."""

    def __init__(self, fonds: Engine) -> None:
        self._fonds = fonds
        self._session: ReadSession | None = None

    @property
    def session(self) -> ReadSession:
        """The open read session (opened now if this is the first use)."""
        if self._session is None:
            self._session = self._fonds.db.read_session()
        return self._session

    def close(self) -> None:
        """End the read (loaded attributes stay readable)."""
        if self._session is not None:
            self._session.close()
            self._session = None


class UnitOfWork:
    """One transaction: rolls back unless `commit()` was called; after commit runs the hooks."""

    def __init__(self, fonds: Engine) -> None:
        self.fonds = fonds
        self._session: Session | None = None
        self._committed = False
        self.created = Created()

    @property
    def session(self) -> Session:
        """The open session (only inside `with`)."""
        if self._session is None:
            raise RuntimeError("unit of work not entered")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self.fonds.db.write_session()
        self._session.info[WRITE_SESSION] = True  # application loads lock the row (authz)
        event.listen(self._session, "after_flush", self._collect)
        self._session.begin()
        return self

    def _collect(self, session: Session, _flush: UOWTransaction) -> None:
        """Remember the ids of new outbox rows and letters (the hooks dispatch only those)."""
        for obj in session.new:
            if isinstance(obj, OutboxMessage):
                self.created.outbox_ids.append(obj.id)
            elif isinstance(obj, Letter):
                self.created.letter_ids.append(obj.id)

    def commit(self) -> None:
        """Commit the transaction; side effects (outbox) run after it."""
        self.session.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self._committed:
                session.rollback()
        finally:
            session.close()
            self._session = None
        if self._committed and exc_type is None and self.created:
            for hook in list(self.fonds.after_commit):
                hook(self.fonds, self.created)
        if exc is not None and _lost_race(exc):
            raise ConcurrentChange(RACE_MESSAGE) from exc


RACE_MESSAGE = (
    "Dieser Vorgang wurde gerade gleichzeitig von jemand anderem ausgeführt; es wurde nichts "
    "doppelt gespeichert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand."
)

# PostgreSQL SQLSTATEs of a transaction that lost against a concurrent one: unique violation,
# serialization failure, deadlock detected, lock not available (NOWAIT).
_RACE_SQLSTATES = frozenset({"23505", "40001", "40P01", "55P03"})


def _lost_race(exc: BaseException) -> bool:
    """True when the database refused the transaction because a concurrent one got there first.

    The row locks taken by every use case make this rare; the unique constraints are the last
    line, and their violation must reach the person as a German message, not as a server error."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    if code in _RACE_SQLSTATES:
        return True
    return isinstance(exc, IntegrityError) and "UNIQUE constraint failed" in str(exc.orig)
