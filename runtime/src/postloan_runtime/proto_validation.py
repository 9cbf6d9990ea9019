"""Protobuf-aware validation helpers on top of :class:`~postloan_runtime.validation.Violations`.

They read the common message types (``Money``, ``DecimalValue``, ``Date``, ``Timestamp``) and
report violations with the field paths a client sees (``amount.minor_units``)::

    v = Violations()
    amount = proto_validation.money(v, request, "amount")
    rate = proto_validation.decimal(v, request, "annual_rate", maximum=Decimal("0.36"))
    v.raise_if_any()
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from google.protobuf.message import Message

from postloan_runtime.money import Money
from postloan_runtime.validation import Violations


def present(v: Violations, parent: Message, field: str) -> bool:
    """A required message field is set (``HasField``)."""
    return v.require(parent.HasField(field), field, "is required")


def money(
    v: Violations,
    parent: Message,
    field: str,
    *,
    required: bool = True,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> Money | None:
    """The ``postloan.common.v1.Money`` in ``parent.<field>``."""
    if not parent.HasField(field):
        if required:
            v.add(field, "is required")
        return None
    message = getattr(parent, field)
    return v.money(
        message.currency_code,
        message.minor_units,
        field,
        allow_zero=allow_zero,
        allow_negative=allow_negative,
    )


def decimal(
    v: Violations,
    parent: Message,
    field: str,
    *,
    required: bool = True,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    max_places: int | None = None,
) -> Decimal | None:
    """The ``postloan.common.v1.DecimalValue`` in ``parent.<field>`` (reported as
    ``<field>.value``)."""
    if not parent.HasField(field) or not getattr(parent, field).value:
        if required:
            v.add(field, "is required")
        return None
    return v.decimal(
        getattr(parent, field).value,
        f"{field}.value",
        minimum=minimum,
        maximum=maximum,
        max_places=max_places,
    )


def rate(
    v: Violations, parent: Message, field: str, *, maximum: Decimal | None = Decimal(1)
) -> Decimal | None:
    """A rate (decimal fraction, 0..``maximum``) in ``parent.<field>``."""
    return decimal(v, parent, field, minimum=Decimal(0), maximum=maximum)


def date(
    v: Violations,
    parent: Message,
    field: str,
    *,
    required: bool = True,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
) -> dt.date | None:
    """The ``postloan.common.v1.Date`` in ``parent.<field>``."""
    if not parent.HasField(field):
        if required:
            v.add(field, "is required")
        return None
    message = getattr(parent, field)
    return v.date(
        message.year,
        message.month,
        message.day,
        field,
        required=required,
        earliest=earliest,
        latest=latest,
    )


def timestamp(v: Violations, parent: Message, field: str, *, required: bool = True) -> (
    dt.datetime | None
):
    """The ``google.protobuf.Timestamp`` in ``parent.<field>`` as a UTC datetime."""
    if not parent.HasField(field):
        if required:
            v.add(field, "is required")
        return None
    message = getattr(parent, field)
    try:
        return message.ToDatetime(tzinfo=dt.UTC)  # type: ignore[no-any-return]
    except (ValueError, OverflowError):
        v.add(field, "must be a valid timestamp")
        return None
