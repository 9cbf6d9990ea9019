"""The bureau simulator as a real process: deterministic synthetic reports, well-formed 24-month
repayment strings, the identity rule, idempotent queries, faults set at run time, and the
shared authentication."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from simulator_procs import SimulatorProcess, auth, rpc_code

from postloan.common.v1 import money_pb2
from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc
from postloan_runtime.grpc_errors import decode_error
from postloan_simulators.bureau.resident_id import make_resident_id
from postloan_simulators.bureau.synthetic import STATUS_PATTERN

pytestmark = pytest.mark.integration

CREDIT_INQUIRY = "service:credit-inquiry"
OPERATOR = "operator"


def person(n: int) -> str:
    """A valid ID number (order code below 990: the bureau has a file)."""
    return make_resident_id("310104", dt.date(1975, 1, 1) + dt.timedelta(days=97 * n), n % 900)


def query(id_number: str, name: str = "王小明", institution: str = "PL0001") -> (
    bureau_pb2.QueryCreditReportRequest
):
    return bureau_pb2.QueryCreditReportRequest(
        request_id=str(uuid.uuid4()),
        name=name,
        resident_id_number=id_number,
        reason=bureau_pb2.BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT,
        institution_code=institution,
    )


def without_volatile(report: bureau_pb2.BureauCreditReport) -> bureau_pb2.BureauCreditReport:
    copy = bureau_pb2.BureauCreditReport()
    copy.CopyFrom(report)
    copy.ClearField("report_number")
    copy.ClearField("reported_at")
    return copy


async def fetch(
    sim: SimulatorProcess, keys_dir: Path, request: bureau_pb2.QueryCreditReportRequest
) -> bureau_pb2.QueryCreditReportResponse:
    async with grpc.aio.insecure_channel(sim.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        return await stub.QueryCreditReport(
            request, metadata=auth(keys_dir, CREDIT_INQUIRY), timeout=5
        )


async def set_faults(
    sim: SimulatorProcess, keys_dir: Path, *, latency_ms: int = 0, error_rate: str = "0",
    outage: bool = False,
) -> bureau_pb2.SetBureauFaultsResponse:
    async with grpc.aio.insecure_channel(sim.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        return await stub.SetBureauFaults(
            bureau_pb2.SetBureauFaultsRequest(
                request_id=str(uuid.uuid4()),
                latency_ms=latency_ms,
                error_rate=money_pb2.DecimalValue(value=error_rate),
                outage=outage,
                seed=7,
            ),
            metadata=auth(keys_dir, OPERATOR),
            timeout=5,
        )


async def test_same_id_gets_the_same_report_in_another_process(
    bureau, launch, keys_dir: Path
) -> None:
    report_a = (await fetch(bureau, keys_dir, query(person(1)))).report
    other = (await fetch(bureau, keys_dir, query(person(2), name="李四"))).report
    restarted = await launch("bureau")
    again = await fetch(restarted, keys_dir, query(person(1)))
    assert again.found
    assert without_volatile(again.report) == without_volatile(report_a)
    assert without_volatile(other) != without_volatile(report_a)
    assert report_a.basic_info.resident_id_number == person(1)
    assert report_a.basic_info.name == "王小明"
    assert restarted.stop() == 0  # SIGTERM: graceful exit


async def test_repayment_strings_and_summary_are_well_formed(bureau, keys_dir: Path) -> None:
    multi_lending = overdue_seen = 0
    for n in range(40):
        report = (await fetch(bureau, keys_dir, query(person(100 + n), name=f"测试{n}"))).report
        reported = report.reported_at.ToDatetime().date()
        assert report.report_number.startswith("SIM")
        worst = 0
        for account in report.credit_accounts:
            symbols = account.repayment_status_24_months
            assert STATUS_PATTERN.match(symbols), symbols
            ends = dt.date(account.status_month.year, account.status_month.month, 1)
            assert ends.day == 1 and ends <= reported
            worst = max([worst, *(int(s) for s in symbols if s.isdigit())])
            if account.status == bureau_pb2.BUREAU_ACCOUNT_STATUS_CLOSED:
                assert symbols.endswith("C") and account.balance.minor_units == 0
            if account.status == bureau_pb2.BUREAU_ACCOUNT_STATUS_OVERDUE:
                assert symbols[-1] == str(account.overdue_periods)
                overdue_seen += 1
            assert account.credit_limit_or_principal.currency_code == "CNY"
        assert report.summary.max_overdue_months == worst
        recent = [
            r for r in report.inquiry_records
            if dt.date(r.inquired_on.year, r.inquired_on.month, r.inquired_on.day)
            >= dt.date.today() - dt.timedelta(days=92)
        ]
        multi_lending += len({r.institution_name for r in recent}) >= 5
    assert overdue_seen > 0, "some synthetic people are overdue"
    assert multi_lending > 0, "some synthetic people show a multi-lending spike"


async def test_queries_are_recorded_once_and_idempotent(bureau, keys_dir: Path) -> None:
    id_number = person(300)
    request = query(id_number, institution="PL0042")
    first = await fetch(bureau, keys_dir, request)
    retry = await fetch(bureau, keys_dir, request)
    assert retry == first  # same request_id: the same answer
    later = await fetch(bureau, keys_dir, query(id_number, institution="PL0042"))
    shown = [r for r in later.report.inquiry_records if r.institution_name.endswith("PL0042")]
    assert len(shown) == 1  # billed and recorded once
    changed = bureau_pb2.QueryCreditReportRequest()
    changed.CopyFrom(request)
    changed.institution_code = "PL0043"
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await fetch(bureau, keys_dir, changed)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert decode_error(refused.value).reason == "REQUEST_ID_REUSED"


async def test_identity_rule(bureau, keys_dir: Path) -> None:
    id_number = person(400)
    no_file = make_resident_id("310104", dt.date(1990, 5, 5), 991)
    bad_check = id_number[:17] + ("0" if id_number[17] != "0" else "1")

    async with grpc.aio.insecure_channel(bureau.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        metadata = auth(keys_dir, CREDIT_INQUIRY)

        async def match(name: str, id_no: str, mobile: str) -> int:
            reply = await stub.MatchIdentity(
                bureau_pb2.MatchIdentityRequest(
                    name=name, resident_id_number=id_no, mobile_number=mobile
                ),
                metadata=metadata,
                timeout=5,
            )
            assert reply.bureau_reference.startswith("SIMM")
            return reply.outcome

        assert await match("赵敏", id_number, "13912345678") == (
            bureau_pb2.BUREAU_IDENTITY_MATCH_MATCHED
        )
        assert await match("赵敏", id_number, "+8613912345678") == (
            bureau_pb2.BUREAU_IDENTITY_MATCH_MATCHED
        )
        assert await match("周芷若", id_number, "13912345678") == (
            bureau_pb2.BUREAU_IDENTITY_MATCH_NAME_MISMATCH
        )
        assert await match("赵敏", id_number, "13700000000") == (
            bureau_pb2.BUREAU_IDENTITY_MATCH_MOBILE_MISMATCH
        )
        assert await match("赵敏", no_file, "13912345678") == (
            bureau_pb2.BUREAU_IDENTITY_MATCH_NOT_FOUND
        )
        with pytest.raises(grpc.aio.AioRpcError) as malformed:
            await match("赵敏", bad_check, "13912345678")
        assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in decode_error(malformed.value).field_violations] == [
            "resident_id_number"
        ]

    report = await fetch(bureau, keys_dir, query(id_number, name="赵敏"))
    assert report.report.basic_info.mobile_number == "13912345678"
    assert not (await fetch(bureau, keys_dir, query(no_file, name="赵敏"))).found
    with pytest.raises(grpc.aio.AioRpcError) as mismatch:
        await fetch(bureau, keys_dir, query(id_number, name="周芷若"))
    assert mismatch.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert decode_error(mismatch.value).reason == "IDENTITY_NOT_MATCHED"


async def test_faults_set_at_run_time(bureau, keys_dir: Path) -> None:
    request = query(person(500))
    try:
        applied = await set_faults(bureau, keys_dir, outage=True)
        assert applied.outage
        with pytest.raises(grpc.aio.AioRpcError) as outage:
            await fetch(bureau, keys_dir, request)
        assert outage.value.code() == grpc.StatusCode.UNAVAILABLE
        assert decode_error(outage.value).reason == "DEPENDENCY_UNAVAILABLE"

        await set_faults(bureau, keys_dir)  # recovery
        assert (await fetch(bureau, keys_dir, request)).found

        applied = await set_faults(bureau, keys_dir, error_rate="1")
        assert applied.error_rate.value == "1"
        with pytest.raises(grpc.aio.AioRpcError) as errors:
            await fetch(bureau, keys_dir, query(person(500)))
        assert errors.value.code() == grpc.StatusCode.UNAVAILABLE

        await set_faults(bureau, keys_dir, latency_ms=1500)
        async with grpc.aio.insecure_channel(bureau.address) as channel:
            stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
            code = await rpc_code(
                stub.QueryCreditReport(
                    query(person(500)), metadata=auth(keys_dir, CREDIT_INQUIRY), timeout=0.4
                )
            )
        assert code == grpc.StatusCode.DEADLINE_EXCEEDED
    finally:
        await set_faults(bureau, keys_dir)
    assert (await fetch(bureau, keys_dir, query(person(500)))).found


async def test_timeouts_from_start_up_options(launch, keys_dir: Path) -> None:
    hanging = await launch("bureau", "--timeout-rate", "1")
    async with grpc.aio.insecure_channel(hanging.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        metadata = auth(keys_dir, CREDIT_INQUIRY)
        call = stub.QueryCreditReport(query(person(1)), metadata=metadata, timeout=0.5)
        assert await rpc_code(call) == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_callers_need_a_token_and_the_permission(bureau, keys_dir: Path) -> None:
    async with grpc.aio.insecure_channel(bureau.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        assert await rpc_code(stub.QueryCreditReport(query(person(1)), timeout=5)) == (
            grpc.StatusCode.UNAUTHENTICATED
        )
        forged = (("authorization", "Bearer not-a-token"),)
        assert await rpc_code(
            stub.QueryCreditReport(query(person(1)), metadata=forged, timeout=5)
        ) == grpc.StatusCode.UNAUTHENTICATED
        # The collection service may call the channels, not the bureau.
        assert await rpc_code(
            stub.QueryCreditReport(
                query(person(1)), metadata=auth(keys_dir, "service:collection"), timeout=5
            )
        ) == grpc.StatusCode.PERMISSION_DENIED
        # Credit inquiry may query but not set faults.
        assert await rpc_code(
            stub.SetBureauFaults(
                bureau_pb2.SetBureauFaultsRequest(request_id=str(uuid.uuid4()), outage=True),
                metadata=auth(keys_dir, CREDIT_INQUIRY),
                timeout=5,
            )
        ) == grpc.StatusCode.PERMISSION_DENIED
        health = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="postloan.simulators.v1.BureauSimulatorService"),
            timeout=5,
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
