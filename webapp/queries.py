"""The address parameters a page understands (its query string), read through forms like every post.

A GET changes nothing, so these forms carry no CSRF token; each one names the parameters of the pages
that use it. Bound to `request.args` when made (`FundQuery()`), they give the stripped values; what a
value means (a fund the user may see, a budget year) the page and the engine decide.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from webapp.fields import ident, stripped


class Query(FlaskForm):
    """A form over the address's query string (no CSRF: a GET filter)."""

    class Meta:
        csrf = False

    def __init__(self) -> None:
        super().__init__(formdata=request.args)


class FundQuery(Query):
    """`?fonds=` and `?jahr=`: the fund and the budget year a page shows."""

    fonds = StringField("Fonds", filters=[stripped])
    jahr = StringField("Haushaltsjahr", filters=[stripped])

    @property
    def fund_id(self) -> str | None:
        """The fund asked for, None when none is (the page chooses)."""
        return str(self.fonds.data)[:64] if self.fonds.data else None

    @property
    def year_given(self) -> bool:
        """Whether the address names a year at all (valid or not)."""
        return bool(self.jahr.data)

    @property
    def year(self) -> int | None:
        """The year asked for, None when none is or it is no year (ASCII digits, 1900 to 2100)."""
        year = ident(self.jahr.data)
        return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None


class ProjectQuery(FundQuery):
    """The public project gallery's filter: fund, year, category and part of the area."""

    kategorie = StringField("Kategorie", filters=[stripped])
    teilgebiet = StringField("Teilgebiet", filters=[stripped])


class StageQuery(Query):
    """`?stufe=nachweis`: the consent to publication asked for at the proof of use."""

    stufe = StringField("Stufe", filters=[stripped])


class EditQuery(Query):
    """`?rows=1` on the application form: one blank cost row more."""

    rows = StringField("Zeilen", filters=[stripped])


class NextQuery(Query):
    """`?next=`: where the login page returns to (checked by the login view as before)."""

    next = StringField("Weiter", filters=[stripped])
