"""Funding guidelines: loading, validation and the pure rule checks."""
