"""Uploaded files on disk, bound to the transaction that records them.

A use case stages a file (`stage`): the bytes go to `<upload dir>/.staging/` under a random name.
Only when the unit of work commits is the file moved (an atomic rename) to its final place; on a
rollback, a refusal or an exception the staged file is deleted. `remove_after_commit` deletes a
stored file once the transaction that removed its row has committed (retention). The hooks are
session events scoped to the one session that staged the file.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

STAGING = ".staging"
_KEY = "fonds_files"  # session.info: pending file operations of the current transaction
SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class _Pending:
    staged: Path | None  # a staged file to move to `final` (or None: delete `final`)
    final: Path


def stored_path(upload_dir: Path, stored_name: str) -> Path:
    """The path of a stored file by its random name (never a path from outside)."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    return upload_dir / stored_name


def _pending(session: Session) -> list[_Pending]:
    return session.info.setdefault(_KEY, [])  # type: ignore[no-any-return]


def stage(session: Session, upload_dir: Path, content: bytes, mimetype: str) -> str:
    """Write the bytes to the staging folder; they reach the upload folder when the session commits."""
    name = secrets.token_hex(16) + SUFFIXES[mimetype]
    staging = upload_dir / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / name
    with open(tmp, "xb") as fh:
        fh.write(content)
    _pending(session).append(_Pending(tmp, upload_dir / name))
    return name


def remove_after_commit(session: Session, upload_dir: Path, stored_name: str) -> None:
    """Delete a stored file once this transaction has committed."""
    _pending(session).append(_Pending(None, stored_path(upload_dir, stored_name)))


def files_in(upload_dir: Path) -> list[Path]:
    """All files below the upload folder, staging included (for checks and tests)."""
    if not upload_dir.exists():
        return []
    return sorted(p for p in upload_dir.rglob("*") if p.is_file())


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for op in session.info.pop(_KEY, []):
        if op.staged is not None:
            os.replace(op.staged, op.final)
        else:
            op.final.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return  # a savepoint: the outer transaction decides
    _discard(session)


def _discard(session: Session) -> None:
    for op in session.info.pop(_KEY, []):
        if op.staged is not None:
            op.staged.unlink(missing_ok=True)
