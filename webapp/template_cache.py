"""Compiled templates kept between starts: Jinja's bytecode cache in the instance folder.

Compiling a template into Python code is the dearest part of its first use: the four layout
templates cost the master 44 ms of every start, the 81 templates about 0.86 s in each worker on
their first requests; read from the cache they cost 1 ms and 17 ms (docs/performance.md, "Issue
19: first response after start (2026-12-04)"). Jinja checks every cached template against a
checksum of its source, so an edited template is compiled anew; the folder's name carries Jinja's
version and the environment's compile options (`compile_options`: extensions, delimiters, ...), so
code compiled by another Jinja or with other options is never read. The folder is the service
user's own (mode 0700, beside the instance folder's database and uploads). Writing is best effort:
where the folder cannot be made or written (a read-only installation), templates are compiled in
memory as without the cache."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask
from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

log = logging.getLogger(__name__)


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file system cache that does not fail a page when it cannot write."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write the compiled template; a full disk or a read-only folder only costs the next start."""
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("Vorlage nicht zwischengespeichert (%s): %s", type(exc).__name__, bucket.key)


def compile_options(env: Environment) -> tuple[Any, ...]:
    """What the compiled code of a template depends on besides its source."""
    return (
        tuple(sorted(env.extensions)),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        env.finalize is not None,
        getattr(env, "newstyle_gettext", None),  # set by the i18n extension; changes the code of {% trans %}
        env.autoescape if isinstance(env.autoescape, bool) else getattr(env.autoescape, "__qualname__", None),
        type(env).__qualname__,
    )


def cache_folder(app: Flask, instance_path: str | Path) -> Path:
    """The app's template cache folder: its name changes with Jinja's version and the compile options."""
    fingerprint = repr((jinja2.__version__, compile_options(app.jinja_env)))
    digest = hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest()
    return Path(instance_path) / "cache" / f"templates-{digest[:12]}"


def install(app: Flask, instance_path: str | Path) -> None:
    """Keep the app's compiled templates in the instance folder (after the extensions are added)."""
    folder = cache_folder(app, instance_path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        log.info("Kein Vorlagen-Zwischenspeicher in %s (%s)", folder, type(exc).__name__)
        return
    app.jinja_env.bytecode_cache = TemplateCache(str(folder))
