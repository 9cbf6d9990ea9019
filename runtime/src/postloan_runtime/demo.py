"""``postloan demo``: drive a synthetic portfolio through the RUNNING suite over gRPC, as a
lending frontend and the operators would, then print a summary and write the charts.

Everything here is SYNTHETIC and deterministic for a seed: borrower ids ``DEMO<seed>-00001``,
names ``<surname>演示`` ("demo"), resident ID numbers with a valid GB 11643 check character
(region 110105, order codes that say nothing about anyone), mobiles in the 170 0000 xxxx block.

The run, in the order the services see it:

1. **Onboarding** (lending frontend, now): consent → identity check against the bureau simulator
   → pre-loan inquiry (about 3% of ID numbers have no bureau file: declined), contact point, time
   zone; then the loan (one of the three repayment methods) registered with a disbursement date
   in the past.
2. **History**, day by day over ``days`` business days ending the last business day before
   today: each calendar day's repayments (on time, late, stopped, never) are posted with
   ``paid_at`` on that day, then on a business day ``RunDailyCycle`` for it. Monitoring
   evaluates a posting as of the business date in progress (the day after the last completed
   cycle), so replaying the past gives the same history a live portfolio would have had. Events
   flow to collection (cases open, change tier, close on cure) and restructuring as they would.
3. **Today** (wall clock, because the contact gate, promises and restructuring quotes work on
   the real date): collectors call the debtors of open cases through ``CheckContact`` →
   ``RecordContactAttempt`` (some refused by the gate: do-not-contact flags, the daily cap of
   connected calls, quiet hours for debtors where it is night now), record promises to pay and
   some are kept by a repayment posted now; a few delinquent loans are restructured (request →
   quote → approval by the authority the quote requires → agreement → signature → activation),
   some rejected by the approver.
4. **Summary** from the services' own RPCs (PortfolioAnalyticsService, CollectionReportService,
   restructuring ListPlans) and the portfolio charts (``cli_reports.write_charts``).

What a real-time suite cannot show in one run: a promise or a plan BROKEN needs the calendar to
pass its date (promised dates and plan schedules start today or later); the services use the
system clock. They break later by themselves if the suite keeps running past those dates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import grpc
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from postloan.collection.v1 import collection_pb2 as co
from postloan.collection.v1 import collection_pb2_grpc as co_grpc
from postloan.collection.v1 import resources_pb2 as cor
from postloan.common.v1 import money_pb2
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc as ci_grpc
from postloan.credit_inquiry.v1 import resources_pb2 as cir
from postloan.monitoring.v1 import monitoring_pb2 as mo
from postloan.monitoring.v1 import monitoring_pb2_grpc as mo_grpc
from postloan.monitoring.v1 import resources_pb2 as mor
from postloan.restructuring.v1 import resources_pb2 as rer
from postloan.restructuring.v1 import restructuring_pb2 as re_pb
from postloan.restructuring.v1 import restructuring_pb2_grpc as re_grpc
from postloan_runtime.cli_reports import PortfolioFigures, fetch_portfolio, write_charts, yuan
from postloan_runtime.clock import BusinessCalendar, SystemClock

T = TypeVar("T")
BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()
DEFAULT_BORROWERS = 300
DEFAULT_DAYS = 120
# Loans are disbursed at most this many days before the history starts.
MAX_SEASONING_DAYS = 200

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_METHODS = (
    ("CASH-12M", mor.REPAYMENT_METHOD_EQUAL_INSTALLMENT, 12),
    ("BIZ-12M", mor.REPAYMENT_METHOD_EQUAL_PRINCIPAL, 12),
    ("CARD-6M", mor.REPAYMENT_METHOD_INTEREST_FIRST, 6),
)
# Candidate zones for debtors: the demo puts most where it is daytime now and some where it is
# night, so the gate's quiet hours refuse some calls whatever the hour of the run.
_ZONES = (
    "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane", "Pacific/Noumea", "Pacific/Auckland",
    "Pacific/Tongatapu", "Pacific/Kiritimati", "Asia/Bangkok", "Asia/Dhaka", "Asia/Karachi",
    "Asia/Dubai", "Europe/Moscow", "Africa/Johannesburg", "Africa/Lagos", "Atlantic/Reykjavik",
    "Atlantic/Cape_Verde", "Atlantic/South_Georgia", "America/Sao_Paulo", "America/Santo_Domingo",
    "America/Panama", "America/Mexico_City", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "Pacific/Pago_Pago",
)


# --- synthetic people -----------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first_17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first_17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def synthetic_resident_id(rng: random.Random, *, no_file: bool) -> str:
    """A valid-looking, made-up resident ID number (region 110105; order codes 990-999 mean the
    bureau simulator has no file)."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 32))
    order = rng.randrange(990, 1000) if no_file else rng.randrange(100, 990)
    first = f"110105{birth:%Y%m%d}{order:03d}"
    return first + check_character(first)


@dataclasses.dataclass
class Borrower:
    index: int
    borrower_id: str
    name: str
    resident_id_number: str
    mobile: str
    profile: str  # on_time | late | stopper | never
    rng: random.Random
    consent_id: str = ""
    contact_point_id: str = ""
    declined: bool = False
    score: int = 0
    loan_id: str = ""
    installments: list[tuple[int, dt.date, int]] = dataclasses.field(default_factory=list)
    night_zone: bool = False


def make_borrowers(count: int, seed: int) -> list[Borrower]:
    people = []
    for index in range(count):
        rng = random.Random(f"postloan-demo|{seed}|{index}")
        roll = rng.random()
        profile = ("on_time" if roll < 0.70 else "late" if roll < 0.82
                   else "stopper" if roll < 0.93 else "never")
        people.append(Borrower(
            index=index,
            borrower_id=f"DEMO{seed}-{index:05d}",
            name=f"{rng.choice(_SURNAMES)}演示",
            resident_id_number=synthetic_resident_id(rng, no_file=rng.random() < 0.03),
            mobile=f"1700000{rng.randrange(10000):04d}",
            profile=profile,
            rng=rng,
        ))
    return people


# --- plumbing -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Endpoints:
    credit_inquiry: str
    monitoring: str
    collection: str
    restructuring: str


def _d(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


def _date(message: Any) -> dt.date:
    return dt.date(message.year, message.month, message.day)


def _cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def _rid() -> str:
    return str(uuid.uuid4())


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), BUSINESS_ZONE).astimezone(dt.UTC)


class DemoError(RuntimeError):
    """The demo could not go on (a refusal it did not expect)."""


@dataclasses.dataclass
class Counts:
    borrowers: int = 0
    declined: int = 0
    loans_by_method: Counter[str] = dataclasses.field(default_factory=Counter)
    loans_by_profile: Counter[str] = dataclasses.field(default_factory=Counter)
    repayments: int = 0
    repayment_fen: int = 0
    daily_cycles: int = 0
    contact_checks: int = 0
    contacts_refused: int = 0
    refusal_reasons: Counter[str] = dataclasses.field(default_factory=Counter)
    contact_attempts: int = 0
    promises: int = 0
    promises_paid_now: int = 0
    plans_requested: int = 0
    plan_errors: Counter[str] = dataclasses.field(default_factory=Counter)


@dataclasses.dataclass
class DemoSummary:
    """What the summary shows: the services' answers, as returned, and the demo's own counts."""

    first_date: dt.date
    last_date: dt.date
    today: dt.date
    portfolio: PortfolioFigures
    collection: co.GetCollectionFiguresResponse
    plans: list[rer.Plan]
    counts: Counts
    charts: list[Path]
    elapsed_seconds: float
    reused_existing: bool = False

    def plans_by_state(self) -> Counter[str]:
        return Counter(rer.PlanState.Name(p.state).removeprefix("PLAN_STATE_")
                       for p in self.plans)


class Demo:
    """One demo run against a running suite."""

    def __init__(self, endpoints: Endpoints, keys_dir: Path, *, borrowers: int, days: int,
                 seed: int = 7, concurrency: int = 16, out_dir: Path,
                 console: Console | None = None) -> None:
        self.endpoints = endpoints
        self.keys_dir = keys_dir
        self.size = borrowers
        self.days = days
        self.seed = seed
        self.out_dir = out_dir
        self.console = console or Console(stderr=True)
        self.gate = asyncio.Semaphore(concurrency)
        self.counts = Counts()
        self.today = SystemClock().today()
        self._tokens: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    # tokens: people by role, minted from the suite's issuer key ------------------------------

    def as_(self, role: str, subject: str | None = None) -> tuple[tuple[str, str], ...]:
        key = (role, subject or f"demo-{role}")
        if key not in self._tokens:
            from postloan_runtime.auth import mint_person_token

            token = mint_person_token(self.keys_dir, subject=key[1], roles=[role],
                                      ttl=dt.timedelta(hours=2))
            self._tokens[key] = (("authorization", f"Bearer {token}"),)
        return self._tokens[key]

    async def call(self, rpc: Callable[..., Awaitable[T]], request: Any,
                   metadata: tuple[tuple[str, str], ...]) -> T:
        """One unary call under the concurrency bound, retried a few times on UNAVAILABLE."""
        async with self.gate:
            for attempt in range(4):
                try:
                    return await rpc(request, metadata=metadata, timeout=60)
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.UNAVAILABLE or attempt == 3:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def gather(self, coroutines: list[Awaitable[Any]], progress: Progress | None = None,
                     task: Any = None) -> list[Any]:
        async def one(coroutine: Awaitable[Any]) -> Any:
            result = await coroutine
            if progress is not None:
                progress.advance(task)
            return result

        return await asyncio.gather(*(one(c) for c in coroutines))

    # the run -----------------------------------------------------------------------------------

    async def run(self) -> DemoSummary:
        began = time.perf_counter()
        self.dates = self._history_dates()
        async with grpc.aio.insecure_channel(self.endpoints.credit_inquiry) as ci_ch, \
                grpc.aio.insecure_channel(self.endpoints.monitoring) as mo_ch, \
                grpc.aio.insecure_channel(self.endpoints.collection) as co_ch, \
                grpc.aio.insecure_channel(self.endpoints.restructuring) as re_ch:
            self.consents = ci_grpc.ConsentServiceStub(ci_ch)
            self.identities = ci_grpc.IdentityVerificationServiceStub(ci_ch)
            self.inquiries = ci_grpc.InquiryServiceStub(ci_ch)
            self.loans = mo_grpc.LoanServiceStub(mo_ch)
            self.repayments = mo_grpc.RepaymentServiceStub(mo_ch)
            self.cycles = mo_grpc.DailyCycleServiceStub(mo_ch)
            self.cases = co_grpc.CaseServiceStub(co_ch)
            self.contacts = co_grpc.ContactServiceStub(co_ch)
            self.debtors = co_grpc.DebtorServiceStub(co_ch)
            self.promises = co_grpc.PromiseServiceStub(co_ch)
            self.figures = co_grpc.CollectionReportServiceStub(co_ch)
            self.plans = re_grpc.PlanServiceStub(re_ch)
            latest = await self._latest_cycle()
            reused = False
            if latest is not None and latest >= self._anchor():
                reused = True
                self.console.print(
                    f"This state already has daily cycles up to {latest}: the demo portfolio "
                    "is not built twice. Summary of what is there (remove the state folder, "
                    "e.g. .postloan, for a fresh demo).", markup=False)
                self.dates = [d for d in self.dates if d <= latest] or [latest]
            else:
                await self._build(mo_ch)
            summary = await self._summary(mo_ch, time.perf_counter() - began, reused)
        return summary

    def _anchor(self) -> dt.date:
        """The business date of the demo's first (empty) daily cycle: before every loan."""
        return self.dates[0] - dt.timedelta(days=MAX_SEASONING_DAYS + 30)

    def _cycle_days(self) -> set[dt.date]:
        """The days the daily cycle runs: every business day of the history, and the calendar
        month ends in it (the month-end close: the snapshot roll rates and vintages read)."""
        days = set(self.dates)
        day = self.dates[0]
        while day <= self.dates[-1]:
            if _month_end(day):
                days.add(day)
            day += dt.timedelta(days=1)
        return days

    def _history_dates(self) -> list[dt.date]:
        dates: list[dt.date] = []
        day = self.today - dt.timedelta(days=1)
        while len(dates) < self.days:
            if CALENDAR.is_business_day(day):
                dates.append(day)
            day -= dt.timedelta(days=1)
        return sorted(dates)

    async def _latest_cycle(self) -> dt.date | None:
        runs = await self.call(self.cycles.ListDailyCycleRuns,
                               mo.ListDailyCycleRunsRequest(page_size=1), self.as_("operator"))
        return _date(runs.runs[0].business_date) if runs.runs else None

    async def _build(self, mo_ch: grpc.aio.Channel) -> None:
        people = make_borrowers(self.size, self.seed)
        self.counts.borrowers = len(people)
        first, last = self.dates[0], self.dates[-1]
        with Progress(TextColumn("[bold]{task.description:<34}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                      transient=False) as progress:
            task = progress.add_task("onboarding borrowers", total=len(people))
            self._zones = self._pick_zones()
            await self.gather([self._onboard(b) for b in people], progress, task)
            active = [b for b in people if not b.declined]
            self.counts.declined = len(people) - len(active)

            # The first business date is free; a cycle before the earliest disbursement
            # anchors the business calendar so that the postings before the history are
            # evaluated as of their own dates.
            await self._run_cycle(self._anchor(), count=False)

            task = progress.add_task("registering loans", total=len(active))
            await self.gather([self._register(b, first) for b in active], progress, task)
            schedule = self._payment_plan(active, first, last)

            before = sorted(d for d in schedule if d < first)
            task = progress.add_task("repayments before the history",
                                     total=sum(len(schedule[d]) for d in before))
            for day in before:
                await self.gather([self._pay(b, day, kind) for b, kind in schedule[day]],
                                  progress, task)

            cycle_days = self._cycle_days()
            task = progress.add_task(f"{len(self.dates)} business days ({first}..{last})",
                                     total=len(cycle_days))
            day = first
            while day <= last:
                if schedule.get(day):
                    await self.gather([self._pay(b, day, kind) for b, kind in schedule[day]])
                if day in cycle_days:
                    await self._run_cycle(day)
                    progress.advance(task)
                day += dt.timedelta(days=1)

            task = progress.add_task("collection catching up (events)", total=None)
            await self._wait_for_cases(active)
            progress.update(task, total=1, completed=1)

            open_cases = await self._list_cases([cor.CASE_STATE_OPEN])
            task = progress.add_task("collectors calling (today)", total=len(open_cases))
            by_borrower = {b.borrower_id: b for b in active}
            await self.gather([self._work_case(c, by_borrower[c.borrower_id])
                               for c in open_cases if c.borrower_id in by_borrower],
                              progress, task)

            candidates = [c for c in open_cases
                          if c.borrower_id in by_borrower and c.days_past_due > 30
                          and c.state == cor.CASE_STATE_OPEN]
            rng = random.Random(f"postloan-demo|{self.seed}|plans")
            chosen = rng.sample(candidates, min(len(candidates),
                                                max(3, len(active) // 25)))
            task = progress.add_task("restructuring requests", total=len(chosen))
            await self.gather([self._restructure(c, n) for n, c in enumerate(chosen)],
                              progress, task)

    # onboarding ------------------------------------------------------------------------------

    def _pick_zones(self) -> tuple[list[str], list[str]]:
        now = dt.datetime.now(dt.UTC)
        day = [z for z in _ZONES if 9 <= now.astimezone(ZoneInfo(z)).hour <= 18]
        night = [z for z in _ZONES if now.astimezone(ZoneInfo(z)).hour in (23, 0, 1, 2, 3, 4, 5)]
        return day or ["Asia/Shanghai"], night

    async def _onboard(self, b: Borrower) -> None:
        fe = self.as_("lending_frontend", "demo-frontend")
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        grant = ci.GrantConsentRequest(
            request_id=_rid(), borrower_id=b.borrower_id,
            purposes=[cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL,
                      cir.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                      cir.CONSENT_PURPOSE_IDENTITY_VERIFICATION],
            sections=[cir.REPORT_SECTION_BASIC_INFO, cir.REPORT_SECTION_SUMMARY,
                      cir.REPORT_SECTION_CREDIT_TRANSACTIONS, cir.REPORT_SECTION_PUBLIC_RECORDS,
                      cir.REPORT_SECTION_INQUIRY_RECORDS],
            channel=cir.CONSENT_CHANNEL_MOBILE_APP,
            evidence=cir.ConsentEvidence(
                document_sha256=hashlib.sha256(f"demo consent {b.borrower_id}".encode())
                .hexdigest(),
                signer_verification_reference=f"ekyc:demo-{b.index}"),
        )
        grant.evidence.signed_at.FromDatetime(now - dt.timedelta(minutes=5))
        grant.valid_from.FromDatetime(now - dt.timedelta(minutes=5))
        grant.valid_until.FromDatetime(now + dt.timedelta(days=730))
        b.consent_id = (await self.call(self.consents.GrantConsent, grant, fe)).consent.consent_id
        verification = (await self.call(self.identities.VerifyIdentity, ci.VerifyIdentityRequest(
            request_id=_rid(), borrower_id=b.borrower_id, name=b.name,
            resident_id_number=b.resident_id_number, mobile_number=b.mobile,
            consent_id=b.consent_id), fe)).verification
        if verification.outcome != cir.IDENTITY_MATCH_OUTCOME_MATCHED:
            b.declined = True  # no bureau file: the frontend declines the application
            return
        inquiry = (await self.call(self.inquiries.RequestInquiry, ci.RequestInquiryRequest(
            request_id=_rid(), borrower_id=b.borrower_id,
            purpose=cir.CONSENT_PURPOSE_PRE_LOAN_APPROVAL, consent_id=b.consent_id), fe)).inquiry
        b.score = inquiry.score.score
        point = (await self.call(self.debtors.RegisterContactPoint, co.RegisterContactPointRequest(
            request_id=_rid(), borrower_id=b.borrower_id, party=cor.CONTACT_PARTY_DEBTOR,
            kind=cor.CONTACT_POINT_KIND_PHONE, value=b.mobile), fe)).contact_point
        b.contact_point_id = point.contact_point_id
        day_zones, night_zones = self._zones
        b.night_zone = bool(night_zones) and b.rng.random() < 0.12
        zone = b.rng.choice(night_zones if b.night_zone else day_zones)
        await self.call(self.debtors.UpdateDebtorProfile, co.UpdateDebtorProfileRequest(
            request_id=_rid(), borrower_id=b.borrower_id, time_zone=zone,
            jurisdiction_code="CN"), fe)

    async def _register(self, b: Borrower, first: dt.date) -> None:
        rng = b.rng
        product, method, term = _METHODS[b.index % 3]
        if b.profile == "never":  # first-payment default: disbursed shortly before/in the window
            disbursed = first + dt.timedelta(days=rng.randrange(-25, 40))
        elif rng.random() < 0.25:  # a recent vintage
            disbursed = first + dt.timedelta(days=rng.randrange(0, 60))
        else:
            disbursed = first - dt.timedelta(days=rng.randrange(1, MAX_SEASONING_DAYS))
        disbursed = min(disbursed, self.dates[-1])
        principal = rng.randrange(50, 500) * 10_000  # 5,000..49,900 yuan in fen
        rate = rng.choice(("0.1200", "0.1500", "0.1800"))
        response = await self.call(self.loans.RegisterLoan, mo.RegisterLoanRequest(
            request_id=_rid(), loan_id=f"{b.borrower_id}-L1", borrower_id=b.borrower_id,
            terms=mor.LoanTerms(
                product_code=product, principal=_cny(principal),
                annual_rate=money_pb2.DecimalValue(value=rate), term_periods=term,
                repayment_method=method, disbursement_date=_d(disbursed),
                due_day=min(disbursed.day, 28), grace_days=3,
                penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
                prepayment_rule=mor.PREPAYMENT_RULE_SHORTEN_TERM)),
            self.as_("lending_frontend", "demo-frontend"))
        b.loan_id = response.loan.loan_id
        b.installments = [(i.sequence, _date(i.due_date),
                           i.principal_due.minor_units + i.interest_due.minor_units)
                          for i in response.installments]
        self.counts.loans_by_method[product] += 1
        self.counts.loans_by_profile[b.profile] += 1

    # repayments ------------------------------------------------------------------------------

    def _payment_plan(self, people: list[Borrower], first: dt.date,
                      last: dt.date) -> dict[dt.date, list[tuple[Borrower, Any]]]:
        """Every repayment of the run by calendar date: ``(borrower, amount_fen)`` for an
        installment paid as scheduled, ``(borrower, "overdue")`` for a payment of everything
        overdue (a late payer catching up)."""
        plan: dict[dt.date, list[tuple[Borrower, Any]]] = defaultdict(list)
        for b in people:
            rng = random.Random(f"{b.borrower_id}|payments")
            due = [(s, d, amount) for s, d, amount in b.installments if d <= last]
            in_window = [s for s, d, _ in due if d >= first]
            stop = None
            if b.profile == "never":
                stop = 1
            elif b.profile == "stopper" and in_window:
                stop = rng.choice(in_window[: max(1, len(in_window) - 1)])
            resume_after = rng.randrange(35, 80) if rng.random() < 0.4 else None
            previous = dt.date.min
            for sequence, day, amount in due:
                if stop is not None and sequence >= stop:
                    if resume_after is None or b.profile == "never":
                        break
                    stop_day = next(d for s, d, _ in due if s == stop)
                    back = stop_day + dt.timedelta(days=resume_after)
                    if back <= last and back > previous:
                        plan[back].append((b, "overdue"))  # catches up everything overdue
                        previous = back
                    resume_after = None
                    stop = None
                    if day <= previous:
                        continue
                if b.profile == "late" and day >= first:
                    lateness = (rng.randrange(35, 65) if rng.random() < 0.15
                                else rng.randrange(4, 28))
                    paid = max(day + dt.timedelta(days=lateness), previous + dt.timedelta(days=1))
                    if paid > last:
                        break
                    plan[paid].append((b, "overdue"))
                else:
                    paid = max(day - dt.timedelta(days=rng.randrange(0, 3)),
                               previous + dt.timedelta(days=1))
                    plan[paid].append((b, amount))
                previous = paid
        return plan

    async def _pay(self, b: Borrower, day: dt.date, kind: Any,
                   paid_at: dt.datetime | None = None) -> int:
        fe = self.as_("lending_frontend", "demo-frontend")
        if kind == "overdue":
            loan = (await self.call(self.loans.GetLoan, mo.GetLoanRequest(loan_id=b.loan_id),
                                    fe)).loan
            amount = loan.status.overdue.total.minor_units
            if amount <= 0 or loan.state != mor.LOAN_STATE_ACTIVE:
                return 0
        else:
            amount = int(kind)
        request = mo.PostRepaymentRequest(
            request_id=_rid(), loan_id=b.loan_id, amount=_cny(amount),
            channel=b.rng.choice((mor.REPAYMENT_CHANNEL_AUTO_DEBIT, mor.REPAYMENT_CHANNEL_APP,
                                  mor.REPAYMENT_CHANNEL_BANK_TRANSFER)),
            external_transaction_id=f"DEMO-TX-{uuid.uuid4().hex[:16]}")
        request.paid_at.FromDatetime(paid_at or _at(day))
        try:
            await self.call(self.repayments.PostRepayment, request, fe)
        except grpc.aio.AioRpcError as error:
            from postloan_runtime.grpc_errors import decode_error

            if decode_error(error).reason == "LOAN_NOT_ACTIVE":  # paid off early: nothing due
                return 0
            raise
        self.counts.repayments += 1
        self.counts.repayment_fen += amount
        return amount

    async def _run_cycle(self, day: dt.date, *, count: bool = True) -> None:
        request = mo.RunDailyCycleRequest(request_id=_rid(), business_date=_d(day),
                                          partition_index=0, partition_count=1)
        last = None
        async for message in self.cycles.RunDailyCycle(request, metadata=self.as_("operator"),
                                                       timeout=600):
            last = message
        if last is None or last.run.state != mor.DAILY_CYCLE_RUN_STATE_COMPLETED:
            raise DemoError(f"daily cycle {day} did not complete")
        if count:
            self.counts.daily_cycles += 1

    # collection ------------------------------------------------------------------------------

    async def _list_cases(self, states: list[int]) -> list[cor.Case]:
        found: list[cor.Case] = []
        token = ""
        while True:
            page = await self.call(self.cases.ListCases, co.ListCasesRequest(
                states=states, page_size=500, page_token=token),
                self.as_("collection_supervisor"))
            found += page.cases
            token = page.next_page_token
            if not token:
                return found

    async def _delinquent_borrowers(self) -> set[str]:
        found: set[str] = set()
        token = ""
        while True:
            page = await self.call(self.loans.ListLoans, mo.ListLoansRequest(
                states=[mor.LOAN_STATE_ACTIVE], page_size=500, page_token=token),
                self.as_("operator"))
            found |= {loan.borrower_id for loan in page.loans
                      if loan.status.bucket not in ("", "M0")
                      and loan.borrower_id.startswith(f"DEMO{self.seed}-")}
            token = page.next_page_token
            if not token:
                return found

    async def _wait_for_cases(self, people: list[Borrower], timeout: float = 180) -> None:
        """Collection consumes monitoring's events asynchronously: wait until every borrower
        with a delinquent loan has an open (or paused) case and the count stopped moving."""
        deadline = time.monotonic() + timeout
        previous = -1
        while time.monotonic() < deadline:
            delinquent = await self._delinquent_borrowers()
            cases = await self._list_cases([cor.CASE_STATE_OPEN, cor.CASE_STATE_PAUSED])
            with_case = {c.borrower_id for c in cases}
            if delinquent <= with_case and len(cases) == previous:
                return
            previous = len(cases)
            await asyncio.sleep(1.0)
        self.console.print("collection is still consuming events; working the cases it has",
                           markup=False)

    async def _work_case(self, case: cor.Case, b: Borrower) -> None:
        """Today's calls on one case through the gate; a promise on a right-party contact, kept
        by a payment now for most."""
        rng = random.Random(f"{case.case_id}|{self.seed}")
        collector = self.as_("collector", f"demo-agent-{rng.randrange(1, 9)}")
        if rng.random() < 0.08:  # the borrower disputes the debt: do not contact
            await self.call(self.debtors.SetDoNotContactFlag, co.SetDoNotContactFlagRequest(
                request_id=_rid(), borrower_id=b.borrower_id,
                reason=cor.DO_NOT_CONTACT_REASON_DISPUTE_PENDING, note="demo: dispute pending"),
                self.as_("lending_frontend", "demo-frontend"))
        calls = 4 if rng.random() < 0.15 else 1  # a persistent agent runs into the daily cap
        for attempt in range(calls):
            check = (await self.call(self.contacts.CheckContact, co.CheckContactRequest(
                request_id=_rid(), case_id=case.case_id, borrower_id=b.borrower_id,
                channel=cor.CONTACT_CHANNEL_AGENT_CALL, party=cor.CONTACT_PARTY_DEBTOR,
                contact_point_id=b.contact_point_id), collector)).check
            self.counts.contact_checks += 1
            if check.decision != cor.CONTACT_DECISION_ALLOWED:
                self.counts.contacts_refused += 1
                for reason in check.refusal_reasons:
                    self.counts.refusal_reasons[
                        cor.ContactRefusalReason.Name(reason)
                        .removeprefix("CONTACT_REFUSAL_REASON_")] += 1
                return
            roll = rng.random()
            if calls > 1 and attempt < calls - 1:
                outcome = cor.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT
            elif roll < 0.45:
                outcome = cor.CONTACT_OUTCOME_PROMISE_TO_PAY
            elif roll < 0.60:
                outcome = cor.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT
            elif roll < 0.85:
                outcome = cor.CONTACT_OUTCOME_NO_ANSWER
            else:
                outcome = cor.CONTACT_OUTCOME_LEFT_MESSAGE
            connected = outcome in (cor.CONTACT_OUTCOME_PROMISE_TO_PAY,
                                    cor.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT)
            started = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=3)
            record = co.RecordContactAttemptRequest(
                request_id=_rid(), check_id=check.check_id, outcome=outcome,
                connected=connected, note="demo call")
            record.started_at.FromDatetime(started)
            record.ended_at.FromDatetime(started + dt.timedelta(minutes=2))
            attempt_id = (await self.call(self.contacts.RecordContactAttempt, record,
                                          collector)).attempt.attempt_id
            self.counts.contact_attempts += 1
            if outcome == cor.CONTACT_OUTCOME_PROMISE_TO_PAY:
                await self._promise(case, b, attempt_id, collector, rng)

    async def _promise(self, case: cor.Case, b: Borrower, attempt_id: str,
                       collector: tuple[tuple[str, str], ...], rng: random.Random) -> None:
        fe = self.as_("lending_frontend", "demo-frontend")
        loan = (await self.call(self.loans.GetLoan, mo.GetLoanRequest(loan_id=b.loan_id),
                                fe)).loan
        overdue = loan.status.overdue.total.minor_units
        if overdue <= 0:
            return
        pays_now = rng.random() < 0.6
        promised = self.today if pays_now else self.today + dt.timedelta(days=rng.randrange(3, 10))
        await self.call(self.promises.RecordPromiseToPay, co.RecordPromiseToPayRequest(
            request_id=_rid(), case_id=case.case_id, loan_id=b.loan_id, amount=_cny(overdue),
            promised_date=_d(promised), grace_days=2, contact_attempt_id=attempt_id), collector)
        self.counts.promises += 1
        if pays_now:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=30)
            if await self._pay(b, self.today, overdue, paid_at=now):
                self.counts.promises_paid_now += 1

    # restructuring ---------------------------------------------------------------------------

    async def _restructure(self, case: cor.Case, n: int) -> None:
        maker = self.as_("collector", "demo-agent-plans")
        loan_id = case.loans[0].loan_id if case.loans else ""
        terms = (
            rer.PlanTerms(plan_types=[rer.PLAN_TYPE_TERM_EXTENSION, rer.PLAN_TYPE_WAIVER],
                          additional_periods=6, waive_all_penalty=True),
            rer.PlanTerms(plan_types=[rer.PLAN_TYPE_RATE_REDUCTION],
                          new_annual_rate=money_pb2.DecimalValue(value="0.0800")),
            rer.PlanTerms(plan_types=[rer.PLAN_TYPE_REINSTALLMENT], reinstallment_periods=12),
        )[n % 3]
        hardship = rer.Hardship(
            reason=(rer.HARDSHIP_REASON_ILLNESS, rer.HARDSHIP_REASON_UNEMPLOYMENT,
                    rer.HARDSHIP_REASON_BUSINESS_DISRUPTION)[n % 3],
            description="demo hardship")
        self.counts.plans_requested += 1
        try:
            eligibility = (await self.call(self.plans.CheckEligibility,
                                           re_pb.CheckEligibilityRequest(
                                               loan_id=loan_id, terms=terms, hardship=hardship),
                                           maker)).eligibility
            if not eligibility.eligible:
                self.counts.plan_errors["not eligible"] += 1
                return
            plan = (await self.call(self.plans.RequestRestructuring,
                                    re_pb.RequestRestructuringRequest(
                                        request_id=_rid(), loan_id=loan_id, hardship=hardship,
                                        terms=terms), maker)).plan
            plan = (await self.call(self.plans.QuotePlan, re_pb.QuotePlanRequest(
                request_id=_rid(), plan_id=plan.plan_id), maker)).plan
            if n % 4 == 3 and plan.state == rer.PLAN_STATE_PENDING_APPROVAL:
                await self.call(self.plans.RejectPlan, re_pb.RejectPlanRequest(
                    request_id=_rid(), plan_id=plan.plan_id, reason_codes=["AFFORDABILITY"],
                    comment="demo: income not shown"), self.as_("risk_manager", "demo-rm-1"))
                return
            approvers = {
                rer.AUTHORITY_LEVEL_TEAM_LEAD: [("restructuring_approver", "demo-lead-1")],
                rer.AUTHORITY_LEVEL_RISK_MANAGER: [("risk_manager", "demo-rm-1")],
                rer.AUTHORITY_LEVEL_COMMITTEE: [("risk_manager", "demo-rm-1"),
                                                ("restructuring_approver", "demo-lead-1")],
            }.get(plan.quote.required_authority, [])
            for role, subject in approvers:
                if plan.state != rer.PLAN_STATE_PENDING_APPROVAL:
                    break
                plan = (await self.call(self.plans.ApprovePlan, re_pb.ApprovePlanRequest(
                    request_id=_rid(), plan_id=plan.plan_id, quote_id=plan.quote.quote_id,
                    reason_codes=["HARDSHIP_VERIFIED"], comment="demo approval"),
                    self.as_(role, subject))).plan
            agreement = (await self.call(self.plans.GenerateAgreement,
                                         re_pb.GenerateAgreementRequest(
                                             request_id=_rid(), plan_id=plan.plan_id),
                                         maker)).agreement
            signature = re_pb.RecordSignatureRequest(
                request_id=_rid(), plan_id=plan.plan_id, agreement_id=agreement.agreement_id,
                signed_document_sha256=agreement.document_sha256,
                signer_verification_reference=f"ekyc:demo-sign-{n}",
                channel=rer.SIGNATURE_CHANNEL_MOBILE_APP)
            signature.signed_at.FromDatetime(
                dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1))
            await self.call(self.plans.RecordSignature, signature,
                            self.as_("lending_frontend", "demo-frontend"))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status = await self.call(self.plans.GetActivationStatus,
                                         re_pb.GetActivationStatusRequest(plan_id=plan.plan_id),
                                         maker)
                if status.state != rer.PLAN_STATE_ACTIVATING:
                    return
                await asyncio.sleep(0.3)
        except grpc.aio.AioRpcError as error:
            from postloan_runtime.grpc_errors import decode_error

            detail = decode_error(error)
            self.counts.plan_errors[detail.reason or error.code().name] += 1

    # summary ---------------------------------------------------------------------------------

    async def _summary(self, mo_ch: grpc.aio.Channel, elapsed: float,
                       reused: bool) -> DemoSummary:
        last = self.dates[-1]
        # Roll rates between the last two month ends the history covers (the default, the
        # last two closed months, may start before the history).
        months = sorted({d.replace(day=1) for d in self._cycle_days() if _month_end(d)})
        portfolio = await fetch_portfolio(mo_ch, self.as_("risk_manager"), as_of=last,
                                          from_month=months[-2] if len(months) > 1 else None,
                                          vintages_back=12, threshold=30)
        # Today's payments reach collection as events: read its figures once they stop moving.
        request = co.GetCollectionFiguresRequest(from_date=_d(self.dates[0]),
                                                 to_date=_d(self.today))
        collection = None
        for _ in range(30):
            answer = await self.call(self.figures.GetCollectionFigures, request,
                                     self.as_("collection_supervisor"))
            if answer == collection:
                break
            collection = answer
            await asyncio.sleep(1.0)
        assert collection is not None
        plans = await list_plans(self.plans, self.as_("risk_manager"))
        charts = write_charts(portfolio, self.out_dir)
        return DemoSummary(first_date=self.dates[0], last_date=last, today=self.today,
                           portfolio=portfolio, collection=collection, plans=plans,
                           counts=self.counts, charts=charts,
                           elapsed_seconds=elapsed, reused_existing=reused)


async def list_plans(stub: re_grpc.PlanServiceStub,
                     metadata: tuple[tuple[str, str], ...]) -> list[rer.Plan]:
    """Every restructuring plan (ListPlans, all pages)."""
    plans: list[rer.Plan] = []
    token = ""
    while True:
        page = await stub.ListPlans(re_pb.ListPlansRequest(page_size=200, page_token=token),
                                    metadata=metadata, timeout=60)
        plans += page.plans
        token = page.next_page_token
        if not token:
            return plans


# --- the summary a person reads ------------------------------------------------------------


def _pct(value: str) -> str:
    return f"{Decimal(value or '0') * 100:.1f}%"


def render_summary(summary: DemoSummary, console: Console) -> None:
    c = summary.counts
    p = summary.portfolio
    console.rule("[bold]postloan demo portfolio")
    if summary.reused_existing:
        console.print("(an existing portfolio: these figures are read from the services)")
    else:
        methods = ", ".join(f"{k} {v}" for k, v in sorted(c.loans_by_method.items()))
        profiles = ", ".join(f"{k.replace('_', ' ')} {v}"
                             for k, v in sorted(c.loans_by_profile.items()))
        console.print(
            f"{c.borrowers} synthetic borrowers ({c.declined} declined: no bureau file); loans: "
            f"{methods}; behaviour: {profiles}.\n"
            f"{c.daily_cycles} daily cycles {summary.first_date} .. {summary.last_date}, "
            f"{c.repayments} repayments posted ({yuan(_cny(c.repayment_fen))} yuan), "
            f"in {summary.elapsed_seconds:.0f} s.", markup=False, highlight=False)

    buckets = Table(title=f"Delinquency by bucket on {_date(p.buckets.as_of)} — delinquency "
                          f"rate {_pct(p.buckets.delinquency_rate.value)}, NPL ratio "
                          f"{_pct(p.npl.npl_ratio.value)}")
    for column in ("bucket", "loans", "outstanding (yuan)", "share of balance"):
        buckets.add_column(column, justify="left" if column == "bucket" else "right")
    for row in p.buckets.rows:
        buckets.add_row(row.bucket, str(row.loan_count), yuan(row.outstanding_principal),
                        _pct(row.share_of_balance.value))

    rolls = Table(title=f"Roll rates {p.from_month:%Y-%m} → {p.to_month:%Y-%m} (by balance)")
    rolls.add_column("from")
    for column in ("stay / cure", "roll forward", "paid off"):
        rolls.add_column(column, justify="right")
    order = {code: i for i, code in enumerate(p.roll_rates.buckets)}
    by_from: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for cell in p.roll_rates.cells:
        rate = Decimal(cell.rate.value or "0")
        if cell.to_bucket == "PAID_OFF":
            by_from[cell.from_bucket]["paid"] += rate
        elif order.get(cell.to_bucket, -1) > order.get(cell.from_bucket, -1):
            by_from[cell.from_bucket]["forward"] += rate
        else:
            by_from[cell.from_bucket]["stay"] += rate
    for code in p.roll_rates.buckets:
        if code in by_from:
            f = by_from[code]
            rolls.add_row(code, _pct(str(f["stay"])), _pct(str(f["forward"])),
                          _pct(str(f["paid"])))

    tiers = Table(title="Collection cases per tier (now)")
    for column in ("tier", "open", "paused"):
        tiers.add_column(column, justify="left" if column == "tier" else "right")
    for tier in summary.collection.tiers:
        tiers.add_row(cor.CaseTier.Name(tier.tier).removeprefix("CASE_TIER_"),
                      str(tier.open_cases), str(tier.paused_cases))

    recovered = sum(s.recovered.minor_units for s in summary.collection.strategies)
    at_opening = sum(s.overdue_at_opening.minor_units for s in summary.collection.strategies)
    refused = sum(s.refused_contacts for s in summary.collection.strategies)
    cases = sum(s.cases for s in summary.collection.strategies)
    work = Table(title=f"Collection {summary.first_date} .. {summary.today}")
    work.add_column("figure")
    work.add_column("value", justify="right")
    work.add_row("cases worked", str(cases))
    work.add_row("overdue at opening (yuan)", yuan(_cny(at_opening)))
    work.add_row("recovered (yuan)", yuan(_cny(recovered)))
    work.add_row("recovery rate",
                 f"{Decimal(recovered) / Decimal(at_opening) * 100:.1f}%" if at_opening else "-")
    work.add_row("contacts refused by the gate", str(refused))
    for s in summary.collection.strategies:
        work.add_row(f"kept-promise rate ({s.strategy_label})", _pct(s.kept_promise_rate.value))
    if not summary.reused_existing:
        reasons = ", ".join(f"{k.lower()} {v}" for k, v in c.refusal_reasons.most_common())
        work.add_row("today: calls checked / refused", f"{c.contact_checks} / "
                     f"{c.contacts_refused}" + (f" ({reasons})" if reasons else ""))
        work.add_row("today: promises / paid at once", f"{c.promises} / {c.promises_paid_now}")

    plans = Table(title="Restructuring plans")
    plans.add_column("state")
    plans.add_column("plans", justify="right")
    for state, count in sorted(summary.plans_by_state().items()):
        plans.add_row(state, str(count))
    if c.plan_errors:
        plans.add_row("not reaching approval", ", ".join(
            f"{k} {v}" for k, v in c.plan_errors.most_common()))

    from rich.columns import Columns

    console.print(Columns([buckets, rolls]))
    console.print(Columns([tiers, work, plans]))
    for path in summary.charts:
        console.print(f"chart: {path}", markup=False, highlight=False, soft_wrap=True)
    console.print("Promises due later and restructured schedules keep running: they are kept "
                  "or broken on their dates while the suite stays up.", markup=False)


async def run_demo(endpoints: Endpoints, keys_dir: Path, *, borrowers: int = DEFAULT_BORROWERS,
                   days: int = DEFAULT_DAYS, seed: int = 7, concurrency: int = 16,
                   out_dir: Path, console: Console | None = None) -> DemoSummary:
    """Build the demo portfolio through the running suite and return the summary (printed and
    charted by the caller with :func:`render_summary`)."""
    demo = Demo(endpoints, keys_dir, borrowers=borrowers, days=days, seed=seed,
                concurrency=concurrency, out_dir=out_dir, console=console)
    return await demo.run()


def endpoints_of(suite: Any) -> Endpoints:
    """The service addresses of a running ``postloan_runtime.suite.Suite``."""
    s = suite.services
    return Endpoints(credit_inquiry=s["credit_inquiry"].address,
                     monitoring=s["monitoring"].address,
                     collection=s["collection"].address,
                     restructuring=s["restructuring"].address)


async def run_in_suite(suite: Any, borrowers: int, stop: asyncio.Event,
                       console: Console) -> DemoSummary | None:
    """``postloan run``'s demo: build the portfolio in the suite just started, print the
    summary. Ctrl-C stops it (the suite then stops too); a failure is reported and the suite
    stays up for exploration."""
    import os
    import traceback

    days = int(os.environ.get("POSTLOAN_DEMO_DAYS", DEFAULT_DAYS))
    if days <= 0:
        console.print("POSTLOAN_DEMO_DAYS is 0: no demo portfolio.", markup=False)
        return None
    log = suite.state_dir / "logs" / "demo.log"
    console.print(f"\nBuilding the demo portfolio: {borrowers} synthetic borrowers, {days} "
                  "business days (--no-demo or POSTLOAN_DEMO=0 skips it; Ctrl-C stops).",
                  markup=False)
    task = asyncio.ensure_future(run_demo(
        endpoints_of(suite), suite.keys_dir, borrowers=borrowers, days=days,
        out_dir=suite.state_dir / "reports" / "demo", console=console))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        console.print("demo stopped.", markup=False)
        return None
    error = task.exception()
    if error is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(error)))
        detail = str(error).splitlines()[0] if str(error) else ""
        if isinstance(error, grpc.aio.AioRpcError):
            from postloan_runtime.grpc_errors import decode_error

            decoded = decode_error(error)
            detail = f"{error.code().name} {decoded.reason} {decoded.message}".strip()
        console.print(f"[red bold]The demo failed[/red bold]: {type(error).__name__}: "
                      f"{detail}", highlight=False)
        console.print(f"Traceback in {log}; the suite stays up for exploration.",
                      markup=False)
        return None
    summary = task.result()
    render_summary(summary, Console())
    console.print("The suite stays up for exploration. Ctrl-C stops it.", markup=False)
    return summary


# --- CLI ------------------------------------------------------------------------------------


def demo_command(
    borrowers: int = DEFAULT_BORROWERS, days: int = DEFAULT_DAYS, seed: int = 7,
    concurrency: int = 16, out_dir: Path | None = None, keys_dir: Path | None = None,
) -> None:
    """Build a synthetic demo portfolio in the running suite (see the module docstring)."""
    import os

    import typer

    from postloan_runtime.config import peer_address

    state = Path(os.environ.get("POSTLOAN_STATE_DIR", ".postloan"))
    console = Console(stderr=True)
    endpoints = Endpoints(*(peer_address(k) for k in
                            ("credit_inquiry", "monitoring", "collection", "restructuring")))
    summary = asyncio.run(run_demo(
        endpoints, keys_dir or state / "keys", borrowers=borrowers, days=days, seed=seed,
        concurrency=concurrency, out_dir=out_dir or state / "reports" / "demo", console=console))
    render_summary(summary, Console())
    raise typer.Exit(0)


def register(app: Any) -> None:
    """Add ``postloan demo`` to the CLI."""
    import typer

    def demo(
        borrowers: int = typer.Option(DEFAULT_BORROWERS, envvar="POSTLOAN_DEMO_BORROWERS",
                                      help="Synthetic borrowers (one loan each)."),
        days: int = typer.Option(DEFAULT_DAYS, envvar="POSTLOAN_DEMO_DAYS", min=1,
                                 help="Business days of history, ending yesterday."),
        seed: int = typer.Option(7, help="Seed of the synthetic population."),
        concurrency: int = typer.Option(16, help="Calls in flight at most."),
        out_dir: Path = typer.Option(None, help="Folder for the charts "
                                                "(default: <state>/reports/demo)."),
        keys_dir: Path = typer.Option(None, help="Keys folder to mint tokens "
                                                 "(default: <state>/keys)."),
    ) -> None:
        """Build a synthetic demo portfolio in the running suite, print a summary, write
        charts."""
        demo_command(borrowers, days, seed, concurrency, out_dir, keys_dir)

    app.command("demo")(demo)
