"""Change records as a table, for notebooks (HTML) and terminals (text).

>>> from weekplan import Planner
>>> from weekplan.adapters.memory import InMemoryStore
>>> worker = Planner(InMemoryStore()).worker("tenant-a", actor="user-17")
>>> plan = worker.create_template("Week", [{"day_key": "mon", "slot_key": "lunch"}])
>>> _ = worker.create_instance(plan.id, "client-42", "2026-11-23")
>>> _ = worker.set_slot("client-42", "2026-11-23", "mon", "lunch", notes="soup")
>>> print(changes_text(worker.list_changes("client-42", "2026-11-23").items, with_time=False))
version | change  | slot      | before | after | source | actor   | reason
--------+---------+-----------+--------+-------+--------+---------+-------
1→2     | changed | mon/lunch | -      | soup  | edit   | user-17 |
→1      | added   | mon/lunch |        | -     | create | user-17 |
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from weekplan.domain._entries import PlanEntry
from weekplan.domain.changes import ChangeRecord

__all__ = ["changes_html", "changes_text"]

_HEADER = ("version", "change", "slot", "before", "after", "source", "actor", "reason")


def _entry(entry: PlanEntry | None) -> str:
    if entry is None:
        return ""
    return " / ".join(p for p in (entry.dish_template_id, entry.notes) if p) or "-"


def _versions(record: ChangeRecord) -> str:
    before = "" if record.version_before is None else str(record.version_before)
    after = "" if record.version_after is None else str(record.version_after)
    return f"{before}→{after}"


def _row(record: ChangeRecord) -> list[str]:
    return [
        _versions(record),
        record.change_type.value,
        f"{record.day_key.value}/{record.slot_key}",
        _entry(record.old),
        _entry(record.new),
        record.source.value,
        record.actor or "",
        record.reason or "",
    ]


def changes_text(records: Iterable[ChangeRecord], *, with_time: bool = True) -> str:
    """The records as a plain-text table, in the order given (a listing's: newest first)."""
    header = [*(("time",) if with_time else ()), *_HEADER]
    rows = [
        [*((record.at.isoformat(timespec="seconds"),) if with_time else ()), *_row(record)]
        for record in records
    ]
    rows = [[cell.replace("\n", " ") for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def changes_html(records: Iterable[ChangeRecord]) -> str:
    """The records as an HTML table for a notebook; every text is escaped."""
    head = "".join(f'<th scope="col">{name}</th>' for name in ("time", *_HEADER))
    body = "".join(
        f'<tr data-change="{escape(record.change_type.value)}">'
        + "".join(
            f"<td>{escape(cell)}</td>"
            for cell in [record.at.isoformat(timespec="seconds"), *_row(record)]
        )
        + "</tr>"
        for record in records
    )
    return (
        '<table class="weekplan-changes">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
