"""Repayment allocation rules: the waterfall (worked examples), early payment, prepayment by both
rules, payoff and unapplied money, delinquency at posting, and the replay property (any posting
order and backdating give the same end state as posting in paid-at order)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.domain.delinquency import DelinquencyPolicy
from monitoring.domain.loans import (
    Classification,
    Installment,
    InstallmentState,
    Loan,
    LoanTerms,
    PrepaymentRule,
    register_loan,
    status_figures,
)
from monitoring.domain.repayments import (
    Component,
    LedgerState,
    Payment,
    ScheduleContext,
    Waterfall,
    WaterfallOrder,
    apply_payment,
    delinquency_of,
    replay,
    with_states,
)
from postloan_runtime.lending import RepaymentMethod, build_schedule

pytestmark = pytest.mark.unit

DISBURSED = dt.date(2024, 1, 15)
RATE = Decimal("0.1800")


def context(rule: PrepaymentRule = PrepaymentRule.SHORTEN_TERM,
            method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT) -> ScheduleContext:
    return ScheduleContext(RATE, method, 15, rule, DISBURSED)


def schedule(principal: int = 1_200_000, term: int = 12,
             method: RepaymentMethod = RepaymentMethod.EQUAL_INSTALLMENT) -> list[Installment]:
    return [
        Installment(
            sequence=e.sequence, schedule_version=1, due_date=e.due_date,
            principal_due_fen=e.principal_fen, interest_due_fen=e.interest_fen,
        )
        for e in build_schedule(principal, RATE, term, method, DISBURSED, 15)
    ]


def state_of(items: list[Installment]) -> LedgerState:
    return LedgerState({(i.schedule_version, i.sequence): i for i in items}, 1)


def payment(fen: int, day: dt.date, ext: str = "T1") -> Payment:
    paid_at = dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)
    return Payment(f"R-{ext}", ext, fen, paid_at, day)


def simple_two() -> list[Installment]:
    """Two hand-made installments with penalty on the first, for worked examples."""
    return [
        Installment(1, 1, dt.date(2024, 2, 15), 10_000, 1_000, penalty_due_fen=200),
        Installment(2, 1, dt.date(2024, 3, 15), 10_000, 800, penalty_due_fen=100),
    ]


def test_default_waterfall_settles_the_oldest_installment_penalty_interest_principal() -> None:
    state = state_of(simple_two())
    outcome = apply_payment(state, payment(11_500, dt.date(2024, 3, 20)), context())
    assert [(ln.installment_sequence, ln.component, ln.amount_fen) for ln in outcome.lines] == [
        (1, Component.PENALTY, 200),
        (1, Component.INTEREST, 1_000),
        (1, Component.PRINCIPAL, 10_000),
        (2, Component.PENALTY, 100),
        (2, Component.INTEREST, 200),
    ]
    assert outcome.settled == ((1, 1),)
    assert state.installments[(1, 2)].interest_paid_fen == 200
    assert outcome.prepaid_principal_fen == 0 and outcome.unapplied_fen == 0


def test_component_first_waterfall_pays_all_penalty_then_all_interest() -> None:
    state = state_of(simple_two())
    waterfall = Waterfall(
        (Component.PENALTY, Component.INTEREST, Component.PRINCIPAL),
        WaterfallOrder.COMPONENT_FIRST,
    )
    outcome = apply_payment(state, payment(2_500, dt.date(2024, 3, 20)), context(), waterfall)
    assert [(ln.installment_sequence, ln.component, ln.amount_fen) for ln in outcome.lines] == [
        (1, Component.PENALTY, 200),
        (2, Component.PENALTY, 100),
        (1, Component.INTEREST, 1_000),
        (2, Component.INTEREST, 800),
        (1, Component.PRINCIPAL, 400),
    ]


def test_a_waterfall_must_name_every_component_once() -> None:
    with pytest.raises(ValueError):
        Waterfall((Component.INTEREST, Component.PRINCIPAL))


def test_partial_payment_leaves_the_installment_overdue_and_counts_days() -> None:
    items = schedule()
    state = state_of(items)
    apply_payment(state, payment(50_000, dt.date(2024, 2, 20)), context())
    first = state.installments[(1, 1)]
    assert first.interest_paid_fen == first.interest_due_fen
    assert first.principal_paid_fen == 50_000 - first.interest_due_fen
    found = delinquency_of(state.current(), dt.date(2024, 3, 1), grace_days=3)
    assert (found.days_past_due, found.bucket) == (15, "M1")
    # Within grace: not past due; below the tolerance: not past due either.
    assert delinquency_of(state.current(), dt.date(2024, 2, 18), grace_days=3).days_past_due == 0
    tolerant = DelinquencyPolicy(tolerance_fen=first.outstanding_fen)
    assert delinquency_of(
        state.current(), dt.date(2024, 3, 1), grace_days=3, policy=tolerant
    ).days_past_due == 0


def test_posting_time_classification_is_no_better_than_the_floor() -> None:
    state = state_of(schedule())
    current = dt.date(2024, 2, 1)  # nothing due yet
    assert delinquency_of(state.current(), current, grace_days=3).classification \
        is Classification.NORMAL
    floored = delinquency_of(
        state.current(), current, grace_days=3, floor=Classification.SUBSTANDARD
    )
    assert (floored.days_past_due, floored.bucket, floored.classification) == (
        0, "M0", Classification.SUBSTANDARD)
    # Worse by days past due than the floor: the days decide (15 February + 300 days).
    late = delinquency_of(
        state.current(), dt.date(2024, 12, 11), grace_days=3, floor=Classification.SUBSTANDARD
    )
    assert (late.days_past_due, late.classification) == (300, Classification.DOUBTFUL)


def test_early_payment_settles_the_next_installment_without_prepayment() -> None:
    items = schedule()
    state = state_of(items)
    outcome = apply_payment(state, payment(items[0].total_due_fen, dt.date(2024, 2, 1)), context())
    assert outcome.settled == ((1, 1),)
    assert outcome.prepaid_principal_fen == 0
    assert state.schedule_version == 1


def test_late_payment_cures_the_loan_at_once() -> None:
    items = schedule()
    state = state_of(items)
    assert delinquency_of(state.current(), dt.date(2024, 4, 20), grace_days=3).bucket == "M3"
    apply_payment(
        state, payment(sum(i.total_due_fen for i in items[:2]), dt.date(2024, 4, 20)), context()
    )
    # Two of the three installments due: still in arrears, now from 15 April (5 days).
    assert delinquency_of(state.current(), dt.date(2024, 4, 20), grace_days=3).bucket == "M1"
    apply_payment(state, payment(items[2].total_due_fen, dt.date(2024, 4, 20), "T2"), context())
    assert delinquency_of(state.current(), dt.date(2024, 4, 20), grace_days=3).bucket == "M0"


@pytest.mark.parametrize("rule", list(PrepaymentRule))
def test_overpayment_is_a_prepayment_by_the_product_rule(rule: PrepaymentRule) -> None:
    items = schedule()
    state = state_of(items)
    extra = 300_000
    outcome = apply_payment(
        state, payment(items[0].total_due_fen + extra, dt.date(2024, 2, 10)), context(rule)
    )
    assert outcome.prepaid_principal_fen == extra
    assert state.schedule_version == 2
    new = state.current()
    old_future = items[1:]
    remaining = sum(i.principal_due_fen for i in old_future) - extra
    assert sum(i.principal_due_fen for i in new) == remaining
    assert new[0].sequence == 2 and new[0].due_date == old_future[0].due_date
    assert all(
        state.installments[(1, i.sequence)].state is InstallmentState.SUPERSEDED
        for i in old_future
    )
    if rule is PrepaymentRule.SHORTEN_TERM:
        assert len(new) < len(old_future)
        assert new[0].total_due_fen <= old_future[0].total_due_fen
    else:
        assert len(new) == len(old_future)
        assert new[0].total_due_fen < old_future[0].total_due_fen


def test_paying_everything_pays_off_and_the_rest_is_unapplied() -> None:
    items = schedule()
    state = state_of(items)
    principal_after_first = sum(i.principal_due_fen for i in items[1:])
    outcome = apply_payment(
        state,
        payment(items[0].total_due_fen + principal_after_first + 777, dt.date(2024, 2, 10)),
        context(),
    )
    assert state.paid_off and state.paid_off_date == dt.date(2024, 2, 10)
    assert outcome.prepaid_principal_fen == principal_after_first
    assert outcome.unapplied_fen == 777
    assert outcome.total_of(Component.PRINCIPAL) + principal_after_first == 1_200_000


def _fingerprint(state: LedgerState, outcomes: list) -> tuple:
    rows = tuple(sorted(
        (k, dataclasses.astuple(v)) for k, v in state.installments.items()
    ))
    by_id = tuple(sorted(
        (o.repayment_id, o.lines, o.prepaid_principal_fen, o.unapplied_fen) for o in outcomes
    ))
    return rows, state.schedule_version, state.paid_off_date, by_id


payments_strategy = st.lists(
    st.tuples(st.integers(1, 400), st.integers(1, 250_000)), min_size=1, max_size=8,
    unique_by=lambda t: t[0],
)


@settings(max_examples=60, deadline=None)
@given(
    raw=payments_strategy,
    order=st.randoms(use_true_random=False),
    rule=st.sampled_from(list(PrepaymentRule)),
    method=st.sampled_from(list(RepaymentMethod)),
)
def test_any_posting_order_gives_the_state_of_posting_in_paid_at_order(
    raw, order, rule, method
) -> None:
    """Post payments one by one in a random order: each posting that sorts after the others is
    applied incrementally, a backdated one replays from the base schedule (as the service
    does). The end state equals one replay in paid-at order."""
    items = schedule(method=method)
    ctx = context(rule, method)
    pays = [
        payment(fen, DISBURSED + dt.timedelta(days=day), ext=f"T{n:02d}")
        for n, (day, fen) in enumerate(raw)
    ]
    expected = _fingerprint(*replay(items, 1, pays, ctx))

    shuffled = list(pays)
    order.shuffle(shuffled)
    state = state_of(items)
    posted: list[Payment] = []
    outcomes: dict[str, object] = {}
    for p in shuffled:
        if all(p.order_key > q.order_key for q in posted):
            outcomes[p.repayment_id] = apply_payment(state, p, ctx)
        else:
            state, replayed = replay(list(state.installments.values()), 1, [*posted, p], ctx)
            outcomes = {o.repayment_id: o for o in replayed}
        posted.append(p)
    assert _fingerprint(state, list(outcomes.values())) == expected


@settings(max_examples=40, deadline=None)
@given(raw=payments_strategy, drop=st.integers(0, 7))
def test_a_reversal_equals_never_having_posted_the_payment(raw, drop) -> None:
    items = schedule()
    ctx = context()
    pays = [
        payment(fen, DISBURSED + dt.timedelta(days=day), ext=f"T{n:02d}")
        for n, (day, fen) in enumerate(raw)
    ]
    reversed_one = pays[drop % len(pays)]
    kept = [p for p in pays if p is not reversed_one]
    state_all, _ = replay(items, 1, pays, ctx)
    after_reversal = replay(list(state_all.installments.values()), 1, kept, ctx)
    never = replay(items, 1, kept, ctx)
    assert _fingerprint(*after_reversal) == _fingerprint(*never)
    # Money is conserved: every fen is allocated, prepaid or unapplied.
    for p, o in zip(sorted(kept, key=lambda p: p.order_key), never[1], strict=True):
        allocated = sum(ln.amount_fen for ln in o.lines)
        assert allocated + o.prepaid_principal_fen + o.unapplied_fen == p.amount_fen


def _loan_as_of(state: LedgerState, as_of: dt.date, base_schedule_version: int) -> Loan:
    """A loan holding ``state``'s rows with their states as of ``as_of`` (as posting stores it)."""
    terms = LoanTerms(
        "CASH-12M", 1_200_000, "CNY", RATE, 12, RepaymentMethod.EQUAL_INSTALLMENT, DISBURSED,
        15, 0, Decimal("0.06"),
    )
    loan = register_loan(
        loan_id="L-1", borrower_id="B-1", credit_line_id=None, terms=terms,
        registered_at=dt.datetime(2024, 1, 15, tzinfo=dt.UTC),
    )
    return dataclasses.replace(
        loan,
        installments=with_states(state.installments.values(), as_of, grace_days=0),
        schedule_version=state.schedule_version,
        base_schedule_version=base_schedule_version,
        status_as_of=as_of,
    )


def test_installments_paid_before_a_prepayment_still_count_as_paid() -> None:
    """Installments settled under an earlier schedule version count as paid after a
    prepayment rebuilt the rest (they are part of the schedule in force, not superseded);
    those of a schedule a restructuring replaced (before the base version) do not."""
    # Version 1: the first installment paid, then replaced by a plan (version 2, the base).
    items = schedule()
    rows = {(1, 1): dataclasses.replace(items[0], principal_paid_fen=items[0].principal_due_fen,
                                        interest_paid_fen=items[0].interest_due_fen)}
    for i in items[1:]:
        rows[(1, i.sequence)] = dataclasses.replace(i, state=InstallmentState.SUPERSEDED)
    plan = [dataclasses.replace(i, schedule_version=2) for i in items[1:]]
    rows.update({(2, i.sequence): i for i in plan})
    state = LedgerState(rows, 2)
    for n, i in enumerate(plan[:3]):
        apply_payment(state, payment(i.total_due_fen, i.due_date, f"P{n}"), context())
    before = status_figures(_loan_as_of(state, plan[2].due_date, 2))
    assert (before.paid_installments, before.remaining_installments) == (3, 8)
    # Installment 5 paid early with 200,000 more: a prepayment, version 3 from installment 6.
    apply_payment(
        state, payment(plan[3].total_due_fen + 200_000, dt.date(2024, 5, 1), "P9"), context()
    )
    assert state.schedule_version == 3
    after = status_figures(_loan_as_of(state, dt.date(2024, 5, 1), 2))
    in_force = len(state.current())
    assert (after.paid_installments, after.remaining_installments) == (4, in_force)
    assert in_force < 7  # SHORTEN_TERM: fewer than the 7 installments left before


def test_replay_applies_penalty_accrued_on_a_prepayments_version_before_later_payments() -> None:
    """Penalty the daily cycle accrued on a row of a prepayment's version is owed from when the
    replay rebuilds that row, so the payments after it pay it first, as they did when posted:
    reversing an unrelated later payment leaves the loan as posting the others in order."""
    items = schedule()
    first = payment(items[0].total_due_fen + 100_000, dt.date(2024, 2, 10), "A1")
    in_order = state_of(items)
    apply_payment(in_order, first, context())
    assert in_order.schedule_version == 2
    # The daily cycle accrued penalty on (2, 2) while it was overdue.
    key = (2, 2)
    in_order.installments[key] = dataclasses.replace(
        in_order.installments[key], penalty_due_fen=300
    )
    second = payment(in_order.installments[key].total_due_fen, dt.date(2024, 4, 1), "A2")
    second_outcome = apply_payment(in_order, second, context())
    expected = _fingerprint(in_order, [second_outcome])

    posted = dataclasses.replace(in_order, installments=dict(in_order.installments))
    apply_payment(posted, payment(1_000, dt.date(2024, 4, 5), "A3"), context())
    # A3 reversed: replay A1 and A2 over the base schedule.
    replayed, outcomes = replay(list(posted.installments.values()), 1, [first, second], context())
    assert replayed.installments[key].penalty_paid_fen == 300
    assert _fingerprint(replayed, outcomes[1:]) == expected
    assert delinquency_of(replayed.current(), dt.date(2024, 4, 5), grace_days=0).days_past_due == 0
