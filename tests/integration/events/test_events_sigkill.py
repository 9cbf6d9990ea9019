"""SIGKILL campaign: producer, relay, feed server and consumer run as separate processes and are
killed at random moments and restarted; afterwards every committed event has been applied
exactly once, in per-loan order, on a gap-free feed."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from event_fixtures import Database
from sqlalchemy import text

pytestmark = pytest.mark.e2e

PROCS = Path(__file__).parent / "procs"
TRANSACTIONS = 300
KILLS = 7


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Fleet:
    """The four processes, each restartable; output goes to log files for post-mortems."""

    def __init__(self, producer_url: str, consumer_url: str, logs: Path) -> None:
        port = free_port()
        self.commands = {
            "producer": [str(PROCS / "producer.py"), "--database-url", producer_url,
                         "--transactions", str(TRANSACTIONS)],
            "relay": ["-m", "postloan_runtime.events.relay", "--database-url", producer_url,
                      "--batch-size", "20", "--poll-interval", "0.05"],
            "feed": [str(PROCS / "feed_server.py"), "--database-url", producer_url,
                     "--port", str(port)],
            "consumer": [str(PROCS / "consumer.py"), "--database-url", consumer_url,
                         "--target", f"127.0.0.1:{port}"],
        }
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.processes[name] = subprocess.Popen(
            [sys.executable, *self.commands[name]], stdout=log, stderr=log, env=env
        )

    def kill(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            return False
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if name == "producer" and process.poll() == 0:
                continue
            assert process.poll() is None, f"{name} died by itself:\n{self.tail(name)}"

    def tail(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop_all(self) -> None:
        for name in self.processes:
            self.kill(name)


async def scalar(db: Database, sql: str) -> int:
    async with db.engine.connect() as conn:
        return await conn.scalar(text(sql))


async def progress(producer_db: Database, consumer_db: Database) -> dict[str, int]:
    return {
        "produced": await scalar(producer_db, "SELECT count(*) FROM produced"),
        "outbox": await scalar(producer_db, "SELECT count(*) FROM outbox"),
        "feed": await scalar(producer_db, "SELECT count(*) FROM event_feed"),
        "applied": await scalar(consumer_db, "SELECT count(*) FROM effects"),
    }


async def wait_until_working(
    fleet: Fleet, victim: str, producer_db: Database, consumer_db: Database
) -> None:
    """Wait until ``victim`` (just started or restarted) has done some work, so the SIGKILL
    lands in the middle of it rather than during interpreter start-up."""
    watched = {"producer": "produced", "relay": "feed", "consumer": "applied", "feed": "applied"}
    before = await progress(producer_db, consumer_db)
    started = time.monotonic()
    deadline = started + 60
    while True:
        fleet.check_alive()
        now = await progress(producer_db, consumer_db)
        idle = (
            fleet.processes["producer"].poll() == 0
            and now["outbox"] == 0
            and now["applied"] == now["produced"]
        )
        # Nothing for the victim to do yet (e.g. a restarted producer still starting on a busy
        # machine): once it has had time to start, killing it now is as good a point as any.
        caught_up = {
            "producer": False,
            "relay": now["outbox"] == 0,
            "feed": now["applied"] == now["feed"],
            "consumer": now["applied"] == now["feed"],
        }[victim] and time.monotonic() - started > 5
        if now[watched[victim]] > before[watched[victim]] or idle or caught_up:
            return
        assert time.monotonic() < deadline, f"{victim} made no progress:\n{fleet.tail(victim)}"
        await asyncio.sleep(0.05)


async def test_no_event_lost_or_applied_twice_under_sigkill(
    producer_db: Database, consumer_db: Database, tmp_path: Path
) -> None:
    seed = int(os.environ.get("POSTLOAN_KILL_SEED", random.randrange(1_000_000)))
    print(f"SIGKILL campaign seed: {seed} (rerun with POSTLOAN_KILL_SEED={seed})")
    rng = random.Random(seed)
    fleet = Fleet(producer_db.url, consumer_db.url, tmp_path)
    started = time.monotonic()
    for name in ("feed", "relay", "consumer", "producer"):
        fleet.start(name)
    # Everyone is killed at least once; the producer early, while it still has work.
    rest = ["relay", "consumer", "producer", "feed", "relay", "consumer"]
    rest += [rng.choice(["producer", "relay", "consumer", "feed"]) for _ in range(KILLS - 7)]
    rng.shuffle(rest)
    victims = ["producer", *rest]
    kills: list[str] = []
    try:
        for victim in victims:
            if victim == "producer" and fleet.processes["producer"].poll() == 0:
                victim = rng.choice(["relay", "consumer", "feed"])  # nothing left to produce
            await wait_until_working(fleet, victim, producer_db, consumer_db)
            await asyncio.sleep(rng.uniform(0.0, 0.5))  # somewhere in the middle of its work
            if fleet.kill(victim):
                kills.append(victim)
                print(f"SIGKILL {victim}: {await progress(producer_db, consumer_db)}")
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            fleet.start(victim)
        assert {"producer", "relay", "consumer"} <= set(kills)

        deadline = time.monotonic() + 60
        while True:
            fleet.check_alive()
            producer_done = fleet.processes["producer"].poll() == 0
            produced = await scalar(producer_db, "SELECT count(*) FROM produced")
            applied = await scalar(consumer_db, "SELECT count(*) FROM effects")
            if producer_done and applied == produced:
                print(f"all {applied} events applied {time.monotonic() - started:.1f}s after start")
                break
            assert time.monotonic() < deadline, (
                f"stuck at {applied}/{produced}\n{fleet.tail('consumer')}\n{fleet.tail('feed')}"
            )
            await asyncio.sleep(0.2)
    finally:
        fleet.stop_all()

    async with producer_db.engine.connect() as conn:
        produced_ids = set(
            (await conn.execute(text("SELECT event_id FROM produced"))).scalars()
        )
        transactions = await conn.scalar(text("SELECT count(DISTINCT seq) FROM produced"))
        feed = (
            await conn.execute(text("SELECT position, event_id FROM event_feed ORDER BY position"))
        ).all()
        outbox_left = await conn.scalar(text("SELECT count(*) FROM outbox"))
    async with consumer_db.engine.connect() as conn:
        effects = (
            await conn.execute(text("SELECT event_id, applied_count FROM effects"))
        ).all()
        violations = await conn.scalar(text("SELECT count(*) FROM order_violations"))
        position = await conn.scalar(
            text("SELECT position FROM consumer_positions WHERE producer = 'producer'")
        )

    assert transactions == TRANSACTIONS  # the producer finished after its restarts
    assert outbox_left == 0
    assert [row.position for row in feed] == list(range(1, len(produced_ids) + 1))
    assert {row.event_id for row in feed} == produced_ids
    assert {row.event_id for row in effects} == produced_ids  # none lost, none invented
    assert all(row.applied_count == 1 for row in effects)  # none applied twice
    assert violations == 0
    assert position == len(produced_ids)
