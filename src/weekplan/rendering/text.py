"""Templates, instances and client weeks as plain-text grids, for terminals and logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from weekplan.domain.entries import PlanEntry
from weekplan.text_grid import render_week

if TYPE_CHECKING:
    from weekplan.domain.client_view import ClientWeekView
    from weekplan.domain.plans import WeekPlanInstance, WeekPlanTemplate

__all__ = ["client_week_text", "instance_text", "template_text"]


def template_text(template: WeekPlanTemplate) -> str:
    """The template's name and version over its grid."""
    return f"{template.name} (version {template.version})\n{render_week(template.days)}"


def instance_text(instance: WeekPlanInstance) -> str:
    """The client's week over its grid; ``*`` marks a slot changed from the template,
    ``#`` a locked slot."""
    marked = {(o.day_key, o.slot_key) for o in instance.overrides()}
    locked = {lock.key for lock in instance.locks}
    legend = "; # = locked" if locked else ""
    header = (
        f"{instance.client_ref}, week of {instance.week_start_date.isoformat()} "
        f"(version {instance.version}; * = changed from the template{legend})"
    )
    return f"{header}\n{render_week(instance.days, marked=marked, locked=locked)}"


def client_week_text(view: ClientWeekView) -> str:
    """The client's week with dish names in place of dish ids."""
    entries = [
        PlanEntry(slot.day_key, slot.slot_key, slot.dish_name or slot.dish_template_id, slot.notes)
        for day in view.days
        for slot in day.slots
    ]
    return f"{view.client_ref}, week of {view.week_start_date.isoformat()}\n{render_week(entries)}"
