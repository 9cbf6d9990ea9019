"""The pre-due reminder worker against a real PostgreSQL and the real SMS simulator process:
reminders queued by collection's handler of monitoring's InstallmentDueSoon go out once each
behind the gate; a do-not-contact borrower's reminder is refused for good and recorded; a
borrower in quiet hours (New York, 22:00 local) is retried when they end (ManualClock); a crash
after the send, or after the dispatch but before the claim commits, sends nothing twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import types
import uuid
from collections.abc import AsyncIterator

import pytest
from contact_harness import START, R, rid, swap_points
from sqlalchemy import text

from collection.adapters.channels import ChannelRouter, SimulatorGateway, SmtpMailer
from collection.entrypoints.events import CollectionEventHandlers
from collection.entrypoints.reminder_worker import pre_due_reminder_worker
from collection.service_layer import reminders
from collection.service_layer.reminders import ReminderPolicy, dispatch_due_reminders
from postloan.collection.v1 import collection_pb2
from postloan.common.v1 import events_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan_runtime.auth import ServiceIdentity
from postloan_runtime.pii import PiiCipher

pytestmark = pytest.mark.integration

D0 = (START + dt.timedelta(hours=8)).date()  # the business date in Shanghai
NEW_YORK_8AM = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)  # 08:00 EDT: quiet hours over


@pytest.fixture
async def channels(channel_simulator, contact_keys_dir) -> AsyncIterator[ChannelRouter]:
    gateway = SimulatorGateway(
        channel_simulator.address,
        ServiceIdentity("collection", contact_keys_dir / "collection.pem"),
    )
    yield ChannelRouter(gateway, SmtpMailer("127.0.0.1", 9))
    await gateway.close()


@pytest.fixture
def cipher(contact_keys_dir) -> PiiCipher:
    return PiiCipher.from_file(contact_keys_dir / "pii-keys.json")


def sms_sent_since(simulator, offset: int) -> list[str]:
    """Dispatch ids of the SMS the simulator process logged after ``offset`` of its output."""
    ids = []
    for line in simulator.output[offset:].splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "simulated dispatch" and entry.get("channel") == "sms":
            ids.append(entry["dispatch_id"])
    return ids


async def queue(h, borrower_id: str, loan_id: str, *, days_until_due: int = 3) -> None:
    """monitoring's InstallmentDueSoon through collection's consumer handler (one transaction,
    as the consumer applies it)."""
    due = D0 + dt.timedelta(days=days_until_due)
    event = mon.InstallmentDueSoon(
        loan_id=loan_id, borrower_id=borrower_id,
        business_date=money_pb2.Date(year=D0.year, month=D0.month, day=D0.day),
        installment_sequence=4, due_date=money_pb2.Date(year=due.year, month=due.month,
                                                        day=due.day),
        amount_due=money_pb2.Money(currency_code="CNY", minor_units=123_400),
        days_until_due=days_until_due,
    )
    async with h.engine.begin() as conn:
        await CollectionEventHandlers(h.clock).installment_due_soon(
            conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())), event)


async def reminder_rows(h) -> dict[str, dict]:
    async with h.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT * FROM pre_due_reminders ORDER BY loan_id, days_until_due"))).mappings()
        return {f"{r['loan_id']}/T-{r['days_until_due']}": dict(r) for r in rows}


async def attempts_of(h, borrower_id: str) -> list[dict]:
    async with h.engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT * FROM contact_attempts WHERE borrower_id = :b ORDER BY started_at"),
            {"b": borrower_id})
        return [dict(r) for r in rows.mappings()]


async def run_worker_until_idle(h, channels, cipher) -> None:
    """The real worker loop (short interval) until no reminder is due at the clock's now."""
    worker = pre_due_reminder_worker(h.clock, channels=channels, cipher=cipher,
                                     policy=ReminderPolicy(batch_size=2),
                                     interval_seconds=0.05)
    task = asyncio.create_task(worker(types.SimpleNamespace(engine=h.engine)))
    try:
        for _ in range(200):
            due = await h.count(
                "pre_due_reminders",
                "dispatched_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= "
                f"'{h.clock.now().isoformat()}')")
            if due == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("reminders still due")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_reminders_go_out_once_refused_for_good_or_retried_after_quiet_hours(
    dispatch_harness, channel_simulator, channels, cipher
) -> None:
    h = dispatch_harness
    offset = len(channel_simulator.output)
    await h.debtor("b-ok")
    await h.point("b-ok", "13800001251")  # ...51: delivered
    await h.debtor("b-dnc")
    await h.point("b-dnc", "13800001252")
    await h.debtors.SetDoNotContactFlag(
        collection_pb2.SetDoNotContactFlagRequest(
            request_id=rid(), borrower_id="b-dnc", reason=R.DO_NOT_CONTACT_REASON_COMPLAINT),
        metadata=h.metadata)
    await h.debtor("b-ny", zone="America/New_York", code="US")  # 22:00 there now
    await h.point("b-ny", "13800001253")
    # b-none has neither a profile nor a phone.
    await queue(h, "b-ok", "L-ok")
    await queue(h, "b-ok", "L-ok", days_until_due=1)
    await queue(h, "b-dnc", "L-dnc")
    await queue(h, "b-ny", "L-ny")
    await queue(h, "b-none", "L-none")

    await run_worker_until_idle(h, channels, cipher)

    rows = await reminder_rows(h)
    assert {k: (r["outcome"], r["attempts"], r["dispatched_at"] is not None)
            for k, r in rows.items()} == {
        "L-dnc/T-3": ("REFUSED", 1, True),
        "L-none/T-3": ("NO_CONTACT_POINT", 0, True),
        "L-ny/T-3": ("DEFERRED", 1, False),
        "L-ok/T-1": ("SENT", 1, True),
        "L-ok/T-3": ("SENT", 1, True),
    }
    assert rows["L-dnc/T-3"]["refusal_reasons"] == ["DO_NOT_CONTACT"]
    assert rows["L-ny/T-3"]["refusal_reasons"] == ["QUIET_HOURS"]
    assert rows["L-ny/T-3"]["next_attempt_at"] == NEW_YORK_8AM
    # The contact log: one SMS attempt per sent reminder, no case, no agent; the refusal is a
    # recorded check, and nothing was attempted.
    sent = await attempts_of(h, "b-ok")
    assert sorted(a["attempt_id"] for a in sent) == sorted(
        rows[k]["attempt_id"] for k in ("L-ok/T-1", "L-ok/T-3"))
    assert {(a["channel"], a["party"], a["outcome"], a["case_id"], a["agent_id"])
            for a in sent} == {("SMS", "DEBTOR", "DELIVERED", None, None)}
    assert await attempts_of(h, "b-dnc") == []
    assert await h.count(
        "contact_checks", "borrower_id = 'b-dnc' AND decision = 'REFUSED'") == 1
    # The simulator received exactly one message per sent reminder, the ones logged.
    assert sorted(sms_sent_since(channel_simulator, offset)) == sorted(
        a["recording_reference"] for a in sent)

    # Nothing is due until the quiet hours end in New York; then the reminder goes out.
    h.clock.set(NEW_YORK_8AM - dt.timedelta(minutes=1))
    batch = await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels,
                                         cipher=cipher)
    assert batch.claimed == 0
    h.clock.set(NEW_YORK_8AM)
    await run_worker_until_idle(h, channels, cipher)
    retried = (await reminder_rows(h))["L-ny/T-3"]
    assert (retried["outcome"], retried["attempts"]) == ("SENT", 2)
    [ny_attempt] = await attempts_of(h, "b-ny")
    assert ny_attempt["attempt_id"] == retried["attempt_id"]
    assert sorted(sms_sent_since(channel_simulator, offset)) == sorted(
        [a["recording_reference"] for a in sent] + [ny_attempt["recording_reference"]])
    # Two checks for b-ny: the quiet-hours refusal and the clearance that was used.
    assert await h.count("contact_checks", "borrower_id = 'b-ny'") == 2


async def test_an_installment_already_due_expires_its_reminder(
    dispatch_harness, channels, cipher
) -> None:
    h = dispatch_harness
    await h.debtor("b-late")
    await h.point("b-late", "13800001254")
    await queue(h, "b-late", "L-late", days_until_due=1)
    h.clock.set(START + dt.timedelta(days=2))  # the business date after the due date
    batch = await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels,
                                         cipher=cipher)
    assert dict(batch.outcomes) == {"EXPIRED": 1}
    assert await h.count("contact_checks") == 0 and await h.count("contact_attempts") == 0


async def test_a_contact_value_moved_from_another_row_defers_only_its_reminder(
    dispatch_harness, channel_simulator, channels, cipher
) -> None:
    h = dispatch_harness
    offset = len(channel_simulator.output)
    points = {}
    for borrower, number in (("b-a", "13800001255"), ("b-b", "13800001256"),
                             ("b-c", "13800001257")):
        await h.debtor(borrower)
        points[borrower] = await h.point(borrower, number)
        await queue(h, borrower, f"L-{borrower}")
    await swap_points(h, ("value_encrypted",), points["b-a"], points["b-b"])

    batch = await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels,
                                         cipher=cipher)

    assert dict(batch.outcomes) == {"SENT": 1, "DEFERRED": 2}
    rows = await reminder_rows(h)
    assert {k: r["outcome"] for k, r in rows.items()} == {
        "L-b-a/T-3": "DEFERRED", "L-b-b/T-3": "DEFERRED", "L-b-c/T-3": "SENT",
    }
    # Nothing went to the swapped numbers, and nothing of theirs was recorded.
    [sent] = await attempts_of(h, "b-c")
    assert sms_sent_since(channel_simulator, offset) == [sent["recording_reference"]]
    assert await h.count("contact_checks", "borrower_id IN ('b-a', 'b-b')") == 0


async def test_a_crash_after_the_send_or_before_the_claim_commits_sends_once(
    dispatch_harness, channel_simulator, channels, cipher, monkeypatch
) -> None:
    h = dispatch_harness
    offset = len(channel_simulator.output)
    for borrower, number in (("b-c1", "13800001255"), ("b-c2", "13800001256")):
        await h.debtor(borrower)
        await h.point(borrower, number)

    # 1. The dispatch went through (sent and recorded) but the worker died before its claim
    # committed: the row is still pending; the rerun repeats the request id and gets the
    # recorded answer.
    await queue(h, "b-c1", "L-c1")
    send_one = reminders._send_one

    async def dies_after_dispatch(*args, **kwargs):
        await send_one(*args, **kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(reminders, "_send_one", dies_after_dispatch)
    with pytest.raises(RuntimeError):
        await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels, cipher=cipher)
    monkeypatch.setattr(reminders, "_send_one", send_one)
    assert (await reminder_rows(h))["L-c1/T-3"]["outcome"] is None
    assert len(await attempts_of(h, "b-c1")) == 1
    batch = await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels,
                                         cipher=cipher)
    assert dict(batch.outcomes) == {"SENT": 1}
    [attempt] = await attempts_of(h, "b-c1")
    assert (await reminder_rows(h))["L-c1/T-3"]["attempt_id"] == attempt["attempt_id"]

    # 2. The gateway took the SMS but the worker died before recording it: the rerun sends
    # again with the same idempotency key and the gateway answers with the first send.
    await queue(h, "b-c2", "L-c2")

    class DiesAfterSending:
        async def send(self, **kwargs):
            await channels.send(**kwargs)
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        await dispatch_due_reminders(h.engine, clock=h.clock, channels=DiesAfterSending(),
                                     cipher=cipher)
    assert await attempts_of(h, "b-c2") == []
    batch = await dispatch_due_reminders(h.engine, clock=h.clock, channels=channels,
                                         cipher=cipher)
    assert dict(batch.outcomes) == {"SENT": 1}
    [attempt_2] = await attempts_of(h, "b-c2")

    logged = sms_sent_since(channel_simulator, offset)
    assert sorted(logged) == sorted([attempt["recording_reference"],
                                     attempt_2["recording_reference"]])
    assert await h.count("message_dispatches", "state = 'DONE'") == 2
