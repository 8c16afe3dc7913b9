"""Workflows: states and transitions declared in workflows/*.yaml, run on `transitions`."""
