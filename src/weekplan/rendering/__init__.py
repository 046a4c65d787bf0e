"""Presentation of weekplan values: HTML for notebooks, plain text for terminals.

The domain classes delegate their ``_repr_html_`` and ``__str__`` here, so the
domain holds no presentation code beyond those one-line methods.
"""
