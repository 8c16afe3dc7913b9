"""The console script `fondsengine`: loads the command with the cyclic garbage collector paused.

Importing the engine, SQLAlchemy with the models and (for `serve`) the web app allocates about
150,000 objects that live as long as the process; with the collector running, the interpreter
walks them again and again while they are created (about 350 collections, 0.1-0.25 s of CPU
before the first answer; docs/performance.md, "Issue 19: first response after start"). Imports
create next to no cyclic garbage, so the collector is paused while the command's modules load,
what they loaded is frozen (`gc.freeze()`: later collections skip it; without it the first young
and middle collections after the pause walk all 150,000 objects, about 0.07 s) and the collector
runs normally afterwards; `fondsengine serve` pauses it again while it builds the app
(fondsengine/ops/serve.py)."""

from __future__ import annotations

import gc


def main() -> int:
    """Load fondsengine.cli.main without collections in between, freeze what it loaded, then run it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from fondsengine.cli import main as command
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return command.main()
