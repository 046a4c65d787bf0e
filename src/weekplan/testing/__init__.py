"""Test support shipped with weekplan, for its own tests and for host applications."""
