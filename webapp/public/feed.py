"""Atom feed (RFC 4287) of newly funded public projects per fund."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import Response, abort, url_for
from flask.typing import ResponseReturnValue

from fondsengine.errors import NotFound
from fondsengine.public.fund import current_guideline
from fondsengine.public.projects import ProjectFilter, public_projects
from webapp.extensions import fonds
from webapp.filters import euro
from webapp.public import bp

FEED_SIZE = 50


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.route("/fonds/<fund_id>/projekte.atom")
def feed(fund_id: str) -> ResponseReturnValue:
    """The newest funded projects of a fund that the applicants released, as Atom."""
    try:
        g = current_guideline(fonds(), fund_id)
    except NotFound:
        abort(404)
    projects = public_projects(fonds(), ProjectFilter(fund_id=fund_id))[:FEED_SIZE]
    base = fonds().settings.base_url.rstrip("/")
    updated = max((p.updated_at for p in projects), default=fonds().clock.now())
    self_url = base + url_for("public.feed", fund_id=fund_id)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        f"<title>{escape(g.name)}: geförderte Projekte</title>",
        f"<id>{escape(self_url)}</id>",
        f'<link rel="self" href="{escape(self_url)}"/>',
        f'<link rel="alternate" type="text/html" href="{escape(base + url_for("public.fund", fund_id=fund_id))}"/>',
        f"<updated>{_stamp(updated)}</updated>",
        f"<author><name>{escape(g.office.name)}</name></author>",
    ]
    for p in projects:
        link = base + url_for("public.project", application_id=p.id)
        text = (p.summary + " " if p.summary else "") + f"Förderung: {euro(p.approved_cents)}."
        parts += [
            "<entry>",
            f"<title>{escape(p.title)}</title>",
            f"<id>{escape(link)}</id>",
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>',
            f"<published>{_stamp(p.decided_at or p.updated_at)}</published>",
            f"<updated>{_stamp(p.updated_at)}</updated>",
            f'<summary type="text">{escape(text)}</summary>',
            "</entry>",
        ]
    parts.append("</feed>")
    return Response("\n".join(parts), mimetype="application/atom+xml")
