"""Penalty interest by value date (``domain.penalty``, ``domain.delinquency``): rounding once on
the cumulative principal-days makes the penalty independent of how the days were split into
daily-cycle runs; a repayment reported after the cycles ran, or replayed, leaves installments
exactly as posting it on its value date before them; a reversal as never posting it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.domain.delinquency import (
    penalty_for_days,
    penalty_for_principal_days,
    penalty_increment,
)
from monitoring.domain.loans import Installment, InstallmentState, PrepaymentRule
from monitoring.domain.penalty import PenaltyAccrual
from monitoring.domain.repayments import (
    LedgerState,
    Payment,
    ScheduleContext,
    apply_payment,
    replay,
)
from postloan_runtime.lending import RepaymentMethod, build_schedule

pytestmark = pytest.mark.unit

RATES = st.sampled_from([Decimal("0.05"), Decimal("0.06"), Decimal("0.09"), Decimal("0.0365"),
                         Decimal("0.1234")])


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(1, 50_000_000),
    runs=st.lists(st.integers(1, 40), min_size=1, max_size=30),
    rate=RATES,
)
def test_cumulative_rounding_makes_penalty_independent_of_how_days_are_split(
    principal: int, runs: list[int], rate: Decimal
) -> None:
    """The cycle run every day, every few days or once: the same fen."""
    principal_days = penalty = 0
    for days in runs:
        added = principal * days
        penalty += penalty_increment(principal_days, added, rate)
        principal_days += added
    assert penalty == penalty_for_days(principal, rate, sum(runs))
    assert penalty == penalty_for_principal_days(principal_days, rate)


@settings(max_examples=300, deadline=None)
@given(
    path=st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(1, 30)), min_size=1,
                  max_size=20),
    rate=RATES,
)
def test_penalty_of_a_principal_path_is_rounded_once_on_its_total(
    path: list[tuple[int, int]], rate: Decimal
) -> None:
    """Unpaid principal changing between runs (partial payments): the increments telescope."""
    principal_days = penalty = 0
    for principal, days in path:
        added = principal * days
        penalty += penalty_increment(principal_days, added, rate)
        principal_days += added
    exact = sum(Decimal(p * d) for p, d in path) * rate / 360
    assert abs(penalty - exact) <= Decimal("0.5")


def test_rounding_once_per_run_was_not_split_independent() -> None:
    """Why the total is rounded, not each run: 1 000.00 yuan at 6% is 16.67 fen a day."""
    per_run = sum(penalty_for_days(100_000, Decimal("0.06"), 1) for _ in range(3))
    assert (per_run, penalty_for_days(100_000, Decimal("0.06"), 3)) == (51, 50)


# --- a repayment by value date, against a mirror of the daily cycle -------------------------

DISBURSED = dt.date(2024, 1, 15)
CONTEXT = ScheduleContext(Decimal("0.15"), RepaymentMethod.EQUAL_INSTALLMENT, 15,
                          PrepaymentRule.SHORTEN_TERM, DISBURSED)
TOLERANCE = 100


def ledger(principal: int) -> dict[tuple[int, int], Installment]:
    return {
        (1, e.sequence): Installment(e.sequence, 1, e.due_date, e.principal_fen, e.interest_fen)
        for e in build_schedule(principal, Decimal("0.15"), 3, RepaymentMethod.EQUAL_INSTALLMENT,
                                DISBURSED, 15)
    }


def _settled(i: Installment) -> bool:
    return (i.principal_due_fen == i.principal_paid_fen
            and i.interest_due_fen == i.interest_paid_fen
            and i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen <= 0)


def cycle(state: LedgerState, day: dt.date, accrual: PenaltyAccrual) -> None:
    """The daily cycle's penalty step on ``day`` (adapters/daily_cycle_sql.py), in Python."""
    for key, i in state.installments.items():
        if i.state is InstallmentState.SUPERSEDED or _settled(i):
            continue
        unpaid = i.total_due_fen - i.total_paid_fen - i.penalty_waived_fen
        start = i.penalty_accrued_through or i.due_date
        grace_over = i.due_date + dt.timedelta(days=accrual.grace_days) < day
        if not (grace_over and unpaid > accrual.tolerance_fen and start < day):
            continue
        added = (i.principal_due_fen - i.principal_paid_fen) * (day - max(start, i.due_date)).days
        state.installments[key] = dataclasses.replace(
            i,
            penalty_due_fen=i.penalty_due_fen + penalty_increment(
                i.penalty_principal_days, added, accrual.annual_rate),
            penalty_principal_days=i.penalty_principal_days + added,
            penalty_accrued_through=day,
        )


def cycles(state: LedgerState, first: dt.date, last: dt.date, accrual: PenaltyAccrual) -> None:
    day = first
    while day <= last:
        cycle(state, day, dataclasses.replace(accrual, cycle_through=day))
        day += dt.timedelta(days=1)


def pay(fen: int, day: dt.date, ext: str) -> Payment:
    return Payment(f"R-{ext}", ext, fen, dt.datetime(day.year, day.month, day.day, 1,
                                                      tzinfo=dt.UTC), day)


FIRST = dt.date(2024, 2, 14)


@settings(max_examples=120, deadline=None)
@given(
    principal=st.integers(30_000, 3_000_000),
    rate=RATES,
    grace=st.integers(0, 5),
    value_offset=st.integers(0, 40),  # value date: days after Feb 14
    last_offset=st.integers(0, 40),  # cycles run this many days after the value date
    share=st.floats(0.05, 1.3),  # of what is owed on the value date
    short=st.sampled_from([None, 0, 1, 60, 100, 101]),  # or leave exactly this many fen
    behind=st.integers(0, 10),  # days the cycles are behind when it is posted on its date
)
def test_a_payment_reported_late_or_replayed_equals_posting_it_on_its_value_date(
    principal: int, rate: Decimal, grace: int, value_offset: int, last_offset: int,
    share: float, short: int | None, behind: int,
) -> None:
    value_date = FIRST + dt.timedelta(days=value_offset)
    last = value_date + dt.timedelta(days=last_offset)
    accrual = PenaltyAccrual(rate, grace, TOLERANCE)
    before = dt.timedelta(days=1)

    on_time = LedgerState(ledger(principal), 1, penalty=accrual)
    cycles(on_time, FIRST, value_date - before, accrual)
    owed = sum(i.outstanding_fen for i in on_time.installments.values()
               if i.due_date <= value_date)
    fen = max(owed - short, 1) if short is not None else max(int(owed * share), 1)
    on_time.penalty = dataclasses.replace(accrual, cycle_through=value_date - before)
    paid_on_time = apply_payment(on_time, pay(fen, value_date, "A"), CONTEXT)
    cycles(on_time, value_date, last, accrual)

    never = LedgerState(ledger(principal), 1, penalty=accrual)
    cycles(never, FIRST, last, accrual)
    stored = list(never.installments.values())
    as_of_last = dataclasses.replace(accrual, cycle_through=last)

    late = LedgerState(dict(never.installments), 1, penalty=as_of_last)
    paid_late = apply_payment(late, pay(fen, value_date, "A"), CONTEXT)
    replayed, outcomes = replay(stored, 1, [pay(fen, value_date, "A")], CONTEXT,
                                penalty=as_of_last)
    assert late.installments == on_time.installments
    assert replayed.installments == on_time.installments
    assert paid_late.lines == paid_on_time.lines == outcomes[0].lines

    # Posted on its date while the cycles were behind; they catch up afterwards.
    caught_up_to = value_date - dt.timedelta(days=behind + 1)
    behind_cycles = LedgerState(ledger(principal), 1, penalty=accrual)
    cycles(behind_cycles, FIRST, caught_up_to, accrual)
    behind_cycles.penalty = dataclasses.replace(accrual, cycle_through=caught_up_to)
    paid_behind = apply_payment(behind_cycles, pay(fen, value_date, "A"), CONTEXT)
    cycles(behind_cycles, caught_up_to + before, last, accrual)
    assert behind_cycles.installments == on_time.installments
    assert paid_behind.lines == paid_on_time.lines

    # Reversed (replayed without it) after the cycles: as if it had never been posted.
    reversed_, _ = replay(list(on_time.installments.values()), 1, [], CONTEXT,
                          penalty=as_of_last)
    assert reversed_.installments == never.installments


def test_penalty_accrued_before_principal_days_were_kept_stays_owed() -> None:
    """A row accrued before migration 0010: its penalty so far is a fixed part; a payment
    dated before then takes back only the principal-days accrued since."""
    accrual = PenaltyAccrual(Decimal("0.09"), 3, TOLERANCE, cycle_through=dt.date(2024, 3, 10))
    legacy = Installment(1, 1, dt.date(2024, 2, 15), 100_000, 1_000, penalty_due_fen=500,
                         penalty_principal_days=100_000 * 5,
                         penalty_accrued_through=dt.date(2024, 3, 10),
                         penalty_days_from=dt.date(2024, 3, 5))
    assert accrual.fixed_fen(legacy) == 500 - 125
    state = LedgerState({(1, 1): legacy}, 1, penalty=accrual)
    apply_payment(state, pay(101_500, dt.date(2024, 2, 20), "A"), CONTEXT)
    paid = state.installments[(1, 1)]
    # 375 fixed + 1 000 interest + the principal: settled, the principal-days taken back.
    assert (paid.penalty_due_fen, paid.penalty_paid_fen, paid.principal_paid_fen) == (
        375, 375, 100_000)
    assert paid.penalty_principal_days == 0
    assert paid.penalty_accrued_through == dt.date(2024, 3, 5)
