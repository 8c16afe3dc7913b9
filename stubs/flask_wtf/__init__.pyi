# Type stubs for the parts of Flask-WTF 1.2 that fondsengine uses (the package ships none).
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect as CSRFProtect
from wtforms import Form

class FlaskForm(Form):
    class Meta:
        csrf: bool
    def __init__(self, formdata: Any = ..., **kwargs: Any) -> None: ...
    def validate_on_submit(self, extra_validators: Any = ...) -> bool: ...
    def is_submitted(self) -> bool: ...
    def hidden_tag(self, *fields: Any) -> Any: ...

__all__ = ["CSRFProtect", "Flask", "FlaskForm"]
