"""Rules of a collection case and of promises to pay.

Plain Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen, dates business dates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Final

# The current bucket of monitoring's default set: what a cured loan shows when its LoanCured
# names none (events from producers before LoanCured.to_bucket).
CURRENT_BUCKET: Final = "M0"
# Case ids are derived from the event that opened the case, so a redelivered or replayed event
# names the same case (and the champion/challenger draw on the id stays the same).
CASE_ID_NAMESPACE: Final = uuid.UUID("7a0c5d1e-3f39-4a47-9d1c-2f6f2b1a9c11")


def case_id_for(opening_event_id: str, borrower_id: str) -> uuid.UUID:
    return uuid.uuid5(CASE_ID_NAMESPACE, f"{opening_event_id}:{borrower_id}")


class CaseState(StrEnum):
    OPEN = "OPEN"
    PAUSED = "PAUSED"
    CLOSED = "CLOSED"


class CloseReason(StrEnum):
    CURED = "CURED"
    PAID_OFF = "PAID_OFF"
    PLAN_COMPLETED = "PLAN_COMPLETED"
    WRITTEN_OFF = "WRITTEN_OFF"


class CaseEventKind(StrEnum):
    OPENED = "OPENED"
    TIER_CHANGED = "TIER_CHANGED"
    ASSIGNED = "ASSIGNED"
    REASSIGNED = "REASSIGNED"
    PLACED = "PLACED"
    RECALLED = "RECALLED"
    PAUSED = "PAUSED"
    RESUMED = "RESUMED"
    REOPENED = "REOPENED"
    ESCALATED = "ESCALATED"
    LOAN_ADDED = "LOAN_ADDED"
    LOAN_REMOVED = "LOAN_REMOVED"
    PROMISE = "PROMISE"
    CLOSED = "CLOSED"


class PromiseState(StrEnum):
    OPEN = "OPEN"
    KEPT = "KEPT"
    BROKEN = "BROKEN"
    CANCELLED = "CANCELLED"


class Reasons:
    """FAILED_PRECONDITION reasons of CaseService, AssignmentService and PromiseService."""

    PLAN_ID_CONFLICT = "PLAN_ID_CONFLICT"
    NOT_PAUSED_BY_PLAN = "NOT_PAUSED_BY_PLAN"
    CASE_NOT_OPEN = "CASE_NOT_OPEN"
    ALREADY_HIGHEST_TIER = "ALREADY_HIGHEST_TIER"
    AGENT_INACTIVE = "AGENT_INACTIVE"
    AGENT_AT_CAPACITY = "AGENT_AT_CAPACITY"
    AGENT_TIER_MISMATCH = "AGENT_TIER_MISMATCH"
    AGENT_OF_AGENCY = "AGENT_OF_AGENCY"
    CASE_PLACED_WITH_AGENCY = "CASE_PLACED_WITH_AGENCY"
    AGENCY_INACTIVE = "AGENCY_INACTIVE"
    AGENCY_AT_CAPACITY = "AGENCY_AT_CAPACITY"
    AGENCY_TIER_MISMATCH = "AGENCY_TIER_MISMATCH"
    ALREADY_PLACED = "ALREADY_PLACED"
    NOT_PLACED = "NOT_PLACED"
    AGENT_ID_CONFLICT = "AGENT_ID_CONFLICT"
    AGENCY_ID_CONFLICT = "AGENCY_ID_CONFLICT"
    AGENCY_NOT_FOUND = "AGENCY_NOT_FOUND"
    PROMISE_DATE_IN_PAST = "PROMISE_DATE_IN_PAST"
    OPEN_PROMISE_EXISTS = "OPEN_PROMISE_EXISTS"
    LOAN_NOT_IN_CASE = "LOAN_NOT_IN_CASE"


def is_delinquency(days_past_due: int) -> bool:
    """Whether a DelinquencyChanged reports a loan in arrears. Monitoring reports every move
    into the current bucket as LoanCured, whatever the deployment names its buckets; a
    DelinquencyChanged at 0 days (from a producer before that) is a cure all the same."""
    return days_past_due > 0


def state_for(active_loans_paused: Iterable[bool]) -> CaseState:
    """A live case is PAUSED when every loan still in it is paused by a plan, OPEN otherwise."""
    flags = list(active_loans_paused)
    return CaseState.PAUSED if flags and all(flags) else CaseState.OPEN


def promise_required_fen(amount_fen: int, threshold: Decimal) -> int:
    """What must be paid for the promise to count as kept (fen, rounded up: a threshold of 90%
    of 1001 fen needs 901 fen)."""
    return int((Decimal(amount_fen) * threshold).to_integral_value(rounding=ROUND_CEILING))


def promise_outcome(
    *,
    amount_fen: int,
    paid_fen: int,
    threshold: Decimal,
    promised_date: dt.date,
    grace_days: int,
    today: dt.date,
) -> PromiseState:
    """KEPT once the paid amount reaches the threshold share (by the date plus grace); BROKEN
    when the date plus grace has passed without that; otherwise still OPEN."""
    if paid_fen >= promise_required_fen(amount_fen, threshold):
        return PromiseState.KEPT
    if today > promised_date + dt.timedelta(days=grace_days):
        return PromiseState.BROKEN
    return PromiseState.OPEN
