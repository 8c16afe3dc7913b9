"""The one place an application changes state: fire, guards, effects, authorisation, audit."""
