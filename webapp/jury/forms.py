"""Forms of the jury pages (Flask-WTF; they read and check input, the engine decides).

The session page shows the forms of every agenda item at once, so the templates name the fields
themselves and the views report errors with the item's id appended (`error_lines`, `form_lines`).
Forms with one field per member or per criterion are built for the session at hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired

from fondsengine.inputs import MAX_TEXT
from webapp.fields import EuroField, IdsField, SafeText, WholeField

CHOICES = ("yes", "no", "abstain")


def _strip(value: str | None) -> str:
    return (value or "").strip()


class AttendanceForm(FlaskForm):
    """An invited member comes (`coming=ja`) or not; `zurueck=sitzung` returns to the session page."""

    coming = HiddenField()
    zurueck = HiddenField()


class OpenSessionForm(FlaskForm):
    """Who is present and who chairs."""

    present = IdsField("Anwesend")
    chair = StringField("Vorsitz", validators=[DataRequired("Bitte wählen Sie, wer die Sitzung leitet.")])


class VoteForm(FlaskForm):
    """Yes, no or abstain, with an optional amount."""

    choice = StringField("Stimme", validators=[AnyOf(CHOICES, message="Bitte wählen Sie Ja, Nein oder Enthaltung.")])
    amount = EuroField("Betrag")


class ConflictForm(FlaskForm):
    """A conflict of interest with its reason; `user` when the office records one for a member."""

    reason = TextAreaField(
        "Grund",
        filters=[_strip],
        validators=[
            DataRequired("Bitte nennen Sie kurz den Grund der Befangenheit."),
            SafeText(MAX_TEXT, multiline=True),
        ],
    )
    user = HiddenField()


class NoConflictForm(FlaskForm):
    """The declaration "Ich bin nicht befangen" (`user` when the office records it for a member)."""

    user = HiddenField()


class WithdrawConflictForm(FlaskForm):
    """Withdraw a declared conflict (`user` when the office withdraws one for a member)."""

    user = HiddenField()


class CloseItemForm(FlaskForm):
    """Closing an item: the chair's casting vote on a tie, the decided amount, a reason."""

    chair_casting = StringField(
        "Stichentscheid",
        default="",
        validators=[AnyOf(("", "yes", "no"), message="Der Stichentscheid ist Ja oder Nein.")],
    )
    amount = EuroField("Betrag")
    reason = TextAreaField("Begründung", filters=[_strip], validators=[SafeText(MAX_TEXT, multiline=True)])


class CommentForm(FlaskForm):
    """A comment on an item (the engine checks its length)."""

    comment = TextAreaField("Kommentar")


def hands_form(member_ids: Iterable[int]) -> FlaskForm:
    """The show of hands: one field `hand-<id>` per present member (the engine checks the choices)."""

    class HandsForm(FlaskForm):
        pass

    for uid in member_ids:
        setattr(HandsForm, f"hand-{uid}", StringField())
    return HandsForm()


def score_form(criteria: Iterable[tuple[str, str, int]]) -> FlaskForm:
    """The scores: one field `points-<criterion>` per criterion (id, label, maximum), empty ones left out."""

    class ScoreForm(FlaskForm):
        pass

    for cid, label, high in criteria:
        setattr(ScoreForm, f"points-{cid}", WholeField(label, high=high))
    return ScoreForm()


def points(form: FlaskForm, criterion_id: str) -> WholeField:
    """The score field of one criterion in a `score_form`."""
    found = form[f"points-{criterion_id}"]
    assert isinstance(found, WholeField)
    return found
