"""The web pages the engine links to from mails and the daily digest: one table.

A link in a mail is a promise that outlives the mail (a resident opens it weeks later), so these
addresses are a published contract of the web app, like the open-data API's paths. The engine states
them here, once; `tests/web/test_mail_links.py` resolves every one against the web app's routes and
checks that it reaches the page meant, so a renamed route cannot leave mails with dead links.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebPage:
    """One page of the web app: its path, with `{id}` where the page is of one application or session."""

    path: str
    fallback: WebPage | None = None  # where a link without its id leads (the list the page belongs to)

    def path_for(self, id: int | None = None) -> str:
        """The page's path (for an application or session: with its id; without one, its list page,
        never a dead link)."""
        if "{id}" in self.path:
            if id is None:
                if self.fallback is None:
                    raise ValueError(f"{self.path} needs an id")
                return self.fallback.path_for()
            return self.path.format(id=int(id))
        return self.path

    def url(self, base_url: str, id: int | None = None, *, anchor: str = "") -> str:
        """The absolute link: the installation's base URL, the path, an optional #anchor."""
        return base_url.rstrip("/") + self.path_for(id) + (f"#{anchor}" if anchor else "")


# the applicant's side
MY_APPLICATIONS = WebPage("/antraege")
APPLICATION = WebPage("/antraege/{id}", MY_APPLICATIONS)
APPLICATION_EDIT = WebPage("/antraege/{id}/bearbeiten", MY_APPLICATIONS)
# the office
OFFICE_START = WebPage("/verwaltung/")
OFFICE_APPLICATION = WebPage("/verwaltung/antraege/{id}", OFFICE_START)
ERASURE_REQUESTS = WebPage("/verwaltung/loeschantraege")
# the jury
JURY_SESSION = WebPage("/jury/sitzungen/{id}")

PAGES: dict[str, WebPage] = {
    "my_applications": MY_APPLICATIONS,
    "application": APPLICATION,
    "application_edit": APPLICATION_EDIT,
    "office_application": OFFICE_APPLICATION,
    "office_start": OFFICE_START,
    "erasure_requests": ERASURE_REQUESTS,
    "jury_session": JURY_SESSION,
}
