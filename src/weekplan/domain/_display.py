"""How a domain value shows itself: the domain asks, the presentation layer answers.

``print(week)`` shows a grid and Jupyter shows a table, yet the domain imports no
presentation. Its ``__str__`` and ``_repr_html_`` call :func:`text_of` and
:func:`html_of`, two generic functions that :mod:`weekplan.rendering`, a layer
above, extends with one renderer per class when it is imported (``import
weekplan`` imports it). They are filled once, at import, and never change after.
A value no renderer is registered for shows its ``repr``.
"""

from __future__ import annotations

import functools
from html import escape

__all__ = ["html_of", "text_of"]


@functools.singledispatch
def text_of(value: object) -> str:
    """``value`` as plain text, for ``print``: the registered renderer's, else its ``repr``."""
    return repr(value)


@functools.singledispatch
def html_of(value: object) -> str:
    """``value`` as HTML, for notebooks: the registered renderer's, else its escaped ``repr``."""
    return f"<pre>{escape(repr(value))}</pre>"
