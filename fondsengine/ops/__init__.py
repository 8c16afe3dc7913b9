"""Running the engine in production: the WSGI server, startup checks, logging, backup and restore."""
