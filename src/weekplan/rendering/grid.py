"""A template or client week with its dishes by name: text for ``print``, a table for Jupyter."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from weekplan.domain._meal_types import DEFAULT_VOCABULARY, MealVocabulary
from weekplan.domain._plans import WeekPlanInstance, WeekPlanTemplate
from weekplan.rendering.html import instance_html, template_html
from weekplan.rendering.text import instance_text, template_text

__all__ = ["WeekGrid"]


def _read_only(names: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(names))


@attrs.frozen
class WeekGrid:
    """A worker's grid of a template or week, dishes named from the tenant's catalog.

    ``str(grid)`` is the text grid, and Jupyter shows the HTML table; rows follow
    the order of the day, as in the client's view. Get one from
    :meth:`weekplan.WorkerPlanner.grid`, which looks the names up.
    A dish no longer in the catalog shows its id, marked ``(not in catalog)``.
    """

    plan: WeekPlanTemplate | WeekPlanInstance
    dish_names: Mapping[str, str] = attrs.field(converter=_read_only)
    vocabulary: MealVocabulary = DEFAULT_VOCABULARY

    def __str__(self) -> str:
        if isinstance(self.plan, WeekPlanTemplate):
            return template_text(self.plan, dish_names=self.dish_names, vocabulary=self.vocabulary)
        return instance_text(self.plan, dish_names=self.dish_names, vocabulary=self.vocabulary)

    def _repr_html_(self) -> str:
        """The grid as an HTML table, for notebooks."""
        if isinstance(self.plan, WeekPlanTemplate):
            return template_html(self.plan, dish_names=self.dish_names, vocabulary=self.vocabulary)
        return instance_html(self.plan, dish_names=self.dish_names, vocabulary=self.vocabulary)
