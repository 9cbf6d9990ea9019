"""Credit-line rules on worked examples: each action's refusal exactly at its edge, what the
recorded action carries, and the drawdown rule at the last fen available."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from monitoring.domain.credit_lines import (
    CreditLine,
    CreditLineActionType,
    CreditLineState,
    Reasons,
    available_fen,
    check_drawdown,
    check_same_registration,
    register_credit_line,
    take_action,
)
from postloan_runtime.errors import FailedPrecondition

pytestmark = pytest.mark.unit

NOW = dt.datetime(2024, 6, 1, 8, tzinfo=dt.UTC)


def line(limit: int = 1_000_000, state: CreditLineState = CreditLineState.ACTIVE) -> CreditLine:
    registered = register_credit_line(
        credit_line_id="CL-1", borrower_id="B-1", credit_limit_fen=limit, currency="CNY",
        registered_at=NOW,
    )
    return CreditLine(**{**registered.__dict__, "state": state})


def act(target: CreditLine, action: CreditLineActionType, new_limit: int | None = None):
    return take_action(
        target, action=action, new_limit_fen=new_limit, reason="inquiry spike",
        alert_id=None, taken_by="op-1", action_id=uuid.uuid4(), taken_at=NOW,
    )


def reason_of(call) -> str:
    with pytest.raises(FailedPrecondition) as error:
        call()
    return error.value.reason


def test_registration_starts_active_with_both_limits() -> None:
    registered = line(500_000)
    assert (registered.state, registered.credit_limit_fen, registered.original_limit_fen) == (
        CreditLineState.ACTIVE, 500_000, 500_000)


def test_repeat_registration_must_match_borrower_and_original_limit() -> None:
    reduced, _ = act(line(), CreditLineActionType.REDUCE_LIMIT, 400_000)
    # The limit was reduced since; the same registration is still the same line.
    check_same_registration(reduced, borrower_id="B-1", credit_limit_fen=1_000_000,
                            currency="CNY")
    for borrower, limit in (("B-2", 1_000_000), ("B-1", 400_000)):
        assert reason_of(lambda b=borrower, lim=limit: check_same_registration(
            reduced, borrower_id=b, credit_limit_fen=lim, currency="CNY",
        )) == Reasons.CREDIT_LINE_ID_CONFLICT


def test_reduce_limit_records_before_and_after() -> None:
    after, action = act(line(), CreditLineActionType.REDUCE_LIMIT, 999_999)
    assert after.credit_limit_fen == 999_999 and after.original_limit_fen == 1_000_000
    assert (action.previous_limit_fen, action.new_limit_fen) == (1_000_000, 999_999)
    assert (action.action, action.reason, action.taken_by, action.borrower_id) == (
        CreditLineActionType.REDUCE_LIMIT, "inquiry spike", "op-1", "B-1")
    # Down to zero is a reduction too (the proto allows any limit >= 0 below the current).
    zero, _ = act(after, CreditLineActionType.REDUCE_LIMIT, 0)
    assert zero.credit_limit_fen == 0


@pytest.mark.parametrize("new_limit", [1_000_000, 1_000_001])
def test_a_limit_not_below_the_current_is_refused(new_limit: int) -> None:
    assert reason_of(lambda: act(line(), CreditLineActionType.REDUCE_LIMIT, new_limit)) == (
        Reasons.LIMIT_NOT_REDUCED)


def test_reducing_a_frozen_line_keeps_it_frozen() -> None:
    after, _ = act(line(state=CreditLineState.FROZEN), CreditLineActionType.REDUCE_LIMIT, 10)
    assert after.state is CreditLineState.FROZEN and after.credit_limit_fen == 10


def test_freeze_and_unfreeze_only_from_the_other_state() -> None:
    frozen, action = act(line(), CreditLineActionType.FREEZE)
    assert frozen.state is CreditLineState.FROZEN
    assert action.previous_limit_fen == action.new_limit_fen == 1_000_000
    assert reason_of(lambda: act(frozen, CreditLineActionType.FREEZE)) == (
        Reasons.CREDIT_LINE_ALREADY_FROZEN)
    thawed, _ = act(frozen, CreditLineActionType.UNFREEZE)
    assert thawed.state is CreditLineState.ACTIVE
    assert reason_of(lambda: act(thawed, CreditLineActionType.UNFREEZE)) == (
        Reasons.CREDIT_LINE_NOT_FROZEN)


def drawdown(target: CreditLine | None, *, drawn: int, principal: int,
             borrower: str = "B-1") -> None:
    check_drawdown(target, credit_line_id="CL-1", borrower_id=borrower, currency="CNY",
                   drawn_fen=drawn, principal_fen=principal)


def test_drawdown_up_to_the_last_fen_available() -> None:
    drawdown(line(), drawn=600_000, principal=400_000)  # exactly what is left
    assert reason_of(lambda: drawdown(line(), drawn=600_000, principal=400_001)) == (
        Reasons.CREDIT_LINE_LIMIT_EXCEEDED)


def test_drawdown_refusals() -> None:
    assert reason_of(lambda: drawdown(None, drawn=0, principal=1)) == (
        Reasons.CREDIT_LINE_NOT_FOUND)
    # Another borrower's line is not this borrower's line.
    assert reason_of(lambda: drawdown(line(), drawn=0, principal=1, borrower="B-2")) == (
        Reasons.CREDIT_LINE_NOT_FOUND)
    assert reason_of(lambda: drawdown(
        line(state=CreditLineState.FROZEN), drawn=0, principal=1)) == Reasons.CREDIT_LINE_FROZEN


def test_a_limit_cut_below_what_is_drawn_leaves_nothing_available() -> None:
    cut, _ = act(line(), CreditLineActionType.REDUCE_LIMIT, 300_000)
    assert available_fen(cut, 500_000) == 0
    assert reason_of(lambda: drawdown(cut, drawn=500_000, principal=1)) == (
        Reasons.CREDIT_LINE_LIMIT_EXCEEDED)
