"""Penalty interest by value date: an installment's penalty when repayments are posted late,
backdated or reversed. Plain Python (no grpc, no sqlalchemy); amounts in fen, dates business
dates. The rule (docs/api.md, "Penalty interest"):

* The daily cycle of business date D accrues **principal-days** on a past-due installment:
  its unpaid principal x the days from the day after ``penalty_accrued_through`` (from the due
  date when nothing accrued yet) through D. The first run after the grace period charges the
  grace days on the principal unpaid then.
* Penalty due = a fixed part (penalty capitalized by a restructuring, penalty accrued before
  principal-days were kept) + ``penalty_for_principal_days`` of the cumulative principal-days,
  rounded once.
* A repayment with value date V counts as posted on V before that night's cycle: it is
  allocated with the penalty accrued through V-1 (accrued up to V-1 first, as the cycle would
  have, when the cycles run but are behind), the principal it pays accrues nothing from V on
  (nothing at all when V is within the grace period), and if it leaves the installment at or
  below the tolerance, accrual stops at V-1, as the cycle would have stopped it.
* A replay (backdated posting, reversal) restarts every installment's accrual from its whole
  principal through the latest completed cycle, then re-applies the remaining repayments in
  value-date order: the state is the one of posting them on their value dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from monitoring.domain.delinquency import penalty_for_principal_days, penalty_increment
from monitoring.domain.loans import Installment, InstallmentState

__all__ = ["PenaltyAccrual"]

_DAY = dt.timedelta(days=1)


def _days(start: dt.date, end: dt.date | None) -> int:
    """Days in (start, end], 0 when none."""
    return max((end - start).days, 0) if end is not None else 0


@dataclass(frozen=True)
class PenaltyAccrual:
    """What recomputing a loan's penalty needs: the penalty rate charged (already capped), the
    loan's grace days, the arrears tolerance (fen) and the latest business date whose daily
    cycle completed (None: none yet)."""

    annual_rate: Decimal
    grace_days: int
    tolerance_fen: int
    cycle_through: dt.date | None = None

    def penalty(self, principal_days: int) -> int:
        return penalty_for_principal_days(principal_days, self.annual_rate)

    def fixed_fen(self, i: Installment) -> int:
        """The part of ``i``'s penalty due not made of principal-days."""
        return i.penalty_due_fen - self.penalty(i.penalty_principal_days)

    def _start(self, i: Installment) -> dt.date:
        return i.penalty_days_from or i.due_date

    def _grace_end(self, i: Installment) -> dt.date:
        return i.due_date + dt.timedelta(days=self.grace_days)

    def principal_days_through(self, i: Installment, day: dt.date) -> int:
        """``i``'s principal-days accrued by the end of ``day``: nothing before the grace
        period is over; the days after ``day`` were accrued on the principal unpaid now (every
        repayment applied so far is dated ``day + 1`` or earlier)."""
        if i.penalty_accrued_through is None or day <= self._grace_end(i):
            return 0
        later = _days(max(day, self._start(i)), i.penalty_accrued_through)
        unpaid = i.principal_due_fen - i.principal_paid_fen
        return max(i.penalty_principal_days - unpaid * later, 0)

    def caught_up(self, i: Installment, day: dt.date) -> Installment:
        """``i`` accrued through ``day`` as the daily cycle of ``day`` would accrue it, when the
        cycles have not run that far (a repayment dated the day after finds the penalty of the
        days before it, on the principal unpaid before it). Nothing while no cycle has ever
        completed: penalty accrual has not started."""
        start = i.penalty_accrued_through or i.due_date
        if (
            self.cycle_through is None
            or day <= self._grace_end(i)
            or start >= day
            or i.total_due_fen - i.total_paid_fen - i.penalty_waived_fen <= self.tolerance_fen
        ):
            return i
        added = (i.principal_due_fen - i.principal_paid_fen) * (day - max(start, i.due_date)).days
        return dataclasses.replace(
            i,
            penalty_due_fen=i.penalty_due_fen
            + penalty_increment(i.penalty_principal_days, added, self.annual_rate),
            penalty_principal_days=i.penalty_principal_days + added,
            penalty_accrued_through=day,
        )

    def owed_on(self, i: Installment, value_date: dt.date, fixed: int) -> Installment:
        """``i`` with the penalty due as a repayment dated ``value_date`` finds it: accrued
        through the day before."""
        accrued = self.penalty(self.principal_days_through(i, value_date - _DAY))
        return dataclasses.replace(i, penalty_due_fen=fixed + accrued)

    def after_payment(
        self, i: Installment, fixed: int, principal_paid_fen: int, value_date: dt.date
    ) -> Installment:
        """``i`` (as :meth:`owed_on` left it, then paid) with its accrual corrected for a
        repayment dated ``value_date`` that paid ``principal_paid_fen`` of its principal."""
        through = i.penalty_accrued_through
        if through is None:
            return dataclasses.replace(i, penalty_due_fen=fixed)
        start = self._start(i)
        day_before = value_date - _DAY
        # Paid within the grace period: the first accruing cycle would not have seen it.
        stops_from = day_before if day_before > self._grace_end(i) else start
        pdays = i.penalty_principal_days - principal_paid_fen * _days(
            max(stops_from, start), through
        )
        i = dataclasses.replace(i, penalty_principal_days=pdays)
        if through > day_before and (
            i.state is InstallmentState.SUPERSEDED or i.outstanding_fen <= self.tolerance_fen
        ):
            # Superseded, or no longer past due: the cycles after the value date accrue no more.
            new_through: dt.date | None = max(day_before, start)
            if i.penalty_days_from is None and day_before <= self._grace_end(i):
                new_through = None
            pdays = (
                self.principal_days_through(i, day_before)
                if new_through is not None and new_through > start else 0
            )
            i = dataclasses.replace(
                i, penalty_principal_days=pdays, penalty_accrued_through=new_through
            )
        return dataclasses.replace(i, penalty_due_fen=fixed + self.penalty(pdays))

    def restarted(self, i: Installment, fixed: int) -> Installment:
        """``i`` with nothing paid (a replay's start): its whole principal accrues from the
        start through the latest completed cycle once past the grace period, as the cycles
        would have accrued it with no repayment (it stays as it stood when no cycle ran since
        or its arrears are within the tolerance)."""
        through = i.penalty_accrued_through
        cycle = self.cycle_through
        if (
            cycle is not None
            and cycle > self._grace_end(i)
            and (through is None or through < cycle)
            and i.principal_due_fen + i.interest_due_fen + fixed - i.penalty_waived_fen
            > self.tolerance_fen
        ):
            through = cycle
        pdays = i.principal_due_fen * _days(self._start(i), through)
        return dataclasses.replace(
            i,
            penalty_principal_days=pdays,
            penalty_accrued_through=through,
            penalty_due_fen=fixed + self.penalty(pdays),
        )
