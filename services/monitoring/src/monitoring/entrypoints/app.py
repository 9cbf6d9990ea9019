"""Wiring of the monitoring service: its servicers, its event feed and its background workers."""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal

import grpc

from monitoring.adapters.tables import metadata
from monitoring.domain.loans import DEFAULT_RATE_CAP
from monitoring.entrypoints.credit_lines import CreditLineServicer
from monitoring.entrypoints.daily_cycle import (
    BucketHistoryMixin,
    DailyCycleServicer,
    daily_cycle_policy_from_env,
)
from monitoring.entrypoints.early_warning import EarlyWarningServicer
from monitoring.entrypoints.inquiry_events import inquiry_consumer_worker
from monitoring.entrypoints.loans import LoanServicer
from monitoring.entrypoints.portfolio import PortfolioAnalyticsServicer
from monitoring.entrypoints.repayments import RepaymentServicer
from monitoring.entrypoints.restructuring_events import restructuring_consumer_worker
from monitoring.service_layer.loans import LoanPolicy
from monitoring.service_layer.repayments import RepaymentPolicy
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc
from postloan_runtime.app import RunningService, ServiceApp
from postloan_runtime.clock import Clock
from postloan_runtime.events.feed_server import add_event_feed
from postloan_runtime.events.relay import relay_worker
from postloan_runtime.idempotency import sweep_idempotency_keys
from postloan_runtime.money import parse_rate
from postloan_runtime.servicers import add_servicers, service_full_names

EVENT_FEED_SERVICE = "postloan.common.v1.EventFeedService"
# The annualized-cost cap as a decimal fraction (default 0.24 = 24% a year).
RATE_CAP_ENV = "POSTLOAN_MONITORING_RATE_CAP"


def loan_policy_from_env() -> LoanPolicy:
    text = os.environ.get(RATE_CAP_ENV, "")
    cap: Decimal = parse_rate(text) if text else DEFAULT_RATE_CAP
    return LoanPolicy(rate_cap=cap)


class MonitoringLoanServicer(BucketHistoryMixin, LoanServicer):
    """LoanService: the loan servicer's RPCs plus ListBucketHistory."""


def build_app(*, policy: LoanPolicy | None = None, clock: Clock | None = None) -> ServiceApp:
    """The monitoring service; ``policy`` defaults to the environment's, ``clock`` to the system
    clock (tests and the demo pass their own)."""

    def register(server: grpc.aio.Server, running: RunningService) -> None:
        loan_policy = policy or loan_policy_from_env()
        cycle_policy = daily_cycle_policy_from_env(loan_policy.rate_cap)
        loan_policy = dataclasses.replace(
            loan_policy, current_bucket=cycle_policy.delinquency.buckets.current
        )
        # Postings, reversals and ReplaceSchedule age loans by the cycle's rules (tolerance,
        # bucket set, rate cap), or the cycle would move every loan they touched.
        repayment_policy = RepaymentPolicy(
            delinquency=cycle_policy.delinquency, early_warning=cycle_policy.early_warning
        )
        loan_servicer = MonitoringLoanServicer(
            running, clock=clock, policy=loan_policy, repayment_policy=repayment_policy
        )
        add_servicers(
            server,
            monitoring_pb2,
            monitoring_pb2_grpc,
            {
                "LoanService": loan_servicer,
                "RepaymentService": RepaymentServicer(
                    running, clock=clock, policy=repayment_policy
                ),
                "DailyCycleService": DailyCycleServicer(
                    running, clock=clock, policy=cycle_policy,
                ),
                "EarlyWarningService": EarlyWarningServicer(
                    running, clock=clock, policy=cycle_policy.early_warning
                ),
                "PortfolioAnalyticsService": PortfolioAnalyticsServicer(
                    running, clock=clock, buckets=cycle_policy.delinquency.buckets
                ),
                "CreditLineService": CreditLineServicer(running, clock=clock),
            },
        )
        add_event_feed(server, running)

    return ServiceApp(
        package="monitoring",
        metadata=metadata,
        service_names=[*service_full_names(monitoring_pb2), EVENT_FEED_SERVICE],
        register=register,
        # sweep_idempotency_keys is the ready worker; idempotency_sweeper is its factory.
        workers=[
            relay_worker,
            sweep_idempotency_keys,
            inquiry_consumer_worker(clock),
            restructuring_consumer_worker(),
        ],
    )
