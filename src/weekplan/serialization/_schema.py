"""JSON Schema (draft 2020-12) read off the attrs classes, so it cannot drift from them."""

from __future__ import annotations

import enum
import inspect
import types
import typing
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

import attrs

__all__ = ["json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _name(cls: Any) -> str:
    origin = get_origin(cls)
    if origin is None:
        return str(cls.__name__)
    return f"{origin.__name__}_" + "_".join(_name(arg) for arg in get_args(cls))


def _field_types(cls: Any) -> dict[str, Any]:
    origin = get_origin(cls) or cls
    hints = typing.get_type_hints(origin)
    parameters = getattr(origin, "__parameters__", ())
    bound = dict(zip(parameters, get_args(cls), strict=False))
    return {name: _bind(hint, bound) for name, hint in hints.items()}


def _bind(hint: Any, bound: dict[Any, Any]) -> Any:
    if hint in bound:
        return bound[hint]
    args = get_args(hint)
    if not args or not bound:
        return hint
    origin = get_origin(hint)
    new_args = tuple(_bind(arg, bound) for arg in args)
    if origin in (Union, types.UnionType):
        return Union[new_args]  # noqa: UP007  # built from a runtime tuple of types
    return origin[new_args]


_SCALARS: dict[Any, dict[str, str]] = {
    type(None): {"type": "null"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, hint: Any) -> dict[str, Any]:
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return {"enum": [member.value for member in hint]}
        if attrs.has(hint):
            name = _name(hint)
            if name not in self.defs:
                self.defs[name] = {}  # reserve the name: classes may refer to themselves
                self.defs[name] = self.object(hint)
            return {"$ref": f"#/$defs/{name}"}
        return self.composite(hint)

    def composite(self, hint: Any) -> dict[str, Any]:
        origin = get_origin(hint)
        args = get_args(hint)
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.of(arg) for arg in args]}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (list, tuple) and args:
            return {"type": "array", "items": self.of(args[0])}
        raise TypeError(f"no JSON Schema for {hint!r}")

    def object(self, cls: Any) -> dict[str, Any]:
        hints = _field_types(cls)
        # Fields outside ``__init__`` are derived; cattrs leaves them out, so does the schema.
        fields = [field for field in attrs.fields(get_origin(cls) or cls) if field.init]
        schema: dict[str, Any] = {
            "title": _name(cls),
            "type": "object",
            "properties": {field.name: self.of(hints[field.name]) for field in fields},
            "required": [f.name for f in fields if f.default is attrs.NOTHING],
            "additionalProperties": False,
        }
        doc = inspect.getdoc(get_origin(cls) or cls)
        if doc:
            schema["description"] = doc.split("\n\n")[0].replace("\n", " ")
        return schema


def json_schema(cls: Any) -> dict[str, Any]:
    """The JSON Schema of the JSON form of ``cls`` (an attrs class, or e.g. ``Page[X]``).

    >>> from weekplan import PlanEntry
    >>> schema = json_schema(PlanEntry)
    >>> schema["required"], schema["properties"]["day_key"]["enum"][:2]
    (['day_key', 'slot_key'], ['mon', 'tue'])
    """
    builder = _Builder()
    root = builder.object(cls)
    schema: dict[str, Any] = {"$schema": DIALECT, **root}
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema
