"""JSON payloads to and from weekplan's values, with errors that name each bad field.

Every public value becomes a JSON-ready dict with the seed's field names, ISO
dates and UTC datetimes, and comes back equal:

>>> from weekplan import PlanEntry
>>> from weekplan.serialization import from_json, to_json
>>> to_json(PlanEntry("mon", "lunch", notes="soup"))
{'day_key': 'mon', 'slot_key': 'lunch', 'dish_template_id': None, 'notes': 'soup'}
>>> from_json(PlanEntry, {"day_key": "mon", "slot_key": "lunch"})
PlanEntry(day_key=<DayKey.MON: 'mon'>, slot_key='lunch', dish_template_id=None, notes=None)

A malformed payload raises :class:`~weekplan.InvalidInput` listing every problem:

>>> from weekplan import InvalidInput
>>> from weekplan.serialization import TemplateCreate
>>> try:
...     from_json(TemplateCreate, {"name": 7, "days": [{"day_key": "funday", "slot_key": "x"}]})
... except InvalidInput as err:
...     for item in err.errors:
...         print(item)
{'loc': ['name'], 'msg': 'must be a string'}
{'loc': ['days', 0, 'day_key'], 'msg': 'must be one of mon, tue, wed, thu, fri, sat, sun'}

The converters are private to this module: nothing here changes cattrs' global
state or any converter a host has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from cattrs.errors import BaseValidationError

from weekplan.errors import InvalidInput
from weekplan.serialization import _payloads
from weekplan.serialization._converter import make_converter, make_query_converter
from weekplan.serialization._errors import PayloadError, error_items
from weekplan.serialization._json import parse_json
from weekplan.serialization._payloads import *  # noqa: F403  (the request payloads, listed there once)
from weekplan.serialization._schema import json_schema

__all__ = [
    "from_json",
    "from_query",
    "json_schema",
    "make_converter",
    "parse_json",
    "to_json",
]
__all__ += _payloads.__all__

T = TypeVar("T")

_CONVERTER = make_converter()
_QUERY_CONVERTER = make_query_converter()


def to_json(value: Any) -> Any:
    """``value`` as JSON-ready data: dicts, lists, strings, numbers, booleans and ``None``."""
    return _CONVERTER.unstructure(value)


def from_json(cls: type[T], data: Any) -> T:
    """A ``cls`` from JSON data, or :class:`~weekplan.InvalidInput` naming every bad field.

    ``cls`` is any public value (e.g. :class:`~weekplan.WeekPlanTemplate`), a
    request payload of this module, or a generic such as ``Page[WeekPlanTemplate]``.
    Nothing but :class:`~weekplan.InvalidInput` escapes, whatever ``data`` is.
    """
    return _structure(_CONVERTER, cls, data)


def from_query(cls: type[T], args: Mapping[str, Any]) -> T:
    """A ``cls`` from query-string parameters (numbers as text; unknown names ignored).

    >>> from_query(TemplateQuery, {"search": "week", "limit": "10"})
    TemplateQuery(search='week', limit=10, cursor=None)
    """
    return _structure(_QUERY_CONVERTER, cls, dict(args))


def _structure(converter: Any, cls: type[T], data: Any) -> T:
    try:
        result: T = converter.structure(data, cls)
    except InvalidInput as exc:
        raise InvalidInput(exc.errors) from None
    except (BaseValidationError, PayloadError) as exc:
        raise InvalidInput(error_items(exc)) from None
    except RecursionError:
        raise InvalidInput.at((), "is nested too deeply") from None
    return result
