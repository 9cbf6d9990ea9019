"""The RepaymentService servicer: validates each request into a command (INVALID_ARGUMENT with
every bad field, before any database work), calls the use case and maps the result."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Final

import grpc

from monitoring.adapters.repayment_protobuf import (
    CHANNEL_FROM_PROTO,
    REVERSAL_REASON_FROM_PROTO,
    repayment_to_proto,
)
from monitoring.entrypoints.loans import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, _identifier
from monitoring.service_layer import repayments as use_cases
from monitoring.service_layer.repayments import (
    PostRepaymentCommand,
    RepaymentPolicy,
    ReverseRepaymentCommand,
)
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan_runtime import proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.validation import Violations

NOTE_MAX_LENGTH: Final = 500
# A payment processor's clock may run a little ahead of ours.
FUTURE_TOLERANCE: Final = dt.timedelta(minutes=5)


def _encode_token(loan_id: str, include_reversed: bool, value_date: dt.date, rid: str) -> str:
    raw = json.dumps(
        {"l": loan_id, "r": include_reversed, "d": value_date.isoformat(), "i": rid},
        separators=(",", ":"),
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(
    v: Violations, token: str, loan_id: str, include_reversed: bool
) -> tuple[dt.date, str] | None:
    """An opaque token continues only the listing it came from (same loan and filter)."""
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after = (dt.date.fromisoformat(data["d"]), str(data["i"]))
        same = data["l"] == loan_id and data["r"] == include_reversed
    except (binascii.Error, ValueError, KeyError, TypeError):
        v.add("page_token", "is not a token this service issued")
        return None
    if not same:
        v.add("page_token", "does not belong to a listing with these filters")
        return None
    return after


class RepaymentServicer(monitoring_pb2_grpc.RepaymentServiceServicer):
    """PostRepayment, ReverseRepayment, GetRepayment, ListRepayments."""

    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        policy: RepaymentPolicy | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._policy = policy or RepaymentPolicy()

    async def PostRepayment(  # noqa: N802 - gRPC method name
        self, request: monitoring_pb2.PostRepaymentRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.PostRepaymentResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        amount = proto_validation.money(v, request, "amount")
        paid_at = proto_validation.timestamp(v, request, "paid_at")
        if paid_at is not None and paid_at > self._clock.now() + FUTURE_TOLERANCE:
            v.add("paid_at", "must not be in the future")
            paid_at = None
        channel = None
        if v.enum_specified(request.channel, "channel", allowed=CHANNEL_FROM_PROTO):
            channel = CHANNEL_FROM_PROTO[request.channel]  # type: ignore[index]
        external_id = _identifier(v, request.external_transaction_id, "external_transaction_id")
        v.raise_if_any()
        assert request_id and loan_id and amount and paid_at and channel and external_id  # noqa: S101
        command = PostRepaymentCommand(
            request_id=request_id,
            loan_id=loan_id,
            amount_fen=amount.fen,
            currency=amount.currency,
            paid_at=paid_at,
            channel=channel,
            external_transaction_id=external_id,
        )
        return await use_cases.post_repayment(
            self._running.engine, command, request, clock=self._clock, policy=self._policy
        )

    async def ReverseRepayment(  # noqa: N802
        self, request: monitoring_pb2.ReverseRepaymentRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ReverseRepaymentResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        repayment_id = v.uuid(request.repayment_id, "repayment_id")
        reason = None
        if v.enum_specified(request.reason, "reason", allowed=REVERSAL_REASON_FROM_PROTO):
            reason = REVERSAL_REASON_FROM_PROTO[request.reason]  # type: ignore[index]
        v.free_text(request.note, "note", max_length=NOTE_MAX_LENGTH)
        v.raise_if_any()
        assert request_id and repayment_id and reason  # noqa: S101
        command = ReverseRepaymentCommand(
            request_id=request_id,
            repayment_id=str(repayment_id),
            reason=reason,
            note=request.note or None,
        )
        return await use_cases.reverse_repayment(
            self._running.engine, command, request, clock=self._clock, policy=self._policy
        )

    async def GetRepayment(  # noqa: N802
        self, request: monitoring_pb2.GetRepaymentRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetRepaymentResponse:
        v = Violations()
        repayment_id = v.uuid(request.repayment_id, "repayment_id")
        v.raise_if_any()
        found = await use_cases.get_repayment(self._running.engine, str(repayment_id))
        return monitoring_pb2.GetRepaymentResponse(repayment=repayment_to_proto(found))

    async def ListRepayments(  # noqa: N802
        self, request: monitoring_pb2.ListRepaymentsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListRepaymentsResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        page_size = v.page_size(
            request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE
        )
        after = _decode_token(
            v, request.page_token, request.loan_id, request.include_reversed
        )
        v.raise_if_any()
        assert loan_id  # noqa: S101
        page, more = await use_cases.list_repayments(
            self._running.engine,
            loan_id,
            include_reversed=request.include_reversed,
            after=after,
            page_size=page_size,
        )
        token = ""
        if more:
            last = page[-1]
            token = _encode_token(
                loan_id, request.include_reversed, last.value_date, last.repayment_id
            )
        return monitoring_pb2.ListRepaymentsResponse(
            repayments=[repayment_to_proto(r) for r in page], next_page_token=token
        )
