"""The `fondsengine` command: thin shells over the engine's use cases."""
