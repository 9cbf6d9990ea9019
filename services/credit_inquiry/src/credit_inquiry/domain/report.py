"""What the scorecard and early warning need from a credit report, and the risk features
derived from it.

Plain Python. The bureau adapter turns whatever its bureau returns into :class:`ReportFacts`
(only the sections the inquiry is authorized for: an unauthorized section is ``None`` and every
feature derived from it is unavailable). Amounts are integer fen; dates are business dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Final

from postloan_runtime.lending import add_months

REVOLVING_TYPES: Final = frozenset({"R1", "R2", "R4"})
# Applications for new credit are hard inquiries; post-loan management, guarantee reviews and
# the person's own queries are not (PBOC practice for 多头借贷 counts).
HARD_INQUIRY_REASONS: Final = frozenset(
    {"LOAN_APPROVAL", "CREDIT_CARD_APPROVAL", "CREDIT_LIMIT_REVIEW"}
)
_OVERDUE_SYMBOLS: Final = frozenset("1234567")
_RATIO: Final = Decimal("0.0001")
_FULLY_USED: Final = Decimal("1.0000")


@dataclass(frozen=True)
class AccountFacts:
    account_type: str  # "D1", "R4", "R1", "R2"
    status: str  # "NORMAL", "OVERDUE", "CLOSED", "BAD_DEBT", "FROZEN", "TRANSFERRED"
    opened_on: date
    limit_or_principal_fen: int
    balance_fen: int
    overdue_periods: int
    repayment_status_24_months: str
    # The month the status string ends at (day 1): a closed account's string ends at its
    # close, which may be long before the report. None: at the report's month.
    status_month: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in ("CLOSED", "TRANSFERRED")

    def overdue_by_month(self, as_of: date) -> dict[int, int]:
        """Worst overdue symbol (1..7) per month of the 24 ending at ``as_of``'s month, by
        months before it (0 = that month); symbols of earlier months are left out."""
        end = self.status_month or as_of
        lag = (as_of.year - end.year) * 12 + as_of.month - end.month
        symbols = self.repayment_status_24_months
        worst: dict[int, int] = {}
        for position, symbol in enumerate(symbols):
            months_back = lag + len(symbols) - 1 - position
            if symbol in _OVERDUE_SYMBOLS and 0 <= months_back < 24:
                worst[months_back] = max(worst.get(months_back, 0), int(symbol))
        return worst


@dataclass(frozen=True)
class InquiryFacts:
    inquired_on: date
    reason: str  # "LOAN_APPROVAL", "CREDIT_CARD_APPROVAL", "POST_LOAN_MANAGEMENT", ...


@dataclass(frozen=True)
class ReportFacts:
    """``as_of`` is the report's business date; ``None`` sections were not authorized."""

    as_of: date
    accounts: tuple[AccountFacts, ...] | None
    public_records: int | None
    inquiries: tuple[InquiryFacts, ...] | None


@dataclass(frozen=True)
class RiskFeatures:
    """Scorecard inputs and early-warning signals; ``None`` = unavailable (its section not
    authorized; for revolving utilization also no open revolving credit)."""

    inquiries_last_1_month: int | None
    inquiries_last_3_months: int | None
    inquiries_last_6_months: int | None
    accounts_currently_overdue: int | None
    worst_status_24_months: int | None
    overdue_months_24_months: int | None
    revolving_utilization: Decimal | None
    oldest_account_age_months: int | None
    public_records: int | None
    total_outstanding_fen: int | None

    def score_values(self) -> dict[str, Decimal | None]:
        """The scorecard's feature values by name (the same names as the fields)."""
        values: dict[str, Decimal | None] = {}
        for name in (
            "worst_status_24_months", "overdue_months_24_months", "accounts_currently_overdue",
            "revolving_utilization", "inquiries_last_1_month", "inquiries_last_3_months",
            "inquiries_last_6_months", "oldest_account_age_months", "public_records",
        ):
            value = getattr(self, name)
            values[name] = None if value is None else Decimal(value)
        return values

    def to_dict(self) -> dict[str, str | int | None]:
        data: dict[str, str | int | None] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = str(value) if isinstance(value, Decimal) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, str | int | None]) -> RiskFeatures:
        utilization = data.get("revolving_utilization")
        fields = {k: v for k, v in data.items() if k != "revolving_utilization"}
        return cls(
            revolving_utilization=None if utilization is None else Decimal(str(utilization)),
            **fields,  # type: ignore[arg-type]
        )


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the month's last day."""
    return add_months(day, -months)


def whole_months_between(start: date, end: date) -> int:
    """Completed months from ``start`` to ``end`` (0 when ``end`` is not after ``start``): a
    month is complete on its anniversary clamped to the month's end, as :func:`months_before`
    clamps (opened 2020-02-29: twelve months on 2021-02-28)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _hard_inquiries_since(inquiries: tuple[InquiryFacts, ...], since: date) -> int:
    return sum(1 for i in inquiries if i.reason in HARD_INQUIRY_REASONS and i.inquired_on >= since)


def _utilization(used_fen: int, limit_fen: int) -> Decimal | None:
    """Balance over limit of the open revolving accounts, rounded DOWN to 4 places so that it
    never crosses a bin edge (0.3, 0.7, 0.9) the exact ratio has not reached. No revolving
    credit (no limit, nothing owed) is unavailable, not the best bin; a balance on a zero limit
    is at least fully used."""
    if limit_fen <= 0:
        return None if used_fen <= 0 else _FULLY_USED
    return (Decimal(used_fen) / Decimal(limit_fen)).quantize(_RATIO, ROUND_DOWN)


def risk_features(facts: ReportFacts) -> RiskFeatures:
    """Derive the risk features from the authorized sections of a report."""
    as_of = facts.as_of
    inquiries = facts.inquiries
    counts: list[int | None] = [None, None, None]
    if inquiries is not None:
        counts = [_hard_inquiries_since(inquiries, months_before(as_of, n)) for n in (1, 3, 6)]

    accounts = facts.accounts
    overdue_now = worst = overdue_months = oldest_age = outstanding = None
    utilization: Decimal | None = None
    if accounts is not None:
        overdue_now = sum(
            1 for a in accounts
            if a.is_open and (a.status in ("OVERDUE", "BAD_DEBT") or a.overdue_periods > 0)
        )
        # The 24 months ending at the report's month, every account's string aligned on its
        # own end month: worst status seen, and how many of those months had any account
        # overdue (months, not account-months).
        by_month: dict[int, int] = {}
        for account in accounts:
            for months_back, symbol in account.overdue_by_month(as_of).items():
                by_month[months_back] = max(by_month.get(months_back, 0), symbol)
        worst = max(by_month.values(), default=0)
        overdue_months = len(by_month)
        revolving = [a for a in accounts if a.is_open and a.account_type in REVOLVING_TYPES]
        limit = sum(a.limit_or_principal_fen for a in revolving)
        used = sum(a.balance_fen for a in revolving)
        utilization = _utilization(used, limit)
        oldest_age = max((whole_months_between(a.opened_on, as_of) for a in accounts), default=0)
        outstanding = sum(a.balance_fen for a in accounts if a.is_open)

    return RiskFeatures(
        inquiries_last_1_month=counts[0],
        inquiries_last_3_months=counts[1],
        inquiries_last_6_months=counts[2],
        accounts_currently_overdue=overdue_now,
        worst_status_24_months=worst,
        overdue_months_24_months=overdue_months,
        revolving_utilization=utilization,
        oldest_account_age_months=oldest_age,
        public_records=facts.public_records,
        total_outstanding_fen=outstanding,
    )
