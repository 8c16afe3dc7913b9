"""Hash chains over the ledger and the audit trail, and their verification."""
