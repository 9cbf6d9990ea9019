"""Channel adapters: SMS and IVR through the SMS/IVR gateway (the channel simulator in dev and
tests, over gRPC with collection's service identity), e-mail through an SMTP server (aiosmtplib;
a local aiosmtpd sink in dev and tests).

Each send returns a :class:`Delivery` in the contact log's terms. A channel that cannot be
reached raises :class:`postloan_runtime.errors.Unavailable`, so the caller can release its
clearance. Destinations (numbers, addresses) are personal data: never logged, never put in an
error message.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Final, Protocol

import aiosmtplib
import grpc

from collection.domain.jurisdiction import Channel
from collection.domain.templates import RenderedMessage
from postloan.simulators.v1 import channels_pb2, channels_pb2_grpc
from postloan_runtime.auth import ServiceIdentity
from postloan_runtime.config import peer_address
from postloan_runtime.errors import DeadlineExceeded, Unavailable
from postloan_runtime.server import peer_channel

SMTP_HOST_ENV: Final = "POSTLOAN_SMTP_HOST"
SMTP_PORT_ENV: Final = "POSTLOAN_SMTP_PORT"
SMTP_FROM_ENV: Final = "POSTLOAN_SMTP_FROM"
DEFAULT_SMTP_PORT: Final = 8025
# A neutral sender: a third party must not learn from the address that this is about a debt.
DEFAULT_SMTP_FROM: Final = "notice@postloan.invalid"
CHANNEL_TIMEOUT_SECONDS: Final = 5.0


@dataclass(frozen=True)
class Delivery:
    """What the channel reported, in the contact log's outcome names."""

    outcome: str  # a ContactOutcome name without prefix, e.g. "DELIVERED"
    connected: bool
    provider_reference: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


class ChannelGateway(Protocol):
    async def send(
        self, *, request_id: str, channel: Channel, destination: str, message: RenderedMessage
    ) -> Delivery: ...


_SMS_OUTCOME: Final = {
    channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED: "DELIVERED",
}
# IVR: an answered robocall is connected (it counts as a connected call) but is not a
# conversation; voicemail and unanswered calls count as unanswered attempts.
_IVR_OUTCOME: Final = {
    channels_pb2.IVR_CALL_OUTCOME_ANSWERED: ("DELIVERED", True),
    channels_pb2.IVR_CALL_OUTCOME_HUNG_UP: ("DELIVERED", True),
    channels_pb2.IVR_CALL_OUTCOME_NO_ANSWER: ("NO_ANSWER", False),
    channels_pb2.IVR_CALL_OUTCOME_BUSY: ("NO_ANSWER", False),
    channels_pb2.IVR_CALL_OUTCOME_VOICEMAIL: ("LEFT_MESSAGE", False),
    channels_pb2.IVR_CALL_OUTCOME_INVALID_NUMBER: ("NOT_DELIVERED", False),
}


class SimulatorGateway:
    """SMS and IVR through ``ChannelSimulatorService`` (or any gateway speaking it). The
    provider idempotency key is the DispatchMessage request_id, so a retry never sends twice."""

    def __init__(self, target: str, identity: ServiceIdentity) -> None:
        self._channel = peer_channel(target, service_identity=identity)
        self._stub = channels_pb2_grpc.ChannelSimulatorServiceStub(self._channel)

    @classmethod
    def from_env(cls) -> SimulatorGateway:
        return cls(peer_address("channels"), ServiceIdentity.from_env("collection"))

    async def close(self) -> None:
        await self._channel.close()

    async def send(
        self, *, request_id: str, channel: Channel, destination: str, message: RenderedMessage
    ) -> Delivery:
        try:
            if channel is Channel.SMS:
                sms = await self._stub.SendSms(
                    channels_pb2.SendSmsRequest(
                        request_id=request_id,
                        mobile_number=destination,
                        text=message.text,
                        sender_signature=message.sender_signature,
                    ),
                    timeout=CHANNEL_TIMEOUT_SECONDS,
                )
                accepted = sms.accepted_at.ToDatetime(tzinfo=dt.UTC)
                delivered = (
                    sms.delivered_at.ToDatetime(tzinfo=dt.UTC)
                    if sms.HasField("delivered_at") else None
                )
                return Delivery(
                    outcome=_SMS_OUTCOME.get(sms.outcome, "NOT_DELIVERED"),
                    connected=False,
                    provider_reference=sms.message_id,
                    started_at=accepted,
                    ended_at=delivered,
                )
            if channel is Channel.IVR:
                call = await self._stub.PlaceIvrCall(
                    channels_pb2.PlaceIvrCallRequest(
                        request_id=request_id, mobile_number=destination, script=message.text
                    ),
                    timeout=CHANNEL_TIMEOUT_SECONDS,
                )
                outcome, connected = _IVR_OUTCOME.get(call.outcome, ("NOT_DELIVERED", False))
                return Delivery(
                    outcome=outcome,
                    connected=connected,
                    provider_reference=call.call_id,
                    started_at=call.started_at.ToDatetime(tzinfo=dt.UTC),
                    ended_at=call.ended_at.ToDatetime(tzinfo=dt.UTC),
                )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                raise DeadlineExceeded(
                    "the channel gateway did not answer in time", dependency="channel-simulator"
                ) from None
            raise Unavailable("channel-simulator") from None
        raise ValueError(f"the gateway does not carry {channel}")


class SmtpMailer:
    """E-mail through an SMTP server (no TLS or login: the sink in dev and tests; a relay
    inside the cluster in production)."""

    def __init__(self, host: str, port: int, sender: str = DEFAULT_SMTP_FROM) -> None:
        self.host = host
        self.port = port
        self.sender = sender

    @classmethod
    def from_env(cls) -> SmtpMailer:
        return cls(
            os.environ.get(SMTP_HOST_ENV, "127.0.0.1"),
            int(os.environ.get(SMTP_PORT_ENV, str(DEFAULT_SMTP_PORT))),
            os.environ.get(SMTP_FROM_ENV, DEFAULT_SMTP_FROM),
        )

    async def send(
        self, *, request_id: str, channel: Channel, destination: str, message: RenderedMessage
    ) -> Delivery:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = destination
        email["Subject"] = message.subject
        # The request id in the Message-ID lets the receiving side drop a duplicate.
        email["Message-ID"] = make_msgid(idstring=request_id, domain="postloan.invalid")
        email.set_content(f"{message.sender_signature}\n\n{message.text}\n")
        started = dt.datetime.now(dt.UTC)
        try:
            errors, _ = await aiosmtplib.send(
                email, hostname=self.host, port=self.port, timeout=CHANNEL_TIMEOUT_SECONDS,
                start_tls=False, use_tls=False,
            )
        except aiosmtplib.SMTPRecipientsRefused:
            errors = {destination: aiosmtplib.SMTPResponse(550, "refused")}
        except (aiosmtplib.SMTPException, OSError):
            raise Unavailable("smtp") from None
        return Delivery(
            outcome="NOT_DELIVERED" if errors else "DELIVERED",
            connected=False,
            provider_reference=email["Message-ID"],
            started_at=started,
            ended_at=dt.datetime.now(dt.UTC),
        )


class ChannelRouter:
    """Picks the adapter for a channel: SMS and IVR to the gateway, e-mail to SMTP."""

    def __init__(self, gateway: ChannelGateway, mailer: ChannelGateway) -> None:
        self._gateway = gateway
        self._mailer = mailer

    async def send(
        self, *, request_id: str, channel: Channel, destination: str, message: RenderedMessage
    ) -> Delivery:
        target = self._mailer if channel is Channel.EMAIL else self._gateway
        return await target.send(
            request_id=request_id, channel=channel, destination=destination, message=message
        )
