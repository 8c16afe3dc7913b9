"""The resident's pages: own applications, the form, status, payments, proof of use."""

from flask import Blueprint

bp = Blueprint("applicant", __name__)

from webapp.applicant import (  # noqa: E402,F401
    messages,
    organisations,
    publication,
    views_form,
    views_money,
    views_status,
)
