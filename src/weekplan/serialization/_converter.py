"""The converters behind :mod:`weekplan.serialization`, built per use, never global.

A library that lives inside someone else's process must not change shared
state, so these converters are local instances; a host that wants other hooks
builds its own with :func:`make_converter` and leaves ours alone.

Type-level strictness lives here (a string is a string, an integer is not a
boolean, a list is a list); the domain's own converters then check the values.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, get_args

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from weekplan.domain._days import DayKey
from weekplan.serialization._errors import PayloadError
from weekplan.serialization._payloads import DayScopeJson

__all__ = ["make_converter", "make_query_converter"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_DAYS = ", ".join(day.value for day in DayKey)


def _structure_str(value: Any, cls: type) -> Any:
    # cattrs dispatches by class first, so every ``StrEnum`` (``DayKey``, ``MealType``)
    # arrives here rather than at an enum hook.
    if cls is not str and issubclass(cls, enum.Enum):
        return _structure_enum(value, cls)
    if not isinstance(value, str):
        raise PayloadError("must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate survives json.loads but no database column takes it.
        raise PayloadError("must be valid Unicode text (no lone surrogates)") from None
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError("must be an integer")
    return value


def _structure_query_int(value: Any, _: type) -> int:
    # Query strings carry every value as text; only plain decimal digits are a number.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return _structure_int(value, int)


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise PayloadError("must be true or false")
    return value


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError("must be a number")
    return float(value)


def _structure_day_key(value: Any, _: type) -> DayKey:
    if isinstance(value, str) and value in DayKey._value2member_map_:
        return DayKey(value)
    raise PayloadError(f"must be one of {_DAYS}")


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PayloadError("must be an ISO date (YYYY-MM-DD)")


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            pass
    raise PayloadError("must be an ISO date and time with a UTC offset")


def _structure_day_scope(value: Any, _: Any) -> str | tuple[str, ...]:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise PayloadError('must be "week", a day key, or a list of day keys')


def _unstructure_str(value: str) -> str:
    return str(value.value) if isinstance(value, enum.Enum) else value


def _unstructure_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = get_args(cls)
    return getattr(cls, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    for member in cls:
        if value == member.value and type(value) is type(member.value):
            return member
    raise PayloadError("must be one of " + ", ".join(str(m.value) for m in cls))


def make_converter(*, query: bool = False) -> cattrs.Converter:
    """A new converter for weekplan's values, with detailed, strict validation.

    ``query=True`` makes one for query strings, where numbers arrive as text and
    unknown parameters are ignored.
    """
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=not query)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_query_int if query else _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(DayKey, _structure_day_key)
    converter.register_structure_hook_func(_is_enum, _structure_enum)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(DayScopeJson, _structure_day_scope)
    converter.register_unstructure_hook(str, _unstructure_str)
    converter.register_unstructure_hook_func(_is_enum, lambda member: member.value)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)

    def objects(cls: Any) -> Any:
        inner = make_dict_structure_fn(cls, converter)

        def structure(value: Any, _: Any) -> Any:
            # Without this a string or a list would fail once per field, each with a
            # message about the field rather than about the value that is wrong.
            if not isinstance(value, Mapping):
                raise PayloadError("must be an object")
            return inner(value, cls)

        return structure

    def sequences(cls: Any) -> Any:
        item_type = get_args(cls)[0]

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            # cattrs would iterate a string character by character, or a dict by key.
            if not isinstance(value, list | tuple):
                raise PayloadError("must be a list")
            errors: list[Exception] = []
            items: list[Any] = []
            for index, item in enumerate(value):
                try:
                    items.append(converter.structure(item, item_type))
                except Exception as exc:  # gathered, then raised as one group below
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        cattrs.errors.IterableValidationNote(
                            f"Structuring {cls} @ index {index}", index, item_type
                        ),
                    ]
                    errors.append(exc)
            if errors:
                raise cattrs.IterableValidationError(f"While structuring {cls!r}", errors, cls)
            return tuple(items)

        return structure

    converter.register_structure_hook_factory(attrs.has, objects)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, sequences)
    return converter


def make_query_converter() -> cattrs.Converter:
    """A converter for query-string parameters (see :func:`make_converter`)."""
    return make_converter(query=True)
