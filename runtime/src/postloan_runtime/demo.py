"""``postloan demo``: drive a synthetic portfolio through the RUNNING suite over gRPC, as a
lending frontend and the operators would, then print a summary and write the charts.

Everything here is SYNTHETIC and deterministic for a seed: borrower ids ``DEMO<seed>-00001``,
names ``<surname>演示`` ("demo"), resident ID numbers with a valid GB 11643 check character
(region 110105, order codes that say nothing about anyone), mobiles in the 170 0000 xxxx block.

The services run on a clock the demo moves (``POSTLOAN_CLOCK_OFFSET_FILE``, which the
development suite gives every process; real time but while the demo runs): the history is
replayed day by day on its own dates, so promises lapse and plans break on their dates as they
would in production. In the order the services see it:

1. **Setup** (the day before the history): consent → identity check against the bureau
   simulator → pre-loan inquiry (about 3% of ID numbers have no bureau file: declined); collection
   gets the contact point and time zone when the borrower's first case is worked; a first empty
   daily cycle well before every loan anchors monitoring's
   business calendar; the loans disbursed before the history (one of the three repayment
   methods) and their repayments up to then.
2. **Each calendar day** of ``days`` business days ending the last business day before today,
   with the suite's clock at noon (Shanghai) that day: loans disbursed that day are registered;
   the day's repayments are posted (on time, late, stopped, never; promised payments; plan
   installments); on business days collectors call a share of the open cases through
   ``CheckContact`` → ``RecordContactAttempt`` (some refused by the gate: do-not-contact flags,
   the daily cap of connected calls, quiet hours for debtors where it is night) and record
   promises to pay, which some keep and some break; early in the history a few delinquent loans
   are restructured (request → quote → approval by the authority the quote requires →
   agreement → signature → activation, some rejected), and some of those borrowers stop paying
   the new schedule, so monitoring's cycle finds the plan beyond the breach threshold,
   restructuring breaks it and collection reopens and escalates the case; then
   ``RunDailyCycle`` on business days and month ends. Events flow to collection and
   restructuring as they would.
3. **Summary** from the services' own RPCs (PortfolioAnalyticsService, CollectionReportService,
   ListPromisesToPay, restructuring ListPlans) and the portfolio charts
   (``cli_reports.write_charts``), with where the time went per phase.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import math
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
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
from postloan_runtime.clock import CLOCK_OFFSET_FILE_NAME, BusinessCalendar, ClockOffsetFile

T = TypeVar("T")
BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()
DEFAULT_BORROWERS = 1500
DEFAULT_DAYS = 120
DEFAULT_CONCURRENCY = 24
# Loans are disbursed at most this many days before the history starts (each month of seasoning
# is one more repayment per loan to post before the history: most of the setup's time).
MAX_SEASONING_DAYS = 100

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_METHODS = (
    ("CASH-12M", mor.REPAYMENT_METHOD_EQUAL_INSTALLMENT, 12),
    ("BIZ-12M", mor.REPAYMENT_METHOD_EQUAL_PRINCIPAL, 12),
    ("CARD-6M", mor.REPAYMENT_METHOD_INTEREST_FIRST, 6),
)
# Candidate zones for debtors: the demo puts most where it is daytime now and some where it is
# night, so the gate's quiet hours refuse some calls whatever the hour of the run.
ZONES_ACROSS_OFFSETS = (
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
    zone: str = ""
    disbursed: dt.date | None = None
    # Under an activated restructuring plan: the original repayment behaviour stops and the
    # plan's schedule is paid (or, for the plan breakers, not).
    restructured: bool = False
    disputed: bool = False


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
    promises_paid_later: int = 0
    promises_left_unpaid: int = 0
    assignment_failures: int = 0
    plans_requested: int = 0
    plans_activated: int = 0
    plans_left_unpaid: int = 0
    plan_errors: Counter[str] = dataclasses.field(default_factory=Counter)
    # Wall-clock seconds per phase of the run (setup, repayments, daily cycles, collection,
    # restructuring, summary).
    phase_seconds: defaultdict[str, float] = dataclasses.field(
        default_factory=lambda: defaultdict(float))


@dataclasses.dataclass
class DemoSummary:
    """What the summary shows: the services' answers, as returned, and the demo's own counts."""

    first_date: dt.date
    last_date: dt.date
    today: dt.date
    portfolio: PortfolioFigures
    collection: co.GetCollectionFiguresResponse
    plans: list[rer.Plan]
    promises_by_state: Counter[str]
    counts: Counts
    charts: list[Path]
    elapsed_seconds: float
    reused_existing: bool = False

    def plans_by_state(self) -> Counter[str]:
        return Counter(rer.PlanState.Name(p.state).removeprefix("PLAN_STATE_")
                       for p in self.plans)


class SimulatedTime:
    """The suite's clock as the demo moves it: noon (Shanghai) of the day being replayed, real
    time again once the run ends. Only forward while the run goes on."""

    def __init__(self, offset_file: ClockOffsetFile) -> None:
        self.file = offset_file

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.file.offset()

    def move_to(self, day: dt.date, hour: int = 12) -> None:
        self.file.set_offset(_at(day, hour) - dt.datetime.now(dt.UTC))

    def reset(self) -> None:
        self.file.set_offset(dt.timedelta(0))


class Demo:
    """One demo run against a running suite."""

    def __init__(self, endpoints: Endpoints, keys_dir: Path, *, borrowers: int, days: int,
                 clock_file: Path | None, seed: int = 7,
                 concurrency: int = DEFAULT_CONCURRENCY, out_dir: Path,
                 console: Console | None = None) -> None:
        self.endpoints = endpoints
        self.keys_dir = keys_dir
        self.clock_file = clock_file
        self.size = borrowers
        self.days = days
        self.seed = seed
        self.out_dir = out_dir
        self.console = console or Console(stderr=True)
        self.gate = asyncio.Semaphore(concurrency)
        self.counts = Counts()
        self.today = dt.datetime.now(BUSINESS_ZONE).date()
        self._tokens: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        # Payments the run decided on the way (promises kept later, plan installments), by day.
        self.extra_payments: dict[dt.date, list[tuple[Borrower, int]]] = defaultdict(list)
        self.next_call: dict[str, dt.date] = {}  # case id → first day a collector calls again
        # case id → the day its last promise is kept or broken by (promised date + grace + 1):
        # the restructuring desk leaves a case alone while a promise on it runs.
        self.promise_runs_until: dict[str, dt.date] = {}

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

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Adds the wall-clock time of the block to ``counts.phase_seconds[name]``."""
        began = time.perf_counter()
        try:
            yield
        finally:
            self.counts.phase_seconds[name] += round(time.perf_counter() - began, 3)

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
            self.agents = co_grpc.AgentServiceStub(co_ch)
            self.assignment = co_grpc.AssignmentServiceStub(co_ch)
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
                if self.clock_file is None or not self.clock_file.exists():
                    raise DemoError(
                        "the demo replays past days on the suite's clock: run it against a "
                        "suite started by `postloan run` (its state folder holds clock-offset)")
                self.time = SimulatedTime(ClockOffsetFile(self.clock_file))
                try:
                    await self._build()
                finally:
                    self.time.reset()
            with self.phase("summary"):
                summary = await self._summary(mo_ch, reused)
        summary.elapsed_seconds = time.perf_counter() - began
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

    async def _build(self) -> None:
        people = make_borrowers(self.size, self.seed)
        self.counts.borrowers = len(people)
        first, last = self.dates[0], self.dates[-1]
        cycle_days = self._cycle_days()
        # Restructuring requests are taken early in the history, so that a plan whose borrower
        # stops paying passes the breach threshold before the history ends.
        self.plan_days = self.dates[len(self.dates) // 10: max(len(self.dates) * 2 // 5, 2)]
        self.plans_wanted = max(3, self.size // 25)
        self.plans_rng = random.Random(f"postloan-demo|{self.seed}|plans")
        with Progress(TextColumn("[bold]{task.description:<40}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                      transient=False) as progress, self.phase("setup"):
            self.time.move_to(first - dt.timedelta(days=1))
            task = progress.add_task("onboarding borrowers", total=len(people))
            self._zones = self._pick_zones(_at(first, 12))
            await self.gather([self._onboard(b) for b in people], progress, task)
            self.active = [b for b in people if not b.declined]
            self.by_borrower = {b.borrower_id: b for b in self.active}
            self.counts.declined = len(people) - len(self.active)

            # The first business date is free; a cycle before the earliest disbursement
            # anchors the business calendar so that the postings before the history are
            # evaluated as of their own dates.
            await self._run_cycle(self._anchor(), count=False)
            await self._staff_collection()

            for b in self.active:
                b.disbursed = self._disbursement(b, first)
            seasoned = [b for b in self.active if b.disbursed is not None and b.disbursed < first]
            task = progress.add_task("registering seasoned loans", total=len(seasoned))
            await self.gather([self._register(b) for b in seasoned], progress, task)
            self.schedule: dict[dt.date, list[tuple[Borrower, Any]]] = defaultdict(list)
            for b in seasoned:
                self._plan_payments(b, first, last)
            # Before the history no cycle runs between the days (each posting is evaluated as
            # of its own date): loans go concurrently, each loan's payments in date order.
            by_loan: dict[str, list[tuple[Borrower, dt.date, Any]]] = defaultdict(list)
            for day in sorted(d for d in self.schedule if d < first):
                for b, kind in self.schedule.pop(day):
                    by_loan[b.loan_id].append((b, day, kind))
            task = progress.add_task("repayments before the history",
                                     total=sum(len(p) for p in by_loan.values()))

            async def pay_in_order(payments: list[tuple[Borrower, dt.date, Any]]) -> None:
                for b, day, kind in payments:
                    await self._pay(b, day, kind)
                    progress.advance(task)

            await self.gather([pay_in_order(p) for p in by_loan.values()])

        with Progress(TextColumn("[bold]{task.description:<40}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                      transient=False) as progress:
            task = progress.add_task(f"{len(self.dates)} business days ({first}..{last})",
                                     total=(last - first).days + 1)
            day = first
            while day <= last:
                progress.update(task, description=f"{len(self.dates)} business days: {day}")
                await self._replay(day, day in cycle_days)
                progress.advance(task)
                day += dt.timedelta(days=1)

            task = progress.add_task("collection catching up (events)", total=None)
            with self.phase("collection"):
                await self._wait_for_cases(self.active)
            progress.update(task, total=1, completed=1)

    async def _replay(self, day: dt.date, cycle: bool) -> None:
        """One calendar day on the suite's clock: loans disbursed, repayments, collectors'
        calls and restructurings on business days, then the daily cycle."""
        self.time.move_to(day)
        business_day = CALENDAR.is_business_day(day)

        async def repayments() -> None:
            with self.phase("repayments"):
                new = [b for b in self.active if b.disbursed == day]
                await self.gather([self._register(b) for b in new])
                for b in new:
                    self._plan_payments(b, self.dates[0], self.dates[-1])
                due = [(b, kind) for b, kind in self.schedule.pop(day, [])
                       if not b.restructured]
                due += self.extra_payments.pop(day, [])
                await self.gather([self._pay(b, day, kind) for b, kind in due])

        async def restructuring(open_cases: list[cor.Case]) -> None:
            if day in self.plan_days:
                with self.phase("restructuring"):
                    await self._restructure_some(day, open_cases)

        async def collectors(called: list[cor.Case]) -> None:
            with self.phase("collection"):
                await self.gather([self._work_case(c, self.by_borrower[c.borrower_id], day)
                                   for c in called])

        async def collection() -> None:
            with self.phase("collection"):
                await self._assign_open_cases()
                open_cases = await self._list_cases([cor.CASE_STATE_OPEN])
            called = self._cases_to_call(day, open_cases)
            ids = {c.case_id for c in called}
            await asyncio.gather(collectors(called), restructuring(
                [c for c in open_cases if c.case_id not in ids]))

        # The day's payments, the collectors' calls and the restructuring desk do not wait for
        # each other (as at a lender); each phase's time counts while it runs, so they overlap
        # in the figures. The daily cycle runs once all are done.
        if business_day:
            await asyncio.gather(repayments(), collection())
        else:
            await repayments()
        if cycle:
            with self.phase("daily cycles"):
                await self._run_cycle(day)

    # onboarding ------------------------------------------------------------------------------

    @staticmethod
    def _pick_zones(now: dt.datetime) -> tuple[list[str], list[str]]:
        """Zones where it is office time at ``now`` (the hour of the replayed days), and zones
        where it is night."""
        hours = {z: now.astimezone(ZoneInfo(z)).hour for z in ZONES_ACROSS_OFFSETS}
        day = [z for z, hour in hours.items() if 9 <= hour <= 18]
        night = [z for z, hour in hours.items() if hour in (23, 0, 1, 2, 3, 4, 5)]
        return day or ["Asia/Shanghai"], night

    async def _onboard(self, b: Borrower) -> None:
        fe = self.as_("lending_frontend", "demo-frontend")
        now = self.time.now().replace(microsecond=0)
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
        day_zones, night_zones = self._zones
        b.night_zone = bool(night_zones) and b.rng.random() < 0.12
        b.zone = b.rng.choice(night_zones if b.night_zone else day_zones)

    async def _hand_over_contact_point(self, b: Borrower) -> None:
        """The frontend gives collection the debtor's mobile and time zone when the first case
        opens (not at onboarding: most borrowers never need collection's contact data)."""
        fe = self.as_("lending_frontend", "demo-frontend")
        point = (await self.call(self.debtors.RegisterContactPoint, co.RegisterContactPointRequest(
            request_id=_rid(), borrower_id=b.borrower_id, party=cor.CONTACT_PARTY_DEBTOR,
            kind=cor.CONTACT_POINT_KIND_PHONE, value=b.mobile), fe)).contact_point
        await self.call(self.debtors.UpdateDebtorProfile, co.UpdateDebtorProfileRequest(
            request_id=_rid(), borrower_id=b.borrower_id, time_zone=b.zone,
            jurisdiction_code="CN"), fe)
        b.contact_point_id = point.contact_point_id

    def _disbursement(self, b: Borrower, first: dt.date) -> dt.date:
        """The loan's disbursement date: seasoned (before the history) or a recent vintage,
        registered on that day."""
        rng = b.rng
        if b.profile == "never":  # first-payment default: disbursed shortly before/in the window
            disbursed = first + dt.timedelta(days=rng.randrange(-25, 40))
        elif rng.random() < 0.25:  # a recent vintage
            disbursed = first + dt.timedelta(days=rng.randrange(0, 60))
        else:
            disbursed = first - dt.timedelta(days=rng.randrange(1, MAX_SEASONING_DAYS))
        return min(disbursed, self.dates[-1])

    async def _register(self, b: Borrower) -> None:
        rng = b.rng
        product, method, term = _METHODS[b.index % 3]
        disbursed = b.disbursed
        assert disbursed is not None
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

    def _plan_payments(self, b: Borrower, first: dt.date, last: dt.date) -> None:
        """Adds the borrower's repayments of the run to ``self.schedule`` by calendar date:
        ``(borrower, amount_fen)`` for an installment paid as scheduled, ``(borrower,
        "overdue")`` for a payment of everything overdue (a late payer catching up)."""
        plan = self.schedule
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

    async def _staff_collection(self) -> None:
        """Eight in-house agents working every tier, and the open cases assigned to them (the
        gate lets only a case's assignee call on it)."""
        supervisor = self.as_("collection_supervisor")
        tiers = [cor.CASE_TIER_EARLY, cor.CASE_TIER_MIDDLE, cor.CASE_TIER_LATE,
                 cor.CASE_TIER_WRITE_OFF]
        for n in range(1, 9):
            try:
                await self.call(self.agents.CreateAgent, co.CreateAgentRequest(
                    request_id=_rid(), agent=cor.Agent(
                        agent_id=f"demo-agent-{n}", display_name=f"Demo agent {n}",
                        tiers=tiers, capacity=max(50, self.size), active=True)), supervisor)
            except grpc.aio.AioRpcError as error:
                from postloan_runtime.grpc_errors import decode_error

                if decode_error(error).reason != "AGENT_ID_CONFLICT":  # kept from a past run
                    raise
        await self._assign_open_cases()

    async def _assign_open_cases(self) -> None:
        """The supervisor assigns the cases opened since (set-based, with continuity). A failed
        run is counted and left to the next business day, as a supervisor would."""
        try:
            await self.call(self.assignment.AssignCases, co.AssignCasesRequest(
                request_id=_rid(), tiers=[cor.CASE_TIER_EARLY, cor.CASE_TIER_MIDDLE,
                                          cor.CASE_TIER_LATE, cor.CASE_TIER_WRITE_OFF]),
                self.as_("collection_supervisor"))
        except grpc.aio.AioRpcError as error:
            # Seen: INTERNAL from a PostgreSQL deadlock between AssignCases and collection's
            # event consumers under load.
            if error.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.ABORTED):
                raise
            self.counts.assignment_failures += 1

    def _cases_to_call(self, day: dt.date, open_cases: list[cor.Case]) -> list[cor.Case]:
        """The day's calls: the collectors' capacity (a case per 100 borrowers a day)
        spent on the open cases not called in the last week nor waiting on a promise."""
        waiting = [c for c in open_cases if c.borrower_id in self.by_borrower
                   and self.next_call.get(c.case_id, day) <= day]
        rng = random.Random(f"postloan-demo|{self.seed}|calls|{day}")
        rng.shuffle(waiting)
        today = waiting[: max(3, self.size // 100)]
        for case in today:
            self.next_call[case.case_id] = day + dt.timedelta(days=7)
        return today

    async def _work_case(self, case: cor.Case, b: Borrower, day: dt.date) -> None:
        """One case's calls through the gate on ``day``; a promise on a right-party contact,
        kept by a payment for most, broken by the others."""
        rng = random.Random(f"{case.case_id}|{self.seed}|{day}")
        collector = self.as_("collector", case.agent_id or "demo-agent-1")  # the assignee
        if not b.contact_point_id:
            await self._hand_over_contact_point(b)
        if not b.disputed and rng.random() < 0.04:  # the borrower disputes: do not contact
            b.disputed = True
            await self.call(self.debtors.SetDoNotContactFlag, co.SetDoNotContactFlagRequest(
                request_id=_rid(), borrower_id=b.borrower_id,
                reason=cor.DO_NOT_CONTACT_REASON_DISPUTE_PENDING, note="demo: dispute pending"),
                self.as_("lending_frontend", "demo-frontend"))
        calls = 4 if rng.random() < 0.1 else 1  # a persistent agent runs into the daily cap
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
            started = self.time.now().replace(microsecond=0) - dt.timedelta(minutes=3)
            record = co.RecordContactAttemptRequest(
                request_id=_rid(), check_id=check.check_id, outcome=outcome,
                connected=connected, note="demo call")
            record.started_at.FromDatetime(started)
            record.ended_at.FromDatetime(started + dt.timedelta(minutes=2))
            attempt_id = (await self.call(self.contacts.RecordContactAttempt, record,
                                          collector)).attempt.attempt_id
            self.counts.contact_attempts += 1
            if outcome == cor.CONTACT_OUTCOME_PROMISE_TO_PAY:
                await self._promise(case, b, day, attempt_id, collector, rng)

    async def _promise(self, case: cor.Case, b: Borrower, day: dt.date, attempt_id: str,
                       collector: tuple[tuple[str, str], ...], rng: random.Random) -> None:
        """A promise of the overdue amount: paid at once (30%), paid by the promised date
        (35%), or not paid (35%: collection breaks it once the date plus grace has passed)."""
        overdue = sum(loan.overdue_amount.minor_units for loan in case.loans
                      if loan.loan_id == b.loan_id)
        if overdue <= 0:
            return
        roll = rng.random()
        promised = day if roll < 0.3 else day + dt.timedelta(days=rng.randrange(3, 10))
        grace = 2
        try:
            await self.call(self.promises.RecordPromiseToPay, co.RecordPromiseToPayRequest(
                request_id=_rid(), case_id=case.case_id, loan_id=b.loan_id,
                amount=_cny(overdue), promised_date=_d(promised), grace_days=grace,
                contact_attempt_id=attempt_id), collector)
        except grpc.aio.AioRpcError as error:
            from postloan_runtime.grpc_errors import decode_error

            # The last promise lapsed but collection has not broken it yet (it does on the
            # next monitoring event past its date), or a payment posted meanwhile cured the
            # case: the collector notes the call only.
            if decode_error(error).reason not in ("OPEN_PROMISE_EXISTS", "CASE_NOT_OPEN"):
                raise
            return
        self.counts.promises += 1
        # The collector calls again once the promise is kept or broken.
        self.next_call[case.case_id] = promised + dt.timedelta(days=grace + 1)
        self.promise_runs_until[case.case_id] = self.next_call[case.case_id]
        if roll < 0.3:
            now = self.time.now().replace(microsecond=0) - dt.timedelta(seconds=30)
            if await self._pay(b, day, overdue, paid_at=now):
                self.counts.promises_paid_now += 1
        elif roll < 0.65:
            paid_on = day + dt.timedelta(days=rng.randrange(1, (promised - day).days + 1))
            if paid_on <= self.dates[-1]:
                self.extra_payments[paid_on].append((b, overdue))
                self.counts.promises_paid_later += 1
        else:
            self.counts.promises_left_unpaid += 1

    # restructuring ---------------------------------------------------------------------------

    async def _restructure_some(self, day: dt.date, open_cases: list[cor.Case]) -> None:
        """The day's share of the restructuring requests, among delinquent open cases; of the
        plans activated, every third borrower stops paying (the plan breaks on the breach
        threshold), the others pay the new schedule on time."""
        remaining = self.plans_wanted - self.counts.plans_requested
        days_left = len([d for d in self.plan_days if d >= day])
        # Not while a promise to pay runs on the case: a plan would pause the case and cancel
        # the promise before it is kept or broken.
        candidates = [c for c in open_cases
                      if c.borrower_id in self.by_borrower and c.days_past_due >= 1
                      and self.promise_runs_until.get(c.case_id, day) <= day
                      and not self.by_borrower[c.borrower_id].restructured
                      and any(loan.loan_id == self.by_borrower[c.borrower_id].loan_id
                              for loan in c.loans)]
        chosen = self.plans_rng.sample(
            candidates, min(len(candidates), math.ceil(remaining / max(days_left, 1))))
        first_n = self.counts.plans_requested
        activated = await self.gather([
            self._restructure(c, self.by_borrower[c.borrower_id], first_n + i)
            for i, c in enumerate(chosen)])
        for case, active in zip(chosen, activated, strict=True):
            if not active:
                continue
            b = self.by_borrower[case.borrower_id]
            b.restructured = True
            breaker = self.counts.plans_activated % 3 == 0
            self.counts.plans_activated += 1
            if breaker:
                self.counts.plans_left_unpaid += 1
            else:
                await self._pay_plan_schedule(b, day)

    async def _pay_plan_schedule(self, b: Borrower, day: dt.date) -> None:
        """Schedules on-time payments of the plan's installments (the loan's current schedule
        version) due after ``day`` and within the history."""
        schedule = (await self.call(self.loans.GetLoanSchedule, mo.GetLoanScheduleRequest(
            loan_id=b.loan_id), self.as_("lending_frontend", "demo-frontend"))).installments
        current = max((i.schedule_version for i in schedule), default=0)
        rng = random.Random(f"{b.borrower_id}|plan")
        for item in schedule:
            due = _date(item.due_date)
            if item.schedule_version != current or due <= day:
                continue
            paid_on = max(due - dt.timedelta(days=rng.randrange(0, 3)),
                          day + dt.timedelta(days=1))
            if paid_on <= self.dates[-1]:
                self.extra_payments[paid_on].append(
                    (b, item.principal_due.minor_units + item.interest_due.minor_units
                     + item.penalty_due.minor_units))

    async def _restructure(self, case: cor.Case, b: Borrower, n: int) -> bool:
        """One request through to activation (or rejection); True when the plan is ACTIVE."""
        maker = self.as_("collector", "demo-agent-plans")
        loan_id = b.loan_id
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
                return False
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
                return False
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
                self.time.now().replace(microsecond=0) - dt.timedelta(minutes=1))
            await self.call(self.plans.RecordSignature, signature,
                            self.as_("lending_frontend", "demo-frontend"))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status = await self.call(self.plans.GetActivationStatus,
                                         re_pb.GetActivationStatusRequest(plan_id=plan.plan_id),
                                         maker)
                if status.state != rer.PLAN_STATE_ACTIVATING:
                    return status.state == rer.PLAN_STATE_ACTIVE
                await asyncio.sleep(0.2)
            self.counts.plan_errors["still activating"] += 1
        except grpc.aio.AioRpcError as error:
            from postloan_runtime.grpc_errors import decode_error

            detail = decode_error(error)
            self.counts.plan_errors[detail.reason or error.code().name] += 1
        return False

    # summary ---------------------------------------------------------------------------------

    async def _summary(self, mo_ch: grpc.aio.Channel, reused: bool) -> DemoSummary:
        last = self.dates[-1]
        # Roll rates between the last two month ends the history covers (the default, the
        # last two closed months, may start before the history).
        months = sorted({d.replace(day=1) for d in self._cycle_days() if _month_end(d)})
        portfolio = await fetch_portfolio(mo_ch, self.as_("risk_manager"), as_of=last,
                                          from_month=months[-2] if len(months) > 1 else None,
                                          vintages_back=12, threshold=30)
        # The last days' events (payments, plan breaks) reach collection and restructuring
        # asynchronously: read their figures once they stop moving.
        request = co.GetCollectionFiguresRequest(from_date=_d(self.dates[0]),
                                                 to_date=_d(self.today))
        supervisor = self.as_("collection_supervisor")
        seen: tuple[Any, ...] | None = None
        for _ in range(30):
            answer = (await self.call(self.figures.GetCollectionFigures, request, supervisor),
                      await list_plans(self.plans, self.as_("risk_manager")),
                      await count_promises(self.promises, supervisor))
            if answer == seen:
                break
            seen = answer
            await asyncio.sleep(1.0)
        assert seen is not None
        collection, plans, promises = seen
        charts = write_charts(portfolio, self.out_dir)
        return DemoSummary(first_date=self.dates[0], last_date=last, today=self.today,
                           portfolio=portfolio, collection=collection, plans=plans,
                           promises_by_state=promises, counts=self.counts, charts=charts,
                           elapsed_seconds=0.0, reused_existing=reused)


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


async def count_promises(stub: co_grpc.PromiseServiceStub,
                         metadata: tuple[tuple[str, str], ...]) -> Counter[str]:
    """Promises to pay by state (``KEPT``, ``BROKEN``, ``OPEN``, ``CANCELLED``; ListPromisesToPay,
    all pages)."""
    states: Counter[str] = Counter()
    token = ""
    while True:
        page = await stub.ListPromisesToPay(co.ListPromisesToPayRequest(
            page_size=500, page_token=token), metadata=metadata, timeout=60)
        states.update(cor.PromiseState.Name(p.state).removeprefix("PROMISE_STATE_")
                      for p in page.promises)
        token = page.next_page_token
        if not token:
            return states


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
            f"in {summary.elapsed_seconds:.0f} s ("
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in c.phase_seconds.items())
            + ").", markup=False, highlight=False)

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
        work.add_row("calls checked / refused by the gate", f"{c.contact_checks} / "
                     f"{c.contacts_refused}" + (f" ({reasons})" if reasons else ""))
        if c.assignment_failures:
            work.add_row("assignment runs failed (next day's run assigns)",
                         str(c.assignment_failures))

    promised = summary.promises_by_state
    promises = Table(title="Promises to pay")
    promises.add_column("state")
    promises.add_column("promises", justify="right")
    for state in ("KEPT", "BROKEN", "OPEN", "CANCELLED"):
        promises.add_row(state.lower(), str(promised.get(state, 0)))
    resolved = promised.get("KEPT", 0) + promised.get("BROKEN", 0)
    promises.add_row("kept of resolved",
                     f"{Decimal(promised.get('KEPT', 0)) / resolved * 100:.1f}%"
                     if resolved else "-")

    plans = Table(title="Restructuring plans")
    plans.add_column("state")
    plans.add_column("plans", justify="right")
    for state, count in sorted(summary.plans_by_state().items()):
        plans.add_row(state.lower(), str(count))
    if c.plan_errors:
        plans.add_row("not reaching approval", ", ".join(
            f"{k} {v}" for k, v in c.plan_errors.most_common()))

    from rich.columns import Columns

    console.print(Columns([buckets, rolls]))
    console.print(Columns([tiers, work, promises, plans]))
    for path in summary.charts:
        console.print(f"chart: {path}", markup=False, highlight=False, soft_wrap=True)
    console.print("Open promises and active plans go on: kept or broken on their dates while "
                  "the suite stays up.", markup=False)


async def run_demo(endpoints: Endpoints, keys_dir: Path, *, clock_file: Path | None,
                   borrowers: int = DEFAULT_BORROWERS, days: int = DEFAULT_DAYS, seed: int = 7,
                   concurrency: int = DEFAULT_CONCURRENCY, out_dir: Path,
                   console: Console | None = None) -> DemoSummary:
    """Build the demo portfolio through the running suite and return the summary (printed and
    charted by the caller with :func:`render_summary`). ``clock_file`` is the suite's
    ``ClockOffsetFile`` (``Suite.clock_offset_file``), moved while the history is replayed."""
    demo = Demo(endpoints, keys_dir, borrowers=borrowers, days=days, seed=seed,
                clock_file=clock_file, concurrency=concurrency, out_dir=out_dir,
                console=console)
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
        endpoints_of(suite), suite.keys_dir, clock_file=suite.state_dir / CLOCK_OFFSET_FILE_NAME,
        borrowers=borrowers, days=days,
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
    concurrency: int = DEFAULT_CONCURRENCY, out_dir: Path | None = None,
    keys_dir: Path | None = None,
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
        endpoints, keys_dir or state / "keys", clock_file=state / CLOCK_OFFSET_FILE_NAME,
        borrowers=borrowers, days=days, seed=seed,
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
        concurrency: int = typer.Option(DEFAULT_CONCURRENCY, help="Calls in flight at most."),
        out_dir: Path = typer.Option(None, help="Folder for the charts "
                                                "(default: <state>/reports/demo)."),
        keys_dir: Path = typer.Option(None, help="Keys folder to mint tokens "
                                                 "(default: <state>/keys)."),
    ) -> None:
        """Build a synthetic demo portfolio in the running suite, print a summary, write
        charts."""
        demo_command(borrowers, days, seed, concurrency, out_dir, keys_dir)

    app.command("demo")(demo)
