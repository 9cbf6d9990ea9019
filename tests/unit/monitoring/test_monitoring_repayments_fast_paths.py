"""The posting's hot domain helpers, written for speed, proved equal to their plain
definitions over generated installments: ``_settled`` (nothing left of any component) and
``with_states`` (rows whose state does not change are kept, not copied)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.domain.delinquency import DelinquencyPolicy, installment_days_past_due
from monitoring.domain.loans import Installment, InstallmentState
from monitoring.domain.repayments import (
    Component,
    _arrears,
    _left,
    _settled,
    with_states,
)

pytestmark = pytest.mark.unit

POLICY = DelinquencyPolicy()


def reference_settled(i: Installment) -> bool:
    return all(_left(i, c) == 0 for c in Component)


def reference_with_states(
    items: list[Installment], as_of: dt.date, *, grace_days: int
) -> list[Installment]:
    result = []
    for i in items:
        if i.state is InstallmentState.SUPERSEDED:
            result.append(i)
            continue
        if reference_settled(i):
            state, days = InstallmentState.PAID, 0
        elif i.due_date >= as_of:
            state, days = (
                InstallmentState.DUE if i.due_date == as_of else InstallmentState.PENDING
            ), 0
        else:
            days = installment_days_past_due(
                _arrears(i), as_of, grace_days=grace_days, tolerance_fen=POLICY.tolerance_fen
            )
            state = InstallmentState.OVERDUE if days else InstallmentState.DUE
        result.append(
            dataclasses.replace(
                i,
                state=state,
                days_past_due=days if state is InstallmentState.OVERDUE else 0,
                paid_on=i.paid_on if state is InstallmentState.PAID else None,
            )
        )
    return result


dates = st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
small = st.integers(0, 3)


@st.composite
def installments(draw: st.DrawFn) -> Installment:
    # Small amounts so that paid == due (settled) and paid < due both come up often.
    principal, interest, penalty = draw(small), draw(small), draw(small)
    return Installment(
        sequence=draw(st.integers(1, 12)),
        schedule_version=1,
        due_date=draw(dates),
        principal_due_fen=principal,
        interest_due_fen=interest,
        penalty_due_fen=penalty,
        principal_paid_fen=draw(st.integers(0, principal)),
        interest_paid_fen=draw(st.integers(0, interest)),
        penalty_paid_fen=draw(st.integers(0, penalty)),
        penalty_waived_fen=draw(small),
        state=draw(st.sampled_from(InstallmentState)),
        paid_on=draw(st.none() | dates),
        days_past_due=draw(st.integers(0, 400)),
    )


@settings(max_examples=2000, deadline=None)
@given(installments())
def test_settled_equals_nothing_left_of_any_component(item: Installment) -> None:
    assert _settled(item) == reference_settled(item)


@settings(max_examples=500, deadline=None)
@given(st.lists(installments(), max_size=24), dates, st.integers(0, 5))
def test_with_states_equals_the_reference(
    items: list[Installment], as_of: dt.date, grace_days: int
) -> None:
    assert with_states(items, as_of, grace_days=grace_days, policy=POLICY) == (
        reference_with_states(items, as_of, grace_days=grace_days)
    )
