"""The WSGI app the multi-process race tests serve with gunicorn: the real app, settings from
FONDS_* variables, and the test's fixed clock (FONDSTEST_NOW, ISO 8601) so that server and test
agree on the date."""

from __future__ import annotations

import os
from datetime import datetime

from fondsengine.clock import FixedClock
from webapp import create_app

app = create_app(clock=FixedClock(datetime.fromisoformat(os.environ["FONDSTEST_NOW"])))
