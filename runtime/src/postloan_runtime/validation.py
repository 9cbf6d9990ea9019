"""Request validation: collect every bad field, then refuse once with INVALID_ARGUMENT.

Pure Python on plain values (str, int) so it needs no protobuf; the protobuf-aware helpers
are in :mod:`postloan_runtime.proto_validation`. A validator runs before anything touches the
database::

    v = Violations()
    v.request_id(request.request_id)
    loan_id = v.uuid(request.loan_id, "loan_id")
    amount = v.money(request.amount.currency_code, request.amount.minor_units, "amount")
    for i, item in enumerate(request.installments):
        v.at("installments", i).date(item.due_date.year, ..., "due_date")
    v.raise_if_any()

Descriptions name the rule a field broke, never its value (values may be personal data).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Collection
from decimal import Decimal
from typing import Final

from postloan_runtime.errors import FieldViolation, InvalidArgument
from postloan_runtime.money import CNY, Money, parse_decimal
from postloan_runtime.pii import contains_id_or_mobile_number

MAX_PAGE_SIZE: Final = 1000
DEFAULT_PAGE_SIZE: Final = 50
_INT64_MAX: Final = 2**63 - 1


def field_path(*parts: str | int) -> str:
    """Join a field path: ``field_path("installments", 3, "due_date")`` is
    ``installments[3].due_date``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part:
            path = f"{path}.{part}" if path else part
    return path


_ALLOWED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(value: str) -> bool:
    """True when ``value`` holds a C0/C1 control character other than tab, CR or LF."""
    return any(
        (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0) and ch not in _ALLOWED_CONTROLS
        for ch in value
    )


class Violations:
    """Collects field violations for one request. Each check returns the parsed value (or a
    bool) when the field is fine and ``None`` (or False) when it is not, so a validator can go
    on and report every bad field in one answer."""

    def __init__(self, prefix: str = "", *, _items: list[FieldViolation] | None = None) -> None:
        self._prefix = prefix
        self._items: list[FieldViolation] = _items if _items is not None else []

    # --- collection -----------------------------------------------------------------------

    def at(self, *parts: str | int) -> Violations:
        """A view whose field names are relative to ``parts`` (``v.at("installments", 3)``),
        writing into the same collection."""
        return Violations(field_path(self._prefix, *parts), _items=self._items)

    def path(self, field: str) -> str:
        return field_path(self._prefix, field)

    def add(self, field: str, description: str) -> None:
        self._items.append(FieldViolation(self.path(field), description))

    def require(self, condition: bool, field: str, description: str) -> bool:
        """Record ``description`` for ``field`` unless ``condition`` holds; returns it."""
        if not condition:
            self.add(field, description)
        return condition

    @property
    def items(self) -> list[FieldViolation]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        """Raise :class:`InvalidArgument` naming every collected field, if any."""
        if self._items:
            raise InvalidArgument(self._items)

    # --- strings and ids --------------------------------------------------------------------

    def non_empty(self, value: str, field: str, *, max_length: int | None = None) -> bool:
        """A required string: not empty or blank, at most ``max_length`` characters, and free
        of control characters other than tab and line breaks (PostgreSQL text cannot hold NUL,
        and no identifier or note needs the others)."""
        if not value or not value.strip():
            self.add(field, "is required")
            return False
        return self._text_fits(value, field, max_length)

    def optional_text(self, value: str, field: str, *, max_length: int) -> str | None:
        """An optional string (a filter, a note): None when empty; otherwise at most
        ``max_length`` characters and free of the control characters ``non_empty`` refuses."""
        if not value or not self._text_fits(value, field, max_length):
            return None
        return value

    def free_text(
        self, value: str, field: str, *, max_length: int, required: bool = False
    ) -> str | None:
        """Text a person types (a reason, a note, a comment) that is stored or logged where
        nobody expects personal data: checked as :meth:`non_empty` when ``required``, else as
        :meth:`optional_text`, and refused when it holds something shaped like a resident ID
        number or a mainland mobile number, grouped or in full-width digits too
        (:func:`postloan_runtime.pii.contains_id_or_mobile_number`). Returns the text as given,
        or None when it is empty or refused; the description never repeats the value."""
        if required:
            if not self.non_empty(value, field, max_length=max_length):
                return None
        elif self.optional_text(value, field, max_length=max_length) is None:
            return None
        if contains_id_or_mobile_number(value):
            self.add(field, "must not contain personal data such as ID or mobile numbers")
            return None
        return value

    def _text_fits(self, value: str, field: str, max_length: int | None) -> bool:
        if max_length is not None and len(value) > max_length:
            self.add(field, f"must be at most {max_length} characters")
            return False
        if has_control_characters(value):
            self.add(field, "must not contain control characters")
            return False
        return True

    def uuid(self, value: str, field: str, *, required: bool = True) -> uuid_module.UUID | None:
        """A UUID in canonical form (``8-4-4-4-12`` hex digits)."""
        if not value:
            if required:
                self.add(field, "is required")
            return None
        try:
            parsed = uuid_module.UUID(value)
        except ValueError:
            parsed = None
        if parsed is None or str(parsed) != value.lower():
            self.add(field, "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000")
            return None
        return parsed

    def request_id(self, value: str, field: str = "request_id") -> str | None:
        """The AIP-155 ``request_id`` every mutating RPC carries: a required UUID. Returns it
        in lower case, the form idempotency keys are stored in."""
        parsed = self.uuid(value, field)
        return str(parsed) if parsed is not None else None

    # --- numbers and money ------------------------------------------------------------------

    def int_range(
        self, value: int, field: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> bool:
        if minimum is not None and value < minimum:
            self.add(field, f"must be at least {minimum}")
            return False
        if maximum is not None and value > maximum:
            self.add(field, f"must be at most {maximum}")
            return False
        return True

    def positive_fen(self, value: int, field: str) -> bool:
        """An amount in fen that must be greater than zero."""
        return self.require(0 < value <= _INT64_MAX, field, "must be a positive amount in fen")

    def non_negative_fen(self, value: int, field: str) -> bool:
        """An amount in fen that may be zero but not negative."""
        return self.require(0 <= value <= _INT64_MAX, field, "must not be negative")

    def currency(
        self, code: str, field: str, *, allowed: Collection[str] = (CNY,)
    ) -> bool:
        """An ISO 4217 code among ``allowed`` (postloan lends in CNY only)."""
        if not code:
            self.add(field, "is required")
            return False
        return self.require(code in allowed, field, f"must be one of {', '.join(sorted(allowed))}")

    def money(
        self,
        currency_code: str,
        minor_units: int,
        field: str,
        *,
        allow_zero: bool = False,
        allow_negative: bool = False,
        allowed_currencies: Collection[str] = (CNY,),
    ) -> Money | None:
        """A ``postloan.common.v1.Money`` given as its two fields: the currency is checked as
        ``<field>.currency_code`` and the amount as ``<field>.minor_units`` (positive unless
        ``allow_zero``/``allow_negative``)."""
        currency_ok = self.currency(
            currency_code, field_path(field, "currency_code"), allowed=allowed_currencies
        )
        amount_field = field_path(field, "minor_units")
        if allow_negative:
            amount_ok = True
        elif allow_zero:
            amount_ok = self.non_negative_fen(minor_units, amount_field)
        else:
            amount_ok = self.positive_fen(minor_units, amount_field)
        if currency_ok and amount_ok:
            return Money(minor_units, currency_code)
        return None

    check_money = money

    def decimal(
        self,
        text: str,
        field: str,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        max_places: int | None = None,
        required: bool = True,
    ) -> Decimal | None:
        """A ``DecimalValue`` string: plain decimal notation (no exponent, NaN or infinity),
        within ``minimum``..``maximum`` inclusive, at most ``max_places`` decimal places."""
        if not text:
            if required:
                self.add(field, "is required")
            return None
        try:
            value = parse_decimal(text)
        except ValueError:
            self.add(field, "must be a plain decimal number such as 0.2400 (no exponent)")
            return None
        if max_places is not None and -value.as_tuple().exponent > max_places:  # type: ignore[operator]
            self.add(field, f"must have at most {max_places} decimal places")
            return None
        if minimum is not None and value < minimum:
            self.add(field, f"must be at least {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.add(field, f"must be at most {maximum}")
            return None
        return value

    def rate(
        self, text: str, field: str, *, maximum: Decimal | None = Decimal(1)
    ) -> Decimal | None:
        """A rate as a decimal fraction (``0.2400`` = 24%), from 0 to ``maximum`` (100%)."""
        return self.decimal(text, field, minimum=Decimal(0), maximum=maximum)

    # --- dates, pages, enums ---------------------------------------------------------------

    def date(
        self,
        year: int,
        month: int,
        day: int,
        field: str,
        *,
        required: bool = True,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
    ) -> dt.date | None:
        """A calendar date given as year, month, day (all zero means unset)."""
        if year == month == day == 0:
            if required:
                self.add(field, "is required")
            return None
        try:
            value = dt.date(year, month, day)
        except ValueError:
            self.add(field, "must be a valid calendar date")
            return None
        if earliest is not None and value < earliest:
            self.add(field, f"must be on or after {earliest.isoformat()}")
            return None
        if latest is not None and value > latest:
            self.add(field, f"must be on or before {latest.isoformat()}")
            return None
        return value

    def page_size(
        self,
        value: int,
        field: str = "page_size",
        *,
        default: int = DEFAULT_PAGE_SIZE,
        maximum: int = MAX_PAGE_SIZE,
    ) -> int:
        """AIP-158 page size: negative is refused, 0 means ``default``, larger than ``maximum``
        is coerced down to it. Returns the size to use."""
        if value < 0:
            self.add(field, "must not be negative")
            return default
        if value == 0:
            return default
        return min(value, maximum)

    def enum_specified(
        self, value: int, field: str, *, allowed: Collection[int] | None = None
    ) -> bool:
        """An enum field: not ``*_UNSPECIFIED`` (0) and, when ``allowed`` is given, one of it
        (unknown numbers from newer clients arrive as plain ints)."""
        if value == 0:
            self.add(field, "must be specified")
            return False
        if allowed is not None and value not in allowed:
            self.add(field, "is not a known value")
            return False
        return True
