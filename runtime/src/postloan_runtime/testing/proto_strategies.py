"""Hypothesis strategies built from protobuf descriptors: random and malformed requests for any
RPC, for fuzzing the edges of every service."""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message
from hypothesis import strategies as st

FD = descriptor.FieldDescriptor

_INT32 = st.one_of(
    st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31)]), st.integers(-(2**31), 2**31 - 1)
)
_INT64 = st.one_of(
    st.sampled_from([0, 1, -1, 2**63 - 1, -(2**63)]), st.integers(-(2**63), 2**63 - 1)
)
_UINT32 = st.integers(0, 2**32 - 1)
_UINT64 = st.integers(0, 2**64 - 1)
# Strings that often break naive parsers: numbers in odd forms, dates, ids, unicode, long text.
_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e9",
            "NaN",
            "Infinity",
            "0.2400",
            "-0.01",
            "2026-02-30",
            "00000000-0000-0000-0000-000000000000",
            "not-a-uuid",
            "CNY",
            "USD",
            "'; DROP TABLE x;--",
            "\u0000",
            "𝟘",
            "张三",
            "11010519491231002X",
            "13800000000",
            "a" * 300,
        ]
    ),
    st.text(max_size=40),
)


def _scalar(field: descriptor.FieldDescriptor) -> st.SearchStrategy[Any]:
    t = field.type
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return _INT32
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return _INT64
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return _UINT32
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return _UINT64
    if t == FD.TYPE_BOOL:
        return st.booleans()
    if t == FD.TYPE_STRING:
        return _TEXT
    if t == FD.TYPE_BYTES:
        return st.binary(max_size=40)
    if t == FD.TYPE_ENUM:
        known = [v.number for v in field.enum_type.values]
        # Open enums: unknown numbers arrive too and must be refused cleanly.
        return st.one_of(st.sampled_from(known), st.integers(-5, 200))
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        return st.floats(allow_nan=True, allow_infinity=True, width=32)
    raise TypeError(f"unsupported field type {t} of {field.full_name}")


def message_strategy(
    message_descriptor: descriptor.Descriptor, depth: int = 3
) -> st.SearchStrategy[Message]:
    """Random instances of the message type, nested messages down to ``depth`` levels."""
    cls = message_factory.GetMessageClass(message_descriptor)

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        msg = cls()
        for field in message_descriptor.fields:
            if not draw(st.booleans()):
                continue  # leave unset: missing fields are half the fun
            is_message = field.type == FD.TYPE_MESSAGE
            if is_message and field.message_type.GetOptions().map_entry:
                key_field = field.message_type.fields_by_name["key"]
                value_field = field.message_type.fields_by_name["value"]
                if value_field.type == FD.TYPE_MESSAGE:
                    continue
                entries = draw(
                    st.dictionaries(_scalar(key_field), _scalar(value_field), max_size=3)
                )
                getattr(msg, field.name).update(entries)
                continue
            if is_message and depth <= 0:
                continue
            if field.is_repeated:
                container = getattr(msg, field.name)
                count = draw(st.integers(0, 3))
                for _ in range(count):
                    if is_message:
                        container.add().CopyFrom(
                            draw(message_strategy(field.message_type, depth - 1))
                        )
                    else:
                        container.append(draw(_scalar(field)))
            elif is_message:
                getattr(msg, field.name).CopyFrom(
                    draw(message_strategy(field.message_type, depth - 1))
                )
            else:
                setattr(msg, field.name, draw(_scalar(field)))
        return msg

    return build()
