"""Forged page tokens are INVALID_ARGUMENT on page_token, never INTERNAL: positions that are not
ASCII integers ('²' passes str.isdigit but not int()) or beyond bigint (they would overflow in
SQL), and keyset instants without a time zone. Tokens the RPCs issue still page."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import grpc
import pytest
from google.protobuf.message import Message
from monitoring_harness import Harness, cny

from monitoring.entrypoints.early_warning import _digest
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime import page_tokens
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.validation import Violations

pytestmark = pytest.mark.integration

HUGE = 99_999_999_999_999_999_999_999


def _token(payload: dict[str, object]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _forged(digest: str) -> list[str]:
    """Tokens carrying a bad position, in the shape monitoring issued before and in the shared
    sequence shape it issues now, each with the right filter digest."""
    return [
        _token({"a": "\u00b2", "f": digest}),
        _token({"a": str(HUGE), "f": digest}),
        _token({"v": 1, "f": digest, "s": HUGE}),
        _token({"v": 1, "f": digest, "s": "\u00b2"}),
    ]


async def _assert_bad_token(call: object) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call  # type: ignore[misc]
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    assert [f.field for f in decode_error(error.value).field_violations] == ["page_token"]


def _with_token(request: Message, token: str) -> Message:
    copy = type(request)()
    copy.CopyFrom(request)
    copy.page_token = token  # type: ignore[attr-defined]
    return copy


async def test_forged_positions_are_invalid_argument(monitoring_harness: Harness) -> None:
    h = monitoring_harness
    assert h.credit_lines is not None
    await h.credit_lines.RegisterCreditLine(monitoring_pb2.RegisterCreditLineRequest(
        request_id=str(uuid.uuid4()), credit_line_id="CL-TOK", borrower_id="B-TOK",
        credit_limit=cny(100_000)), metadata=h.metadata)
    loan_id = await h.register(borrower="B-TOK")

    actions = monitoring_pb2.ListCreditLineActionsRequest(credit_line_id="CL-TOK")
    review = monitoring_pb2.ListPaidOffReviewCandidatesRequest()
    for token in _forged(_digest(actions)):
        await _assert_bad_token(h.credit_lines.ListCreditLineActions(
            _with_token(actions, token), metadata=h.metadata))
    for token in _forged(_digest(review)):
        await _assert_bad_token(h.alerts.ListPaidOffReviewCandidates(
            _with_token(review, token), metadata=h.metadata))
    history = monitoring_pb2.ListBucketHistoryRequest(loan_id=loan_id)
    for token in _forged(f"bh:{loan_id}"[:40]):
        await _assert_bad_token(h.loans.ListBucketHistory(
            _with_token(history, token), metadata=h.metadata))
    async with grpc.aio.insecure_channel(h.address) as channel:
        cycles = monitoring_pb2_grpc.DailyCycleServiceStub(channel)
        await _assert_bad_token(cycles.ListDailyCycleRuns(
            monitoring_pb2.ListDailyCycleRunsRequest(
                page_token=_token({"a": f"2024-01-31|{HUGE}", "f": "runs"})),
            metadata=h.metadata))

    # An alert keyset instant without a time zone, in either shape.
    alerts = monitoring_pb2.ListAlertsRequest()
    digest = _digest(alerts)
    naive = dt.datetime(2024, 1, 1, 12, 0)
    for token in (_token({"a": f"{naive.isoformat()}|{uuid.uuid4()}", "f": digest}),
                  _token({"v": 1, "f": digest, "t": naive.isoformat(),
                          "i": str(uuid.uuid4())})):
        await _assert_bad_token(h.alerts.ListAlerts(_with_token(alerts, token),
                                                    metadata=h.metadata))


async def test_issued_tokens_still_page(monitoring_harness: Harness) -> None:
    h = monitoring_harness
    assert h.credit_lines is not None
    await h.credit_lines.RegisterCreditLine(monitoring_pb2.RegisterCreditLineRequest(
        request_id=str(uuid.uuid4()), credit_line_id="CL-PAGE", borrower_id="B-PAGE",
        credit_limit=cny(100_000)), metadata=h.metadata)
    for action, reason in ((resources_pb2.CREDIT_LINE_ACTION_TYPE_FREEZE, "review"),
                           (resources_pb2.CREDIT_LINE_ACTION_TYPE_UNFREEZE, "cleared"),
                           (resources_pb2.CREDIT_LINE_ACTION_TYPE_FREEZE, "review again")):
        await h.credit_lines.TakeCreditLineAction(monitoring_pb2.TakeCreditLineActionRequest(
            request_id=str(uuid.uuid4()), credit_line_id="CL-PAGE", action=action,
            reason=reason), metadata=h.metadata)
    seen: list[str] = []
    request = monitoring_pb2.ListCreditLineActionsRequest(credit_line_id="CL-PAGE", page_size=2)
    while True:
        page = await h.credit_lines.ListCreditLineActions(request, metadata=h.metadata)
        seen += [a.reason for a in page.actions]
        if not page.next_page_token:
            break
        assert page_tokens.decode_sequence(  # the shared shape
            Violations(), page.next_page_token, _digest(request)) > 0
        request.page_token = page.next_page_token
    assert seen == ["review again", "cleared", "review"]

    for borrower in ("B-A1", "B-A2", "B-A3"):
        await h.register(borrower=borrower)
        await h.inquiry(borrower, score=None, inquiries_1m=6, day=dt.date(2024, 3, 1))
    listed: list[str] = []
    alerts = monitoring_pb2.ListAlertsRequest(page_size=2)
    while True:
        page = await h.alerts.ListAlerts(alerts, metadata=h.metadata)
        listed += [a.borrower_id for a in page.alerts]
        if not page.next_page_token:
            break
        alerts.page_token = page.next_page_token
    assert sorted(listed) == ["B-A1", "B-A2", "B-A3"]

