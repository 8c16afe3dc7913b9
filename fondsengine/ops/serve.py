"""`fondsengine serve`: the web app on gunicorn, with the options taken from the settings.

The engine does not import the web layer: the WSGI app factory is named by its import path (as
any WSGI server names its app). With `serve_preload` (the default) the master builds the app once
before it forks the workers, so the workers share the imported code and the parsed guidelines
copy-on-write and answer at once; the master closes its database connections before the fork and
every worker starts with an empty pool (`post_fork`), so no connection crosses a fork. Without
preload, each worker imports and builds the app after the fork (SIGHUP then also loads new code)."""

from __future__ import annotations

import dataclasses
import gc
import importlib
import logging
from collections.abc import Callable
from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from fondsengine.config import Settings
from fondsengine.db import close_all_connections, forget_inherited_connections
from fondsengine.ops.logging_setup import configure_logging
from fondsengine.ops.startup import ConfigurationError, checked_secret_key

log = logging.getLogger(__name__)

APP_FACTORY = "webapp:create_app"


def base_url_for(bind: str) -> str:
    """The address mail links use when FONDS_BASE_URL is not set: the bound host and port."""
    host, _, port = bind.rpartition(":")
    if bind.startswith("unix:") or not port.isdigit():
        return Settings.base_url
    if host in {"", "0.0.0.0", "[::]", "::"}:  # noqa: S104 (only the link host, nothing is bound here)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def prepared_settings(settings: Settings) -> Settings:
    """Settings as the workers get them: a checked secret key, a base URL that follows the port."""
    settings = checked_secret_key(settings)
    if settings.base_url == Settings.base_url:
        settings = dataclasses.replace(settings, base_url=base_url_for(settings.serve_bind))
    for name in ("serve_workers", "serve_threads", "serve_timeout"):
        if getattr(settings, name) < 1:
            raise ConfigurationError(f"Einstellung {name} muss mindestens 1 sein.")
    return settings


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """The gunicorn settings derived from ours."""
    return {
        "bind": [settings.serve_bind],
        "workers": settings.serve_workers,
        "threads": settings.serve_threads,
        "worker_class": "gthread" if settings.serve_threads > 1 else "sync",
        "timeout": settings.serve_timeout,
        "graceful_timeout": settings.serve_graceful_timeout,
        "keepalive": settings.serve_keepalive,
        "proc_name": "fondsengine",
        "preload_app": settings.serve_preload,
        "post_fork": post_fork,
        "accesslog": None,  # the app writes one request line itself (webapp/requestlog.py)
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "logger_class": FondsGunicornLogger,
        "control_socket_disable": True,  # gunicorn >= 24; several servers on one machine would share it
    }


def post_fork(_server: Any, _worker: Any) -> None:
    """In each new worker: fresh, empty connection pools (the master's connections stay its own)."""
    forget_inherited_connections()  # the objects the master froze stay frozen: collections skip them


class FondsGunicornLogger(glogging.Logger):  # type: ignore[misc]
    """Gunicorn's own messages go through our one root handler (text or JSON)."""

    def setup(self, cfg: Any) -> None:
        """Route gunicorn.error to the root handler; no separate access log."""
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True
        self.error_log.setLevel(self.LOG_LEVELS.get(cfg.loglevel.lower(), logging.INFO))


class FondsServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn run from code, so `fondsengine serve` owns the options."""

    def __init__(self, settings: Settings, factory_path: str = APP_FACTORY) -> None:
        self.settings = settings
        self.factory_path = factory_path
        super().__init__()

    def load_config(self) -> None:
        """Apply our options (gunicorn's command line and config files are not read)."""
        for key, value in gunicorn_options(self.settings).items():
            if key in self.cfg.settings:  # options an older gunicorn does not know are left out
                self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        """Build the WSGI app: in the master before the fork (preload) or in each worker after it.

        Preloading also runs the factory module's `warm(app)` if it has one (templates compiled,
        stored guidelines parsed: shared by every worker instead of repeated in each), then closes
        the master's database connections and freezes the garbage collector's view of the loaded
        objects, so collections in the workers do not write to (and copy) the shared pages. The
        collector is paused while the app is built, and what was built is frozen without a collection
        first, with or without preload: building leaves next to no cyclic garbage (a few hundred
        objects), and a full collection of the ~240,000 objects the process then holds cost 0.06-0.16 s
        of CPU before the first answer (docs/performance.md, "Issue 19: first response after start")."""
        module_name, _, name = self.factory_path.partition(":")
        was_enabled = gc.isenabled()
        gc.disable()  # what loads here lives as long as the process: no collections while it loads (cli/entry.py)
        try:
            module = importlib.import_module(module_name)
            app = getattr(module, name)(self.settings)
            if self.cfg.preload_app:
                warm = getattr(module, "warm", None)
                if callable(warm):
                    warm(app)
                close_all_connections()
            gc.freeze()
        finally:
            if was_enabled:
                gc.enable()
        return app  # type: ignore[no-any-return]


def serve(settings: Settings) -> int:
    """Run the web app until SIGTERM/SIGINT (graceful: running requests finish); returns the exit code."""
    configure_logging(settings.log_level, settings.log_format)
    settings = prepared_settings(settings)
    log.info(
        "fondsengine serve: %s, %d Worker à %d Threads, Basis-URL %s, Datenbank %s",
        settings.serve_bind, settings.serve_workers, settings.serve_threads, settings.base_url,
        _safe_url(settings.effective_database_url),
    )  # fmt: skip
    try:
        FondsServer(settings).run()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
