"""Funds: stored guideline and workflow versions, loading them, the what-if replay."""
