"""Sphinx configuration of the weekplan documentation (MyST Markdown, furo, autodoc)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

project = "weekplan"
author = "weekplan maintainers"
copyright = "weekplan maintainers"  # the name Sphinx reads

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "notebooks/.ipynb_checkpoints"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "weekplan"

# The build is offline: no intersphinx. References to the standard library and to
# attrs, cattrs, Flask or SQLAlchemy cannot resolve here and are not errors.
nitpick_ignore_regex = [
    ("py:class", r"(attrs|cattrs|flask|werkzeug|sqlalchemy|hypothesis|pytest)\..*"),
    ("py:class", r"(datetime|collections\.abc|typing|types|enum)\..*"),
    ("py:class", r"(date|datetime|Callable|Iterable|Mapping|Sequence|Any|Self|T|Hook)"),
    ("py:class", r"weekplan\..*\.(T|S|K|V|A|P|R)"),
    ("py:class", r"(Blueprint|Flask|Response|Converter|TracebackType|Unsettable|NoneType)"),
    ("py:class", r"(EntryInput|DayScope|SlotKey|ErrorItem|StoreState)"),
    ("py:class", r"Literal\[.*"),
    ("py:obj", r"weekplan\..*\.(T|S|K|V|A|P|R)"),
    # Unqualified names in signatures and internal modules named by docstrings: the
    # reference documents the public modules only.
    ("py:class", r"[A-Za-z_]\w*"),
    ("py:(class|func|meth|mod|obj)", r"weekplan\.(domain|planner)(\..*)?"),
    ("py:(class|func|meth)", r"weekplan\.(adapters\.memory|testing)\._.*"),
    ("py:(func|meth)", r"(slot_kind|build_client_view|make_store|dispose_store)"),
    ("py:class", r"weekplan\.guardrails\.(_terms|_compiled|_normalize|_words|_stemming)\..*"),
    ("py:meth", r"datetime\..*"),
    ("py:class", r"abc\.ABC"),
    # The reference shows SqlAlchemyStore, not the SQL adapter's internals.
    ("py:(func|class|mod|meth)", r"sqlalchemy\..*"),
    (
        "py:(class|mod)",
        r"weekplan\.adapters\.sqlalchemy\.(migrations|_store\.SqlAlchemyUnitOfWork)",
    ),
]
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
