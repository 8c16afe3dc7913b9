"""The resident's pages: own applications, the form, status, payments, proof of use."""

from flask import Blueprint

bp = Blueprint("applicant", __name__)

from webapp.applicant import messages, publication, views_form, views_money, views_status  # noqa: E402,F401
