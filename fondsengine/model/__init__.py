"""The SQLAlchemy 2 typed ORM models."""

from fondsengine.model.application import (
    Application,
    ApplicationCount,
    ApplicationRevision,
    Attachment,
    CostItem,
    Note,
    ReviewItem,
)
from fondsengine.model.base import Base
from fondsengine.model.fund import (
    BudgetYear,
    Fund,
    GuidelineAdoption,
    GuidelineDraft,
    GuidelineVersion,
    LedgerMonth,
    PrivateContribution,
    WorkflowVersion,
)
from fondsengine.model.jury import AgendaItem, Attendance, Conflict, JurySession, Vote
from fondsengine.model.jury_extra import JuryDraw, JuryVolunteer
from fondsengine.model.jury_notes import JuryComment, JuryScore
from fondsengine.model.messages import ApplicationMessage
from fondsengine.model.money import LedgerEntry, Payment, ProofOfUse, Receipt, Refund
from fondsengine.model.organisation import ApplicationOrganisation, Organisation, OrganisationMember
from fondsengine.model.publication import PublicationConsent, PublicListing
from fondsengine.model.records import (
    AuditEvent,
    ChainHead,
    JobMark,
    Letter,
    OutboxMessage,
    SchedulerHeartbeat,
)
from fondsengine.model.user import ErasureRequest, Membership, ThrottleCounter, User

__all__ = [
    "AgendaItem",
    "Application",
    "ApplicationCount",
    "ApplicationMessage",
    "ApplicationOrganisation",
    "ApplicationRevision",
    "Attachment",
    "Attendance",
    "AuditEvent",
    "Base",
    "BudgetYear",
    "ChainHead",
    "Conflict",
    "CostItem",
    "ErasureRequest",
    "Fund",
    "GuidelineAdoption",
    "GuidelineDraft",
    "GuidelineVersion",
    "JobMark",
    "JuryComment",
    "JuryDraw",
    "JuryScore",
    "JurySession",
    "JuryVolunteer",
    "LedgerEntry",
    "LedgerMonth",
    "Letter",
    "Membership",
    "Note",
    "Organisation",
    "OrganisationMember",
    "OutboxMessage",
    "Payment",
    "PrivateContribution",
    "ProofOfUse",
    "PublicListing",
    "PublicationConsent",
    "Receipt",
    "Refund",
    "ReviewItem",
    "SchedulerHeartbeat",
    "ThrottleCounter",
    "User",
    "Vote",
    "WorkflowVersion",
]
