"""JSON documents of the domain's frozen dataclasses (the plan document stored in JSONB): dates
and instants as ISO text, Decimals as plain decimal text (never floats), enums by value, tuples
as lists; read back by the dataclasses' type hints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from postloan_runtime.proto_convert import decimal_to_text


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value if not isinstance(value.value, int) else value.name
    if isinstance(value, Decimal):
        return decimal_to_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_json(kind: Any, data: Any) -> Any:  # noqa: PLR0911 - one branch per kind
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return from_json(options[0], data)
    if origin in (tuple, list):
        args = typing.get_args(kind)
        items = [from_json(args[0], v) for v in data]
        return tuple(items) if origin is tuple else items
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{
            f.name: from_json(hints[f.name], data[f.name])
            for f in dataclasses.fields(kind) if f.name in data
        })
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind[data] if isinstance(data, str) and data in kind.__members__ else kind(data)
    if kind is Decimal:
        return Decimal(data)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(data)
    if kind is dt.date:
        return dt.date.fromisoformat(data)
    return data
