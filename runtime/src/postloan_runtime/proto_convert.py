"""Conversions between the common protobuf types and Python values.

``postloan.common.v1.Money`` <-> :class:`~postloan_runtime.money.Money` (integer fen),
``DecimalValue`` <-> ``Decimal`` (plain notation, never an exponent), ``Date`` <-> ``date``,
``google.protobuf.Timestamp`` <-> UTC-aware ``datetime``. Parsing functions raise ValueError on
bad input; request validation should use :mod:`postloan_runtime.proto_validation` instead, which
reports field violations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp

from postloan.common.v1 import money_pb2
from postloan_runtime.money import Money, parse_decimal


def money_to_proto(money: Money) -> money_pb2.Money:
    return money_pb2.Money(currency_code=money.currency, minor_units=money.fen)


def money_from_proto(message: money_pb2.Money) -> Money:
    """Money from its proto; ValueError for a missing or malformed currency code."""
    return Money(message.minor_units, message.currency_code)


def fen_to_proto(fen: int, currency: str = "CNY") -> money_pb2.Money:
    return money_pb2.Money(currency_code=currency, minor_units=fen)


def decimal_to_text(value: Decimal) -> str:
    """Plain decimal notation, keeping the value's scale: ``Decimal("0.2400")`` -> ``"0.2400"``,
    ``Decimal("1E+2")`` -> ``"100"``. Refuses NaN and infinities."""
    if not value.is_finite():
        raise ValueError("only finite decimals can be written")
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


def decimal_to_proto(value: Decimal) -> money_pb2.DecimalValue:
    return money_pb2.DecimalValue(value=decimal_to_text(value))


def decimal_from_proto(message: money_pb2.DecimalValue) -> Decimal:
    """The Decimal a ``DecimalValue`` holds; ValueError for exponents, NaN, blanks."""
    return parse_decimal(message.value)


def date_to_proto(value: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=value.year, month=value.month, day=value.day)


def date_from_proto(message: money_pb2.Date) -> dt.date:
    """The calendar date; ValueError for an unset (all zero) or impossible date."""
    return dt.date(message.year, message.month, message.day)


def timestamp_to_proto(instant: dt.datetime) -> Timestamp:
    """A UTC ``Timestamp`` from a timezone-aware datetime (naive datetimes are refused)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    message = Timestamp()
    message.FromDatetime(instant.astimezone(dt.UTC))
    return message


def timestamp_from_proto(message: Timestamp) -> dt.datetime:
    """A UTC-aware datetime."""
    return message.ToDatetime(tzinfo=dt.UTC)
