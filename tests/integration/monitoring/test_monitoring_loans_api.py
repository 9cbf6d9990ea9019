"""LoanService through a real server and PostgreSQL: registration (exact schedules, idempotency,
refusals that write nothing, LoanRegistered via outbox and feed), reads and pagination."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import grpc
import pytest
from sqlalchemy import text

from postloan.common.v1 import events_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as monitoring_events_pb2
from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.events.relay import relay_once
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.lending import RepaymentMethod, build_schedule
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

DISBURSED = dt.date(2024, 1, 20)
METHODS = {
    RepaymentMethod.EQUAL_INSTALLMENT: resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
    RepaymentMethod.EQUAL_PRINCIPAL: resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
    RepaymentMethod.INTEREST_FIRST: resources_pb2.REPAYMENT_METHOD_INTEREST_FIRST,
}
TABLES = ("loans", "installments", "outbox", "idempotency_keys", "event_feed")


def cny(fen: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", minor_units=fen)


def pb_date(day: dt.date) -> money_pb2.Date:
    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


def loan_terms(**changes) -> resources_pb2.LoanTerms:
    terms = resources_pb2.LoanTerms(
        product_code="CASH-12M",
        principal=cny(1_234_567),
        annual_rate=money_pb2.DecimalValue(value="0.1800"),
        term_periods=12,
        repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
        disbursement_date=pb_date(DISBURSED),
        due_day=31,
        grace_days=3,
        penalty_annual_rate=money_pb2.DecimalValue(value="0.0500"),
    )
    for name, value in changes.items():
        if isinstance(value, (money_pb2.Money, money_pb2.DecimalValue, money_pb2.Date)):
            getattr(terms, name).CopyFrom(value)
        else:
            setattr(terms, name, value)
    return terms


def register_request(
    loan_id: str | None = None, **terms_changes
) -> monitoring_pb2.RegisterLoanRequest:
    return monitoring_pb2.RegisterLoanRequest(
        request_id=str(uuid.uuid4()),
        loan_id=loan_id or f"L-{uuid.uuid4().hex[:12]}",
        borrower_id="B-0001",
        terms=loan_terms(**terms_changes),
    )


async def counts(engine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {t: int(await conn.scalar(text(f"SELECT count(*) FROM {t}"))) for t in TABLES}


async def refused(call) -> object:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return decode_error(error.value)


def schedule_rows(installments) -> list[tuple]:
    return [
        (i.sequence, dt.date(i.due_date.year, i.due_date.month, i.due_date.day),
         i.principal_due.minor_units, i.interest_due.minor_units)
        for i in installments
    ]


@pytest.mark.parametrize("method", list(METHODS))
async def test_register_and_read_back_the_exact_schedule(monitoring, method) -> None:
    request = register_request(repayment_method=METHODS[method])
    response = await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    expected = [
        (e.sequence, e.due_date, e.principal_fen, e.interest_fen)
        for e in build_schedule(1_234_567, Decimal("0.1800"), 12, method, DISBURSED, 31)
    ]
    assert schedule_rows(response.installments) == expected
    assert response.loan.version == 1
    assert response.loan.state == resources_pb2.LOAN_STATE_ACTIVE
    assert response.loan.terms.annual_rate.value == "0.1800"

    got = await monitoring.loans.GetLoan(
        monitoring_pb2.GetLoanRequest(loan_id=request.loan_id), metadata=monitoring.metadata
    )
    assert got.loan == response.loan
    assert got.loan.status.outstanding.principal.minor_units == 1_234_567
    assert got.loan.status.next_due_date == pb_date(dt.date(2024, 2, 29))
    schedule = await monitoring.loans.GetLoanSchedule(
        monitoring_pb2.GetLoanScheduleRequest(loan_id=request.loan_id),
        metadata=monitoring.metadata,
    )
    assert schedule_rows(schedule.installments) == expected
    assert schedule.loan_version == 1
    assert not got.installments  # only when asked
    together = await monitoring.loans.GetLoan(
        monitoring_pb2.GetLoanRequest(loan_id=request.loan_id, include_schedule=True),
        metadata=monitoring.metadata,
    )
    assert together.loan == response.loan
    assert list(together.installments) == list(schedule.installments)


async def test_retry_returns_the_same_loan_and_writes_nothing(monitoring) -> None:
    request = register_request()
    first = await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    before = await counts(monitoring.engine)
    again = await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    assert again == first
    assert await counts(monitoring.engine) == before
    assert before["loans"] == 1 and before["installments"] == 12 and before["outbox"] == 1

    # The same loan id and terms under a new request_id: the same loan, no second event.
    relabelled = monitoring_pb2.RegisterLoanRequest()
    relabelled.CopyFrom(request)
    relabelled.request_id = str(uuid.uuid4())
    third = await monitoring.loans.RegisterLoan(relabelled, metadata=monitoring.metadata)
    assert third.loan == first.loan
    after = await counts(monitoring.engine)
    assert (after["loans"], after["installments"], after["outbox"]) == (1, 12, 1)


async def test_another_sender_gets_the_same_loan_but_not_the_stored_answer(
    monitoring, monitoring_keys_dir
) -> None:
    """The loan's terms are compared whoever sends them: another frontend re-sending the same
    loan under its own request_id gets the loan; reusing the first sender's request_id it gets
    REQUEST_ID_REUSED (a key is bound to its caller)."""
    request = register_request()
    first = await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    other = bearer(token_for(monitoring_keys_dir, ["lending_frontend"], subject="frontend-2"))
    relabelled = monitoring_pb2.RegisterLoanRequest()
    relabelled.CopyFrom(request)
    relabelled.request_id = str(uuid.uuid4())
    again = await monitoring.loans.RegisterLoan(relabelled, metadata=other)
    assert again.loan == first.loan
    error = await refused(monitoring.loans.RegisterLoan(request, metadata=other))
    assert error.reason == "REQUEST_ID_REUSED"
    after = await counts(monitoring.engine)
    assert (after["loans"], after["outbox"]) == (1, 1)


async def test_same_request_id_with_another_payload_is_invalid(monitoring) -> None:
    request = register_request()
    await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    before = await counts(monitoring.engine)
    changed = monitoring_pb2.RegisterLoanRequest()
    changed.CopyFrom(request)
    changed.terms.term_periods = 6
    error = await refused(monitoring.loans.RegisterLoan(changed, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.reason == "REQUEST_ID_REUSED"
    assert error.fields == ["request_id"]
    assert await counts(monitoring.engine) == before


async def test_same_loan_id_with_other_terms_is_a_conflict(monitoring) -> None:
    request = register_request()
    await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    before = await counts(monitoring.engine)
    other = register_request(loan_id=request.loan_id, term_periods=6)
    error = await refused(monitoring.loans.RegisterLoan(other, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "LOAN_ID_CONFLICT"
    assert await counts(monitoring.engine) == before


async def test_invalid_requests_name_every_bad_field_and_write_nothing(monitoring) -> None:
    before = await counts(monitoring.engine)
    bad = register_request(
        principal=cny(-5),
        annual_rate=money_pb2.DecimalValue(value="1e-1"),
        term_periods=0,
        repayment_method=resources_pb2.REPAYMENT_METHOD_UNSPECIFIED,
        disbursement_date=money_pb2.Date(year=2024, month=2, day=30),
        due_day=32,
    )
    bad.request_id = "not-a-uuid"
    error = await refused(monitoring.loans.RegisterLoan(bad, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.fields) == {
        "request_id",
        "terms.principal.minor_units",
        "terms.annual_rate.value",
        "terms.term_periods",
        "terms.repayment_method",
        "terms.disbursement_date",
        "terms.due_day",
    }

    unknown_method = register_request(repayment_method=99, principal=cny(0))
    error = await refused(
        monitoring.loans.RegisterLoan(unknown_method, metadata=monitoring.metadata)
    )
    assert set(error.fields) == {"terms.repayment_method", "terms.principal.minor_units"}

    # A supplied schedule with a negative part and a total that does not add up.
    supplied = register_request()
    supplied.supplied_schedule.add(
        sequence=1, due_date=pb_date(dt.date(2024, 2, 29)), principal=cny(-1),
        interest=cny(10), total=cny(5), remaining_principal=cny(0),
    )
    error = await refused(monitoring.loans.RegisterLoan(supplied, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "supplied_schedule[0].principal.minor_units" in error.fields

    empty = await refused(
        monitoring.loans.RegisterLoan(
            monitoring_pb2.RegisterLoanRequest(), metadata=monitoring.metadata
        )
    )
    assert empty.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(empty.fields) == {"request_id", "loan_id", "borrower_id", "terms"}
    assert await counts(monitoring.engine) == before


async def test_supplied_schedule_not_summing_to_the_principal_is_refused(monitoring) -> None:
    request = register_request(due_day=15, term_periods=3)
    for item in build_schedule(1_234_567, Decimal("0.18"), 3, RepaymentMethod.EQUAL_INSTALLMENT,
                               DISBURSED, 15):
        request.supplied_schedule.add(
            sequence=item.sequence, due_date=pb_date(item.due_date),
            principal=cny(item.principal_fen), interest=cny(item.interest_fen),
            total=cny(item.total_fen), remaining_principal=cny(item.closing_balance_fen),
        )
    good = monitoring_pb2.RegisterLoanRequest()
    good.CopyFrom(request)
    request.supplied_schedule[-1].principal.minor_units -= 100
    request.supplied_schedule[-1].total.minor_units -= 100
    before = await counts(monitoring.engine)
    error = await refused(monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "SCHEDULE_PRINCIPAL_MISMATCH"
    assert await counts(monitoring.engine) == before

    accepted = await monitoring.loans.RegisterLoan(good, metadata=monitoring.metadata)
    assert [i.principal_due.minor_units for i in accepted.installments] == [
        i.principal.minor_units for i in good.supplied_schedule
    ]


async def test_rate_above_the_cap_is_refused_and_writes_nothing(monitoring) -> None:
    before = await counts(monitoring.engine)
    request = register_request(annual_rate=money_pb2.DecimalValue(value="0.3000"))
    error = await refused(monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "RATE_CAP_EXCEEDED"
    assert error.metadata["rate_cap"] == "0.24"
    assert await counts(monitoring.engine) == before

    compute = await refused(
        monitoring.loans.ComputeSchedule(
            monitoring_pb2.ComputeScheduleRequest(
                principal=cny(100_000), annual_rate=money_pb2.DecimalValue(value="0.36"),
                term_periods=12, repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
                start_date=pb_date(DISBURSED), due_day=20,
            ),
            metadata=monitoring.metadata,
        )
    )
    assert compute.reason == "RATE_CAP_EXCEEDED"


async def test_compute_schedule_stores_nothing(monitoring) -> None:
    before = await counts(monitoring.engine)
    response = await monitoring.loans.ComputeSchedule(
        monitoring_pb2.ComputeScheduleRequest(
            principal=cny(100_000), annual_rate=money_pb2.DecimalValue(value="0.12"),
            term_periods=6, repayment_method=resources_pb2.REPAYMENT_METHOD_EQUAL_INSTALLMENT,
            start_date=pb_date(dt.date(2024, 1, 20)), due_day=20,
        ),
        metadata=monitoring.metadata,
    )
    expected = build_schedule(100_000, Decimal("0.12"), 6, RepaymentMethod.EQUAL_INSTALLMENT,
                              dt.date(2024, 1, 20), 20)
    assert [(i.principal.minor_units, i.interest.minor_units, i.remaining_principal.minor_units)
            for i in response.installments] == [
        (e.principal_fen, e.interest_fen, e.closing_balance_fen) for e in expected
    ]
    assert response.total_interest.minor_units == sum(e.interest_fen for e in expected)
    assert response.annualized_cost.value == "0.1200"
    assert await counts(monitoring.engine) == before


async def test_unknown_loan_is_not_found(monitoring) -> None:
    error = await refused(
        monitoring.loans.GetLoan(
            monitoring_pb2.GetLoanRequest(loan_id="L-missing"), metadata=monitoring.metadata
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    error = await refused(
        monitoring.loans.GetLoanSchedule(
            monitoring_pb2.GetLoanScheduleRequest(loan_id="L-missing"),
            metadata=monitoring.metadata,
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND


async def test_loan_registered_goes_out_with_the_loan(monitoring) -> None:
    request = register_request()
    response = await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
    async with monitoring.engine.connect() as conn:
        row = (
            await conn.execute(text("SELECT event_type, ordering_key, payload FROM outbox"))
        ).one()
    assert row.event_type == "postloan.monitoring.v1.LoanRegistered"
    assert row.ordering_key == request.loan_id
    event = monitoring_events_pb2.LoanRegistered.FromString(row.payload)
    assert event.loan_id == request.loan_id
    assert event.principal.minor_units == 1_234_567
    first = response.installments[0]
    assert event.first_installment_amount == cny(
        first.principal_due.minor_units + first.interest_due.minor_units
    )

    assert await relay_once(monitoring.engine) == 1
    call = monitoring.feed.SubscribeEvents(
        events_pb2.SubscribeEventsRequest(after_position=0), metadata=monitoring.feed_metadata,
        timeout=10,
    )
    async for message in call:
        if message.HasField("event"):
            break
    call.cancel()
    assert message.event.position == 1
    assert message.event.event_type == "postloan.monitoring.v1.LoanRegistered"
    delivered = monitoring_events_pb2.LoanRegistered()
    message.event.payload.Unpack(delivered)
    assert delivered == event


async def test_pagination_returns_every_loan_once(monitoring) -> None:
    registered = set()
    for index in range(7):
        borrower = "B-PAGE" if index % 2 == 0 else "B-OTHER"
        request = register_request(loan_id=f"L-PAGE-{index:02d}")
        request.borrower_id = borrower
        await monitoring.loans.RegisterLoan(request, metadata=monitoring.metadata)
        registered.add((request.loan_id, borrower))

    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = await monitoring.loans.ListLoans(
            monitoring_pb2.ListLoansRequest(page_size=3, page_token=token),
            metadata=monitoring.metadata,
        )
        pages += 1
        seen.extend(loan.loan_id for loan in page.loans)
        token = page.next_page_token
        if not token:
            break
    assert pages == 3
    assert seen == sorted(loan_id for loan_id, _ in registered)

    filtered = await monitoring.loans.ListLoans(
        monitoring_pb2.ListLoansRequest(
            borrower_id="B-PAGE", states=[resources_pb2.LOAN_STATE_ACTIVE], buckets=["M0"]
        ),
        metadata=monitoring.metadata,
    )
    assert [loan.loan_id for loan in filtered.loans] == sorted(
        loan_id for loan_id, borrower in registered if borrower == "B-PAGE"
    )
    none = await monitoring.loans.ListLoans(
        monitoring_pb2.ListLoansRequest(states=[resources_pb2.LOAN_STATE_PAID_OFF]),
        metadata=monitoring.metadata,
    )
    assert list(none.loans) == [] and none.next_page_token == ""

    first = await monitoring.loans.ListLoans(
        monitoring_pb2.ListLoansRequest(page_size=2), metadata=monitoring.metadata
    )
    # A token only continues the listing it came from; negative sizes and junk are refused.
    for bad in (
        monitoring_pb2.ListLoansRequest(page_token=first.next_page_token, borrower_id="B-PAGE"),
        monitoring_pb2.ListLoansRequest(page_token="garbage!"),
        monitoring_pb2.ListLoansRequest(page_size=-1, states=[0]),
    ):
        error = await refused(monitoring.loans.ListLoans(bad, metadata=monitoring.metadata))
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT, bad


async def test_bucket_history_of_an_unknown_loan_is_not_found(monitoring) -> None:
    # ListBucketHistory is served by the daily-cycle slice (entrypoints/daily_cycle.py).
    error = await refused(
        monitoring.loans.ListBucketHistory(
            monitoring_pb2.ListBucketHistoryRequest(loan_id="L-1"), metadata=monitoring.metadata
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
