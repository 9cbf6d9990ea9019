"""JSON documents of the domain's frozen dataclasses (the plan document stored in JSONB): dates
and instants as ISO text, Decimals as plain decimal text (never floats), enums by value, tuples
as lists; read back by the dataclasses' type hints.

Every plan read or written goes through here, so the type analysis is done once: a decoder is
compiled per type hint and an encoder per runtime type, both cached. Their output is that of
the plain recursive rules described above (tests/unit/restructuring/test_restructuring_codec.py
checks them against a straightforward reference over generated plans)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from postloan_runtime.proto_convert import decimal_to_text

# None stands for "the JSON value as it is" (strings, numbers, booleans, null), which callers
# inline instead of calling a function per value.
Converter = Callable[[Any], Any] | None

# --- encoding: by the value's runtime type ---------------------------------------------------

_ENCODERS: dict[type, Converter] = {}


def to_json(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value), _encoder)
    if encoder is _encoder:
        encoder = _encoder(type(value))
    return value if encoder is None else encoder(value)


def _encode_enum(value: Enum) -> Any:
    return value.value if not isinstance(value.value, int) else value.name


def _encode_decimal(value: Decimal) -> str:
    return decimal_to_text(value)


def _encode_instant(value: dt.date) -> str:
    return value.isoformat()


def _encode_sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [to_json(v) for v in value]


def _encode_dataclass(cls: type) -> Callable[[Any], dict[str, Any]]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    encoders = _ENCODERS

    def encode(value: Any) -> dict[str, Any]:
        document = {}
        for name in names:
            item = getattr(value, name)
            encoder = encoders.get(type(item), _encoder)
            if encoder is None:
                document[name] = item
            else:
                document[name] = to_json(item) if encoder is _encoder else encoder(item)
        return document

    return encode


def _encoder(cls: type) -> Converter:
    """The encoder of values of exactly ``cls``: the first of the rules that applies."""
    encoder: Converter
    if dataclasses.is_dataclass(cls):
        encoder = _encode_dataclass(cls)
    elif issubclass(cls, Enum):
        encoder = _encode_enum
    elif issubclass(cls, Decimal):
        encoder = _encode_decimal
    elif issubclass(cls, dt.date):  # datetime included
        encoder = _encode_instant
    elif issubclass(cls, (list, tuple)):
        encoder = _encode_sequence
    else:
        encoder = None
    _ENCODERS[cls] = encoder
    return encoder


# --- decoding: by the type hint --------------------------------------------------------------

_DECODERS: dict[Any, Converter] = {}


def from_json(kind: Any, data: Any) -> Any:
    decoder = _DECODERS.get(kind, _decoder)
    if decoder is _decoder:
        decoder = _decoder(kind)
    return data if decoder is None else decoder(data)


def _none_or(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def decode(data: Any) -> Any:
        return None if data is None else convert(data)

    return decode


def _decode_sequence(item: Converter, make: type) -> Callable[[Any], Any]:
    if item is None:
        return _none_or(make)

    def decode(data: Any) -> Any:
        return None if data is None else make([item(v) for v in data])

    return decode


def _decode_enum(kind: type[Enum]) -> Callable[[Any], Any]:
    members = kind.__members__

    def decode(data: Any) -> Any:
        if data is None:
            return None
        return members[data] if isinstance(data, str) and data in members else kind(data)

    return decode


def _decode_dataclass(kind: type) -> Callable[[Any], Any]:
    fields: list[tuple[str, Converter]] = []

    def decode(data: Any) -> Any:
        if data is None:
            return None
        values = {}
        for name, field_decoder in fields:
            if name in data:
                value = data[name]
                values[name] = value if field_decoder is None else field_decoder(value)
        return kind(**values)

    # Registered before its fields are compiled, so a dataclass may refer to itself.
    _DECODERS[kind] = decode
    hints = typing.get_type_hints(kind)
    fields.extend((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(kind))
    return decode


def _decoder(kind: Any) -> Converter:  # noqa: PLR0911 - one branch per kind
    """The decoder of JSON data read as ``kind``; None for data kept as it is."""
    if kind in _DECODERS:
        return _DECODERS[kind]
    decoder: Converter
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        decoder = _decoder(options[0])
    elif origin in (tuple, list):
        decoder = _decode_sequence(_decoder(typing.get_args(kind)[0]), origin)
    elif isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind)
    elif isinstance(kind, type) and issubclass(kind, Enum):
        decoder = _decode_enum(kind)
    elif kind is Decimal:
        decoder = _none_or(Decimal)
    elif kind is dt.datetime:
        decoder = _none_or(dt.datetime.fromisoformat)
    elif kind is dt.date:
        decoder = _none_or(dt.date.fromisoformat)
    else:
        decoder = None
    _DECODERS[kind] = decoder
    return decoder
