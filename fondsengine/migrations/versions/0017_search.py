"""SQLite: a full-text index (FTS5, trigram tokenizer) for the office queue's search

The queue searches title, contact name, organisation, description and file number for a
substring (`lower(column) LIKE '%term%'`). PostgreSQL answers that from the trigram indexes of
migration 0005; SQLite had to scan every application. This migration creates the FTS5 table
`applications_search` with external content (the text stays in `applications`; the index holds
trigrams only), fills it from the existing applications and keeps it in step with three
triggers (insert, delete, update of a searched column). The trigram tokenizer folds case
(Unicode, so "Ö" finds "ö" as on PostgreSQL) and matches any substring of three or more
characters; shorter terms keep the LIKE scan.

Needs SQLite 3.34 or newer with FTS5 (Python's sqlite3 module has both since 2021). On an older
SQLite the migration leaves the index out with a warning and the queue keeps scanning.
PostgreSQL: nothing to do.

A later migration that rebuilds `applications` on SQLite (`batch_alter_table` with a foreign key
or a changed column copies the table) drops these triggers: it must create them again, as this
migration does (tests/web/test_manage_queue_search.py fails at head otherwise).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import OperationalError

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

CREATE = (
    "CREATE VIRTUAL TABLE applications_search USING fts5("
    "title, contact_name, organisation, description, file_number, "
    "content='applications', content_rowid='id', tokenize='trigram case_sensitive 0')"
)
TRIGGERS = (
    """CREATE TRIGGER applications_search_insert AFTER INSERT ON applications BEGIN
  INSERT INTO applications_search (rowid, title, contact_name, organisation, description, file_number)
  VALUES (new.id, new.title, new.contact_name, new.organisation, new.description, new.file_number);
END""",
    """CREATE TRIGGER applications_search_delete AFTER DELETE ON applications BEGIN
  INSERT INTO applications_search
    (applications_search, rowid, title, contact_name, organisation, description, file_number)
  VALUES ('delete', old.id, old.title, old.contact_name, old.organisation, old.description, old.file_number);
END""",
    """CREATE TRIGGER applications_search_update
AFTER UPDATE OF title, contact_name, organisation, description, file_number ON applications BEGIN
  INSERT INTO applications_search
    (applications_search, rowid, title, contact_name, organisation, description, file_number)
  VALUES ('delete', old.id, old.title, old.contact_name, old.organisation, old.description, old.file_number);
  INSERT INTO applications_search (rowid, title, contact_name, organisation, description, file_number)
  VALUES (new.id, new.title, new.contact_name, new.organisation, new.description, new.file_number);
END""",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    try:
        op.execute(CREATE)
    except OperationalError as exc:  # SQLite < 3.34 (no trigram tokenizer) or built without FTS5
        log.warning("Volltextindex für die Antragssuche nicht angelegt (%s); die Suche durchsucht die Tabelle.", exc)
        return
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO applications_search (applications_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("applications_search_update", "applications_search_delete", "applications_search_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS applications_search")
