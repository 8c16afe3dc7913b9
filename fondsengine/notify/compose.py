"""Building blocks for mails: one list of blocks renders to plain text and HTML.

The texts are German msgids; inside `fondsengine.i18n.mail_language(lang)` they come out in the
person's language (greeting, closing, footer here; each mail's own text in its module).

Every piece of user text is escaped in the HTML part; the plain text part is the
authoritative content (the HTML is a convenience for mail clients).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from fondsengine.errors import InvalidInput
from fondsengine.i18n import current_language, direction
from fondsengine.i18n import gettext as _
from fondsengine.notify.port import Attachment, Message, header_text
from fondsengine.text import format_date as format_date  # re-exported for the mail modules
from fondsengine.text import format_datetime as format_datetime


def quoted(title: str) -> str:
    """A title in quotation marks: „Repair-Café“ in German, “Repair-Café” in the other mail languages."""
    return f"„{title}“" if current_language() == "de" else f"“{title}”"


@dataclass(frozen=True)
class Para:
    """A paragraph of running text."""

    text: str


@dataclass(frozen=True)
class Link:
    """A call to action: a label and a URL (shown as a button-like link in HTML)."""

    label: str
    url: str

    def __post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise InvalidInput(f"„{self.url}“ ist kein http(s)-Link.")


@dataclass(frozen=True)
class Facts:
    """Label/value pairs such as Betrag: 1.500,00 €."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of short lines; ``links`` optionally gives each line a URL."""

    items: tuple[str, ...]
    links: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        if self.links and len(self.links) != len(self.items):
            raise InvalidInput("Jeder Listenpunkt braucht genau einen (oder keinen) Link.")

    def pairs(self) -> list[tuple[str, str | None]]:
        """Each line with its link (or None)."""
        return list(zip(self.items, self.links or (None,) * len(self.items), strict=True))


Block = Para | Link | Facts | Bullets


def _text_block(block: Block) -> str:
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Link):
        return f"{block.label}:\n{block.url}"
    if isinstance(block, Facts):
        width = max(len(label) for label, _value in block.rows) + 1
        return "\n".join(f"{label + ':':<{width}} {value}" for label, value in block.rows)
    return "\n".join(f"- {item}" + (f"\n  {url}" if url else "") for item, url in block.pairs())


def _html_block(block: Block) -> str:
    esc = html.escape
    if isinstance(block, Para):
        return f"<p>{esc(block.text).replace(chr(10), '<br>')}</p>"
    if isinstance(block, Link):
        return (
            f'<p><a href="{esc(block.url, quote=True)}" style="font-weight:bold">'
            f"{esc(block.label)}</a></p>"
        )
    if isinstance(block, Facts):
        rows = "".join(
            f'<tr><th style="text-align:left;padding-right:1em">{esc(label)}</th>'
            f"<td>{esc(value)}</td></tr>"
            for label, value in block.rows
        )
        return f"<table>{rows}</table>"
    items = "".join(
        f'<li><a href="{esc(url, quote=True)}">{esc(item)}</a></li>'
        if url
        else f"<li>{esc(item)}</li>"
        for item, url in block.pairs()
    )
    return f"<ul>{items}</ul>"


def greeting(name: str | None) -> str:
    """The salutation: 'Guten Tag Anna Schmidt,' or 'Guten Tag,' without a name."""
    return _("Guten Tag %(name)s,") % {"name": name.strip()} if name and name.strip() else _("Guten Tag,")


def compose(
    to: str | Sequence[str],
    subject: str,
    name: str | None,
    blocks: Sequence[Block],
    signature: str,
    *,
    attachments: Sequence[Attachment] = (),
    reply_to: str | None = None,
) -> Message:
    """Render the blocks into a Message with a greeting, a signature and an automatic footer.

    The subject may hold any title an applicant typed: it is made one safe header line here."""
    subject = header_text(subject) or _("Nachricht zu Ihrem Antrag")
    footer = _("Diese Nachricht wurde automatisch verschickt.")
    closing = _("Viele Grüße") + f"\n{signature}"
    lang = current_language()
    all_blocks: list[Block] = [Para(greeting(name)), *blocks, Para(closing)]
    text = "\n\n".join(_text_block(b) for b in all_blocks) + f"\n\n-- \n{footer}\n"
    body = "\n".join(_html_block(b) for b in all_blocks)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n"
        '<body style="font-family:sans-serif;line-height:1.4;max-width:40em">\n'
        f'{body}\n<p style="color:#666;font-size:small">{html.escape(footer)}</p>\n'
        "</body></html>\n"
    )
    recipients = (to,) if isinstance(to, str) else tuple(to)
    return Message(
        to=recipients,
        subject=subject,
        text=text,
        html=page,
        attachments=tuple(attachments),
        reply_to=reply_to,
    )
