"""Revolving credit lines through a real server and PostgreSQL: registration (idempotent by
request_id and by credit_line_id, conflicts refused), reading and paging; actions (reduce
limit, freeze, unfreeze) with reason, operator and the alert that prompted them, recorded in
an append-only log (newest first, paged), each with one CreditLineActionTaken in the outbox,
idempotent by request_id; every refusal writes nothing; loans drawn from a line are checked
against what is available (limit less the outstanding principal of its active loans)."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from monitoring_harness import DISBURSED, Harness, cny, pb_date
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as m_events
from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

REDUCE = resources_pb2.CREDIT_LINE_ACTION_TYPE_REDUCE_LIMIT
FREEZE = resources_pb2.CREDIT_LINE_ACTION_TYPE_FREEZE
UNFREEZE = resources_pb2.CREDIT_LINE_ACTION_TYPE_UNFREEZE
ACTIVE = resources_pb2.CREDIT_LINE_STATE_ACTIVE
FROZEN = resources_pb2.CREDIT_LINE_STATE_FROZEN


@pytest.fixture
async def harness(monitoring_harness: Harness) -> Harness:
    return monitoring_harness


async def refused(call):
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return decode_error(error.value)


def register_request(line_id: str, borrower: str = "B-CL-1", limit: int = 1_000_000,
                     request_id: str | None = None) -> monitoring_pb2.RegisterCreditLineRequest:
    return monitoring_pb2.RegisterCreditLineRequest(
        request_id=request_id or str(uuid.uuid4()), credit_line_id=line_id,
        borrower_id=borrower, credit_limit=cny(limit))


def action_request(line_id: str, action: int, *, new_limit: int | None = None,
                   reason: str = "multi-lending signal", alert_id: str = "",
                   request_id: str | None = None) -> monitoring_pb2.TakeCreditLineActionRequest:
    request = monitoring_pb2.TakeCreditLineActionRequest(
        request_id=request_id or str(uuid.uuid4()), credit_line_id=line_id, action=action,
        reason=reason, alert_id=alert_id)
    if new_limit is not None:
        request.new_limit.CopyFrom(cny(new_limit))
    return request


async def count(harness: Harness, sql: str) -> int:
    async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(text(sql))).scalar_one())


async def written(harness: Harness) -> tuple[int, int, int, int]:
    """Lines, action rows, CreditLineActionTaken events and idempotency keys stored."""
    return (
        await count(harness, "SELECT count(*) FROM credit_lines"),
        await count(harness, "SELECT count(*) FROM credit_line_actions"),
        await count(harness, "SELECT count(*) FROM outbox WHERE event_type = "
                             "'postloan.monitoring.v1.CreditLineActionTaken'"),
        await count(harness, "SELECT count(*) FROM idempotency_keys"),
    )


async def test_register_is_idempotent_conflicts_are_refused_get_and_list_page(
    harness: Harness,
) -> None:
    lines = harness.credit_lines
    assert lines is not None
    first = register_request("CL-A")
    registered = (await lines.RegisterCreditLine(first, metadata=harness.metadata)).credit_line
    assert (registered.credit_line_id, registered.borrower_id, registered.state) == (
        "CL-A", "B-CL-1", ACTIVE)
    assert registered.credit_limit == registered.original_limit == cny(1_000_000)
    assert registered.registered_at.ToDatetime(dt.UTC) == harness.clock.now()
    # The same request again, and the same line under a new request_id: the same line.
    assert (await lines.RegisterCreditLine(first, metadata=harness.metadata)).credit_line == (
        registered)
    again = await lines.RegisterCreditLine(register_request("CL-A"), metadata=harness.metadata)
    assert again.credit_line == registered
    # The id with another borrower or limit is a conflict; the request_id with another request
    # is reuse. Neither writes anything.
    before = await written(harness)
    for request in (register_request("CL-A", borrower="B-OTHER"),
                    register_request("CL-A", limit=2_000_000)):
        error = await refused(lines.RegisterCreditLine(request, metadata=harness.metadata))
        assert (error.code, error.reason) == (
            grpc.StatusCode.FAILED_PRECONDITION, "CREDIT_LINE_ID_CONFLICT")
    error = await refused(lines.RegisterCreditLine(
        register_request("CL-Z", request_id=first.request_id), metadata=harness.metadata))
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_REUSED")
    assert await written(harness) == before

    got = await lines.GetCreditLine(
        monitoring_pb2.GetCreditLineRequest(credit_line_id="CL-A"), metadata=harness.metadata)
    assert got.credit_line == registered
    error = await refused(lines.GetCreditLine(
        monitoring_pb2.GetCreditLineRequest(credit_line_id="CL-NONE"), metadata=harness.metadata))
    assert error.code == grpc.StatusCode.NOT_FOUND

    # Five more lines (two of another borrower), one frozen; pages of two by id.
    for line_id, borrower in (("CL-B", "B-CL-1"), ("CL-C", "B-CL-2"), ("CL-D", "B-CL-1"),
                              ("CL-E", "B-CL-2"), ("CL-F", "B-CL-1")):
        await lines.RegisterCreditLine(register_request(line_id, borrower),
                                       metadata=harness.metadata)
    await lines.TakeCreditLineAction(action_request("CL-D", FREEZE), metadata=harness.metadata)
    seen: list[str] = []
    request = monitoring_pb2.ListCreditLinesRequest(borrower_id="B-CL-1", page_size=2)
    while True:
        page = await lines.ListCreditLines(request, metadata=harness.metadata)
        assert len(page.credit_lines) <= 2
        seen += [line.credit_line_id for line in page.credit_lines]
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    assert seen == ["CL-A", "CL-B", "CL-D", "CL-F"]
    frozen = await lines.ListCreditLines(
        monitoring_pb2.ListCreditLinesRequest(states=[FROZEN]), metadata=harness.metadata)
    assert [line.credit_line_id for line in frozen.credit_lines] == ["CL-D"]
    everything = await lines.ListCreditLines(
        monitoring_pb2.ListCreditLinesRequest(), metadata=harness.metadata)
    assert len(everything.credit_lines) == 6 and everything.next_page_token == ""
    # A token only continues the listing it came from.
    first_page = await lines.ListCreditLines(
        monitoring_pb2.ListCreditLinesRequest(page_size=1), metadata=harness.metadata)
    error = await refused(lines.ListCreditLines(monitoring_pb2.ListCreditLinesRequest(
        borrower_id="B-CL-2", page_token=first_page.next_page_token), metadata=harness.metadata))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and error.fields == ["page_token"]


async def test_invalid_requests_name_every_bad_field_and_write_nothing(harness: Harness) -> None:
    lines = harness.credit_lines
    assert lines is not None
    await lines.RegisterCreditLine(register_request("CL-V"), metadata=harness.metadata)
    before = await written(harness)

    error = await refused(lines.RegisterCreditLine(
        monitoring_pb2.RegisterCreditLineRequest(
            request_id="not-a-uuid", credit_line_id="bad id!", borrower_id="",
            credit_limit=cny(0)),
        metadata=harness.metadata))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.fields) == {"request_id", "credit_line_id", "borrower_id",
                                 "credit_limit.minor_units"}

    cases = [
        (monitoring_pb2.TakeCreditLineActionRequest(), {
            "request_id", "credit_line_id", "action", "reason"}),
        (action_request("CL-V", REDUCE), {"new_limit"}),
        (action_request("CL-V", REDUCE, new_limit=-1), {"new_limit.minor_units"}),
        (action_request("CL-V", FREEZE, new_limit=10), {"new_limit"}),
        (action_request("CL-V", 99), {"action"}),
        (action_request("CL-V", FREEZE, reason="   "), {"reason"}),
        (action_request("CL-V", FREEZE, reason="x" * 501), {"reason"}),
        # Personal data in the reason: a mobile number, a resident ID number.
        (action_request("CL-V", FREEZE, reason="called 13812345678"), {"reason"}),
        (action_request("CL-V", FREEZE, reason="id 11010519491231002X"), {"reason"}),
        (action_request("CL-V", FREEZE, alert_id="alert-1"), {"alert_id"}),
    ]
    for request, fields in cases:
        error = await refused(lines.TakeCreditLineAction(request, metadata=harness.metadata))
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT, request
        assert set(error.fields) == fields, request
        # Descriptions never repeat the value.
        assert all("13812345678" not in v.description for v in error.field_violations)

    error = await refused(lines.ListCreditLineActions(
        monitoring_pb2.ListCreditLineActionsRequest(page_size=-1, page_token="garbage"),
        metadata=harness.metadata))
    assert set(error.fields) == {"credit_line_id", "page_size", "page_token"}
    error = await refused(lines.ListCreditLines(
        monitoring_pb2.ListCreditLinesRequest(states=[0]), metadata=harness.metadata))
    assert error.fields == ["states[0]"]
    assert await written(harness) == before
    line = (await lines.GetCreditLine(monitoring_pb2.GetCreditLineRequest(
        credit_line_id="CL-V"), metadata=harness.metadata)).credit_line
    assert (line.state, line.credit_limit) == (ACTIVE, cny(1_000_000))


async def test_actions_are_recorded_with_operator_emitted_once_and_refused_cleanly(
    harness: Harness,
) -> None:
    lines = harness.credit_lines
    assert lines is not None
    await lines.RegisterCreditLine(register_request("CL-X"), metadata=harness.metadata)

    reduce = action_request("CL-X", REDUCE, new_limit=600_000, reason="score drop")
    reduced = await lines.TakeCreditLineAction(reduce, metadata=harness.metadata)
    assert reduced.credit_line.credit_limit == cny(600_000)
    assert reduced.credit_line.original_limit == cny(1_000_000)
    assert reduced.action.action == REDUCE
    assert (reduced.action.previous_limit, reduced.action.new_limit) == (
        cny(1_000_000), cny(600_000))
    assert (reduced.action.reason, reduced.action.taken_by, reduced.action.alert_id) == (
        "score drop", "op-42", "")
    assert reduced.action.taken_at.ToDatetime(dt.UTC) == harness.clock.now()
    # A retry of the same request: the same answer, nothing recorded or emitted twice.
    assert await lines.TakeCreditLineAction(reduce, metadata=harness.metadata) == reduced

    # Refusals, each writing nothing: not a reduction (equal, above), unknown line.
    before = await written(harness)
    for new_limit in (600_000, 700_000):
        error = await refused(lines.TakeCreditLineAction(
            action_request("CL-X", REDUCE, new_limit=new_limit), metadata=harness.metadata))
        assert (error.code, error.reason) == (
            grpc.StatusCode.FAILED_PRECONDITION, "LIMIT_NOT_REDUCED")
    error = await refused(lines.TakeCreditLineAction(
        action_request("CL-NONE", FREEZE), metadata=harness.metadata))
    assert error.code == grpc.StatusCode.NOT_FOUND
    error = await refused(lines.TakeCreditLineAction(
        action_request("CL-X", UNFREEZE), metadata=harness.metadata))
    assert error.reason == "CREDIT_LINE_NOT_FROZEN"
    assert await written(harness) == before

    harness.clock.advance(minutes=5)
    frozen = await lines.TakeCreditLineAction(action_request("CL-X", FREEZE),
                                              metadata=harness.metadata)
    assert frozen.credit_line.state == FROZEN
    assert frozen.action.previous_limit == frozen.action.new_limit == cny(600_000)
    error = await refused(lines.TakeCreditLineAction(
        action_request("CL-X", FREEZE), metadata=harness.metadata))
    assert error.reason == "CREDIT_LINE_ALREADY_FROZEN"
    # A frozen line's limit can still be cut, down to zero.
    zero = await lines.TakeCreditLineAction(
        action_request("CL-X", REDUCE, new_limit=0), metadata=harness.metadata)
    assert (zero.credit_line.state, zero.credit_line.credit_limit) == (FROZEN, cny(0))
    thawed = await lines.TakeCreditLineAction(action_request("CL-X", UNFREEZE),
                                              metadata=harness.metadata)
    assert thawed.credit_line.state == ACTIVE

    # The log, newest first, paged by two; one event per action, keyed by the line.
    taken = [reduced.action, frozen.action, zero.action, thawed.action]
    listed: list[resources_pb2.CreditLineAction] = []
    request = monitoring_pb2.ListCreditLineActionsRequest(credit_line_id="CL-X", page_size=2)
    while True:
        page = await lines.ListCreditLineActions(request, metadata=harness.metadata)
        assert len(page.actions) <= 2
        listed += page.actions
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    assert listed == taken[::-1]
    events = await harness.outbox(m_events.CreditLineActionTaken)
    assert [e.action_id for e in events] == [a.action_id for a in taken]
    assert all(e.credit_line_id == "CL-X" and e.borrower_id == "B-CL-1" for e in events)
    assert [(e.action, e.previous_limit.minor_units, e.new_limit.minor_units) for e in events] == [
        (REDUCE, 1_000_000, 600_000), (FREEZE, 600_000, 600_000), (REDUCE, 600_000, 0),
        (UNFREEZE, 0, 0)]
    async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
        keys = (await conn.execute(text(
            "SELECT DISTINCT ordering_key FROM outbox WHERE event_type = "
            "'postloan.monitoring.v1.CreditLineActionTaken'"))).scalars().all()
    assert keys == ["CL-X"]
    error = await refused(lines.ListCreditLineActions(
        monitoring_pb2.ListCreditLineActionsRequest(credit_line_id="CL-NONE"),
        metadata=harness.metadata))
    assert error.code == grpc.StatusCode.NOT_FOUND

    # The log is append-only at the database.
    for statement in ("UPDATE credit_line_actions SET reason = 'rewritten'",
                      "DELETE FROM credit_line_actions"):
        async with harness.engine.connect() as conn:  # type: ignore[attr-defined]
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(text(statement))


async def test_an_action_names_the_alert_that_prompted_it(harness: Harness) -> None:
    lines = harness.credit_lines
    assert lines is not None
    await harness.register(borrower="B-CL-AL")
    await harness.inquiry("B-CL-AL", score=None, inquiries_1m=6, day=dt.date(2024, 3, 1))
    [alert] = await harness.list_alerts(borrower_id="B-CL-AL")
    await lines.RegisterCreditLine(register_request("CL-AL", borrower="B-CL-AL"),
                                   metadata=harness.metadata)
    await lines.RegisterCreditLine(register_request("CL-OTHER", borrower="B-CL-9"),
                                   metadata=harness.metadata)
    before = await written(harness)
    # An unknown alert, or one about another borrower, is not found; nothing is written.
    for line_id, alert_id in (("CL-AL", str(uuid.uuid4())), ("CL-OTHER", alert.alert_id)):
        error = await refused(lines.TakeCreditLineAction(
            action_request(line_id, FREEZE, alert_id=alert_id), metadata=harness.metadata))
        assert error.code == grpc.StatusCode.NOT_FOUND
    assert await written(harness) == before
    taken = await lines.TakeCreditLineAction(
        action_request("CL-AL", REDUCE, new_limit=200_000, reason="INQUIRY_SPIKE alert",
                       alert_id=alert.alert_id), metadata=harness.metadata)
    assert taken.action.alert_id == alert.alert_id
    [event] = await harness.outbox(m_events.CreditLineActionTaken)
    assert (event.alert_id, event.reason) == (alert.alert_id, "INQUIRY_SPIKE alert")


def loan_request(loan_id: str, line_id: str, principal: int, borrower: str = "B-CL-L",
                 request_id: str | None = None) -> monitoring_pb2.RegisterLoanRequest:
    return monitoring_pb2.RegisterLoanRequest(
        request_id=request_id or str(uuid.uuid4()), loan_id=loan_id, borrower_id=borrower,
        credit_line_id=line_id,
        terms=resources_pb2.LoanTerms(
            product_code="REVOLVING", principal=cny(principal),
            annual_rate=money_pb2.DecimalValue(value="0.1200"),
            term_periods=12, repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
            disbursement_date=pb_date(DISBURSED),
            due_day=10, grace_days=3,
            penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
        ))


async def test_loans_drawn_from_a_line_use_what_is_available(harness: Harness) -> None:
    lines = harness.credit_lines
    assert lines is not None
    await lines.RegisterCreditLine(register_request("CL-L", borrower="B-CL-L"),
                                   metadata=harness.metadata)

    async def loan_refusal(request: monitoring_pb2.RegisterLoanRequest):
        before = await count(harness, "SELECT count(*) FROM loans")
        error = await refused(harness.loans.RegisterLoan(request, metadata=harness.metadata))
        assert await count(harness, "SELECT count(*) FROM loans") == before
        return error

    first = loan_request("L-CL-1", "CL-L", 600_000)
    loan = (await harness.loans.RegisterLoan(first, metadata=harness.metadata)).loan
    assert loan.credit_line_id == "CL-L"
    [registered] = await harness.outbox(m_events.LoanRegistered)
    assert registered.credit_line_id == "CL-L"
    # 400,000 fen left: one fen more is refused, with the figures in the error's metadata.
    error = await loan_refusal(loan_request("L-CL-2", "CL-L", 400_001))
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION, "CREDIT_LINE_LIMIT_EXCEEDED")
    assert {k: error.metadata[k] for k in ("credit_limit_fen", "drawn_fen", "available_fen")} == {
        "credit_limit_fen": "1000000", "drawn_fen": "600000", "available_fen": "400000"}
    await harness.loans.RegisterLoan(loan_request("L-CL-2", "CL-L", 400_000),
                                     metadata=harness.metadata)
    # The line is fully drawn; re-registering the first loan under a new request_id is the
    # same loan (not a new drawdown), and other terms for it are still a LOAN_ID_CONFLICT.
    repeat = await harness.loans.RegisterLoan(loan_request("L-CL-1", "CL-L", 600_000),
                                              metadata=harness.metadata)
    assert repeat.loan.loan_id == "L-CL-1"
    error = await loan_refusal(loan_request("L-CL-1", "CL-L", 500_000))
    assert error.reason == "LOAN_ID_CONFLICT"
    error = await loan_refusal(loan_request("L-CL-3", "CL-L", 1))
    assert error.reason == "CREDIT_LINE_LIMIT_EXCEEDED"

    # Repaying principal frees the limit again (revolving): installment 1 of L-CL-1 carries
    # 50,000 fen of principal.
    await harness.pay("L-CL-1", await harness.installment_total("L-CL-1", 1),
                      dt.date(2024, 2, 10))
    error = await loan_refusal(loan_request("L-CL-3", "CL-L", 50_001))
    assert error.metadata["available_fen"] == "50000"
    await harness.loans.RegisterLoan(loan_request("L-CL-3", "CL-L", 50_000),
                                     metadata=harness.metadata)

    # A limit may be cut below what is drawn: the loans stand, nothing more can be drawn.
    await lines.TakeCreditLineAction(action_request("CL-L", REDUCE, new_limit=300_000),
                                     metadata=harness.metadata)
    error = await loan_refusal(loan_request("L-CL-4", "CL-L", 1))
    assert (error.reason, error.metadata["available_fen"]) == ("CREDIT_LINE_LIMIT_EXCEEDED", "0")
    # A frozen line refuses drawdowns whatever is available.
    await lines.RegisterCreditLine(register_request("CL-L2", borrower="B-CL-L"),
                                   metadata=harness.metadata)
    await lines.TakeCreditLineAction(action_request("CL-L2", FREEZE), metadata=harness.metadata)
    error = await loan_refusal(loan_request("L-CL-5", "CL-L2", 1_000))
    assert error.reason == "CREDIT_LINE_FROZEN"
    # An unknown line, or another borrower's line, is not found for this borrower.
    for request in (loan_request("L-CL-6", "CL-NONE", 1_000),
                    loan_request("L-CL-7", "CL-L", 1_000, borrower="B-CL-SOMEONE-ELSE")):
        error = await loan_refusal(request)
        assert error.reason == "CREDIT_LINE_NOT_FOUND"

    drawn = await harness.loans.ListLoans(
        monitoring_pb2.ListLoansRequest(credit_line_id="CL-L"), metadata=harness.metadata)
    assert [loan.loan_id for loan in drawn.loans] == ["L-CL-1", "L-CL-2", "L-CL-3"]
    assert len(await harness.outbox(m_events.LoanRegistered)) == 3
