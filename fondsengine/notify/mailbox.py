"""Local adapters for the demo and development: an mbox file and the console.

The mbox file can be opened with any mail client (Thunderbird, mutt -f, ...). Both
adapters print a short German line per mail plus every link in the text, so a demo
user can click the confirmation link without a mail server.
"""

from __future__ import annotations

import fcntl
import mailbox
import re
import sys
from datetime import UTC
from pathlib import Path
from typing import TextIO

from fondsengine.clock import Clock, SystemClock
from fondsengine.notify.port import DeliveryError, Message, sender_address, to_email

_LINK = re.compile(r"https?://[^\s<>\"')]+")


def links_in(text: str) -> list[str]:
    """Every http(s) link in a text, in order, without duplicates or trailing punctuation."""
    found: list[str] = []
    for match in _LINK.findall(text):
        link = match.rstrip(".,;:!?")
        if link not in found:
            found.append(link)
    return found


def console_summary(message: Message) -> str:
    """Short German console lines for a mail: recipient, subject, then its links."""
    lines = [f"✉ an {', '.join(message.to)}: {message.subject}"]
    lines.extend(f"  → {link}" for link in links_in(message.text))
    lines.extend(f"  📎 {attachment.filename}" for attachment in message.attachments)
    return "\n".join(lines)


class MailboxMailer:
    """Appends every mail to a local mbox file (locked while writing)."""

    def __init__(
        self,
        path: str | Path,
        sender: str,
        echo: bool = True,
        *,
        clock: Clock | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.path = Path(path)
        self.sender = sender
        self.echo = echo
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._out = out

    def send(self, message: Message) -> None:
        """Append the message to the mbox file and, if echo is on, print a short line."""
        now = self.clock.now()
        entry = mailbox.mboxMessage(to_email(message, self.sender, sent_at=now))
        entry.set_from(sender_address(self.sender), now.astimezone(UTC).timetuple())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Our writers (web workers, scheduler, threads) queue on a blocking flock of a
            # side file; mbox.lock() (dot file + fcntl, non-blocking) then only guards
            # against mail clients reading the file at that moment.
            with open(self.path.with_name(self.path.name + ".writer"), "a") as guard:
                fcntl.flock(guard, fcntl.LOCK_EX)
                box = mailbox.mbox(self.path, create=True)
                box.lock()
                try:
                    box.add(entry)
                    box.flush()
                finally:
                    box.unlock()
                    box.close()
        except (OSError, mailbox.Error) as exc:
            raise DeliveryError(
                True, f"Postfachdatei {self.path} nicht beschreibbar: {exc}"
            ) from exc
        if self.echo:
            print(console_summary(message), file=self._out or sys.stdout, flush=True)

    def messages(self) -> list[mailbox.mboxMessage]:
        """All mails in the file, oldest first (for the demo and tests)."""
        if not self.path.exists():
            return []
        box = mailbox.mbox(self.path, create=False)
        try:
            return list(box)
        finally:
            box.close()


class ConsoleMailer:
    """Prints each mail (summary and full plain text) to the console; keeps nothing."""

    def __init__(self, *, out: TextIO | None = None) -> None:
        self._out = out

    def send(self, message: Message) -> None:
        """Print the message to the console."""
        body = "\n".join(f"  | {line}" for line in message.text.splitlines())
        print(f"{console_summary(message)}\n{body}", file=self._out or sys.stdout, flush=True)
