"""fondsengine: grant-workflow engine for German neighbourhood funds."""

__version__ = "0.1.0"
