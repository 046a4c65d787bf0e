"""Integrations with web frameworks, each behind its own extra (``weekplan[flask]``)."""
