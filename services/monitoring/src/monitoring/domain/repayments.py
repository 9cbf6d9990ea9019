"""Repayment allocation: the waterfall, early payment, prepayment by the product's rule, and the
deterministic replay that backdated postings and reversals use.

Plain Python (no grpc, protobuf or sqlalchemy). Amounts are integer fen, dates business dates.

The allocation of a loan's repayments is a pure fold: ``replay(base schedule, payments in
(paid_at, external_transaction_id) order)``. Posting a payment that sorts after every other
one applies one step of that fold to the current state; a backdated posting or a reversal
re-runs the fold from the base schedule (the registered one, or the latest restructuring
plan's). Either way the end state is the same as posting the same payments in order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from monitoring.domain.delinquency import (
    DelinquencyPolicy,
    InstallmentArrears,
    classify,
    days_past_due,
    installment_days_past_due,
)
from monitoring.domain.loans import (
    Classification,
    Installment,
    InstallmentState,
    PrepaymentRule,
    RepaymentMethod,
)
from monitoring.domain.penalty import PenaltyAccrual
from postloan_runtime.lending import rebuild_schedule

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_WATERFALL",
    "AllocationLine",
    "Component",
    "Delinquency",
    "Payment",
    "PaymentOutcome",
    "RepaymentReasons",
    "ScheduleContext",
    "Waterfall",
    "WaterfallOrder",
    "apply_payment",
    "delinquency_of",
    "replay",
    "reset_for_replay",
    "with_states",
]


class RepaymentReasons:
    """FAILED_PRECONDITION reasons of RepaymentService, as documented in monitoring.proto."""

    LOAN_NOT_ACTIVE = "LOAN_NOT_ACTIVE"
    PAID_BEFORE_DISBURSEMENT = "PAID_BEFORE_DISBURSEMENT"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    EXTERNAL_TRANSACTION_ID_CONFLICT = "EXTERNAL_TRANSACTION_ID_CONFLICT"
    REPAYMENT_ALREADY_REVERSED = "REPAYMENT_ALREADY_REVERSED"
    REPAYMENT_BEFORE_SCHEDULE_REPLACEMENT = "REPAYMENT_BEFORE_SCHEDULE_REPLACEMENT"


class Component(StrEnum):
    PENALTY = "PENALTY"
    INTEREST = "INTEREST"
    PRINCIPAL = "PRINCIPAL"


class WaterfallOrder(StrEnum):
    """How the waterfall walks the installments in arrears."""

    INSTALLMENT_FIRST = "INSTALLMENT_FIRST"
    """Settle the oldest installment completely (its components in order), then the next."""
    COMPONENT_FIRST = "COMPONENT_FIRST"
    """The first component across all installments (oldest first), then the next component."""


@dataclass(frozen=True)
class Waterfall:
    """The allocation order of a payment over what is due."""

    components: tuple[Component, ...] = (
        Component.PENALTY,
        Component.INTEREST,
        Component.PRINCIPAL,
    )
    order: WaterfallOrder = WaterfallOrder.INSTALLMENT_FIRST

    def __post_init__(self) -> None:
        if sorted(self.components) != sorted(Component):
            raise ValueError("a waterfall names each component exactly once")


DEFAULT_WATERFALL: Final = Waterfall()

DEFAULT_POLICY: Final = DelinquencyPolicy()


@dataclass(frozen=True)
class ScheduleContext:
    """What a prepayment needs to rebuild the remaining schedule."""

    annual_rate: Decimal
    repayment_method: RepaymentMethod
    due_day: int
    prepayment_rule: PrepaymentRule
    base_start_date: dt.date
    """Interest start of the base schedule (disbursement or restructuring effective date)."""


@dataclass(frozen=True)
class Payment:
    """A repayment as the fold sees it. ``amount_fen`` > 0; ``value_date`` a business date."""

    repayment_id: str
    external_transaction_id: str
    amount_fen: int
    paid_at: dt.datetime
    value_date: dt.date

    @property
    def order_key(self) -> tuple[dt.datetime, str]:
        """Replay order: when paid, then the processor's id (independent of posting order)."""
        return (self.paid_at, self.external_transaction_id)


@dataclass(frozen=True)
class AllocationLine:
    schedule_version: int
    installment_sequence: int
    component: Component
    amount_fen: int


@dataclass(frozen=True)
class PaymentOutcome:
    """Where one payment went (fen)."""

    repayment_id: str
    lines: tuple[AllocationLine, ...]
    prepaid_principal_fen: int
    unapplied_fen: int
    settled: tuple[tuple[int, int], ...]
    """(schedule_version, sequence) of installments this payment settled in full."""

    def total_of(self, component: Component) -> int:
        return sum(line.amount_fen for line in self.lines if line.component is component)


# What a replay carries from a dropped prepayment version's row to the row rebuilt at its key.
_CARRIED_PENALTY: Final = (
    "penalty_due_fen", "penalty_waived_fen", "penalty_principal_days",
    "penalty_accrued_through", "penalty_days_from",
)


@dataclass
class LedgerState:
    """A loan's installments (every schedule version) and the schedule version in force.
    ``carried_penalty``: during a replay, the rows of dropped prepayment versions, whose
    penalty (due, waived, accrual) is put back on the row of the same key when the fold
    rebuilds it. ``penalty``: when set, penalty is recomputed by value date
    (``domain.penalty``); None leaves penalty as it stands."""

    installments: dict[tuple[int, int], Installment]
    schedule_version: int
    paid_off_date: dt.date | None = None
    carried_penalty: dict[tuple[int, int], Installment] = dataclasses.field(
        default_factory=dict
    )
    penalty: PenaltyAccrual | None = None

    def put_new(self, item: Installment) -> tuple[int, int]:
        """Add a row of a prepayment's new version, with the penalty carried to its key."""
        key = (item.schedule_version, item.sequence)
        carried = self.carried_penalty.get(key)
        if carried is not None:
            item = dataclasses.replace(
                item, **{name: getattr(carried, name) for name in _CARRIED_PENALTY}
            )
        self.installments[key] = item
        return key

    def current(self) -> list[Installment]:
        return sorted(
            (
                i for (version, _), i in self.installments.items()
                if version == self.schedule_version and i.is_current
            ),
            key=lambda i: i.sequence,
        )

    @property
    def paid_off(self) -> bool:
        current = self.current()
        return bool(current) and all(_settled(i) for i in current)


def _penalty_left(i: Installment) -> int:
    return max(i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen, 0)


def _left(i: Installment, component: Component) -> int:
    if component is Component.PENALTY:
        return _penalty_left(i)
    if component is Component.INTEREST:
        return i.interest_due_fen - i.interest_paid_fen
    return i.principal_due_fen - i.principal_paid_fen


def _settled(i: Installment) -> bool:
    """Nothing left of any component (written out: this runs for every installment of every
    posting, several times)."""
    return (
        i.principal_due_fen == i.principal_paid_fen
        and i.interest_due_fen == i.interest_paid_fen
        and i.penalty_due_fen - i.penalty_paid_fen - i.penalty_waived_fen <= 0
    )


def _pay(i: Installment, component: Component, fen: int) -> Installment:
    if component is Component.PENALTY:
        return dataclasses.replace(i, penalty_paid_fen=i.penalty_paid_fen + fen)
    if component is Component.INTEREST:
        return dataclasses.replace(i, interest_paid_fen=i.interest_paid_fen + fen)
    return dataclasses.replace(i, principal_paid_fen=i.principal_paid_fen + fen)


class _Allocator:
    """Pours one payment into installments, recording lines and settlements."""

    def __init__(self, state: LedgerState, payment: Payment) -> None:
        self.state = state
        self.payment = payment
        self.left = payment.amount_fen
        self.lines: list[AllocationLine] = []
        self.settled: list[tuple[int, int]] = []

    def put(self, key: tuple[int, int], component: Component, limit: int | None = None) -> None:
        item = self.state.installments[key]
        fen = min(self.left, _left(item, component))
        if limit is not None:
            fen = min(fen, limit)
        if fen <= 0:
            return
        was_settled = _settled(item)
        item = _pay(item, component, fen)
        if not was_settled and _settled(item):
            item = dataclasses.replace(item, paid_on=self.payment.value_date)
            self.settled.append(key)
        self.state.installments[key] = item
        self.left -= fen
        self.lines.append(AllocationLine(key[0], key[1], component, fen))

    def waterfall(self, keys: Sequence[tuple[int, int]], waterfall: Waterfall) -> None:
        if waterfall.order is WaterfallOrder.INSTALLMENT_FIRST:
            for key in keys:
                for component in waterfall.components:
                    self.put(key, component)
        else:
            for component in waterfall.components:
                for key in keys:
                    self.put(key, component)


def _rebuilt(
    state: LedgerState,
    future: list[Installment],
    outstanding_fen: int,
    period_start: dt.date,
    context: ScheduleContext,
) -> list[Installment]:
    """The remaining schedule for ``outstanding_fen`` after a prepayment, by the product's
    rule: SHORTEN_TERM keeps the installment and takes the fewest periods whose first total is
    not above the old one (interest-first loans keep their term); REDUCE_INSTALLMENT keeps the
    term and lowers the installments. The rows belong to ``state.schedule_version`` (already
    the new version)."""
    version = state.schedule_version
    first_sequence = future[0].sequence
    periods = len(future)

    def build(term: int) -> list[Installment]:
        engine = rebuild_schedule(
            outstanding_fen,
            context.annual_rate,
            term,
            period_start,
            context.repayment_method,
            context.due_day,
            first_sequence=first_sequence,
        )
        return [
            Installment(
                sequence=e.sequence,
                schedule_version=version,
                due_date=e.due_date,
                principal_due_fen=e.principal_fen,
                interest_due_fen=e.interest_fen,
            )
            for e in engine
        ]

    if (
        context.prepayment_rule is PrepaymentRule.SHORTEN_TERM
        and context.repayment_method is not RepaymentMethod.INTEREST_FIRST
    ):
        old_total = future[0].total_due_fen
        for term in range(1, periods + 1):
            candidate = build(term)
            if candidate[0].total_due_fen <= old_total:
                return candidate
    return build(periods)


def apply_payment(
    state: LedgerState,
    payment: Payment,
    context: ScheduleContext,
    waterfall: Waterfall = DEFAULT_WATERFALL,
) -> PaymentOutcome:
    """Allocate ``payment`` on ``state`` (changed in place): what is due on the value date by
    the waterfall, then the next installment (an early payment), then the rest as prepayment
    of principal, re-scheduling what remains by the product's rule (a new schedule version);
    whatever is left after the loan is repaid in full is unapplied (to be refunded)."""
    allocator = _Allocator(state, payment)
    current = state.current()
    unsettled = [i for i in current if not _settled(i)]
    before = _penalty_as_of(state, unsettled, payment.value_date)
    due = [i for i in unsettled if i.due_date <= payment.value_date]
    version = state.schedule_version
    allocator.waterfall([(version, i.sequence) for i in due], waterfall)
    upcoming = [i for i in unsettled if i.due_date > payment.value_date]
    if allocator.left and upcoming:
        allocator.waterfall([(version, upcoming[0].sequence)], waterfall)
    prepaid = 0
    future = upcoming[1:]
    if allocator.left and future:
        # Early payment settled the next installment: the rest is a prepayment of principal,
        # taking effect from the next installment's due date (its interest was charged in full).
        period_start = upcoming[0].due_date
        outstanding = sum(_left(i, Component.PRINCIPAL) for i in future)
        for i in future:
            key = (version, i.sequence)
            state.installments[key] = dataclasses.replace(
                state.installments[key], state=InstallmentState.SUPERSEDED
            )
        state.schedule_version = version + 1
        if allocator.left >= outstanding:
            # Paid off early: the remaining principal is settled without further interest.
            for i in future:
                key = state.put_new(dataclasses.replace(
                    i,
                    schedule_version=version + 1,
                    interest_due_fen=0,
                    penalty_due_fen=0,
                    penalty_principal_days=0,
                    penalty_accrued_through=None,
                    penalty_days_from=None,
                    state=InstallmentState.PENDING,
                ))
                _penalty_on_new_row(state, before, key, payment.value_date)
                allocator.put(key, Component.PRINCIPAL)
            # The principal settled early is reported as prepaid principal, not as lines.
            prepaid = outstanding
            allocator.lines = [ln for ln in allocator.lines if ln.schedule_version <= version]
        else:
            prepaid = allocator.left
            rebuilt = _rebuilt(state, future, outstanding - prepaid, period_start, context)
            for i in rebuilt:
                _penalty_on_new_row(state, before, state.put_new(i), payment.value_date)
            allocator.left = 0
    unapplied = allocator.left
    _penalty_after(state, before, payment.value_date)
    if state.paid_off and state.paid_off_date is None:
        state.paid_off_date = payment.value_date
    return PaymentOutcome(
        repayment_id=payment.repayment_id,
        lines=tuple(allocator.lines),
        prepaid_principal_fen=prepaid,
        unapplied_fen=unapplied,
        settled=tuple(allocator.settled),
    )


def _penalty_as_of(
    state: LedgerState, unsettled: Sequence[Installment], value_date: dt.date
) -> dict[tuple[int, int], tuple[int, int]]:
    """Put the penalty accrued through the day before ``value_date`` on the unsettled rows,
    for the allocation; returns each row's (fixed penalty, principal paid) to finish with."""
    accrual = state.penalty
    if accrual is None:
        return {}
    before: dict[tuple[int, int], tuple[int, int]] = {}
    for i in unsettled:
        key = (i.schedule_version, i.sequence)
        i = accrual.caught_up(i, value_date - dt.timedelta(days=1))
        fixed = accrual.fixed_fen(i)
        before[key] = (fixed, i.principal_paid_fen)
        state.installments[key] = accrual.owed_on(i, value_date, fixed)
    return before


def _penalty_on_new_row(
    state: LedgerState,
    before: dict[tuple[int, int], tuple[int, int]],
    key: tuple[int, int],
    value_date: dt.date,
) -> None:
    """A row a prepayment dated ``value_date`` rebuilt: its accrual restarted on its own
    principal (a row carried from a dropped version accrued on the principal it had), then
    treated as the rows :func:`_penalty_as_of` prepared."""
    accrual = state.penalty
    if accrual is None:
        return
    i = state.installments[key]
    fixed = accrual.fixed_fen(i)
    before[key] = (fixed, i.principal_paid_fen)
    state.installments[key] = accrual.owed_on(accrual.restarted(i, fixed), value_date, fixed)


def _penalty_after(
    state: LedgerState, before: dict[tuple[int, int], tuple[int, int]], value_date: dt.date
) -> None:
    """Correct the accrual of the rows :func:`_penalty_as_of` prepared for what the payment
    dated ``value_date`` paid (or superseded)."""
    accrual = state.penalty
    if accrual is None:
        return
    for key, (fixed, principal_paid) in before.items():
        i = state.installments[key]
        state.installments[key] = accrual.after_payment(
            i, fixed, i.principal_paid_fen - principal_paid, value_date
        )


def reset_for_replay(
    installments: Iterable[Installment],
    base_schedule_version: int,
    penalty: PenaltyAccrual | None = None,
) -> LedgerState:
    """The state a replay starts from: schedule versions before the base kept as they are
    (history), the base version with nothing paid (waived penalty kept; accrued penalty kept,
    or with ``penalty`` restarted on the whole principal), versions derived from it by
    prepayments dropped."""
    kept: dict[tuple[int, int], Installment] = {}
    for i in installments:
        if i.schedule_version < base_schedule_version:
            kept[(i.schedule_version, i.sequence)] = i
        elif i.schedule_version == base_schedule_version:
            fresh = dataclasses.replace(
                i,
                principal_paid_fen=0,
                interest_paid_fen=0,
                penalty_paid_fen=0,
                state=InstallmentState.PENDING,
                paid_on=None,
            )
            if penalty is not None:
                fresh = penalty.restarted(fresh, penalty.fixed_fen(i))
            kept[(i.schedule_version, i.sequence)] = fresh
    return LedgerState(
        installments=kept, schedule_version=base_schedule_version, penalty=penalty
    )


def replay(
    installments: Iterable[Installment],
    base_schedule_version: int,
    payments: Iterable[Payment],
    context: ScheduleContext,
    waterfall: Waterfall = DEFAULT_WATERFALL,
    penalty: PenaltyAccrual | None = None,
) -> tuple[LedgerState, list[PaymentOutcome]]:
    """Re-run the fold over the base schedule with ``payments`` in (paid_at, external id)
    order. Penalty accrued (and waived) on dropped derived versions is carried to the row of
    the same version and sequence when the fold rebuilds it, so the payments after that see
    it, as they did when posted in order. With ``penalty``, each payment is allocated with the
    penalty accrued through the day before its value date and the accrual is recomputed
    (``domain.penalty``)."""
    items = list(installments)
    state = reset_for_replay(items, base_schedule_version, penalty)
    state.carried_penalty = {
        (i.schedule_version, i.sequence): i
        for i in items
        if i.schedule_version > base_schedule_version
        and (i.penalty_due_fen or i.penalty_waived_fen or i.penalty_accrued_through)
    }
    outcomes = [
        apply_payment(state, p, context, waterfall)
        for p in sorted(payments, key=lambda p: p.order_key)
    ]
    state.carried_penalty = {}
    return state, outcomes


# --- delinquency at posting time ----------------------------------------------------------


@dataclass(frozen=True)
class Delinquency:
    """Days past due, the bucket and the five-category classification (no better than the
    loan's floor) of the schedule in force as of a business date."""

    days_past_due: int
    bucket: str
    classification: Classification


def _arrears(i: Installment) -> InstallmentArrears:
    return InstallmentArrears(
        due_date=i.due_date, unpaid_fen=i.outstanding_fen, settled=_settled(i)
    )


def delinquency_of(
    current: Sequence[Installment],
    as_of: dt.date,
    *,
    grace_days: int,
    policy: DelinquencyPolicy = DEFAULT_POLICY,
    floor: Classification | None = None,
) -> Delinquency:
    """Delinquency by the daily cycle's own rules (``domain.delinquency``), computed at
    posting time so a cure is seen at once; the classification is no better than ``floor``
    (restructuring's observation period)."""
    days = days_past_due(
        [_arrears(i) for i in current], as_of,
        grace_days=grace_days, tolerance_fen=policy.tolerance_fen,
    )
    return Delinquency(
        days, policy.buckets.bucket_for(days), classify(days, policy.classification, floor=floor)
    )


def with_states(
    items: Iterable[Installment],
    as_of: dt.date,
    *,
    grace_days: int,
    policy: DelinquencyPolicy = DEFAULT_POLICY,
) -> list[Installment]:
    """``items`` with their state and days past due as of ``as_of``: PAID when settled,
    PENDING before the due date, DUE on it and within grace or tolerance, OVERDUE when past
    due by ``domain.delinquency`` (superseded ones as they are)."""
    result = []
    for i in items:
        if i.state is InstallmentState.SUPERSEDED:
            result.append(i)
            continue
        if _settled(i):
            state, days = InstallmentState.PAID, 0
        elif i.due_date >= as_of:
            state, days = (
                InstallmentState.DUE if i.due_date == as_of else InstallmentState.PENDING
            ), 0
        else:
            days = installment_days_past_due(
                _arrears(i), as_of, grace_days=grace_days, tolerance_fen=policy.tolerance_fen
            )
            state = InstallmentState.OVERDUE if days else InstallmentState.DUE
        days = days if state is InstallmentState.OVERDUE else 0
        paid_on = i.paid_on if state is InstallmentState.PAID else None
        if i.state is state and i.days_past_due == days and i.paid_on == paid_on:
            result.append(i)  # unchanged (most rows): no copy
        else:
            result.append(
                dataclasses.replace(i, state=state, days_past_due=days, paid_on=paid_on)
            )
    return result


# --- the repayment record -----------------------------------------------------------------


class RepaymentChannel(StrEnum):
    AUTO_DEBIT = "AUTO_DEBIT"
    APP = "APP"
    BANK_TRANSFER = "BANK_TRANSFER"
    AGENCY = "AGENCY"
    OTHER = "OTHER"


class RepaymentState(StrEnum):
    POSTED = "POSTED"
    REVERSED = "REVERSED"


class ReversalReason(StrEnum):
    BOUNCED = "BOUNCED"
    CHARGEBACK = "CHARGEBACK"
    POSTING_ERROR = "POSTING_ERROR"


@dataclass(frozen=True)
class Repayment:
    """A posted (or reversed) repayment with its current allocation. Amounts in fen, instants
    UTC, ``value_date`` the business date of ``paid_at``."""

    repayment_id: str
    loan_id: str
    external_transaction_id: str
    amount_fen: int
    currency: str
    paid_at: dt.datetime
    value_date: dt.date
    channel: RepaymentChannel
    state: RepaymentState
    base_schedule_version: int
    posted_at: dt.datetime
    lines: tuple[AllocationLine, ...] = ()
    prepaid_principal_fen: int = 0
    unapplied_fen: int = 0
    reversed_at: dt.datetime | None = None
    reversal_reason: ReversalReason | None = None

    @property
    def payment(self) -> Payment:
        return Payment(
            self.repayment_id, self.external_transaction_id, self.amount_fen, self.paid_at,
            self.value_date,
        )

    def with_outcome(self, outcome: PaymentOutcome) -> Repayment:
        return dataclasses.replace(
            self,
            lines=outcome.lines,
            prepaid_principal_fen=outcome.prepaid_principal_fen,
            unapplied_fen=outcome.unapplied_fen,
        )
