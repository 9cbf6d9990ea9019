"""Resident identity card numbers (GB 11643-1999): 6-digit region code, 8-digit birth date,
3-digit order code (odd for men, even for women), and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SHAPE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"


def check_character(first_17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


@dataclass(frozen=True)
class ResidentId:
    """A well-formed resident ID number and what it encodes."""

    number: str
    birth_date: dt.date
    order_code: int

    @property
    def gender(self) -> str:
        return "male" if self.order_code % 2 else "female"


def parse_resident_id(text: str) -> ResidentId | None:
    """The parsed ID (upper-case ``X``), or None when the shape, birth date or check character
    is wrong."""
    number = text.strip().upper()
    if not _SHAPE.match(number) or check_character(number[:17]) != number[17]:
        return None
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < 1900:
        return None
    return ResidentId(number=number, birth_date=birth, order_code=int(number[14:17]))


def make_resident_id(region: str, birth_date: dt.date, order_code: int) -> str:
    """A valid ID number (tests and demos pick people with it)."""
    first_17 = f"{region}{birth_date:%Y%m%d}{order_code:03d}"
    return first_17 + check_character(first_17)
