"""One field type per kind of value: text, euro amounts, hours, dates, whole numbers, ids, choices, e-mail.

Every form and query parameter goes through these readers, so nothing reaches the engine (or the
database) that it cannot store: ASCII digits only, bounded numbers, no NaN or Infinity, text that fits
its column and holds no NUL or other control characters (and no line break in single-line fields).
A refusal is an `InvalidInput` with a German message naming the field. The WTForms validator
`SafeText` does the same for the Flask-WTF forms. `install` adds the last net for the whole app: a
request with a NUL byte anywhere, or a route id beyond what the database can hold, gets a German 400/404.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import IntegerConverter
from wtforms import Field, Form
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3, newer than its stubs
from wtforms.form import BaseForm
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from fondsengine.errors import InvalidInput
from fondsengine.iban import normalise_iban
from fondsengine.inputs import INT32, check_text, parse_date, parse_hours, parse_int
from fondsengine.money import parse_euro

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
MAX_PARAM = 100_000  # characters of one request value (a multi-line text is limited to MAX_TEXT)
_ID_RE = re.compile(r"^[0-9]{1,10}$")
_TOKEN_RE = re.compile(r"^[!-~]{1,64}$")  # printable ASCII, fits client_token String(64)


def raw(form: Mapping[str, Any], name: str) -> str:
    """The stripped string value of a form or query field ('' when absent)."""
    return str(form.get(name, "") or "").strip()


def text(
    form: Mapping[str, Any],
    name: str,
    *,
    label: str,
    max_len: int,
    multiline: bool = False,
    required: str | None = None,
) -> str:
    """A text field: stripped, at most max_len characters, no control characters (InvalidInput)."""
    value = raw(form, name)
    if required and not value:
        raise InvalidInput(required, field=name)
    return check_text(value, label=label, max_len=max_len, multiline=multiline, field=name)


def clean(value: str, *, label: str, max_len: int, multiline: bool = False, field: str | None = None) -> str:
    """Check a string already read (same rules as `text`)."""
    return check_text(value.strip(), label=label, max_len=max_len, multiline=multiline, field=field)


def euro(form: Mapping[str, Any], name: str, *, label: str = "Betrag", required: str | None = None) -> int | None:
    """An amount in euros ('1.234,56' or '1234.56') as integer cents, None when empty."""
    value = raw(form, name).replace("€", "").strip()
    if not value:
        if required:
            raise InvalidInput(required, field=name)
        return None
    try:
        cents = parse_euro(value)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=name) from None
    if cents < 0:
        raise InvalidInput(f"„{label}“ darf nicht negativ sein.", field=name)
    return cents


def hours(form: Mapping[str, Any], name: str, *, label: str = "Stunden") -> Decimal | None:
    """Hours (finite, 0 to 100.000, at most two decimals), None when empty."""
    value = raw(form, name)
    return parse_hours(value, label=label, field=name) if value else None


def day(form: Mapping[str, Any], name: str, *, label: str = "Datum", required: str | None = None) -> date | None:
    """A date (2026-11-24 or 24.11.2026, years 1900 to 2100), None when empty."""
    value = raw(form, name)
    if not value:
        if required:
            raise InvalidInput(required, field=name)
        return None
    return parse_date(value, label=label, field=name)


def whole(form: Mapping[str, Any], name: str, *, label: str, low: int = 0, high: int = 1_000_000) -> int | None:
    """A whole number of ASCII digits within bounds, None when empty."""
    value = raw(form, name)
    return parse_int(value, label=label, low=low, high=high, field=name) if value else None


def ident(value: Any, *, low: int = 1) -> int | None:
    """A database id (or version number) from a form value (low to 2^31-1, ASCII digits), else None."""
    text_value = str(value or "").strip()
    if not _ID_RE.match(text_value):
        return None
    number = int(text_value)
    return number if low <= number <= INT32 else None


def form_token(form: Mapping[str, Any]) -> str:
    """The idempotency token of a form post, or a fresh one when it is missing or malformed."""
    value = raw(form, "form_token")
    return value if _TOKEN_RE.match(value) else secrets.token_urlsafe(16)


def idents(values: Collection[Any], limit: int = 1000) -> list[int]:
    """The valid ids among form values (invalid ones are ignored), at most `limit`."""
    out = [i for i in (ident(v) for v in values) if i is not None]
    return out[:limit]


def choice(form: Mapping[str, Any], name: str, allowed: Collection[str], *, default: str = "") -> str:
    """One of the allowed values, else the default."""
    value = raw(form, name)
    return value if value in allowed else default


def email(form: Mapping[str, Any], name: str, *, required: str | None = None) -> str:
    """An e-mail address (shape only; at most 320 characters), '' when empty and not required."""
    value = text(form, name, label="E-Mail-Adresse", max_len=320, required=required)
    if value and not EMAIL_RE.match(value):
        raise InvalidInput("Bitte geben Sie eine gültige E-Mail-Adresse an (Beispiel: name@example.org).", field=name)
    return value


class SafeText:
    """WTForms validator: at most max_len characters and no control characters (line breaks if multi-line)."""

    def __init__(self, max_len: int, *, multiline: bool = False) -> None:
        self.max_len = max_len
        self.multiline = multiline

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data if isinstance(field.data, str) else ""
        try:
            check_text(value, label=str(field.label.text), max_len=self.max_len, multiline=self.multiline)
        except InvalidInput as exc:
            raise ValidationError(exc.message) from None


class _ParsedField(Field):
    """A text input whose value the engine's parser reads; `data` is the parsed value (None when empty),
    the typed text stays for re-display. A refused value is a field error in the parser's German."""

    def __init__(self, label: str | None = None, validators: Any = None, *, required: str | None = None, **kw: Any):
        super().__init__(label, validators, **kw)
        self.widget = TextInput()
        self.required = required
        self.typed = ""

    def parse(self, value: str) -> Any:
        raise NotImplementedError

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.typed = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not self.typed:
            return
        try:
            self.data = self.parse(self.typed)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    def pre_validate(self, form: BaseForm) -> None:
        if self.required and not self.typed and not self.process_errors:
            raise StopValidation(self.required)

    def _value(self) -> str:
        return self.typed


class EuroField(_ParsedField):
    """An amount in euros ('1.234,56', '1234.56', with or without €) as integer cents, not negative."""

    data: int | None

    def parse(self, value: str) -> int:
        cents = parse_euro(value.replace("€", "").strip())
        if cents < 0:
            raise InvalidInput(f"„{self.label.text}“ darf nicht negativ sein.")
        return cents


class GermanDateField(_ParsedField):
    """A date typed as 24.11.2026 or sent by a date input as 2026-11-24 (years 1900 to 2100)."""

    data: date | None

    def parse(self, value: str) -> date:
        return parse_date(value, label=str(self.label.text))


class HoursField(_ParsedField):
    """Hours (finite, 0 to 100.000, at most two decimals)."""

    data: Decimal | None

    def parse(self, value: str) -> Decimal:
        return parse_hours(value, label=str(self.label.text))


class WholeField(_ParsedField):
    """A whole number of ASCII digits between `low` and `high` (both inclusive)."""

    data: int | None

    def __init__(self, label: str | None = None, validators: Any = None, *, low: int = 0, high: int = 1_000_000,
                 **kw: Any) -> None:  # fmt: skip
        super().__init__(label, validators, **kw)
        self.low, self.high = low, high

    def parse(self, value: str) -> int:
        return parse_int(value, label=str(self.label.text), low=self.low, high=self.high)


class IbanField(_ParsedField):
    """An IBAN (spaces allowed, any case); `data` is the normalised IBAN, checked as fondsengine.iban does."""

    data: str | None

    def parse(self, value: str) -> str:
        return normalise_iban(value)


class IdsField(Field):
    """Several values under one name (checkboxes of ids); `data` holds the posted strings for `idents`."""

    data: list[str]

    def __init__(self, label: str | None = None, validators: Any = None, **kw: Any) -> None:
        kw.setdefault("default", list)
        super().__init__(label, validators, **kw)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(v) for v in valuelist]


class UploadField(FileField):
    """A file input for one file: `data` is the chosen file, None when none was chosen. The form only
    carries it; `webapp.uploads.check` reads and checks its content before the engine stores anything."""

    data: FileStorage | None


class UploadsField(MultipleFileField):
    """A file input with `multiple`: `data` is the list of chosen files (empty when none was chosen;
    an empty file input of the browser is no file). Checked as `UploadField`."""

    data: list[FileStorage]

    def __init__(self, label: str | None = None, validators: Any = None, **kw: Any) -> None:
        kw.setdefault("default", list)
        super().__init__(label, validators, **kw)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [v for v in valuelist if isinstance(v, FileStorage) and v.filename]
        if not self.data:
            self.raw_data = []


class PostedForm(FlaskForm):
    """A Flask-WTF form (CSRF, declared fields) on a page that also has fields generated from the
    guideline or from the rows entered (cost rows, receipts, rule questions): `posted` holds the text
    values of the whole post for the parser of those fields, which checks each one with the readers
    above; `files` holds the files chosen in generated file inputs (a receipt's file), by input name."""

    posted: MultiDict[str, str]
    files: MultiDict[str, FileStorage]

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None, extra_filters: Any = None,
                **kwargs: Any) -> None:  # fmt: skip
        formdata = self.meta.wrap_formdata(self, formdata)
        items = list(formdata.items(multi=True)) if formdata is not None else []
        self.posted = MultiDict([(k, v) for k, v in items if isinstance(v, str)])
        self.files = MultiDict([(k, v) for k, v in items if isinstance(v, FileStorage) and v.filename])
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)


class DatabaseId(IntegerConverter):
    """The `<int:...>` URL part: ASCII digits, limited to what an INTEGER column holds (else 404, never a 500)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT32)
        super().__init__(map, *args, **kwargs)


class IdField(_ParsedField):
    """A database id posted by a hidden field or a select (`ident`): None when absent or malformed, so a
    forged value is "nothing chosen" (with `required`, that message), never a 500."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.typed = str(valuelist[0]).strip() if valuelist else ""
        self.data = ident(self.typed)
        if self.data is None:
            self.typed = ""

    def parse(self, value: str) -> int | None:
        return ident(value)


def typed_values(form: BaseForm) -> MultiDict[str, str]:
    """The values of a form as they were posted, to show it again (the CSRF token and files aside)."""
    return MultiDict(
        [(f.name, v) for f in form for v in (f.raw_data or []) if f.name != "csrf_token" and isinstance(v, str)]
    )


def stripped(value: Any) -> Any:
    """WTForms filter: a text without the spaces around it (None stays None)."""
    return value.strip() if isinstance(value, str) else value


REFUSED = (
    "Ihre Eingabe enthält ein Zeichen, das nicht gespeichert werden kann (ein Nullzeichen), oder ist viel "
    "zu lang. Es wurde nichts gespeichert. Bitte gehen Sie zurück und korrigieren Sie die Eingabe."
)


def _unstorable(values: Any) -> bool:
    for key, value in values.items(multi=True):
        for part in (key, value):
            if isinstance(part, str) and ("\x00" in part or len(part) > MAX_PARAM):
                return True
    return False


def install(app: Flask) -> None:
    """Bounded route ids, a German 400 for NUL bytes in any request value, a 400 page for InvalidInput."""
    app.url_map.converters["int"] = DatabaseId

    @app.before_request
    def _refuse_unstorable() -> ResponseReturnValue | None:
        # request.values is the query string, plus the posted body on a POST (the net under every form)
        if _unstorable(request.args) or (request.method == "POST" and _unstorable(request.values)):
            return render_template("errors/http.html", code=400, description=REFUSED), 400
        return None

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> ResponseReturnValue:
        return render_template("errors/http.html", code=400, description=exc.message), 400


def options(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """A select field's choices from (value, label) pairs, as WTForms wants them (`SelectChoice`; plain
    tuples are deprecated there and go with WTForms 3.4)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
