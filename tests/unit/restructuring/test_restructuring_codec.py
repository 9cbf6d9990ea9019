"""The plan document codec (compiled, cached per type) gives exactly what the plain recursive
rules give: the reference below is the codec as first written, walking type hints and values
afresh for every value. Compared over generated plans, both ways, through JSON text as the
JSONB column stores it, with keys left out (older documents) and extra keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from restructuring_plan_strategies import INSTANTS, PLANS

from postloan_runtime.proto_convert import decimal_to_text
from restructuring.adapters import codec
from restructuring.domain.plans import Plan

pytestmark = pytest.mark.unit


def reference_to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: reference_to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, Enum):
        return value.value if not isinstance(value.value, int) else value.name
    if isinstance(value, Decimal):
        return decimal_to_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [reference_to_json(v) for v in value]
    return value


def reference_from_json(kind: Any, data: Any) -> Any:  # noqa: PLR0911
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return reference_from_json(options[0], data)
    if origin in (tuple, list):
        args = typing.get_args(kind)
        items = [reference_from_json(args[0], v) for v in data]
        return tuple(items) if origin is tuple else items
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{
            f.name: reference_from_json(hints[f.name], data[f.name])
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


def exact(value: Any) -> str:
    """What equality would miss: Decimal scale, int against bool, tuple against list."""
    return repr(value)


def trim(document: dict[str, Any], keep: list[bool]) -> dict[str, Any]:
    """The document with some defaulted fields left out, as an older writer would."""
    defaults = [f.name for f in dataclasses.fields(Plan)
                if f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING]
    dropped = {name for name, k in zip(defaults, keep, strict=False) if not k}
    return {k: v for k, v in document.items() if k not in dropped}


@settings(max_examples=250, deadline=None, derandomize=True, database=None)
@given(PLANS, st.lists(st.booleans(), min_size=10, max_size=10), st.booleans())
def test_compiled_codec_equals_the_reference(plan: Plan, keep: list[bool], extra: bool) -> None:
    document = codec.to_json(plan)
    assert json.dumps(document) == json.dumps(reference_to_json(plan))
    stored = json.loads(json.dumps(trim(document, keep)))
    if extra:
        stored["added_by_a_later_version"] = {"x": 1}
    decoded = codec.from_json(Plan, stored)
    assert decoded == reference_from_json(Plan, stored)
    assert exact(decoded) == exact(reference_from_json(Plan, stored))
    if all(keep):
        assert decoded == plan  # a full round trip gives the plan back


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=5),
    st.lists(st.integers(), max_size=3), st.tuples(st.booleans(), st.text(max_size=3)),
    st.dates(), INSTANTS, st.datetimes(), st.from_type(Decimal), st.integers(),
))
def test_loose_values_encode_like_the_reference(value: Any) -> None:
    assert json.dumps(codec.to_json(value)) == json.dumps(reference_to_json(value))
    assert codec.to_json(Plan) is Plan  # a class is not one of its instances


def test_hints_beyond_plans_decode_like_the_reference() -> None:
    for kind, data in [
        (int | None, None), (int | None, 3), (tuple[int, ...], [1, 2]), (list[str], ["a"]),
        (tuple[Decimal, ...], ["1.50", "2"]), (list[dt.date | None], ["2024-02-29", None]),
        (dt.datetime, "2024-01-01T08:00:00+08:00"), (Decimal, "0.2400"), (str, "x"),
    ]:
        assert exact(codec.from_json(kind, data)) == exact(reference_from_json(kind, data))
