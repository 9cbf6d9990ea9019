"""Early-warning rules over a borrower's signals. Plain Python (no grpc, no sqlalchemy).

Each rule looks at plain facts (installments with due and paid dates, credit-inquiry results)
and returns the alert to raise, if any, with severity, a plain-language reason and evidence (no
personal data). The service raises at most one unresolved alert per rule and subject, and a
repayment rule's alert at most once per installment it is about (``installment_sequence``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from monitoring.domain.loans import Installment
from postloan_runtime.errors import FailedPrecondition


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class AlertState(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class Rule(StrEnum):
    PARTIAL_PAYMENT = "PARTIAL_PAYMENT"
    LATE_STREAK = "LATE_STREAK"
    PAYMENT_DAY_DRIFT = "PAYMENT_DAY_DRIFT"
    FIRST_PAYMENT_DEFAULT = "FIRST_PAYMENT_DEFAULT"
    INQUIRY_SPIKE = "INQUIRY_SPIKE"
    SCORE_DROP = "SCORE_DROP"


class Reasons:
    """FAILED_PRECONDITION reasons of EarlyWarningService, as documented in monitoring.proto."""

    ALERT_NOT_OPEN = "ALERT_NOT_OPEN"
    ALERT_ALREADY_RESOLVED = "ALERT_ALREADY_RESOLVED"


@dataclass(frozen=True)
class EarlyWarningPolicy:
    """Thresholds of the rules (days, counts, score points)."""

    first_payment_default_days: int = 30
    late_streak_length: int = 3
    payment_day_drift_days: int = 5
    payment_day_drift_window: int = 3
    inquiry_spike_1m: int = 4
    score_drop_points: int = 50


@dataclass(frozen=True)
class Evidence:
    name: str
    value: str
    threshold: str


@dataclass(frozen=True)
class AlertDraft:
    """An alert a rule wants raised."""

    rule: Rule
    severity: Severity
    reason: str
    evidence: tuple[Evidence, ...]
    # The installment whose state the alert is about (repayment rules): the alert is keyed on
    # it, so once resolved the same evidence does not raise it again.
    installment_sequence: int | None = None
    # That installment's schedule: a restructured loan's paid installments of the schedule
    # before keep their version, and the new schedule numbers its installments from 1 again.
    installment_schedule_version: int | None = None


@dataclass(frozen=True)
class PaidInstallment:
    """An installment as early warning sees it: when due, when settled (None = not yet), how
    much of it was paid (fen) and whether it is past due now."""

    sequence: int
    due_date: dt.date
    paid_on: dt.date | None
    paid_fen: int
    due_fen: int
    schedule_version: int = 1


def paid_installments(installments: Sequence[Installment]) -> list[PaidInstallment]:
    """The installments in force as the repayment rules see them."""
    return [
        # What was due is what was paid plus what is still owed: a waived penalty is not owed.
        PaidInstallment(i.sequence, i.due_date, i.paid_on if i.is_settled else None,
                        i.total_paid_fen, i.total_paid_fen + i.outstanding_fen,
                        i.schedule_version)
        for i in installments
    ]


def _in_due_order(installments: Sequence[PaidInstallment]) -> list[PaidInstallment]:
    """The settled installments oldest due first. Not by sequence alone: after a restructuring
    the paid installments of the schedule before stay, and the new one counts from 1 again."""
    return sorted(
        (i for i in installments if i.paid_on),
        key=lambda i: (i.due_date, i.schedule_version, i.sequence),
    )


def first_payment_default(days_past_due: int, oldest_sequence: int, schedule_version: int,
                          policy: EarlyWarningPolicy) -> AlertDraft | None:
    """The very first installment is ``first_payment_default_days`` or more past due."""
    if schedule_version != 1 or oldest_sequence != 1:
        return None
    if days_past_due < policy.first_payment_default_days:
        return None
    return AlertDraft(
        Rule.FIRST_PAYMENT_DEFAULT, Severity.HIGH,
        "the first installment has not been paid",
        (Evidence("days_past_due", str(days_past_due), str(policy.first_payment_default_days)),),
    )


def first_payment_default_crossed(
    previous_days_past_due: int, days_past_due: int, oldest_sequence: int,
    schedule_version: int, policy: EarlyWarningPolicy,
) -> AlertDraft | None:
    """First-payment default on the change that takes days past due from below the threshold
    to at or above it. Whichever ages the loan across it (the daily cycle, or a posting made
    before that day's cycle) sees the crossing; the other then sees no change."""
    if previous_days_past_due >= policy.first_payment_default_days:
        return None
    return first_payment_default(days_past_due, oldest_sequence, schedule_version, policy)


def late_streak(
    installments: Sequence[PaidInstallment], grace_days: int, policy: EarlyWarningPolicy
) -> AlertDraft | None:
    """The last ``late_streak_length`` settled installments were all paid after their grace."""
    settled = _in_due_order(installments)
    streak = 0
    for item in reversed(settled):
        assert item.paid_on is not None  # noqa: S101 - filtered
        if item.paid_on > item.due_date + dt.timedelta(days=grace_days):
            streak += 1
        else:
            break
    if streak < policy.late_streak_length:
        return None
    return AlertDraft(
        Rule.LATE_STREAK, Severity.MEDIUM, "several installments in a row were paid late",
        (Evidence("late_payment_streak", str(streak), str(policy.late_streak_length)),),
        installment_sequence=settled[-1].sequence,
        installment_schedule_version=settled[-1].schedule_version,
    )


def payment_day_drift(
    installments: Sequence[PaidInstallment], policy: EarlyWarningPolicy
) -> AlertDraft | None:
    """Payments come later and later: over the last ``payment_day_drift_window`` settled
    installments the delay after the due date grew each time and by at least
    ``payment_day_drift_days`` in total."""
    window = _in_due_order(installments)[-policy.payment_day_drift_window:]
    if len(window) < policy.payment_day_drift_window:
        return None
    delays = [(i.paid_on - i.due_date).days for i in window]  # type: ignore[operator]
    growing = all(b > a for a, b in zip(delays, delays[1:], strict=False))
    drift = delays[-1] - delays[0]
    if not growing or drift < policy.payment_day_drift_days:
        return None
    return AlertDraft(
        Rule.PAYMENT_DAY_DRIFT, Severity.LOW, "payments arrive later after each due date",
        (Evidence("payment_delay_days", ",".join(str(d) for d in delays),
                  f"+{policy.payment_day_drift_days}"),),
        installment_sequence=window[-1].sequence,
        installment_schedule_version=window[-1].schedule_version,
    )


def partial_payment(
    item: PaidInstallment, business_date: dt.date, tolerance_fen: int
) -> AlertDraft | None:
    """A due installment was paid in part only (more than the tolerance still unpaid)."""
    if item.paid_on is not None or item.due_date > business_date or item.paid_fen <= 0:
        return None
    if item.due_fen - item.paid_fen <= tolerance_fen:
        return None
    return AlertDraft(
        Rule.PARTIAL_PAYMENT, Severity.LOW, "a due installment was paid in part only",
        (Evidence("paid_fen", str(item.paid_fen), str(item.due_fen)),),
        installment_sequence=item.sequence,
        installment_schedule_version=item.schedule_version,
    )


@dataclass(frozen=True)
class InquirySignal:
    """A completed credit inquiry's facts (from credit_inquiry's InquiryCompleted)."""

    score: int | None
    inquiries_1m: int | None


SCORE_UNKNOWN: Final = None


def inquiry_spike(signal: InquirySignal, policy: EarlyWarningPolicy) -> AlertDraft | None:
    """Many recent hard inquiries elsewhere (multi-lending)."""
    if signal.inquiries_1m is None or signal.inquiries_1m < policy.inquiry_spike_1m:
        return None
    return AlertDraft(
        Rule.INQUIRY_SPIKE, Severity.MEDIUM, "many credit inquiries in the last month",
        (Evidence("inquiries_last_1_month", str(signal.inquiries_1m),
                  str(policy.inquiry_spike_1m)),),
    )


def score_drop(
    previous_score: int | None, signal: InquirySignal, policy: EarlyWarningPolicy
) -> AlertDraft | None:
    """The score fell by at least ``score_drop_points`` since the previous inquiry."""
    if previous_score is None or signal.score is None:
        return None
    drop = previous_score - signal.score
    if drop < policy.score_drop_points:
        return None
    return AlertDraft(
        Rule.SCORE_DROP, Severity.HIGH, "the credit score dropped sharply",
        (Evidence("score_drop_points", str(drop), str(policy.score_drop_points)),),
    )


# --- the alert lifecycle: OPEN → ACKNOWLEDGED → RESOLVED (OPEN → RESOLVED directly too) -------


def check_can_acknowledge(state: AlertState) -> None:
    """Only an open alert can be acknowledged (ALERT_NOT_OPEN otherwise)."""
    if state is not AlertState.OPEN:
        raise FailedPrecondition(
            Reasons.ALERT_NOT_OPEN, "only an open alert can be acknowledged",
            metadata={"state": state.value},
        )


def check_can_resolve(state: AlertState) -> None:
    """An open or acknowledged alert can be resolved (ALERT_ALREADY_RESOLVED otherwise)."""
    if state is AlertState.RESOLVED:
        raise FailedPrecondition(
            Reasons.ALERT_ALREADY_RESOLVED, "the alert is already resolved",
            metadata={"state": state.value},
        )


def repayment_drafts(
    installments: Sequence[PaidInstallment],
    business_date: dt.date,
    grace_days: int,
    tolerance_fen: int,
    policy: EarlyWarningPolicy,
) -> list[AlertDraft]:
    """The rules a posted repayment can trip, over the loan's installments in force: a due
    installment left part-paid (the oldest such), a streak of late payments, payment-day
    drift. Each draft names the installment it is about (``installment_sequence``)."""
    drafts: list[AlertDraft] = []
    for item in sorted(installments, key=lambda i: i.sequence):
        partial = partial_payment(item, business_date, tolerance_fen)
        if partial is not None:
            drafts.append(partial)
            break
    for draft in (late_streak(installments, grace_days, policy),
                  payment_day_drift(installments, policy)):
        if draft is not None:
            drafts.append(draft)
    return drafts


def inquiry_drafts(
    previous_score: int | None, signal: InquirySignal, policy: EarlyWarningPolicy
) -> list[AlertDraft]:
    """The rules a completed credit inquiry can trip: inquiry spike, score drop."""
    return [d for d in (inquiry_spike(signal, policy), score_drop(previous_score, signal, policy))
            if d is not None]
