"""The quick-start demo: a worker plans one client's week from a template.

Run it with ``python -m weekplan demo``.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from weekplan.domain.entries import PlanEntry
from weekplan.errors import InstanceNotFound
from weekplan.planner.planner import Planner
from weekplan.ports import Store
from weekplan.text_grid import render_week

__all__ = ["run_demo"]

_TEMPLATE_DAYS = [
    PlanEntry(day, slot, notes=notes)
    for day in ("mon", "tue", "wed", "thu", "fri")
    for slot, notes in (
        ("breakfast", "oat porridge"),
        ("lunch", "lentil soup"),
        ("dinner", "salmon, greens"),
    )
] + [
    PlanEntry("sat", "brunch", notes="omelette"),
    PlanEntry("sun", "dinner", notes="roast vegetables"),
]


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def run_demo(store: Store, *, today: date | None = None) -> str:
    """Create a template, clone it for a client, edit one slot; the printout as text."""
    worker = Planner(store).worker("demo-practice")
    week = _next_monday(today or date.today())
    out: list[str] = []

    template = worker.create_template("Balanced week", _TEMPLATE_DAYS)
    out.append(f"1. Template {template.name!r} created (version {template.version}).")

    with contextlib.suppress(InstanceNotFound):
        # A demo database kept from an earlier run already has this week.
        worker.delete_instance("client-42", week)
    instance = worker.create_instance(template.id, "client-42", week)
    out.append(f"2. Cloned for client-42, week of {week.isoformat()}.")

    instance = worker.set_slot("client-42", week, "wed", "dinner", notes="tofu stir-fry")
    out.append(f"3. Edited Wednesday dinner; the week is now at version {instance.version}.")

    overrides = {(o.day_key, o.slot_key) for o in worker.list_overrides("client-42", week)}
    template_now = worker.get_template(template.id)
    out += [
        "",
        f"Template {template_now.name!r}, version {template_now.version}:",
        render_week(template_now.days),
        "",
        f"client-42, week of {week.isoformat()} (* = changed from the template):",
        render_week(instance.days, marked=overrides),
        "",
        "The template is unchanged: "
        + ("yes" if template_now == template else "NO, this is a bug")
        + f"; the week differs from it in {len(overrides)} slot(s).",
    ]
    return "\n".join(out)
