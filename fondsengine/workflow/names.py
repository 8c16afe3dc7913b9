"""The allow-lists of role and outcome names a workflow file may use.

Guards and effects are not listed here: each is registered with its description where it
is defined (fondsengine.workflow.registry.GUARDS / EFFECTS), and the loader checks names
against those registries.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "applicant": "Antragsteller/in (Eigentümer/in des Antrags)",
    "manager": "Geschäftsführung",
    "jury_member": "Jurymitglied",
    "city_approver": "Bewilligungsstelle der Stadt",
    "auditor": "Prüfer/in (nur lesen)",
    "system": "Automatischer Vorgang (Zeitplan)",
}

OUTCOMES: frozenset[str] = frozenset({"approved", "rejected", "withdrawn", "lapsed", "completed"})
