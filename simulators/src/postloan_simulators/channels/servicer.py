"""``ChannelSimulatorService``: a SIMULATED SMS gateway and IVR robocall platform. Nothing is
sent to any handset. Outcomes follow :mod:`postloan_simulators.channels.outcomes`.

The simulator keeps its own dispatch log in process memory (what a gateway's message log
would hold: ids, outcomes, times; no message text) to answer retries of the same
``request_id`` with the same outcome. It is the stand-in gateway's state, not a postloan
store: collection keeps its own record of contacts; this log is gone at restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections import deque
from dataclasses import dataclass

import grpc

from postloan.simulators.v1 import channels_pb2, channels_pb2_grpc
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.proto_convert import timestamp_to_proto
from postloan_runtime.validation import Violations
from postloan_simulators.channels.outcomes import (
    RING_BEFORE_ANSWER_SECONDS,
    ivr_outcome,
    script_seconds,
    sms_outcome,
)
from postloan_simulators.common import FaultInjector, FaultProfile, IdempotentAnswers

log = logging.getLogger(__name__)

DEPENDENCY = "channel-simulator"
DEFAULT_RING_SECONDS = 30
MAX_RING_SECONDS = 120
MAX_SMS_CHARACTERS = 1000
MAX_SCRIPT_CHARACTERS = 4000
DISPATCH_LOG_CAPACITY = 100_000
# 11-digit mainland mobile, or E.164 (+ and up to 15 digits).
_DESTINATION = re.compile(r"^(1[3-9]\d{9}|\+[1-9]\d{6,14})$")


@dataclass(frozen=True)
class Dispatch:
    """One entry of the simulator's own dispatch log (no destination, no text)."""

    kind: str  # "sms" | "ivr"
    dispatch_id: str
    outcome: str
    at: dt.datetime


class ChannelSimulator(channels_pb2_grpc.ChannelSimulatorServiceServicer):
    def __init__(self, faults: FaultProfile | None = None, *, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self.faults = FaultInjector(DEPENDENCY, faults)
        self._sms: IdempotentAnswers[channels_pb2.SendSmsResponse] = IdempotentAnswers()
        self._calls: IdempotentAnswers[channels_pb2.PlaceIvrCallResponse] = IdempotentAnswers()
        self.dispatch_log: deque[Dispatch] = deque(maxlen=DISPATCH_LOG_CAPACITY)

    async def SendSms(  # noqa: N802 - gRPC method name
        self, request: channels_pb2.SendSmsRequest, context: grpc.aio.ServicerContext
    ) -> channels_pb2.SendSmsResponse:
        await self.faults.before_call(context)
        v = Violations()
        request_id = v.request_id(request.request_id)
        _check_destination(v, request.mobile_number)
        v.non_empty(request.text, "text", max_length=MAX_SMS_CHARACTERS)
        v.non_empty(request.sender_signature, "sender_signature", max_length=32)
        v.raise_if_any()
        assert request_id is not None
        async with self._sms.claim(request_id):
            answered = self._sms.answered(request_id, request)
            if answered is not None:
                return answered  # never sent twice
            outcome = sms_outcome(request.mobile_number)
            accepted_at = self._clock.now()
            response = channels_pb2.SendSmsResponse(
                message_id=f"SIMSMS{uuid.uuid4().hex[:20].upper()}",
                outcome=outcome,
                accepted_at=timestamp_to_proto(accepted_at),
            )
            if outcome == channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED:
                response.delivered_at.CopyFrom(timestamp_to_proto(self._clock.now()))
            self._sms.remember(request_id, request, response)
        self._record("sms", response.message_id, channels_pb2.SmsDeliveryOutcome.Name(outcome))
        return response

    async def PlaceIvrCall(  # noqa: N802 - gRPC method name
        self, request: channels_pb2.PlaceIvrCallRequest, context: grpc.aio.ServicerContext
    ) -> channels_pb2.PlaceIvrCallResponse:
        await self.faults.before_call(context)
        v = Violations()
        request_id = v.request_id(request.request_id)
        _check_destination(v, request.mobile_number)
        v.non_empty(request.script, "script", max_length=MAX_SCRIPT_CHARACTERS)
        v.int_range(
            request.max_ring_seconds, "max_ring_seconds", minimum=0, maximum=MAX_RING_SECONDS
        )
        v.raise_if_any()
        assert request_id is not None
        async with self._calls.claim(request_id):
            answered = self._calls.answered(request_id, request)
            if answered is not None:
                return answered
            response = self._call(request)
            self._calls.remember(request_id, request, response)
        self._record(
            "ivr", response.call_id, channels_pb2.IvrCallOutcome.Name(response.outcome)
        )
        return response

    def _call(self, request: channels_pb2.PlaceIvrCallRequest) -> channels_pb2.PlaceIvrCallResponse:
        """The call is simulated at once; ``ended_at`` is when it would have ended."""
        outcome, keypad = ivr_outcome(request.mobile_number)
        ring = request.max_ring_seconds or DEFAULT_RING_SECONDS
        started_at = self._clock.now()
        connected = 0
        if outcome == channels_pb2.IVR_CALL_OUTCOME_ANSWERED:
            ringing = min(ring, RING_BEFORE_ANSWER_SECONDS)
            connected = script_seconds(request.script)
        elif outcome == channels_pb2.IVR_CALL_OUTCOME_HUNG_UP:
            ringing = min(ring, RING_BEFORE_ANSWER_SECONDS)
            connected = max(1, script_seconds(request.script) // 3)
        elif outcome == channels_pb2.IVR_CALL_OUTCOME_NO_ANSWER:
            ringing = ring
        elif outcome == channels_pb2.IVR_CALL_OUTCOME_VOICEMAIL:
            ringing = min(ring, 20)
        else:  # busy, invalid number: rejected by the network at once
            ringing = 1
        return channels_pb2.PlaceIvrCallResponse(
            call_id=f"SIMIVR{uuid.uuid4().hex[:20].upper()}",
            outcome=outcome,
            started_at=timestamp_to_proto(started_at),
            ended_at=timestamp_to_proto(
                started_at + dt.timedelta(seconds=ringing + connected)
            ),
            connected_seconds=connected,
            keypad_input=keypad,
        )

    def _record(self, kind: str, dispatch_id: str, outcome: str) -> None:
        self.dispatch_log.append(Dispatch(kind, dispatch_id, outcome, self._clock.now()))
        log.info(
            "simulated dispatch",
            extra={"channel": kind, "dispatch_id": dispatch_id, "outcome": outcome},
        )


def _check_destination(v: Violations, mobile_number: str) -> None:
    if v.non_empty(mobile_number, "mobile_number"):
        v.require(
            bool(_DESTINATION.match(mobile_number.strip())),
            "mobile_number",
            "must be an 11-digit mobile number or E.164 (+ and digits)",
        )
