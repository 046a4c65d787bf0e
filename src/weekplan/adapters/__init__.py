"""Stores that implement :mod:`weekplan.ports`."""
