"""Compiled template code shared by every Flask app a test process builds.

Each web test builds its own app, and each app's Jinja environment would compile every template it
renders again (parse, generate Python source, `compile`): a large part of a web test's time. Jinja's
bytecode cache hands the compiled code of a template to the next environment instead. Jinja keys a
bucket by template name and file name and keeps the source's checksum in it: a changed source is
compiled anew. The code also depends on the environment's compile options (extensions, delimiters,
autoescape, ...: webapp.template_cache.compile_options, which also names the app's cache folder on
disk), so environments with different options use separate stores.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from webapp.template_cache import compile_options


class SharedBytecodeCache(BytecodeCache):
    """A bytecode cache in a dict of this process (marshalled code objects, never executed from
    outside the process)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self.hits = 0

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # resets the bucket when the source's checksum differs
            if bucket.code is not None:
                self.hits += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_CACHES: dict[tuple[Any, ...], SharedBytecodeCache] = {}


def share_compiled_templates(app: Flask) -> SharedBytecodeCache:
    """Let the app's Jinja environment reuse templates compiled by earlier apps of this process."""
    env = app.jinja_env
    cache = _CACHES.setdefault(compile_options(env), SharedBytecodeCache())
    env.bytecode_cache = cache
    return cache
