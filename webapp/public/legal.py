"""Impressum, privacy notice (DSGVO Art. 13) and accessibility statement (BITV 2.0), from configuration."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from fondsengine.applications.publication import CONSENT_TEXT_VERSION
from fondsengine.public.legal import legal_info
from webapp.extensions import fonds
from webapp.public import bp


@bp.route("/impressum")
def imprint() -> ResponseReturnValue:
    """Anbieterkennzeichnung nach § 5 DDG."""
    return render_template("public/imprint.html", info=legal_info(fonds()))


@bp.route("/datenschutz")
def privacy() -> ResponseReturnValue:
    """Informationen nach Art. 13 DSGVO."""
    return render_template("public/privacy.html", info=legal_info(fonds()), consent_version=CONSENT_TEXT_VERSION)
