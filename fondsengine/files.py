"""Uploaded files, bound to the transaction that records them.

A use case stages a file (`stage`): the bytes go to the file store's staging area under a random
name. Only when the unit of work commits is the file published (an atomic rename in a folder, a
copy inside the bucket on S3); on a rollback, a refusal or an exception the staged file is
deleted. `remove_after_commit` deletes a stored file once the transaction that removed its row
has committed (retention). The hooks are session events scoped to the one session that staged
the file. The store itself is `fondsengine.storage` (a folder or an S3-compatible bucket).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from fondsengine.storage import STAGING, Storage, StorageError, check_name

__all__ = ["STAGING", "SUFFIXES", "files_in", "remove_after_commit", "stage", "stored_path"]

log = logging.getLogger(__name__)
_KEY = "fonds_files"  # session.info: pending file operations of the current transaction
SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class _Pending:
    storage: Storage
    name: str
    staged: bool  # True: publish the staged file on commit; False: delete the stored file on commit


def stored_path(upload_dir: Path, stored_name: str) -> Path:
    """The path of a stored file by its random name in a folder store (never a path from outside)."""
    return upload_dir / check_name(stored_name)


def _pending(session: Session) -> list[_Pending]:
    return session.info.setdefault(_KEY, [])  # type: ignore[no-any-return]


def stage(session: Session, storage: Storage, content: bytes, mimetype: str) -> str:
    """Write the bytes to the staging area; they are published when the session commits."""
    name = secrets.token_hex(16) + SUFFIXES[mimetype]
    storage.stage(name, content, mimetype)
    _pending(session).append(_Pending(storage, name, staged=True))
    return name


def remove_after_commit(session: Session, storage: Storage, stored_name: str) -> None:
    """Delete a stored file once this transaction has committed."""
    _pending(session).append(_Pending(storage, check_name(stored_name), staged=False))


def files_in(upload_dir: Path) -> list[Path]:
    """All files below a folder store, staging included (for checks and tests)."""
    if not upload_dir.exists():
        return []
    return sorted(p for p in upload_dir.rglob("*") if p.is_file())


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for op in session.info.pop(_KEY, []):
        try:
            op.storage.publish(op.name) if op.staged else op.storage.delete(op.name)
        except (OSError, StorageError):
            # the row is committed; the file stays staged (publish) or stored (delete) and
            # `fondsengine verify` reports it. Never let it turn a committed use case into an error.
            log.exception("file store after commit failed", extra={"stored_name": op.name, "publish": op.staged})


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return  # a savepoint: the outer transaction decides
    _discard(session)


def _discard(session: Session) -> None:
    for op in session.info.pop(_KEY, []):
        if op.staged:
            try:
                op.storage.discard(op.name)
            except (OSError, StorageError):
                log.exception("file store discard failed", extra={"stored_name": op.name})
