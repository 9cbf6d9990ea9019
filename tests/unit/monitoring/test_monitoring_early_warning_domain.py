"""The early-warning rules on worked examples: each fires exactly at its threshold and not one
step before, with the evidence a person checks; the alert lifecycle's refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.domain.early_warning import (
    AlertState,
    EarlyWarningPolicy,
    Evidence,
    InquirySignal,
    PaidInstallment,
    Rule,
    Severity,
    check_can_acknowledge,
    check_can_resolve,
    first_payment_default,
    first_payment_default_crossed,
    inquiry_drafts,
    inquiry_spike,
    late_streak,
    paid_installments,
    partial_payment,
    payment_day_drift,
    repayment_drafts,
    score_drop,
)
from monitoring.domain.loans import Installment, InstallmentState
from postloan_runtime.errors import FailedPrecondition

pytestmark = pytest.mark.unit

POLICY = EarlyWarningPolicy()  # FPD 30 days, streak 3, drift +5 over 3, spike 4, drop 50


def paid(seq: int, due: str, on: str | None, paid_fen: int = 1000, due_fen: int = 1000,
         version: int = 1):
    return PaidInstallment(
        seq, dt.date.fromisoformat(due), dt.date.fromisoformat(on) if on else None,
        paid_fen, due_fen, version,
    )


# --- first-payment default ------------------------------------------------------------------

def test_first_payment_default_fires_at_30_days_on_the_first_installment() -> None:
    draft = first_payment_default(30, oldest_sequence=1, schedule_version=1, policy=POLICY)
    assert draft is not None
    assert (draft.rule, draft.severity) == (Rule.FIRST_PAYMENT_DEFAULT, Severity.HIGH)
    assert draft.evidence == (Evidence("days_past_due", "30", "30"),)
    assert first_payment_default(29, 1, 1, POLICY) is None
    # A later installment overdue, or a restructured schedule, is not a first-payment default.
    assert first_payment_default(45, 2, 1, POLICY) is None
    assert first_payment_default(45, 1, 2, POLICY) is None


def test_first_payment_default_only_on_the_change_across_the_threshold() -> None:
    # A posting that ages the loan from 29 (or from 0, cycles behind) to 30 days crosses it;
    # one at 30 already (the cycle or an earlier posting raised it) does not.
    for before in (0, 29):
        draft = first_payment_default_crossed(before, 30, 1, 1, POLICY)
        assert draft is not None and draft.rule is Rule.FIRST_PAYMENT_DEFAULT
    assert first_payment_default_crossed(30, 31, 1, 1, POLICY) is None
    assert first_payment_default_crossed(29, 29, 1, 1, POLICY) is None
    assert first_payment_default_crossed(29, 30, 2, 1, POLICY) is None


# --- late-payment streak --------------------------------------------------------------------

def test_three_late_payments_in_a_row_make_a_streak_grace_days_excused() -> None:
    # Grace 3 days: paid 4, 5 and 4 days after the due date are all late.
    items = [
        paid(1, "2024-01-15", "2024-01-15"),
        paid(2, "2024-02-15", "2024-02-19"),
        paid(3, "2024-03-15", "2024-03-20"),
        paid(4, "2024-04-15", "2024-04-19"),
        paid(5, "2024-05-15", None, 0),
    ]
    draft = late_streak(items, grace_days=3, policy=POLICY)
    assert draft is not None and draft.rule is Rule.LATE_STREAK
    assert draft.severity is Severity.MEDIUM
    assert draft.evidence == (Evidence("late_payment_streak", "3", "3"),)


def test_a_payment_on_the_last_grace_day_breaks_the_streak() -> None:
    items = [
        paid(1, "2024-01-15", "2024-01-19"),
        paid(2, "2024-02-15", "2024-02-19"),
        paid(3, "2024-03-15", "2024-03-18"),  # due + 3 = within grace
    ]
    assert late_streak(items, grace_days=3, policy=POLICY) is None
    # Two late ones only: below the streak length.
    assert late_streak(items[:2], grace_days=3, policy=POLICY) is None


def test_after_a_restructuring_payments_count_in_due_order_not_by_sequence() -> None:
    # Schedule 1: four installments paid 18 days late; schedule 2 (the plan) numbers its
    # installments from 1 again, and its first was paid on its due date: the latest payment is
    # on time, so there is no streak (sorted by sequence, 2#1 came second and 1#2..1#4 last).
    before = [paid(n, f"2025-0{n}-10", f"2025-0{n}-28") for n in range(1, 5)]
    plan = [paid(1, "2025-06-10", "2025-06-10", version=2), paid(2, "2025-07-10", None, 0,
                                                                  version=2)]
    assert late_streak(before + plan, grace_days=3, policy=POLICY) is None
    assert payment_day_drift(before[:2] + plan, POLICY) is None
    # The other way round: on time before, three late under the plan. The alert names the
    # plan's installment, in the plan's schedule.
    on_time = [paid(n, f"2025-0{n}-10", f"2025-0{n}-10") for n in range(1, 5)]
    late = [paid(n, f"2025-0{n + 5}-10", f"2025-0{n + 5}-{10 + 4 * n}", version=2)
            for n in range(1, 4)]
    for draft in (late_streak(on_time + late, 3, POLICY), payment_day_drift(on_time + late,
                                                                               POLICY)):
        assert draft is not None
        assert (draft.installment_schedule_version, draft.installment_sequence) == (2, 3)


def test_a_waived_penalty_is_not_counted_as_unpaid() -> None:
    # 1,000 yuan principal + 50 interest + 20 penalty, the penalty waived in full; all paid but
    # 0.50 yuan of principal, within the 1 yuan tolerance: not a partial payment.
    def installment(waived_fen: int) -> Installment:
        return Installment(
            sequence=1, schedule_version=1, due_date=dt.date(2025, 1, 10),
            principal_due_fen=100_000, interest_due_fen=5_000, penalty_due_fen=2_000,
            principal_paid_fen=99_950, interest_paid_fen=5_000, penalty_paid_fen=0,
            penalty_waived_fen=waived_fen, state=InstallmentState.OVERDUE,
        )

    (waived,) = paid_installments([installment(2_000)])
    assert (waived.paid_fen, waived.due_fen) == (104_950, 105_000)
    assert partial_payment(waived, dt.date(2025, 1, 20), tolerance_fen=100) is None
    (owed,) = paid_installments([installment(0)])
    draft = partial_payment(owed, dt.date(2025, 1, 20), tolerance_fen=100)
    assert draft is not None and draft.evidence == (Evidence("paid_fen", "104950", "107000"),)


# --- payment-day drift ----------------------------------------------------------------------

def test_payment_day_drift_needs_growing_delays_and_five_days_in_total() -> None:
    drifting = [
        paid(1, "2024-01-10", "2024-01-11"),  # +1
        paid(2, "2024-02-10", "2024-02-13"),  # +3
        paid(3, "2024-03-10", "2024-03-16"),  # +6
    ]
    draft = payment_day_drift(drifting, POLICY)
    assert draft is not None and draft.rule is Rule.PAYMENT_DAY_DRIFT
    assert draft.severity is Severity.LOW
    assert draft.evidence == (Evidence("payment_delay_days", "1,3,6", "+5"),)
    # +1, +3, +5: grows, but only by 4 days.
    assert payment_day_drift(drifting[:2] + [paid(3, "2024-03-10", "2024-03-15")], POLICY) is None
    # +1, +6, +4: not growing every time.
    assert payment_day_drift(
        [drifting[0], paid(2, "2024-02-10", "2024-02-16"), paid(3, "2024-03-10", "2024-03-14")],
        POLICY,
    ) is None
    # Only two settled installments: not enough to see a drift.
    assert payment_day_drift(drifting[:2], POLICY) is None


def test_drift_looks_only_at_the_latest_window() -> None:
    items = [
        paid(1, "2024-01-10", "2024-01-30"),  # +20 long ago, outside the window
        paid(2, "2024-02-10", "2024-02-10"),  # +0
        paid(3, "2024-03-10", "2024-03-12"),  # +2
        paid(4, "2024-04-10", "2024-04-15"),  # +5
    ]
    draft = payment_day_drift(items, POLICY)
    assert draft is not None
    assert draft.evidence[0].value == "0,2,5"


# --- partial payment ------------------------------------------------------------------------

def test_partial_payment_of_a_due_installment_beyond_the_tolerance() -> None:
    today = dt.date(2024, 3, 20)
    part_paid = paid(3, "2024-03-15", None, paid_fen=40_000, due_fen=100_000)
    draft = partial_payment(part_paid, today, tolerance_fen=1_000)
    assert draft is not None and draft.rule is Rule.PARTIAL_PAYMENT
    assert draft.evidence == (Evidence("paid_fen", "40000", "100000"),)
    # What is left (600.00 yuan) within a 600.00 tolerance does not count.
    assert partial_payment(part_paid, today, tolerance_fen=60_000) is None
    # Nothing paid is not a partial payment (that is plain delinquency).
    assert partial_payment(paid(3, "2024-03-15", None, 0, 100_000), today, 0) is None
    # Not yet due: paying part in advance is fine.
    assert partial_payment(paid(4, "2024-04-15", None, 40_000, 100_000), today, 0) is None
    # Settled in full.
    assert partial_payment(paid(2, "2024-02-15", "2024-02-15"), today, 0) is None


def test_repayment_drafts_combine_the_rules_oldest_partial_first() -> None:
    items = [
        paid(1, "2024-01-15", "2024-01-20"),
        paid(2, "2024-02-15", "2024-02-22"),
        paid(3, "2024-03-15", "2024-03-30"),
        paid(4, "2024-04-15", None, 30_000, 100_000),
        paid(5, "2024-05-15", None, 10_000, 100_000),
    ]
    drafts = repayment_drafts(items, dt.date(2024, 5, 20), grace_days=3, tolerance_fen=100,
                              policy=POLICY)
    assert [d.rule for d in drafts] == [
        Rule.PARTIAL_PAYMENT, Rule.LATE_STREAK, Rule.PAYMENT_DAY_DRIFT,
    ]
    assert drafts[0].evidence[0].value == "30000"
    assert drafts[2].evidence[0].value == "5,7,15"
    # Each names the installment it is about, which keys the alert: the same evidence seen
    # again at a later posting is the same alert, not a new one.
    assert [d.installment_sequence for d in drafts] == [4, 3, 3]


# --- credit-inquiry signals -----------------------------------------------------------------

def test_inquiry_spike_at_four_inquiries_in_a_month() -> None:
    draft = inquiry_spike(InquirySignal(score=640, inquiries_1m=4), POLICY)
    assert draft is not None and draft.rule is Rule.INQUIRY_SPIKE
    assert draft.evidence == (Evidence("inquiries_last_1_month", "4", "4"),)
    assert inquiry_spike(InquirySignal(640, 3), POLICY) is None
    assert inquiry_spike(InquirySignal(None, None), POLICY) is None


def test_score_drop_of_fifty_points_since_the_previous_inquiry() -> None:
    draft = score_drop(700, InquirySignal(650, 0), POLICY)
    assert draft is not None and draft.rule is Rule.SCORE_DROP
    assert draft.severity is Severity.HIGH
    assert draft.evidence == (Evidence("score_drop_points", "50", "50"),)
    assert score_drop(700, InquirySignal(651, 0), POLICY) is None
    assert score_drop(600, InquirySignal(700, 0), POLICY) is None  # a rise
    assert score_drop(None, InquirySignal(500, 0), POLICY) is None  # nothing to compare with
    assert score_drop(700, InquirySignal(None, 0), POLICY) is None  # no record
    both = inquiry_drafts(720, InquirySignal(600, 6), POLICY)
    assert [d.rule for d in both] == [Rule.INQUIRY_SPIKE, Rule.SCORE_DROP]


def test_thresholds_come_from_the_policy() -> None:
    strict = EarlyWarningPolicy(score_drop_points=20, inquiry_spike_1m=2, late_streak_length=2)
    assert score_drop(700, InquirySignal(680, 0), strict) is not None
    assert inquiry_spike(InquirySignal(None, 2), strict) is not None
    items = [paid(1, "2024-01-15", "2024-01-25"), paid(2, "2024-02-15", "2024-02-25")]
    assert late_streak(items, 3, strict) is not None


# --- lifecycle ------------------------------------------------------------------------------

def test_lifecycle_refusals() -> None:
    check_can_acknowledge(AlertState.OPEN)
    check_can_resolve(AlertState.OPEN)
    check_can_resolve(AlertState.ACKNOWLEDGED)
    for state in (AlertState.ACKNOWLEDGED, AlertState.RESOLVED):
        with pytest.raises(FailedPrecondition) as refused:
            check_can_acknowledge(state)
        assert refused.value.reason == "ALERT_NOT_OPEN"
    with pytest.raises(FailedPrecondition) as refused:
        check_can_resolve(AlertState.RESOLVED)
    assert refused.value.reason == "ALERT_ALREADY_RESOLVED"
