"""DailyCycleService and ListBucketHistory through the real server: streamed progress, status,
listing, validation before any work, the `postloan daily-cycle` CLI with its progress bar."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import uuid

import grpc
import pytest
from sqlalchemy import text

from monitoring.testing.synthetic_book import generate_book
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

BOOK_DATE = dt.date(2024, 5, 30)


def pb_date(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


async def test_run_daily_cycle_streams_progress_and_is_listed(
    monitoring, monitoring_keys_dir
) -> None:
    async with monitoring.engine.begin() as conn:
        await generate_book(conn, 120, as_of=BOOK_DATE, overdue_percent=20)
    operator = bearer(token_for(monitoring_keys_dir, ["operator"]))
    async with grpc.aio.insecure_channel(monitoring.address) as channel:
        cycle = monitoring_pb2_grpc.DailyCycleServiceStub(channel)
        loans = monitoring_pb2_grpc.LoanServiceStub(channel)

        # Validation first: nothing is run or written.
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            async for _ in cycle.RunDailyCycle(
                monitoring_pb2.RunDailyCycleRequest(partition_index=3, partition_count=2),
                metadata=operator,
            ):
                pass
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        async with monitoring.engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM daily_cycle_runs")) == 0

        for offset in (0, 1):
            day = BOOK_DATE + dt.timedelta(days=offset)
            messages = [m async for m in cycle.RunDailyCycle(
                monitoring_pb2.RunDailyCycleRequest(
                    request_id=str(uuid.uuid4()), business_date=pb_date(day)),
                metadata=operator,
            )]
            assert len(messages) >= 2
            final = messages[-1].run
            assert final.state == resources_pb2.DAILY_CYCLE_RUN_STATE_COMPLETED
            assert final.last_completed_phase == resources_pb2.DAILY_CYCLE_PHASE_EVENTS
            assert messages[-1].phase_loans_done == final.loans_total > 0

        status = await cycle.GetDailyCycleStatus(
            monitoring_pb2.GetDailyCycleStatusRequest(business_date=pb_date(BOOK_DATE)),
            metadata=operator,
        )
        assert status.completed and len(status.runs) == 1
        assert status.last_completed_business_date == pb_date(BOOK_DATE + dt.timedelta(days=1))

        first = await cycle.ListDailyCycleRuns(
            monitoring_pb2.ListDailyCycleRunsRequest(page_size=1), metadata=operator)
        second = await cycle.ListDailyCycleRuns(
            monitoring_pb2.ListDailyCycleRunsRequest(
                page_size=1, page_token=first.next_page_token), metadata=operator)
        assert [r.business_date.day for r in (*first.runs, *second.runs)] == [31, 30]
        assert second.next_page_token == ""

        async with monitoring.engine.connect() as conn:
            loan_id = await conn.scalar(text(
                "SELECT loan_id FROM bucket_history ORDER BY id LIMIT 1"))
        history = await loans.ListBucketHistory(
            monitoring_pb2.ListBucketHistoryRequest(loan_id=loan_id), metadata=operator)
        assert history.entries and history.entries[0].from_bucket == "M0"
        assert history.entries[0].cause == resources_pb2.DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await loans.ListBucketHistory(
                monitoring_pb2.ListBucketHistoryRequest(loan_id="NOPE"), metadata=operator)
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


async def test_cli_runs_the_cycle_with_a_progress_bar(monitoring, monitoring_keys_dir) -> None:
    async with monitoring.engine.begin() as conn:
        await generate_book(conn, 40, as_of=BOOK_DATE)
    # The server runs in this event loop: the CLI must run beside it, not block it.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "postloan_runtime.cli", "daily-cycle",
        "--business-date", BOOK_DATE.isoformat(), "--address", monitoring.address,
        "--keys-dir", str(monitoring_keys_dir),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="120"),
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    stderr = err.decode()
    assert process.returncode == 0, stderr
    # Examined: the loans with an installment unpaid and due by D+3; the rest cannot change.
    async with monitoring.engine.connect() as conn:
        examined = await conn.scalar(text(
            "SELECT count(DISTINCT loan_id) FROM installments "
            "WHERE state <> 'PAID' AND due_date <= CAST(:d AS date) + 3"), {"d": BOOK_DATE})
    assert 0 < examined < 40
    assert f"COMPLETED: {examined} loans examined" in stderr
    assert "daily cycle 2024-05-30" in stderr


async def test_cli_without_the_issuer_key_runs_as_monitoring_itself(
    monitoring, monitoring_keys_dir, tmp_path
) -> None:
    """The daily-cycle CronJob mounts only monitoring's own keys: the CLI authenticates with
    monitoring's service identity, which may run the cycle."""
    import shutil

    pod_keys = tmp_path / "pod-keys"
    pod_keys.mkdir()
    for name in ("monitoring.pem", "trusted.jwks.json"):
        shutil.copy(monitoring_keys_dir / name, pod_keys / name)
    async with monitoring.engine.begin() as conn:
        await generate_book(conn, 10, as_of=BOOK_DATE)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "postloan_runtime.cli", "daily-cycle",
        "--business-date", BOOK_DATE.isoformat(), "--address", monitoring.address,
        "--keys-dir", str(pod_keys),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="120"),
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    stderr = err.decode()
    assert process.returncode == 0, stderr
    assert "DAILY_CYCLE_RUN_STATE_COMPLETED: " in stderr and " loans examined" in stderr
