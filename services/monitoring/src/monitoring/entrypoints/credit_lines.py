"""The CreditLineService servicer: validates each request in full (INVALID_ARGUMENT naming every
bad field, before any database work), calls the use case and maps the result to protobuf. The
operator of an action is the authenticated caller."""

from __future__ import annotations

from typing import Final

import grpc

from monitoring.adapters.credit_line_protobuf import (
    ACTION_FROM_PROTO,
    STATE_FROM_PROTO,
    action_to_proto,
    credit_line_to_proto,
)
from monitoring.adapters.credit_lines import CreditLineFilter
from monitoring.domain.credit_lines import CreditLineActionType, CreditLineState
from monitoring.entrypoints.early_warning import _digest
from monitoring.entrypoints.loans import (
    _identifier,
    decode_page_token,
    decode_position_token,
    encode_page_token,
    encode_position_token,
)
from monitoring.service_layer import credit_lines as use_cases
from monitoring.service_layer.credit_lines import (
    RegisterCreditLineCommand,
    TakeCreditLineActionCommand,
)
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan_runtime import proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.auth import current_caller
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.validation import Violations

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500
REASON_MAX_LENGTH: Final = 500


class CreditLineServicer(monitoring_pb2_grpc.CreditLineServiceServicer):
    """RegisterCreditLine, GetCreditLine, ListCreditLines, TakeCreditLineAction,
    ListCreditLineActions."""

    def __init__(self, running: RunningService, *, clock: Clock | None = None) -> None:
        self._running = running
        self._clock = clock or SystemClock()

    async def RegisterCreditLine(  # noqa: N802 - gRPC method name
        self,
        request: monitoring_pb2.RegisterCreditLineRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.RegisterCreditLineResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id")
        borrower_id = _identifier(v, request.borrower_id, "borrower_id")
        limit = proto_validation.money(v, request, "credit_limit")
        v.raise_if_any()
        assert request_id and credit_line_id and borrower_id and limit  # noqa: S101 - checked
        command = RegisterCreditLineCommand(
            request_id=request_id, credit_line_id=credit_line_id, borrower_id=borrower_id,
            credit_limit_fen=limit.fen, currency=limit.currency,
        )
        return await use_cases.register(
            self._running.engine, command, request, clock=self._clock
        )

    async def GetCreditLine(  # noqa: N802
        self, request: monitoring_pb2.GetCreditLineRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetCreditLineResponse:
        v = Violations()
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id")
        v.raise_if_any()
        assert credit_line_id  # noqa: S101 - checked above
        line = await use_cases.get_credit_line(self._running.engine, credit_line_id)
        return monitoring_pb2.GetCreditLineResponse(credit_line=credit_line_to_proto(line))

    async def ListCreditLines(  # noqa: N802
        self, request: monitoring_pb2.ListCreditLinesRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListCreditLinesResponse:
        v = Violations()
        borrower_id = _identifier(v, request.borrower_id, "borrower_id", required=False)
        states: list[CreditLineState] = [
            STATE_FROM_PROTO[s] for i, s in enumerate(request.states)
            if v.enum_specified(s, f"states[{i}]", allowed=STATE_FROM_PROTO)
        ]
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        digest = _digest(request)
        after = decode_page_token(v, request.page_token, digest)
        v.raise_if_any()
        page, more = await use_cases.list_credit_lines(
            self._running.engine,
            CreditLineFilter(borrower_id=borrower_id, states=tuple(states)),
            after_id=after, page_size=page_size,
        )
        return monitoring_pb2.ListCreditLinesResponse(
            credit_lines=[credit_line_to_proto(line) for line in page],
            next_page_token=(
                encode_page_token(page[-1].credit_line_id, digest) if more and page else ""
            ),
        )

    async def TakeCreditLineAction(  # noqa: N802
        self,
        request: monitoring_pb2.TakeCreditLineActionRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.TakeCreditLineActionResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id")
        action: CreditLineActionType | None = None
        if v.enum_specified(request.action, "action", allowed=ACTION_FROM_PROTO):
            action = ACTION_FROM_PROTO[request.action]
        new_limit_fen: int | None = None
        if action is CreditLineActionType.REDUCE_LIMIT:
            new_limit = proto_validation.money(v, request, "new_limit", allow_zero=True)
            new_limit_fen = new_limit.fen if new_limit is not None else None
        elif request.HasField("new_limit"):
            v.add("new_limit", "is only for REDUCE_LIMIT")
        reason = v.free_text(
            request.reason, "reason", max_length=REASON_MAX_LENGTH, required=True
        ) or ""
        alert_id = v.uuid(request.alert_id, "alert_id", required=False)
        v.raise_if_any()
        assert request_id and credit_line_id and action is not None  # noqa: S101 - checked
        command = TakeCreditLineActionCommand(
            request_id=request_id, credit_line_id=credit_line_id, action=action,
            new_limit_fen=new_limit_fen, reason=reason.strip(), alert_id=alert_id,
            operator=current_caller().subject,
        )
        return await use_cases.take_credit_line_action(
            self._running.engine, command, request, clock=self._clock
        )

    async def ListCreditLineActions(  # noqa: N802
        self,
        request: monitoring_pb2.ListCreditLineActionsRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.ListCreditLineActionsResponse:
        v = Violations()
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id")
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        digest = _digest(request)
        before_seq = decode_position_token(v, request.page_token, digest)
        v.raise_if_any()
        assert credit_line_id  # noqa: S101 - checked above
        page, last_seq = await use_cases.list_credit_line_actions(
            self._running.engine, credit_line_id, before_seq=before_seq, page_size=page_size
        )
        return monitoring_pb2.ListCreditLineActionsResponse(
            actions=[action_to_proto(a) for a in page],
            next_page_token=encode_position_token(last_seq, digest) if last_seq else "",
        )
