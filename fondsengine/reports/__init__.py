"""Reports: the annual report, the roll-up for the Land, jury minutes as PDF, and their data."""
