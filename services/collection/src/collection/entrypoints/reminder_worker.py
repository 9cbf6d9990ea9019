"""The pre-due reminder worker: every ``interval_seconds`` (at once again while batches come back
full) it sends the reminders that are due through channel dispatch behind the gate
(:mod:`collection.service_layer.reminders`)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from collection.adapters.channels import ChannelGateway, ChannelRouter, SimulatorGateway, SmtpMailer
from collection.service_layer.reminders import (
    DEFAULT_POLICY,
    ReminderPolicy,
    dispatch_due_reminders,
)
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.pii import PiiCipher

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService, Worker

log = logging.getLogger(__name__)


def pre_due_reminder_worker(
    clock: Clock | None = None,
    *,
    channels: ChannelGateway | None = None,
    cipher: PiiCipher | None = None,
    policy: ReminderPolicy = DEFAULT_POLICY,
    interval_seconds: float = 60.0,
) -> Worker:
    """The worker; ``channels`` and ``cipher`` default to the environment's (built in the
    running event loop)."""
    the_clock = clock or SystemClock()

    async def send_pre_due_reminders(running: RunningService) -> None:
        gateway = channels or ChannelRouter(SimulatorGateway.from_env(), SmtpMailer.from_env())
        pii = cipher or PiiCipher.from_env()
        while True:
            full = False
            try:
                batch = await dispatch_due_reminders(
                    running.engine, clock=the_clock, channels=gateway, cipher=pii, policy=policy
                )
                if batch.outcomes or batch.channel_down:
                    log.info("pre-due reminders", extra={
                        "outcomes": dict(batch.outcomes), "channel_down": batch.channel_down})
                full = batch.claimed == policy.batch_size and not batch.channel_down
            except Exception:  # noqa: BLE001 - the batch rolled back; retried at the next tick
                log.exception("sending pre-due reminders failed")
            if not full:
                await asyncio.sleep(interval_seconds)

    return send_pre_due_reminders
