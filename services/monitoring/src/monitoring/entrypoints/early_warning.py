"""The EarlyWarningService servicer: reading alerts, acknowledging and resolving them (the
operator is the authenticated caller), and the after-payoff review. Requests are validated in
full before any database work. Notes must hold no personal data (INVALID_ARGUMENT on ``note``);
a resolution note is stored with the alert, an acknowledgement note is validated but not kept
(the alert has no field for it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Final

import grpc
from google.protobuf.message import Message

from monitoring.adapters.alert_protobuf import (
    RESOLUTION_FROM_PROTO,
    SEVERITY_FROM_PROTO,
    STATE_FROM_PROTO,
)
from monitoring.domain.early_warning import EarlyWarningPolicy, Rule
from monitoring.entrypoints.loans import (
    _identifier,
    decode_position_token,
    encode_position_token,
)
from monitoring.service_layer import alerts as use_cases
from monitoring.service_layer.alerts import AlertFilter
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan_runtime import page_tokens, proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.auth import current_caller
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.validation import Violations

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500
NOTE_MAX_LENGTH: Final = 500
DEFAULT_LOOKBACK_DAYS: Final = 180
MAX_LOOKBACK_DAYS: Final = 3660
EARLIEST_DATE: Final = dt.date(2000, 1, 1)
RULE_CODES: Final = frozenset(r.value for r in Rule)


def _digest(request: Message) -> str:
    copy = type(request)()
    copy.CopyFrom(request)
    copy.ClearField("page_token")  # type: ignore[arg-type]
    copy.ClearField("page_size")  # type: ignore[arg-type]
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()[:16]


def _alert_id(v: Violations, value: str) -> uuid.UUID | None:
    return v.uuid(value, "alert_id")


class EarlyWarningServicer(monitoring_pb2_grpc.EarlyWarningServiceServicer):
    """ListAlerts, GetAlert, AcknowledgeAlert, ResolveAlert, ListPaidOffReviewCandidates."""

    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        policy: EarlyWarningPolicy | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._policy = policy or EarlyWarningPolicy()

    async def ListAlerts(  # noqa: N802 - gRPC method name
        self, request: monitoring_pb2.ListAlertsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListAlertsResponse:
        v = Violations()
        borrower_id = _identifier(v, request.borrower_id, "borrower_id", required=False)
        loan_id = _identifier(v, request.loan_id, "loan_id", required=False)
        states = [
            STATE_FROM_PROTO[s] for i, s in enumerate(request.states)
            if v.enum_specified(s, f"states[{i}]", allowed=STATE_FROM_PROTO)
        ]
        severities = [
            SEVERITY_FROM_PROTO[s] for i, s in enumerate(request.severities)
            if v.enum_specified(s, f"severities[{i}]", allowed=SEVERITY_FROM_PROTO)
        ]
        for i, code in enumerate(request.rule_codes):
            if code not in RULE_CODES:
                v.add(f"rule_codes[{i}]", "is not a known rule code")
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        digest = _digest(request)
        # The shared (instant, uuid) token: it refuses an instant without a time zone.
        after = page_tokens.decode(v, request.page_token, digest)
        v.raise_if_any()
        page, last = await use_cases.list_alerts(
            self._running.engine,
            AlertFilter(borrower_id=borrower_id, loan_id=loan_id, states=tuple(states),
                        severities=tuple(severities), rule_codes=tuple(request.rule_codes)),
            after=after, page_size=page_size,
        )
        token = ""
        if last is not None:
            token = page_tokens.encode(last, digest)
        return monitoring_pb2.ListAlertsResponse(alerts=page, next_page_token=token)

    async def GetAlert(  # noqa: N802
        self, request: monitoring_pb2.GetAlertRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetAlertResponse:
        v = Violations()
        alert_id = _alert_id(v, request.alert_id)
        v.raise_if_any()
        assert alert_id is not None  # noqa: S101 - validated
        alert = await use_cases.get_alert(self._running.engine, alert_id)
        return monitoring_pb2.GetAlertResponse(alert=alert)

    async def AcknowledgeAlert(  # noqa: N802
        self, request: monitoring_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.AcknowledgeAlertResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        alert_id = _alert_id(v, request.alert_id)
        v.free_text(request.note, "note", max_length=NOTE_MAX_LENGTH)
        v.raise_if_any()
        assert request_id is not None and alert_id is not None  # noqa: S101 - validated
        return await use_cases.acknowledge_alert(
            self._running.engine, request_id=request_id, alert_id=alert_id,
            operator=current_caller().subject, request=request, clock=self._clock,
        )

    async def ResolveAlert(  # noqa: N802
        self, request: monitoring_pb2.ResolveAlertRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ResolveAlertResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        alert_id = _alert_id(v, request.alert_id)
        v.enum_specified(request.resolution, "resolution", allowed=RESOLUTION_FROM_PROTO)
        note = v.free_text(request.note, "note", max_length=NOTE_MAX_LENGTH) or ""
        v.raise_if_any()
        assert request_id is not None and alert_id is not None  # noqa: S101 - validated
        return await use_cases.resolve_alert(
            self._running.engine, request_id=request_id, alert_id=alert_id,
            resolution=RESOLUTION_FROM_PROTO[request.resolution], note=note,
            operator=current_caller().subject, request=request, clock=self._clock,
        )

    async def ListPaidOffReviewCandidates(  # noqa: N802
        self,
        request: monitoring_pb2.ListPaidOffReviewCandidatesRequest,
        context: grpc.aio.ServicerContext,
    ) -> monitoring_pb2.ListPaidOffReviewCandidatesResponse:
        v = Violations()
        today = self._clock.today()
        as_of = proto_validation.date(
            v, request, "as_of", required=False, earliest=EARLIEST_DATE, latest=today
        )
        lookback = request.lookback_days or DEFAULT_LOOKBACK_DAYS
        v.int_range(request.lookback_days, "lookback_days", minimum=0,
                    maximum=MAX_LOOKBACK_DAYS)
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE,
                                maximum=MAX_PAGE_SIZE)
        digest = _digest(request)
        offset = decode_position_token(v, request.page_token, digest) or 0
        v.raise_if_any()
        page, more = await use_cases.paid_off_review(
            self._running.engine, as_of=as_of or today, lookback_days=lookback,
            offset=offset, page_size=page_size, policy=self._policy,
        )
        token = encode_position_token(offset + len(page), digest) if more else ""
        return monitoring_pb2.ListPaidOffReviewCandidatesResponse(
            candidates=page, next_page_token=token
        )
