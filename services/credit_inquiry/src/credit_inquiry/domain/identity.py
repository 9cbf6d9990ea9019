"""Identity verification: the claimed identity (name, resident ID number, mobile) and its
recorded outcome.

Plain Python. Resident ID numbers follow GB 11643-1999: a 6-digit administrative region code
(GB/T 2260), an 8-digit birth date, a 3-digit order code and an ISO 7064 MOD 11-2 check
character. A claim is refused before any bureau call unless it is ASCII digits (and X), the
check character is right, the birth date exists (not before 1900, not in the future) and the
region code is plausible (a known province-level prefix and not a bare province code, except
810000 / 820000 / 830000, the codes of residence permits of Hong Kong, Macao and Taiwan
residents). A name is refused when it holds a control character.

Personal data never leaves this module in an error message: violations name the rule broken,
never the value.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from postloan_runtime.validation import has_control_characters

# [0-9], not \d: \d (and int()) accept any Unicode digit, e.g. full-width ones.
_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS: Final = "10X98765432"
_MOBILE: Final = re.compile(r"1[3-9][0-9]{9}")
# Province-level prefixes of GB/T 2260 (mainland provinces, autonomous regions, municipalities;
# 71/81/82 are Taiwan, Hong Kong and Macao).
PROVINCE_CODES: Final = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
        "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
        "63", "64", "65", "71", "81", "82",
    }
)
# Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证, GB 11643 numbers
# since 2018) carry these bare codes as their whole region code.
RESIDENCE_PERMIT_REGIONS: Final = frozenset({"810000", "820000", "830000"})
MAX_NAME_LENGTH: Final = 64


def check_character(first_17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first_17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def resident_id_problem(text: str, *, today: date) -> str | None:
    """None for a valid resident ID number, else which rule it breaks (no value in it)."""
    number = text.strip().upper()
    if not _SHAPE.fullmatch(number):
        return "must be 17 digits followed by a digit or X"
    region = number[:6]
    if region not in RESIDENCE_PERMIT_REGIONS and (
        region[:2] not in PROVINCE_CODES or region[2:] == "0000"
    ):
        return "must start with a plausible region code"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "must contain a valid birth date"
    if birth.year < 1900 or birth > today:
        return "must contain a plausible birth date"
    if check_character(number[:17]) != number[17]:
        return "has a wrong check character"
    return None


def normalize_resident_id(text: str) -> str:
    return text.strip().upper()


def normalize_mobile(text: str) -> str:
    """11-digit mainland number from ``13812345678``, ``+86 138…`` or ``86138…``."""
    digits = text.strip().replace(" ", "").replace("-", "")
    for prefix in ("+86", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def mobile_problem(text: str) -> str | None:
    if not _MOBILE.fullmatch(normalize_mobile(text)):
        return "must be an 11-digit mainland mobile number"
    return None


def name_problem(text: str) -> str | None:
    name = text.strip()
    if not name:
        return "is required"
    if len(name) > MAX_NAME_LENGTH:
        return f"must be at most {MAX_NAME_LENGTH} characters"
    # PostgreSQL text cannot hold NUL; the helper lets tab and line breaks through (free
    # text), which a name has no use for either.
    if has_control_characters(name) or any(ch in "\t\r\n" for ch in name):
        return "must not contain control characters"
    if any(ch.isdigit() for ch in name):
        return "must not contain digits"
    return None


class IdentityMatchOutcome(StrEnum):
    MATCHED = "MATCHED"
    NAME_MISMATCH = "NAME_MISMATCH"
    MOBILE_MISMATCH = "MOBILE_MISMATCH"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class ClaimedIdentity:
    """What the borrower claims; personal data, held in memory only and stored encrypted."""

    name: str
    resident_id_number: str
    mobile_number: str

    def __repr__(self) -> str:  # never print personal data by accident
        return "ClaimedIdentity(<redacted>)"


@dataclass(frozen=True)
class IdentityVerification:
    """A recorded match (personal data only masked here; the clear values live encrypted)."""

    verification_id: uuid.UUID
    borrower_id: str
    outcome: IdentityMatchOutcome
    masked_name: str
    masked_resident_id_number: str
    masked_mobile: str
    bureau_reference: str
    consent_id: uuid.UUID
    verified_at: datetime
    requested_by: str
