"""Use cases: one function per use case, each one transaction."""
