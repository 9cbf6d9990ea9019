"""Deterministic SYNTHETIC credit files, shaped like the PBOC second-generation personal credit
report. Nothing here describes a real person: every field is drawn from a random generator
seeded with a keyed hash of the resident ID number, so the same ID always gets the same file
(for the same data key and report month), and different IDs get different files.

24-month repayment status strings (还款记录), oldest month first, one character per month, the
PBOC symbol set:

====== ==========================================================================
``N``  normal: paid as due that month (正常还款)
``1``…``7`` overdue periods at month end: 1 = 1–30 days, 2 = 31–60 … 6 = 151–180,
       7 = more than 180 days
``*``  no repayment due that month and nothing owed before; also months before the account
       was opened (no data)
``C``  closed / settled (结清)
``D``  the guarantor repaid (担保人代还)
``G``  ended other than by settlement, e.g. transferred out (其他终止)
``#``  account open but that month's status unknown
====== ==========================================================================

A file has a risk profile (clean, occasional late payer, delinquent, defaulted) and, for some
people, a multi-lending spike (多头借贷): many loan and card applications by different
institutions in the last three months, visible in the inquiry records.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from postloan.simulators.v1 import bureau_pb2
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto
from postloan_simulators.bureau.resident_id import ResidentId
from postloan_simulators.common import keyed_seed

STATUS_MONTHS = 24
STATUS_SYMBOLS = frozenset("N1234567*CDG#")
STATUS_PATTERN = re.compile(r"^[N1-7*CDG#]{24}$")

# Order codes 990-999 (ID digits 15-17): the bureau has no file for the person (documented
# rule, so tests and demos can pick a "not found" person).
NO_FILE_ORDER_CODES = range(990, 1000)

_INSTITUTIONS = (
    ("SIM Commercial Bank", "commercial_bank"),
    ("SIM City Bank", "city_commercial_bank"),
    ("SIM Rural Bank", "rural_bank"),
    ("SIM Consumer Finance", "consumer_finance"),
    ("SIM Auto Finance", "auto_finance"),
    ("SIM Microloan", "microloan"),
    ("SIM Trust", "trust"),
)
_MARITAL = ("unmarried", "married", "married", "married", "divorced", "widowed")
_EDUCATION = ("junior_high", "high_school", "vocational", "associate", "bachelor", "master")
_INDUSTRIES = (
    "manufacturing", "retail", "construction", "information_technology", "education",
    "health_care", "transport", "hospitality", "public_administration", "finance",
)
_AUTHORITIES = ("SIM District Court", "SIM Intermediate Court", "SIM Tax Office")


@dataclass(frozen=True)
class Profile:
    """The hidden shape of a synthetic file."""

    risk: str  # clean | late_payer | delinquent | defaulted
    multi_lending: bool
    thin_file: bool


def has_file(resident_id: ResidentId) -> bool:
    return resident_id.order_code not in NO_FILE_ORDER_CODES


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _profile(rng: random.Random) -> Profile:
    roll = rng.random()
    if roll < 0.62:
        risk = "clean"
    elif roll < 0.84:
        risk = "late_payer"
    elif roll < 0.95:
        risk = "delinquent"
    else:
        risk = "defaulted"
    return Profile(risk=risk, multi_lending=rng.random() < 0.18, thin_file=rng.random() < 0.08)


class SyntheticFile:
    """One person's synthetic file as of a report date. ``data_key`` keys the hash that seeds
    it (another key, another population)."""

    def __init__(self, data_key: bytes, resident_id: ResidentId, as_of: dt.date) -> None:
        self.resident_id = resident_id
        self.as_of = as_of
        self.report_month = month_start(as_of)
        # Seeded by the person and the report month: a person's history grows month by month
        # but is stable within a month and across restarts.
        self._data_key = data_key
        self.profile = _profile(random.Random(self._seed("profile")))
        self._rng = random.Random(
            keyed_seed(data_key, "file", resident_id.number, self.report_month.isoformat())
        )

    def _seed(self, section: str) -> int:
        return keyed_seed(self._data_key, section, self.resident_id.number)

    # --- sections ----------------------------------------------------------------------------

    def basic_info(self, name: str, mobile_number: str) -> bureau_pb2.BureauBasicInfo:
        rng = random.Random(self._seed("basic_info"))
        return bureau_pb2.BureauBasicInfo(
            name=name,
            resident_id_number=self.resident_id.number,
            mobile_number=mobile_number,
            gender=self.resident_id.gender,
            birth_date=date_to_proto(self.resident_id.birth_date),
            marital_status=rng.choice(_MARITAL),
            education=rng.choice(_EDUCATION),
            employer=f"SIM Employer {rng.randint(1, 999):03d} Co., Ltd.",
            employer_industry=rng.choice(_INDUSTRIES),
            residential_address=(
                f"SIM District {rng.randint(1, 40)}, Road {rng.randint(1, 200)}, "
                f"Building {rng.randint(1, 30)}, Room {rng.randint(101, 2805)}"
            ),
            months_at_residence=rng.randint(1, 240),
        )

    def synthetic_mobile(self) -> str:
        """The mobile number on file when no institution has reported one (synthetic)."""
        rng = random.Random(self._seed("mobile"))
        return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"

    def credit_accounts(self) -> list[bureau_pb2.BureauCreditAccount]:
        rng = self._rng
        count = rng.randint(0, 1) if self.profile.thin_file else rng.randint(2, 9)
        return [self._account(rng, index) for index in range(count)]

    def public_records(self) -> list[bureau_pb2.BureauPublicRecord]:
        rng = self._rng
        chance = {"clean": 0.02, "late_payer": 0.05, "delinquent": 0.2, "defaulted": 0.6}
        if rng.random() >= chance[self.profile.risk]:
            return []
        records = []
        for _ in range(rng.randint(1, 2)):
            kind = rng.choice(
                [
                    bureau_pb2.BUREAU_PUBLIC_RECORD_TYPE_CIVIL_JUDGMENT,
                    bureau_pb2.BUREAU_PUBLIC_RECORD_TYPE_ENFORCEMENT,
                    bureau_pb2.BUREAU_PUBLIC_RECORD_TYPE_ADMINISTRATIVE_PENALTY,
                    bureau_pb2.BUREAU_PUBLIC_RECORD_TYPE_TAX_ARREARS,
                ]
            )
            authority = (
                _AUTHORITIES[2]
                if kind == bureau_pb2.BUREAU_PUBLIC_RECORD_TYPE_TAX_ARREARS
                else rng.choice(_AUTHORITIES[:2])
            )
            records.append(
                bureau_pb2.BureauPublicRecord(
                    record_type=kind,
                    authority=authority,
                    filed_on=date_to_proto(self.as_of - dt.timedelta(days=rng.randint(30, 1500))),
                    amount=fen_to_proto(rng.randint(1_000, 500_000) * 100),
                    status=rng.choice(["closed", "open", "in_enforcement"]),
                )
            )
        return records

    def inquiry_records(self) -> list[bureau_pb2.BureauInquiryRecord]:
        """Inquiries by other institutions over the last two years, newest first."""
        rng = self._rng
        inquiries: list[tuple[dt.date, str, str, int]] = []
        for _ in range(rng.randint(0, 6)):
            name, kind = rng.choice(_INSTITUTIONS)
            reason = rng.choice(
                [
                    bureau_pb2.BUREAU_QUERY_REASON_LOAN_APPROVAL,
                    bureau_pb2.BUREAU_QUERY_REASON_CREDIT_CARD_APPROVAL,
                    bureau_pb2.BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT,
                    bureau_pb2.BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT,
                    bureau_pb2.BUREAU_QUERY_REASON_SELF_INQUIRY,
                ]
            )
            day = self.as_of - dt.timedelta(days=rng.randint(1, 730))
            inquiries.append((day, f"{name} {rng.randint(1, 40):02d}", kind, reason))
        if self.profile.multi_lending:
            # Many applications to different lenders within weeks: the multi-lending signal.
            for _ in range(rng.randint(6, 15)):
                name, kind = rng.choice(_INSTITUTIONS[3:] + _INSTITUTIONS[:2])
                reason = rng.choice(
                    [
                        bureau_pb2.BUREAU_QUERY_REASON_LOAN_APPROVAL,
                        bureau_pb2.BUREAU_QUERY_REASON_LOAN_APPROVAL,
                        bureau_pb2.BUREAU_QUERY_REASON_CREDIT_CARD_APPROVAL,
                        bureau_pb2.BUREAU_QUERY_REASON_CREDIT_LIMIT_REVIEW,
                    ]
                )
                day = self.as_of - dt.timedelta(days=rng.randint(1, 90))
                inquiries.append((day, f"{name} {rng.randint(1, 40):02d}", kind, reason))
        inquiries.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [
            bureau_pb2.BureauInquiryRecord(
                inquired_on=date_to_proto(day),
                institution_name=name,
                institution_type=kind,
                reason=reason,
            )
            for day, name, kind, reason in inquiries
        ]

    # --- one account -------------------------------------------------------------------------

    def _account(self, rng: random.Random, index: int) -> bureau_pb2.BureauCreditAccount:
        account_type = rng.choices(
            [
                bureau_pb2.BUREAU_ACCOUNT_TYPE_D1,
                bureau_pb2.BUREAU_ACCOUNT_TYPE_R2,
                bureau_pb2.BUREAU_ACCOUNT_TYPE_R4,
                bureau_pb2.BUREAU_ACCOUNT_TYPE_R1,
            ],
            weights=[40, 35, 15, 10],
        )[0]
        institution, institution_type = rng.choice(_INSTITUTIONS)
        opened_on = add_months(self.as_of, -rng.randint(2, 96)) - dt.timedelta(
            days=rng.randint(0, 27)
        )
        revolving = account_type != bureau_pb2.BUREAU_ACCOUNT_TYPE_D1
        if revolving:
            amount_fen = rng.choice([5_000, 10_000, 20_000, 30_000, 50_000, 80_000]) * 100
            term_months = 0
            matures_on = None
            closed_on = (
                add_months(self.as_of, -rng.randint(1, 30)) if rng.random() < 0.15 else None
            )
        else:
            amount_fen = rng.randint(30, 3_000) * 10_000  # 3,000 .. 300,000 yuan
            term_months = rng.choice([6, 12, 12, 24, 36, 60])
            matures_on = add_months(opened_on, term_months)
            early = rng.random() < 0.1
            closed_on = (
                matures_on if matures_on <= self.as_of
                else (add_months(self.as_of, -rng.randint(0, 6)) if early else None)
            )
            if closed_on is not None and closed_on < opened_on:
                closed_on = None

        symbols, status, periods = self._repayment_history(rng, opened_on, closed_on)
        end_month = month_start(closed_on) if closed_on else self.report_month

        if status == bureau_pb2.BUREAU_ACCOUNT_STATUS_CLOSED:
            balance = overdue = 0
        elif revolving:
            used_share = rng.uniform(0.0, 0.5) if self.profile.risk == "clean" else rng.uniform(
                0.4, 1.0
            )
            balance = int(amount_fen * used_share) // 100 * 100
            overdue = min(balance, balance * periods // 10) if periods else 0
        else:
            elapsed = max(0, _months_between(opened_on, self.as_of))
            remaining = max(1, term_months - elapsed)
            balance = amount_fen * remaining // term_months // 100 * 100
            installment = amount_fen // term_months // 100 * 100
            overdue = min(balance, installment * periods)
        if status == bureau_pb2.BUREAU_ACCOUNT_STATUS_BAD_DEBT:
            overdue = balance

        return bureau_pb2.BureauCreditAccount(
            account_number=f"SIM{self.report_month:%y%m}{index:02d}{rng.randint(0, 10**10):010d}",
            account_type=account_type,
            institution_name=f"{institution} {rng.randint(1, 40):02d}",
            institution_type=institution_type,
            opened_on=date_to_proto(opened_on),
            matures_on=date_to_proto(matures_on) if matures_on else None,
            credit_limit_or_principal=fen_to_proto(amount_fen),
            balance=fen_to_proto(balance),
            overdue_amount=fen_to_proto(overdue),
            overdue_periods=periods,
            status=status,
            repayment_status_24_months=symbols,
            status_month=date_to_proto(end_month),
        )

    def _repayment_history(
        self, rng: random.Random, opened_on: dt.date, closed_on: dt.date | None
    ) -> tuple[str, int, int]:
        """(24-month string, account status, overdue periods now)."""
        miss, cure = {
            "clean": (0.0, 1.0),
            "late_payer": (0.04, 0.8),
            "delinquent": (0.08, 0.35),
            "defaulted": (0.12, 0.1),
        }[self.profile.risk]
        end = month_start(closed_on) if closed_on else self.report_month
        opened_month = month_start(opened_on)
        symbols: list[str] = []
        late = 0
        for offset in range(STATUS_MONTHS - 1, -1, -1):
            month = add_months(end, -offset)
            if month < opened_month:
                symbols.append("*")  # not opened yet: no data
                continue
            if month == opened_month:
                symbols.append("*")  # nothing due in the month of opening
                continue
            if late == 0:
                late = 1 if rng.random() < miss else 0
            elif rng.random() < cure:
                late = 0
                if self.profile.risk == "delinquent" and rng.random() < 0.15:
                    symbols.append("D")
                    continue
            else:
                late = min(late + 1, 7)
            if late:
                symbols.append(str(late))
            elif rng.random() < 0.01:
                symbols.append("#")  # reporting gap that month
            else:
                symbols.append("N")
        if closed_on is not None:
            if late and self.profile.risk == "defaulted":
                symbols[-1] = "G"
                return "".join(symbols), bureau_pb2.BUREAU_ACCOUNT_STATUS_TRANSFERRED, 0
            symbols[-1] = "C"
            return "".join(symbols), bureau_pb2.BUREAU_ACCOUNT_STATUS_CLOSED, 0
        if late >= 7 and self.profile.risk == "defaulted":
            return "".join(symbols), bureau_pb2.BUREAU_ACCOUNT_STATUS_BAD_DEBT, late
        if late:
            return "".join(symbols), bureau_pb2.BUREAU_ACCOUNT_STATUS_OVERDUE, late
        return "".join(symbols), bureau_pb2.BUREAU_ACCOUNT_STATUS_NORMAL, 0


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def summarize(
    accounts: list[bureau_pb2.BureauCreditAccount], rng_seed: int
) -> bureau_pb2.BureauSummary:
    """The summary section, computed from the accounts (amounts in fen)."""
    open_accounts = [
        a for a in accounts
        if a.status not in (
            bureau_pb2.BUREAU_ACCOUNT_STATUS_CLOSED, bureau_pb2.BUREAU_ACCOUNT_STATUS_TRANSFERRED
        )
    ]
    cards = bureau_pb2.BUREAU_ACCOUNT_TYPE_R2
    revolving = [a for a in open_accounts if a.account_type != bureau_pb2.BUREAU_ACCOUNT_TYPE_D1]
    used = sum(a.balance.minor_units for a in revolving)
    worst = max(
        (int(s) for a in accounts for s in a.repayment_status_24_months if s.isdigit()), default=0
    )
    average_factor = random.Random(rng_seed).uniform(0.8, 1.1)
    return bureau_pb2.BureauSummary(
        open_loan_accounts=sum(1 for a in open_accounts if a.account_type != cards),
        open_credit_card_accounts=sum(1 for a in open_accounts if a.account_type == cards),
        overdue_accounts=sum(
            1 for a in accounts if a.status == bureau_pb2.BUREAU_ACCOUNT_STATUS_OVERDUE
        ),
        max_overdue_months=worst,
        bad_debt_accounts=sum(
            1 for a in accounts if a.status == bureau_pb2.BUREAU_ACCOUNT_STATUS_BAD_DEBT
        ),
        total_credit_limit=fen_to_proto(
            sum(a.credit_limit_or_principal.minor_units for a in revolving)
        ),
        total_credit_used=fen_to_proto(used),
        total_outstanding=fen_to_proto(sum(a.balance.minor_units for a in open_accounts)),
        average_used_6_months=fen_to_proto(int(used * average_factor) // 100 * 100),
    )
