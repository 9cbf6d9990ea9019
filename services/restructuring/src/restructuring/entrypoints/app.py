"""Wiring of the restructuring service: its servicers, its event feed and its background workers
(relay, idempotency sweeper, activation driver, offer expiry, plan monitoring from monitoring's
events)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from dataclasses import dataclass, replace
from decimal import Decimal

import grpc

from postloan.restructuring.v1 import restructuring_pb2, restructuring_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.auth import ServiceIdentity
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.config import peer_address
from postloan_runtime.events.consumer import consumer_worker
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.money import parse_rate
from postloan_runtime.server import peer_channel
from postloan_runtime.servicers import add_servicers, service_full_names
from restructuring.adapters.peers import CollectionClient, MonitoringClient
from restructuring.adapters.tables import metadata
from restructuring.domain.observation import ObservationPolicy
from restructuring.domain.rules import EligibilityPolicy
from restructuring.entrypoints.monitoring_events import build_handlers
from restructuring.entrypoints.plans import ObservationServicer, PlanServicer
from restructuring.service_layer.activation import run_activation_worker
from restructuring.service_layer.plans import Context, RestructuringPolicy, expire_offers

log = logging.getLogger(__name__)
EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"
_CONTEXT = "restructuring.context"
_CLIENTS = "restructuring.clients"


def _int(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    return int(text) if text else default


def policy_from_env() -> RestructuringPolicy:
    """Settings from ``POSTLOAN_RESTRUCTURING_*`` (docs/conventions.md), defaults otherwise."""
    cap = os.environ.get("POSTLOAN_RESTRUCTURING_RATE_CAP", "")
    discount = os.environ.get("POSTLOAN_RESTRUCTURING_DISCOUNT_RATE", "")
    defaults = RestructuringPolicy()
    eligibility = EligibilityPolicy(
        max_restructurings_12_months=_int("POSTLOAN_RESTRUCTURING_MAX_PER_12_MONTHS", 1),
        min_days_past_due=_int("POSTLOAN_RESTRUCTURING_MIN_DAYS_PAST_DUE", 0),
        max_days_past_due=_int("POSTLOAN_RESTRUCTURING_MAX_DAYS_PAST_DUE", 180),
        max_new_term=_int("POSTLOAN_RESTRUCTURING_MAX_NEW_TERM", 60),
        rate_cap=parse_rate(cap) if cap else EligibilityPolicy().rate_cap,
        evidence_waiver_threshold_fen=_int("POSTLOAN_RESTRUCTURING_EVIDENCE_THRESHOLD_FEN",
                                           100_000),
    )
    return replace(
        defaults,
        eligibility=eligibility,
        discount_rate=Decimal(discount) if discount else defaults.discount_rate,
        breach_days_past_due=_int("POSTLOAN_RESTRUCTURING_BREACH_DAYS_PAST_DUE", 30),
        unquoted_request_max_age=dt.timedelta(
            days=_int("POSTLOAN_RESTRUCTURING_UNQUOTED_REQUEST_MAX_AGE_DAYS",
                      defaults.unquoted_request_max_age.days)
        ),
        observation=ObservationPolicy(
            required_consecutive_periods=_int("POSTLOAN_RESTRUCTURING_OBSERVATION_PERIODS", 2),
            minimum_months=_int("POSTLOAN_RESTRUCTURING_OBSERVATION_MONTHS", 12),
        ),
    )


@dataclass
class Clients:
    monitoring: MonitoringClient
    collection: CollectionClient
    channels: tuple[grpc.aio.Channel, ...]


def _clients(running: RunningService) -> Clients:
    clients = running.extras.get(_CLIENTS)
    if clients is None:
        identity = ServiceIdentity.from_env("restructuring")
        monitoring = peer_channel(peer_address("monitoring"), service_identity=identity)
        collection = peer_channel(peer_address("collection"), service_identity=identity)
        clients = Clients(MonitoringClient(monitoring), CollectionClient(collection),
                          (monitoring, collection))
        running.extras[_CLIENTS] = clients
    return clients  # type: ignore[no-any-return]


def build_app(
    *,
    policy: RestructuringPolicy | None = None,
    clock: Clock | None = None,
    activation_poll_seconds: float = 1.0,
    expiry_poll_seconds: float = 60.0,
) -> ServiceApp:
    """The restructuring service; ``policy`` defaults to the environment's, ``clock`` to the
    system clock (tests pass their own)."""
    settings_policy = policy or policy_from_env()
    used_clock = clock or SystemClock()

    def context(running: RunningService) -> Context:
        ctx = running.extras.get(_CONTEXT)
        if ctx is None:
            ctx = Context(running.engine, used_clock, _clients(running).monitoring,
                          settings_policy)
            running.extras[_CONTEXT] = ctx
        return ctx  # type: ignore[no-any-return]

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        ctx = context(running)
        add_servicers(
            server, restructuring_pb2, restructuring_pb2_grpc,
            {"PlanService": PlanServicer(ctx), "ObservationService": ObservationServicer(ctx)},
        )
        add_event_feed(server, running)

    async def activation_worker(running: RunningService) -> None:
        clients = _clients(running)
        await run_activation_worker(
            context(running), clients.monitoring, clients.collection,
            poll_seconds=activation_poll_seconds,
        )

    async def expiry_worker(running: RunningService) -> None:
        while True:
            try:
                await expire_offers(context(running))
            except Exception:  # noqa: BLE001 - outlive a database blip
                log.exception("offer expiry pass failed; retrying")
            await asyncio.sleep(expiry_poll_seconds)

    return ServiceApp(
        package="restructuring",
        metadata=metadata,
        service_names=[*service_full_names(restructuring_pb2), EVENT_FEED_SERVICE],
        register=register,
        workers=[
            relay_worker,
            sweep_idempotency_keys,
            activation_worker,
            expiry_worker,
            consumer_worker("monitoring", build_handlers(settings_policy.breach_days_past_due)),
        ],
    )
