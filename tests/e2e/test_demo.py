"""``postloan demo`` at a tiny size against the running suite: the portfolio is built through the
services' APIs on the suite's clock moved day by day (promises break, plans break, collection
reopens and escalates), the summary shows exactly what the services' RPCs answer, the charts are
PNGs, and the suite is back on real time afterwards."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import grpc
import pytest
from rich.console import Console

from postloan.collection.v1 import collection_pb2 as co
from postloan.collection.v1 import collection_pb2_grpc as co_grpc
from postloan.collection.v1 import resources_pb2 as cor
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2 as mo
from postloan.monitoring.v1 import monitoring_pb2_grpc as mo_grpc
from postloan.restructuring.v1 import resources_pb2 as rer
from postloan.restructuring.v1 import restructuring_pb2_grpc as re_grpc
from postloan_runtime.cli_reports import fetch_portfolio
from postloan_runtime.clock import ClockOffsetFile
from postloan_runtime.demo import (
    count_promises,
    endpoints_of,
    list_plans,
    make_borrowers,
    render_summary,
    run_demo,
)
from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.e2e

SEED = 11  # 12 borrowers with this seed: on time, late, stopped and never paying, one declined
# Long enough for a plan requested early in the history to pass the 30-day breach threshold.
DAYS = 80
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _d(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


def _date(message: money_pb2.Date) -> dt.date:
    return dt.date(message.year, message.month, message.day)


async def test_demo_summary_shows_what_the_services_answer(suite: Suite, tmp_path: Path) -> None:
    people = make_borrowers(12, SEED)
    assert {"on_time", "late", "stopper", "never"} <= {b.profile for b in people}

    summary = await run_demo(endpoints_of(suite), suite.keys_dir,
                             clock_file=suite.clock_offset_file, borrowers=12, days=DAYS,
                             seed=SEED, out_dir=tmp_path / "charts",
                             console=Console(file=io.StringIO()))
    # The services are back on real time.
    assert ClockOffsetFile(suite.clock_offset_file).offset() == dt.timedelta(0)

    counts = summary.counts
    assert not summary.reused_existing
    assert counts.borrowers == 12 and counts.declined == 1  # one ID number has no bureau file
    assert set(counts.loans_by_method) == {"CASH-12M", "BIZ-12M", "CARD-6M"}
    assert counts.daily_cycles >= DAYS and counts.repayments > 20
    assert summary.last_date < summary.today
    assert {"setup", "repayments", "daily cycles", "collection", "restructuring",
            "summary"} <= set(counts.phase_seconds)

    # Promises made on the replayed days: some kept, some broken on their simulated dates;
    # plans activated, and one whose borrower stopped paying broken by the breach threshold.
    assert counts.promises_left_unpaid >= 1 and counts.plans_left_unpaid >= 1
    assert summary.promises_by_state["KEPT"] >= 1, summary.promises_by_state
    assert summary.promises_by_state["BROKEN"] >= 1, summary.promises_by_state
    by_state = summary.plans_by_state()
    assert by_state["BROKEN"] >= 1, by_state
    assert by_state["ACTIVE"] + by_state["COMPLETED"] >= 1, by_state

    metadata = bearer(token_for(suite.keys_dir, ["risk_manager"], subject="demo-test"))
    supervisor = bearer(token_for(suite.keys_dir, ["collection_supervisor"], subject="demo-test"))
    services = suite.services
    async with grpc.aio.insecure_channel(services["monitoring"].address) as mo_ch, \
            grpc.aio.insecure_channel(services["collection"].address) as co_ch, \
            grpc.aio.insecure_channel(services["restructuring"].address) as re_ch:
        again = await fetch_portfolio(
            mo_ch, metadata, as_of=summary.last_date, from_month=summary.portfolio.from_month,
            vintages_back=12, threshold=30)
        assert again.buckets == summary.portfolio.buckets
        assert again.npl == summary.portfolio.npl
        assert again.roll_rates == summary.portfolio.roll_rates
        assert again.vintages == summary.portfolio.vintages
        figures = await co_grpc.CollectionReportServiceStub(co_ch).GetCollectionFigures(
            co.GetCollectionFiguresRequest(from_date=_d(summary.first_date),
                                           to_date=_d(summary.today)), metadata=supervisor)
        assert figures == summary.collection
        plans = await list_plans(re_grpc.PlanServiceStub(re_ch), metadata)
        assert [(p.plan_id, p.state) for p in plans] == [
            (p.plan_id, p.state) for p in summary.plans]
        assert await count_promises(co_grpc.PromiseServiceStub(co_ch), supervisor) == \
            summary.promises_by_state
        # A broken plan reopened its case in collection and escalated it, as of the day the
        # plan broke (collection reads restructuring's PlanBroken from its feed: allow it the
        # time to catch up). What follows may differ: the borrower may cure and the case close.
        broken = [p for p in plans if p.state == rer.PLAN_STATE_BROKEN]
        case_service = co_grpc.CaseServiceStub(co_ch)
        for _ in range(60):
            history = []
            cases = await case_service.ListCases(
                co.ListCasesRequest(borrower_id=broken[0].borrower_id), metadata=supervisor)
            for case in cases.cases:
                history += (await case_service.ListCaseHistory(co.ListCaseHistoryRequest(
                    case_id=case.case_id, page_size=200), metadata=supervisor)).entries
            plan_break = [(e.kind, _date(e.business_date)) for e in history
                          if broken[0].plan_id in (e.plan_id, e.reason.partition(":")[2])
                          and e.kind in (cor.CASE_EVENT_KIND_REOPENED,
                                         cor.CASE_EVENT_KIND_ESCALATED)]
            if len(plan_break) == 2:
                break
            await asyncio.sleep(1.0)
        assert sorted(plan_break) == [(cor.CASE_EVENT_KIND_REOPENED, plan_break[0][1]),
                                      (cor.CASE_EVENT_KIND_ESCALATED, plan_break[0][1])], history
        assert summary.first_date < plan_break[0][1] <= summary.last_date
        loans = await mo_grpc.LoanServiceStub(mo_ch).ListLoans(
            mo.ListLoansRequest(page_size=100), metadata=metadata)

    # The portfolio the services hold is the demo's: every registered loan counted, some
    # delinquent (the stoppers and non-payers), and collection opened cases for them.
    demo_loans = [loan for loan in loans.loans if loan.borrower_id.startswith(f"DEMO{SEED}-")]
    assert len(demo_loans) == 11
    delinquent = [loan for loan in demo_loans if loan.status.bucket != "M0"]
    assert delinquent, "the stoppers and non-payers must be behind"
    total = sum(row.loan_count for row in summary.portfolio.buckets.rows)
    assert total >= len([loan for loan in demo_loans if loan.state == 1])
    assert sum(t.open_cases + t.paused_cases for t in summary.collection.tiers) >= 1
    assert sum(s.cases for s in summary.collection.strategies) >= 1

    # What a person reads is those answers.
    console = Console(record=True, width=220, file=io.StringIO())
    render_summary(summary, console)
    text = console.export_text()
    for row in summary.portfolio.buckets.rows:
        assert f"│ {row.bucket:<6} │ {row.loan_count:>5} │" in text
    for tier in summary.collection.tiers:
        assert str(tier.open_cases) in text
    for path in summary.charts:
        assert str(path) in text
    for state, count in summary.promises_by_state.items():
        assert f"│ {state.lower():<16} │ {count:>8} │" in text, text
    for state, count in summary.plans_by_state().items():
        assert f"│ {state.lower()} " in text and f" │ {count:>5} │" in text, text

    assert len(summary.charts) == 4
    for path in summary.charts:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 1000, path


async def test_a_failing_demo_is_reported_and_leaves_the_suite_alone(
    suite: Suite, tmp_path: Path
) -> None:
    """``postloan run``'s demo step against services that do not answer: it reports the failure
    with a traceback file and returns; nothing is raised to the caller that keeps the suite up."""
    import types

    from postloan_runtime.demo import run_in_suite
    from postloan_runtime.suite import ServiceProcess, unused_port

    dead = {p: ServiceProcess(package=p, name=p, address=f"127.0.0.1:{unused_port()}",
                              database_url="")
            for p in ("credit_inquiry", "monitoring", "collection", "restructuring")}
    fake = types.SimpleNamespace(services=dead, state_dir=tmp_path, keys_dir=suite.keys_dir)
    out = io.StringIO()
    answer = await run_in_suite(fake, 5, asyncio.Event(), Console(file=out, width=200))
    assert answer is None
    assert "The demo failed" in out.getvalue() and "UNAVAILABLE" in out.getvalue()
    assert "Traceback" in (tmp_path / "logs" / "demo.log").read_text()
