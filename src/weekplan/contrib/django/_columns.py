"""A model's fields by the column each maps: the row layer speaks columns, Django fields.

The row layer (:mod:`weekplan.adapters._row_mapping`) names each value by its
column, as the SQLAlchemy store binds it. A Django model names its fields, and a
few differ from their column (the domain's id is the ``id`` column of the field
``plan_id``, ``dish_id``, ``run_id``, since a model's ``id`` means something
else to Django). :class:`ModelColumns` reads the model's own field-to-column
map, so no store spells that renaming again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import models

__all__ = ["ModelColumns"]


class ModelColumns:
    """The fields of ``model`` by their column names.

    >>> from weekplan.contrib.django.models import TemplateRecord
    >>> ModelColumns(TemplateRecord).fields(["id", "name"])
    ('plan_id', 'name')
    """

    def __init__(self, model: type[models.Model]) -> None:
        self._field_of: dict[str, str] = {
            field.column: field.name for field in model._meta.concrete_fields if field.column
        }

    def fields(self, columns: Iterable[str]) -> tuple[str, ...]:
        """The field names of ``columns``, in their order, for ``values_list``."""
        return tuple(self._field_of[column] for column in columns)

    def kwargs(self, values: Mapping[str, Any], *, skip: Collection[str] = ()) -> dict[str, Any]:
        """``values`` keyed by field name, for a model's constructor or ``update``.

        ``skip`` names columns to leave out: the key of a row an update finds.
        """
        field_of = self._field_of
        return {field_of[column]: value for column, value in values.items() if column not in skip}
