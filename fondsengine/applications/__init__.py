"""Use cases around an application: drafts, submission, review, decisions, records, notes."""
