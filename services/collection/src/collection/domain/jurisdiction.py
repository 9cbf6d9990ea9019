"""Jurisdiction profiles: the contact rules of a jurisdiction as data (a lender changes the
numbers by creating a new version, not by changing code). Plain Python.

Minutes are minutes after local midnight in the **borrower's** time zone. Caps of 0 mean "no
cap" (and a cool-off of 0 days means none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class Channel(StrEnum):
    """Channel of an outbound contact."""

    SMS = "SMS"
    APP_PUSH = "APP_PUSH"
    IVR = "IVR"
    AGENT_CALL = "AGENT_CALL"
    EMAIL = "EMAIL"
    LETTER = "LETTER"
    FIELD_VISIT = "FIELD_VISIT"


class ProfileReasons:
    """FAILED_PRECONDITION reasons of the jurisdiction-profile use cases."""

    IMPOSSIBLE_HOURS: Final = "IMPOSSIBLE_HOURS"
    EFFECTIVE_BEFORE_LATEST: Final = "EFFECTIVE_BEFORE_LATEST"
    UNKNOWN_JURISDICTION: Final = "UNKNOWN_JURISDICTION"


MINUTES_PER_DAY: Final = 24 * 60
MAX_CAP: Final = 1000
MAX_COOL_OFF_DAYS: Final = 365
DEFAULT_CALL_CHANNELS: Final = frozenset({Channel.IVR, Channel.AGENT_CALL})


@dataclass(frozen=True)
class JurisdictionRules:
    """One version of a jurisdiction profile."""

    code: str
    version: int
    effective_from: dt.datetime  # UTC
    quiet_hours_start_minute: int
    quiet_hours_end_minute: int
    quiet_hours_waivable_by_consent: bool
    max_connected_calls_per_day: int
    max_unanswered_calls_per_number_per_day: int
    max_calls_per_7_days: int
    conversation_cool_off_days: int
    call_channels: frozenset[Channel] = field(default=DEFAULT_CALL_CHANNELS)
    third_party_emergency_contacts_only: bool = True
    max_third_party_contacts_per_7_days: int = 0

    @property
    def label(self) -> str:
        """``"CN@3"``: code and version, as recorded on every check."""
        return f"{self.code}@{self.version}"

    def in_quiet_hours(self, local_minute: int) -> bool:
        """Whether ``local_minute`` (0..1439, borrower's local time) falls in the quiet hours;
        the interval may wrap midnight (22:00–08:00)."""
        start, end = self.quiet_hours_start_minute, self.quiet_hours_end_minute
        if start < end:
            return start <= local_minute < end
        return local_minute >= start or local_minute < end


def range_problems(rules: JurisdictionRules) -> list[tuple[str, str]]:
    """Field-level problems (field name, rule broken): minutes out of range, negative or absurd
    caps, call channels without agent calls. Each is an INVALID_ARGUMENT field violation."""
    problems: list[tuple[str, str]] = []
    for name in ("quiet_hours_start_minute", "quiet_hours_end_minute"):
        value = getattr(rules, name)
        if not 0 <= value < MINUTES_PER_DAY:
            problems.append((name, f"must be from 0 to {MINUTES_PER_DAY - 1}"))
    for name in (
        "max_connected_calls_per_day",
        "max_unanswered_calls_per_number_per_day",
        "max_calls_per_7_days",
        "max_third_party_contacts_per_7_days",
    ):
        value = getattr(rules, name)
        if value < 0:
            problems.append((name, "must not be negative (0 means no cap)"))
        elif value > MAX_CAP:
            problems.append((name, f"must be at most {MAX_CAP}"))
    if rules.conversation_cool_off_days < 0:
        problems.append(("conversation_cool_off_days", "must not be negative (0 means none)"))
    elif rules.conversation_cool_off_days > MAX_COOL_OFF_DAYS:
        problems.append(("conversation_cool_off_days", f"must be at most {MAX_COOL_OFF_DAYS}"))
    # The call caps and the cool-off count only the channels listed here: without agent calls
    # a profile would lift every cap from them. IVR stays the jurisdiction's choice.
    if Channel.AGENT_CALL not in rules.call_channels:
        problems.append(("call_channels", "must include AGENT_CALL"))
    return problems


def hours_are_impossible(rules: JurisdictionRules) -> bool:
    """Quiet hours starting where they end cover the whole day (or nothing, which nobody
    means): no contact could ever be allowed, so such a profile is refused."""
    return rules.quiet_hours_start_minute == rules.quiet_hours_end_minute


EPOCH: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# Version 1 of the two built-in profiles (the migration seeds the same figures).
# CN: 2026 banking-association guideline (22:00–08:00 quiet without consent, ≤ 6 unanswered
# attempts per number per day) and the 2024 internet-finance guideline (≤ 3 connected calls a
# day per debtor across in-house staff and agencies).
CN_V1: Final = JurisdictionRules(
    code="CN",
    version=1,
    effective_from=EPOCH,
    quiet_hours_start_minute=22 * 60,
    quiet_hours_end_minute=8 * 60,
    quiet_hours_waivable_by_consent=True,
    max_connected_calls_per_day=3,
    max_unanswered_calls_per_number_per_day=6,
    max_calls_per_7_days=0,
    conversation_cool_off_days=0,
    third_party_emergency_contacts_only=True,
    max_third_party_contacts_per_7_days=0,
)
# US: Regulation F (12 CFR 1006.14(b)(2): more than 7 calls in 7 consecutive days, or a call
# within 7 days after a telephone conversation, is presumed harassment; 1006.6(b)(1)(i): no
# contact before 08:00 or after 21:00 local time without the consumer's prior consent;
# FDCPA 804(3): a third party is contacted once to locate the consumer).
US_V1: Final = JurisdictionRules(
    code="US",
    version=1,
    effective_from=EPOCH,
    quiet_hours_start_minute=21 * 60,
    quiet_hours_end_minute=8 * 60,
    quiet_hours_waivable_by_consent=True,
    max_connected_calls_per_day=0,
    max_unanswered_calls_per_number_per_day=0,
    max_calls_per_7_days=7,
    conversation_cool_off_days=7,
    third_party_emergency_contacts_only=True,
    max_third_party_contacts_per_7_days=1,
)
BUILT_IN_PROFILES: Final = (CN_V1, US_V1)
DEFAULT_JURISDICTION: Final = "CN"
DEFAULT_TIME_ZONE: Final = "Asia/Shanghai"
