"""Regulatory classification of restructured loans (2023 financial-asset risk classification
rules): a restructured loan is classified no better than substandard (次级) through an
observation period of at least N consecutive repayment periods paid on time AND at least M
months (defaults 2 and 12); only after both may the floor be lifted. Pure Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.lending import add_months
from restructuring.domain.rules import Reasons

SUBSTANDARD = "SUBSTANDARD"


class ObservationState(StrEnum):
    IN_OBSERVATION = "IN_OBSERVATION"
    ELIGIBLE_FOR_UPGRADE = "ELIGIBLE_FOR_UPGRADE"
    ENDED = "ENDED"


@dataclass(frozen=True)
class ObservationPolicy:
    required_consecutive_periods: int = 2
    minimum_months: int = 12
    floor: str = SUBSTANDARD


@dataclass(frozen=True)
class DueAmount:
    """A plan installment: due date and total (fen)."""

    due_date: dt.date
    total_fen: int


def earliest_end(started_on: dt.date, minimum_months: int) -> dt.date:
    """``started_on`` plus whole calendar months, clamped to month ends (2024-02-29 + 12
    months = 2025-02-28; 2023-01-31 + 1 month = 2023-02-28)."""
    return add_months(started_on, minimum_months)


def consecutive_on_time_periods(
    schedule: Sequence[DueAmount],
    repayments: Iterable[tuple[dt.date, int]],
    as_of: dt.date,
    grace_days: int = 0,
) -> int:
    """How many of the latest plan installments due by ``as_of`` (plus grace) were paid on time,
    counted back from the latest one until one was late (one due on ``as_of`` itself and not
    yet paid is not judged before the day is over). An installment is on time when the
    repayments valued on or before its due date + ``grace_days`` cover every plan amount due
    through it (payments apply to the oldest amount first)."""
    paid = sorted(repayments)
    on_time: list[bool] = []
    cumulative_due = 0
    for installment in schedule:
        deadline = installment.due_date + dt.timedelta(days=grace_days)
        cumulative_due += installment.total_fen
        if deadline > as_of:
            break
        paid_by_deadline = sum(amount for on, amount in paid if on <= deadline)
        ok = paid_by_deadline >= cumulative_due
        if not ok and deadline == as_of:
            break  # due today and the day is not over: not late yet
        on_time.append(ok)
    count = 0
    for ok in reversed(on_time):
        if not ok:
            break
        count += 1
    return count


@dataclass
class ObservationPeriod:
    loan_id: str
    borrower_id: str
    plan_id: str
    floor: str
    started_on: dt.date
    earliest_end_on: dt.date
    required_consecutive_periods: int
    consecutive_on_time_periods: int = 0
    state: ObservationState = ObservationState.IN_OBSERVATION
    ended_on: dt.date | None = None

    @classmethod
    def start(
        cls, *, loan_id: str, borrower_id: str, plan_id: str, started_on: dt.date,
        policy: ObservationPolicy,
    ) -> ObservationPeriod:
        return cls(
            loan_id=loan_id,
            borrower_id=borrower_id,
            plan_id=plan_id,
            floor=policy.floor,
            started_on=started_on,
            earliest_end_on=earliest_end(started_on, policy.minimum_months),
            required_consecutive_periods=policy.required_consecutive_periods,
        )

    def refresh(self, consecutive: int, today: dt.date) -> None:
        """Update the on-time count and the state (not after the floor was lifted)."""
        if self.state is ObservationState.ENDED:
            return
        self.consecutive_on_time_periods = consecutive
        met = today >= self.earliest_end_on and consecutive >= self.required_consecutive_periods
        self.state = (
            ObservationState.ELIGIBLE_FOR_UPGRADE if met else ObservationState.IN_OBSERVATION
        )

    def lift(self, today: dt.date, *, days_past_due: int) -> None:
        """Lift the floor: only once the period is over by time AND by on-time periods, and
        only while the loan is current."""
        if self.state is ObservationState.ENDED:
            raise FailedPrecondition(Reasons.NO_FLOOR, "the floor was already lifted")
        if (
            today < self.earliest_end_on
            or self.consecutive_on_time_periods < self.required_consecutive_periods
        ):
            raise FailedPrecondition(
                Reasons.OBSERVATION_PERIOD_NOT_ENDED,
                "the observation period has not ended",
                {
                    "earliest_end_on": self.earliest_end_on.isoformat(),
                    "consecutive_on_time_periods": str(self.consecutive_on_time_periods),
                    "required_consecutive_periods": str(self.required_consecutive_periods),
                },
            )
        if days_past_due > 0:
            raise FailedPrecondition(
                Reasons.LOAN_NOT_CURRENT, "the loan is past due",
                {"days_past_due": str(days_past_due)},
            )
        self.state = ObservationState.ENDED
        self.ended_on = today
