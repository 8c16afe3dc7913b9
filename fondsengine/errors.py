"""Domain errors. Every message is German and meant for the person who caused it."""

from __future__ import annotations


class FondsError(Exception):
    """Base class of all errors the engine raises on purpose."""

    def __init__(self, message: str, *, clause: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.clause = clause

    def __str__(self) -> str:
        if self.clause:
            return f"{self.message} ({self.clause})"
        return self.message


class NotFound(FondsError):
    """The object does not exist, or the actor may not know that it exists."""


class PermissionDenied(FondsError):
    """The actor's role does not allow this use case."""


class TransitionNotAllowed(FondsError):
    """The workflow does not allow this step from the current state."""


class GuardFailed(FondsError):
    """A rule (guard) of the guideline or the workflow refused the step."""

    def __init__(
        self, message: str, *, clause: str | None = None, reasons: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, clause=clause)
        self.reasons = reasons


class BudgetExceeded(GuardFailed):
    """The free budget of the budget year does not cover the amount."""


class InvalidInput(FondsError):
    """Input values are malformed or contradict each other."""

    def __init__(
        self, message: str, *, field: str | None = None, clause: str | None = None
    ) -> None:
        super().__init__(message, clause=clause)
        self.field = field


class ConcurrentChange(FondsError):
    """Someone else changed the same object in the meantime."""


APPLICATION_CHANGED = "Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu."


class LetterIncomplete(FondsError):
    """A letter would contain an empty placeholder; it is not rendered (nor sent) until the data is there."""
