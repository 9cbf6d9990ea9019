"""Wiring of the credit-inquiry service: its servicers, its event feed and its background
workers."""

from __future__ import annotations

import asyncio

import grpc

from credit_inquiry.adapters.bureau import BureauAdapter, bureau_from_env
from credit_inquiry.adapters.tables import metadata
from credit_inquiry.entrypoints.consents import ConsentServicer
from credit_inquiry.entrypoints.inquiries import (
    IdentityVerificationServicer,
    InquiryRecordServicer,
    InquiryServicer,
)
from credit_inquiry.service_layer.inquiries import InquiryContext, InquirySettings, ScoringModels
from postloan.credit_inquiry.v1 import credit_inquiry_pb2, credit_inquiry_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.pii import PiiCipher
from postloan_runtime.servicers import add_servicers, service_full_names

EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"
INQUIRY_CONTEXT = "credit_inquiry.inquiry_context"


async def close_bureau_on_shutdown(running: RunningService) -> None:
    """A worker that only closes the bureau adapter's channel when the service stops."""
    try:
        await asyncio.Event().wait()
    finally:
        ctx: InquiryContext | None = running.extras.get(INQUIRY_CONTEXT)
        if ctx is not None:
            await ctx.bureau.close()


def build_app(
    clock: Clock | None = None,
    *,
    bureau: BureauAdapter | None = None,
    cipher: PiiCipher | None = None,
    settings: InquirySettings | None = None,
    models: ScoringModels | None = None,
) -> ServiceApp:
    """The service as the shared server sees it. ``clock`` defaults to the real clock; tests
    pass a ManualClock to move time, and may pass the bureau adapter, cipher and settings
    (defaults: from the environment, docs/conventions.md)."""
    service_clock = clock or SystemClock()

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        ctx = InquiryContext(
            engine=running.engine,
            clock=service_clock,
            cipher=cipher or PiiCipher.from_env(),
            bureau=bureau or bureau_from_env(),
            models=models or ScoringModels.from_env(),
            settings=settings or InquirySettings.from_env(),
        )
        running.extras[INQUIRY_CONTEXT] = ctx
        add_servicers(
            server,
            credit_inquiry_pb2,
            credit_inquiry_pb2_grpc,
            {
                "ConsentService": ConsentServicer(running, service_clock),
                "IdentityVerificationService": IdentityVerificationServicer(ctx),
                "InquiryService": InquiryServicer(ctx),
                "InquiryRecordService": InquiryRecordServicer(ctx),
            },
        )
        add_event_feed(server, running)

    return ServiceApp(
        package="credit_inquiry",
        metadata=metadata,
        service_names=[*service_full_names(credit_inquiry_pb2), EVENT_FEED_SERVICE],
        register=register,
        workers=[relay_worker, sweep_idempotency_keys, close_bureau_on_shutdown],
    )
