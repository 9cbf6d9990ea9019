"""Sending the queued pre-due reminders (``pre_due_reminders``, filled from monitoring's
InstallmentDueSoon at T-3/T-1) through channel dispatch, behind the contact gate.

One batch is one claiming transaction: the due reminders are selected ``FOR UPDATE SKIP
LOCKED`` (workers on other replicas take other rows), each is sent with
:func:`collection.service_layer.contacts.dispatch` (check → send → record, in its own
transactions), and its outcome is written on the claimed row in the claiming transaction,
which commits at the end of the batch.

Exactly once: the dispatch request id is derived from the reminder (loan, installment, T-n),
the try number, the channel and the contact point. A crash after a dispatch but before the
claim commits leaves the row pending with the same try number, so the next run repeats the
same request id: dispatch answers from its record (``message_dispatches``) without sending
again, or, when the crash came between the send and its record, sends again with the same id as
the gateway's idempotency key (the gateway answers with the first send). The one at-least-once
edge left is a gateway that forgets its idempotency keys (the simulator keeps them in memory
only) across that crash.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from collection.adapters import contact_protobuf as pb
from collection.adapters.case_tables import pre_due_reminders
from collection.adapters.channels import ChannelGateway
from collection.adapters.contact_repository import (
    ContactRepository,
    Row,
    point_view,
    rules_from_row,
)
from collection.domain.compliance import ContactPointView, Party, Refusal
from collection.domain.jurisdiction import Channel
from collection.domain.reminders import (
    TEMPLATE_CODE,
    ReminderOutcome,
    expired,
    next_attempt_after_refusal,
    quiet_hours_end,
    reminder_channel,
)
from collection.service_layer import contacts
from postloan.collection.v1 import collection_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import DeadlineExceeded, DomainError, NotFound, Unavailable
from postloan_runtime.pii import PiiCipher, PiiDecryptionError

log = logging.getLogger(__name__)

# Namespace of the dispatch request ids of reminders (uuid5).
REQUEST_ID_NAMESPACE: Final = uuid.UUID("6a1d2c3e-7b1f-4e55-9d8c-5f0e2b7a4c11")


@dataclass(frozen=True)
class ReminderPolicy:
    """``batch_size``: reminders claimed per transaction; ``deferral_wait``: how long a reminder
    refused for a passing reason other than quiet hours waits before the next try."""

    batch_size: int = 100
    deferral_wait: dt.timedelta = dt.timedelta(hours=1)


DEFAULT_POLICY: Final = ReminderPolicy()
DEFAULT_GATE_POLICY: Final = contacts.GatePolicy()


@dataclass
class ReminderBatch:
    """What one batch did: reminders claimed, their outcomes, and whether a channel was down
    (the rest of the batch was left pending)."""

    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    channel_down: bool = False


def dispatch_request_id(row: Row, channel: Channel, point: ContactPointView) -> str:
    """The dispatch request id of the reminder's current try (stable across crashes)."""
    name = "|".join((
        "pre-due-reminder", row["loan_id"], str(row["installment_sequence"]),
        str(row["days_until_due"]), str(row["attempts"]), channel.value,
        point.contact_point_id,
    ))
    return str(uuid.uuid5(REQUEST_ID_NAMESPACE, name))


async def dispatch_due_reminders(
    engine: AsyncEngine,
    *,
    clock: Clock,
    channels: ChannelGateway,
    cipher: PiiCipher,
    policy: ReminderPolicy = DEFAULT_POLICY,
    gate_policy: contacts.GatePolicy = DEFAULT_GATE_POLICY,
) -> ReminderBatch:
    """Claim up to ``policy.batch_size`` reminders due now (pending, not deferred past now),
    send each behind the gate and record its outcome on its row."""
    now, today = clock.now(), clock.today()
    batch = ReminderBatch()
    async with engine.connect() as conn, conn.begin():
        rows = await _claim(conn, now, policy.batch_size)
        batch.claimed = len(rows)
        repo = ContactRepository(conn)
        for row in rows:
            try:
                marks = await _send_one(
                    engine, repo, row, now=now, today=today, clock=clock, channels=channels,
                    cipher=cipher, policy=policy, gate_policy=gate_policy,
                )
            except (Unavailable, DeadlineExceeded):
                # Left pending with the same try number: the next run repeats the request id.
                batch.channel_down = True
                break
            p = pre_due_reminders.c
            await conn.execute(
                update(pre_due_reminders)
                .where(p.loan_id == row["loan_id"],
                       p.installment_sequence == row["installment_sequence"],
                       p.days_until_due == row["days_until_due"])
                .values(**marks)
            )
            batch.outcomes[marks["outcome"]] += 1
    return batch


async def _claim(conn: AsyncConnection, now: dt.datetime, limit: int) -> list[Row]:
    p = pre_due_reminders.c
    result = await conn.execute(
        select(pre_due_reminders)
        .where(p.dispatched_at.is_(None),
               or_(p.next_attempt_at.is_(None), p.next_attempt_at <= now))
        .order_by(p.business_date, p.loan_id, p.installment_sequence, p.days_until_due)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [dict(r) for r in result.mappings()]


async def _send_one(
    engine: AsyncEngine,
    repo: ContactRepository,
    row: Row,
    *,
    now: dt.datetime,
    today: dt.date,
    clock: Clock,
    channels: ChannelGateway,
    cipher: PiiCipher,
    policy: ReminderPolicy,
    gate_policy: contacts.GatePolicy,
) -> dict[str, Any]:
    """The values to write on the reminder's row."""
    if expired(row["due_date"], today):
        return {"outcome": ReminderOutcome.EXPIRED.value, "dispatched_at": now}
    points = [point_view(p) for p in await repo.contact_points_of(row["borrower_id"])]
    chosen = reminder_channel(row["treatments"], points)
    if chosen is None:
        return {"outcome": ReminderOutcome.NO_CONTACT_POINT.value, "dispatched_at": now}
    channel, point = chosen
    request = collection_pb2.DispatchMessageRequest(
        request_id=dispatch_request_id(row, channel, point), borrower_id=row["borrower_id"],
        channel=pb.CHANNEL_TO_PROTO[channel], party=pb.PARTY_TO_PROTO[Party.DEBTOR],
        contact_point_id=point.contact_point_id, template_code=TEMPLATE_CODE,
    )
    command = contacts.DispatchCommand(
        request_id=request.request_id, case_id=None, borrower_id=row["borrower_id"],
        channel=channel, party=Party.DEBTOR, contact_point_id=uuid.UUID(point.contact_point_id),
        template_code=TEMPLATE_CODE,
    )
    tried = {"attempts": row["attempts"] + 1, "channel": channel.value}
    try:
        sent = await contacts.dispatch(
            engine, command, request, clock=clock, channels=channels, cipher=cipher,
            policy=gate_policy,
        )
    except (Unavailable, DeadlineExceeded):
        raise
    except NotFound:  # the debtor has no profile (or the point went): nothing to send to
        return {**tried, "outcome": ReminderOutcome.NO_CONTACT_POINT.value, "dispatched_at": now}
    except DomainError as error:  # e.g. no jurisdiction profile in effect: an operator's fix
        log.warning("pre-due reminder deferred", extra={"reason": error.reason})
        return {**tried, "outcome": ReminderOutcome.DEFERRED.value,
                "next_attempt_at": now + policy.deferral_wait}
    except PiiDecryptionError:
        # The point's value does not decrypt for its row (moved from another row, or written
        # column-bound while those are refused): nothing was sent or recorded. Deferred, so the
        # rest of the batch still goes out while an operator looks at the point.
        log.error("pre-due reminder deferred: contact point value refused",
                  extra={"contact_point_id": point.contact_point_id})
        return {**tried, "outcome": ReminderOutcome.DEFERRED.value,
                "next_attempt_at": now + policy.deferral_wait}
    tried["check_id"] = uuid.UUID(sent.check.check_id)
    if sent.HasField("attempt"):
        return {**tried, "outcome": ReminderOutcome.SENT.value, "dispatched_at": now,
                "attempt_id": uuid.UUID(sent.attempt.attempt_id), "next_attempt_at": None,
                "refusal_reasons": None}
    check_row = await repo.check(tried["check_id"])
    assert check_row is not None  # noqa: S101 - dispatch committed it
    refusals = [Refusal(r) for r in check_row["refusal_reasons"]]
    retry_at = next_attempt_after_refusal(
        refusals, now=now, quiet_hours_over_at=await _quiet_hours_over(repo, check_row),
        wait=policy.deferral_wait,
    )
    refused = {**tried, "refusal_reasons": [r.value for r in refusals]}
    if retry_at is None:
        return {**refused, "outcome": ReminderOutcome.REFUSED.value, "dispatched_at": now}
    return {**refused, "outcome": ReminderOutcome.DEFERRED.value, "next_attempt_at": retry_at}


async def _quiet_hours_over(repo: ContactRepository, check_row: Row) -> dt.datetime | None:
    """When the quiet hours that refused the check end (the profile version it applied)."""
    if Refusal.QUIET_HOURS.value not in check_row["refusal_reasons"]:
        return None
    code, version = check_row["jurisdiction_profile"].split("@")
    profile = await repo.profile_version(code, int(version))
    if profile is None:
        return None
    return quiet_hours_end(rules_from_row(profile), check_row["time_zone"],
                           check_row["planned_at"])
