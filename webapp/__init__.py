"""The Flask web application: one app factory, one blueprint per audience."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from fondsengine.bootstrap import build_fonds
from fondsengine.config import Settings, load_settings
from fondsengine.engine import Engine
from fondsengine.funds.current import warm_catalog
from fondsengine.notify import Mailer, build_mailer
from fondsengine.notify.outbox import make_after_commit_dispatch
from fondsengine.ops.startup import checked_secret_key
from webapp import fields, filters, i18n, ratelimit, requestlog, security, template_cache
from webapp.extensions import csrf, init_page_read, login_manager


def create_app(
    settings: Settings | None = None,
    *,
    fonds: Engine | None = None,
    clock: Any = None,
    mailer: Mailer | None = None,
) -> Flask:
    """Build the web app around an engine context (built from the settings when not given)."""
    settings = checked_secret_key(settings or (fonds.settings if fonds else load_settings()))
    fonds = fonds or build_fonds(settings, clock=clock)
    app = Flask(__name__)
    if settings.proxy_count > 0:
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)  # type: ignore[method-assign]
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.upload_max_bytes + 512 * 1024,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        DEBUG=settings.debug,
    )
    app.extensions["fonds"] = fonds
    app.extensions["fonds_mailer"] = mailer or build_mailer(settings.as_mail_settings())
    if settings.dispatch_after_commit and not any(getattr(h, "fonds_dispatch", False) for h in fonds.after_commit):
        # letters are rendered and mails sent right after the commit; the scheduler catches up on failures
        hook = make_after_commit_dispatch(app.extensions["fonds_mailer"])
        hook.fonds_dispatch = True  # type: ignore[attr-defined]
        fonds.after_commit.append(hook)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_page_read(app)
    filters.register(app)
    i18n.install(app)
    template_cache.install(app, settings.instance_path)  # after Babel added its extension
    csrf.exempt(i18n.switch_language)  # the language switch takes no token (reason in webapp/i18n.py)
    security.register(app)
    requestlog.register(app)
    ratelimit.init_app(app, settings)
    fields.install(app)  # before the blueprints: their <int:> routes use the bounded converter

    from webapp.applicant import bp as applicant_bp
    from webapp.auth import bp as auth_bp
    from webapp.errors import register as register_errors
    from webapp.granting import bp as granting_bp
    from webapp.health import bp as health_bp
    from webapp.jury import bp as jury_bp
    from webapp.manage import bp as manage_bp
    from webapp.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(applicant_bp)
    app.register_blueprint(jury_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(granting_bp)
    from webapp.api import bp as api_bp

    app.config["FONDS_RATELIMIT_API"] = settings.ratelimit_api
    app.register_blueprint(api_bp)
    register_errors(app)
    return app


def warm(app: Flask) -> None:
    """Do once what every worker would otherwise do on its first requests: configure the ORM
    mappers, compile the layout templates and parse the stored guideline and workflow versions
    of the active funds. `fondsengine serve` calls this in the master before it forks (preload), so the
    workers share the result copy-on-write instead of building it each."""
    for name in app.jinja_env.list_templates(filter_func=lambda name: "/" not in name):
        app.jinja_env.get_template(name)  # the layout and macros every page extends (all 59: +0.5 s start)
    fonds: Engine = app.extensions["fonds"]
    warm_catalog(fonds)
