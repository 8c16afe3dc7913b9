# Type stubs for the parts of Flask-WTF 1.2's file fields that fondsengine uses.
from typing import Any

from wtforms import FileField as _FileField
from wtforms import MultipleFileField as _MultipleFileField
from wtforms.validators import StopValidation

class FileField(_FileField):
    data: Any

class MultipleFileField(_MultipleFileField):
    data: Any

class FileRequired:
    def __init__(self, message: str | None = ...) -> None: ...
    def __call__(self, form: Any, field: Any) -> None: ...

class FileAllowed:
    def __init__(self, upload_set: Any, message: str | None = ...) -> None: ...
    def __call__(self, form: Any, field: Any) -> None: ...

class FileSize:
    def __init__(self, max_size: int, min_size: int = ..., message: str | None = ...) -> None: ...
    def __call__(self, form: Any, field: Any) -> None: ...

__all__ = ["FileAllowed", "FileField", "FileRequired", "FileSize", "MultipleFileField", "StopValidation"]
