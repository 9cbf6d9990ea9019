"""The daily cycle of one business date for one partition: set-based, idempotent, resumable.

Shape of a run:
1. A session advisory lock on (business date, partition) held by a dedicated connection: a
   second caller is refused (DAILY_CYCLE_ALREADY_RUNNING); a crashed caller's lock dies with its
   connection.
2. The run row (``daily_cycle_runs``) is created or resumed; order of business dates and the
   partition count are checked.
3. The loans the date can change (``daily_cycle_sql.candidate_ids_sql``: an installment
   falling due or noticed, arrears, a status that is not plainly current; every loan on a month
   end, for the month-end snapshot, or when the policy says so) are taken in id order after the
   run's cursor, in batches of up to ``batch_size``: the batch's loans are locked in id order
   (one statement; postings lock the loan too), then ONE set-based statement accrues penalty,
   ages installments, recomputes days past due, bucket and classification, writes loans,
   installments, bucket history and month-end buckets, and returns what changed; the events
   (built in Python for the whole batch), the alerts and the run's new cursor are written in
   the SAME transaction. Up to ``batches_in_flight`` batches run at once, each on its own
   connection, and commit in order: a batch moves the cursor only after the one before it
   has committed, and fails if that one failed. A crash loses at most the batches in flight,
   which the next run redoes; a completed batch is never redone.
4. The run is marked COMPLETED; a repeat of a completed date changes and emits nothing.

Event and alert ids are derived from what they describe, so a resumed run writes the same ids
a clean run would.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import hashlib
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from monitoring.adapters import daily_cycle_sql as sql
from monitoring.adapters.daily_cycle_events import change_events, due_soon_event
from monitoring.domain.daily_cycle import Phase, Reasons, RunRecord, RunState, check_can_run
from monitoring.domain.delinquency import DelinquencyPolicy
from monitoring.service_layer import early_warning
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.events.outbox import DomainEventRecord, append_events

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000


@dataclass(frozen=True)
class DailyCyclePolicy:
    """Deployment settings of the daily cycle."""

    delinquency: DelinquencyPolicy = field(default_factory=DelinquencyPolicy)
    early_warning: early_warning.EarlyWarningPolicy = field(
        default_factory=early_warning.EarlyWarningPolicy
    )
    batch_size: int = DEFAULT_BATCH_SIZE
    # Examine every active loan, not only those the date can change: the same outcome, slower;
    # for checking that claim and for a sweep after an unusual repair of stored statuses.
    examine_all_loans: bool = False
    # Batches run at once in a partition, each on its own connection, committed in order: the
    # next batch's statement runs in the database while this process builds the events of the
    # one before. 1 runs them one after the other on one connection.
    batches_in_flight: int = 2

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.batches_in_flight < 1:
            raise ValueError("batch_size and batches_in_flight must be at least 1")


@dataclass(frozen=True)
class Progress:
    """One progress report: the run as stored, the phase in progress and how far it got."""

    run: RunRecord
    phase: Phase
    loans_done: int
    loans_total: int


def _lock_key(business_date: dt.date, partition_index: int) -> int:
    digest = hashlib.sha256(f"daily-cycle|{business_date}|{partition_index}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_RUN_COLUMNS = (
    "business_date, partition_index, partition_count, state, last_completed_phase, "
    "cursor_loan_id, loans_total, loans_done, loans_changed, events_emitted, started_at, "
    "completed_at, failure_reason"
)


def _run_from_row(row: Any) -> RunRecord:
    m = row._mapping
    return RunRecord(
        business_date=m["business_date"],
        partition_index=m["partition_index"],
        partition_count=m["partition_count"],
        state=RunState(m["state"]),
        last_completed_phase=Phase(m["last_completed_phase"]),
        cursor_loan_id=m["cursor_loan_id"],
        loans_total=m["loans_total"],
        loans_done=m["loans_done"],
        loans_changed=m["loans_changed"],
        events_emitted=m["events_emitted"],
        started_at=m["started_at"],
        completed_at=m["completed_at"],
        failure_reason=m["failure_reason"],
    )


async def _get_run(conn: AsyncConnection, day: dt.date, partition_index: int) -> RunRecord | None:
    row = (await conn.execute(
        text(f"SELECT {_RUN_COLUMNS} FROM daily_cycle_runs "
             "WHERE business_date = :d AND partition_index = :p"),
        {"d": day, "p": partition_index},
    )).first()
    return _run_from_row(row) if row else None


async def runs_of_date(engine: AsyncEngine, day: dt.date) -> list[RunRecord]:
    async with engine.connect() as conn:
        rows = (await conn.execute(
            text(f"SELECT {_RUN_COLUMNS} FROM daily_cycle_runs WHERE business_date = :d "
                 "ORDER BY partition_index"),
            {"d": day},
        )).all()
    return [_run_from_row(r) for r in rows]


# Business dates whose every partition completed (a SELECT of ``business_date``).
COMPLETED_DATES_SQL = (
    "SELECT business_date FROM daily_cycle_runs GROUP BY business_date"
    " HAVING bool_and(state = 'COMPLETED') AND count(*) = min(partition_count)"
)


async def last_completed_date(engine: AsyncEngine) -> dt.date | None:
    """The latest business date whose every partition completed."""
    async with engine.connect() as conn:
        return await conn.scalar(text(f"SELECT max(business_date) FROM ({COMPLETED_DATES_SQL}) d"))


async def list_runs(
    engine: AsyncEngine, *, after: tuple[dt.date, int] | None, page_size: int
) -> tuple[list[RunRecord], bool]:
    """Runs newest business date first (then by partition), one page after ``after``."""
    where = ""
    params: dict[str, Any] = {"n": page_size + 1}
    if after is not None:
        where = ("WHERE business_date < :ad OR (business_date = :ad AND partition_index > :ap)")
        params.update(ad=after[0], ap=after[1])
    async with engine.connect() as conn:
        rows = (await conn.execute(
            text(f"SELECT {_RUN_COLUMNS} FROM daily_cycle_runs {where} "
                 "ORDER BY business_date DESC, partition_index LIMIT :n"),
            params,
        )).all()
    runs = [_run_from_row(r) for r in rows]
    return runs[:page_size], len(runs) > page_size


async def _start_or_resume(
    conn: AsyncConnection,
    day: dt.date,
    partition_index: int,
    partition_count: int,
    now: dt.datetime,
    examine_all: bool,
) -> tuple[RunRecord, list[str] | None]:
    """The run record, started or resumed; for a run started here that examines candidates,
    also their ids (read once: their count is the run's total)."""
    candidates: list[str] | None = None
    async with conn.begin():
        # One run-table writer at a time while the order is checked.
        await conn.execute(text("LOCK TABLE daily_cycle_runs IN SHARE ROW EXCLUSIVE MODE"))
        same = (await conn.execute(
            text(f"SELECT {_RUN_COLUMNS} FROM daily_cycle_runs WHERE business_date = :d"),
            {"d": day},
        )).all()
        latest_other = await conn.scalar(
            text("SELECT max(business_date) FROM daily_cycle_runs WHERE business_date <> :d"),
            {"d": day},
        )
        unfinished = await conn.scalar(
            text("SELECT min(business_date) FROM daily_cycle_runs "
                 "WHERE business_date < :d AND state <> 'COMPLETED'"),
            {"d": day},
        )
        existing = [_run_from_row(r) for r in same]
        mine = next((r for r in existing if r.partition_index == partition_index), None)
        if (
            mine is not None and mine.state is RunState.COMPLETED
            and mine.partition_count == partition_count
        ):
            return mine, None
        check_can_run(day, partition_count, existing, latest_other, unfinished)
        params = {"pi": partition_index, "partition_index": partition_index, "after": "",
                  "partition_count": partition_count, "d": day, "now": now}
        if mine is None:
            if examine_all:
                total = await conn.scalar(sql.loans_to_examine_count_sql(), params)
            else:
                candidates = list(
                    (await conn.execute(sql.candidate_ids_sql(), params)).scalars()
                )
                total = len(candidates)
            await conn.execute(
                text("INSERT INTO daily_cycle_runs (business_date, partition_index, "
                     "partition_count, state, loans_total, started_at, updated_at) "
                     "VALUES (:d, :pi, :partition_count, 'RUNNING', :total, :now, :now)"),
                {**params, "total": total},
            )
        else:
            await conn.execute(
                text("UPDATE daily_cycle_runs SET state = 'RUNNING', failure_reason = NULL, "
                     "updated_at = :now WHERE business_date = :d AND partition_index = :pi"),
                params,
            )
        run = await _get_run(conn, day, partition_index)
        assert run is not None  # noqa: S101 - written above
        return run, candidates


def _examines_all(policy: DailyCyclePolicy, day: dt.date) -> bool:
    # A month end writes every loan's month-end bucket, changed or not.
    return policy.examine_all_loans or sql.is_month_end(day)


async def _batches(
    conn: AsyncConnection,
    policy: DailyCyclePolicy,
    day: dt.date,
    partition_index: int,
    partition_count: int,
    after: str,
    candidates: list[str] | None,
) -> AsyncIterator[list[str]]:
    """The loans to examine after ``after``, in id order, a batch at a time: ``candidates``
    when the run has just read them, else read now. Each read is committed before the batch
    runs in its own transaction."""
    params: dict[str, Any] = {"after": after, "partition_index": partition_index,
                              "partition_count": partition_count, "d": day,
                              "batch_size": policy.batch_size}
    if not _examines_all(policy, day):
        ids = candidates
        if ids is None:  # a resumed run: the candidates after its cursor
            ids = list((await conn.execute(sql.candidate_ids_sql(), params)).scalars())
            await conn.commit()
        for start in range(0, len(ids), policy.batch_size):
            yield ids[start:start + policy.batch_size]
        return
    while True:
        bounds = (await conn.execute(sql.batch_bounds_sql(), params)).one()
        await conn.commit()
        if not bounds.n:
            return
        yield list(bounds.ids)
        params["after"] = bounds.upto


async def _run_batch(
    conn: AsyncConnection,
    policy: DailyCyclePolicy,
    day: dt.date,
    partition_index: int,
    ids: list[str],
    now: dt.datetime,
    previous: Awaitable[object] | None = None,
) -> tuple[int, int]:
    """The batch ``ids`` (ascending) in one transaction, the run's cursor moved to its last id;
    (loans changed, events). With ``previous`` (the batch before it, still in flight) the
    cursor is moved and the transaction committed only once that batch has committed: its
    failure fails this one too, so the cursor never passes a batch that was not done."""
    async with conn.begin():
        # The batch statement is a prepared statement run once per batch; after five runs
        # PostgreSQL may switch to a generic plan, which cannot see the batch's id range and
        # array and scans far more than the batch (7x slower over 24 batches of 100k loans).
        # Planning it for each batch's values costs milliseconds.
        await conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        batch = {"ids": ids, "first": ids[0], "last": ids[-1]}
        # The loans first, in a statement of their own: the batch statement's snapshot then
        # holds every posting on them that committed, and none commits until this batch does.
        await conn.execute(sql.lock_batch_sql(), batch)
        delinquency = policy.delinquency
        rows = (await conn.execute(
            sql.batch_sql(delinquency, day),
            {**batch, "d": day, "now": now,
             "tolerance": delinquency.tolerance_fen, "rate_cap": delinquency.rate_cap,
             "fpd_days": policy.early_warning.first_payment_default_days},
        )).mappings().all()
        events: list[DomainEventRecord] = []
        changed = 0
        fpd_rows = []
        for row in rows:
            if row["kind"] == "S":
                events.append(due_soon_event(row, day))
                continue
            changed += 1
            events.extend(change_events(row, day, delinquency.buckets.current))
            if early_warning.is_first_payment_default(row, policy.early_warning):
                fpd_rows.append(row)
        events.extend(
            await early_warning.raise_first_payment_defaults(
                conn, fpd_rows, day, now, policy.early_warning
            )
        )
        await append_events(conn, events)
        if previous is not None:
            await previous
        await conn.execute(
            text("UPDATE daily_cycle_runs SET cursor_loan_id = :upto, "
                 "loans_done = loans_done + :n, loans_changed = loans_changed + :changed, "
                 "events_emitted = events_emitted + :events, updated_at = :now, "
                 "last_completed_phase = 0 "
                 "WHERE business_date = :d AND partition_index = :pi"),
            {"upto": ids[-1], "n": len(ids), "changed": changed, "events": len(events),
             "now": now, "d": day, "pi": partition_index},
        )
    return changed, len(events)


# Runs in one process share the engine's pool. Runs that took their connections one by one
# could each hold part of their set and wait for the rest until the pool's timeout (two
# partitions with three batches in flight on a pool of six did). So a run takes its whole set
# while holding this lock (one per event loop); a run holding its set needs no more.
_connection_set_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@contextlib.asynccontextmanager
async def _taking_a_connection_set() -> AsyncIterator[None]:
    lock = _connection_set_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        yield


async def run_daily_cycle(
    engine: AsyncEngine,
    business_date: dt.date,
    partition_index: int,
    partition_count: int,
    *,
    clock: Clock,
    policy: DailyCyclePolicy = DailyCyclePolicy(),  # noqa: B008 - frozen
) -> AsyncIterator[Progress]:
    """Run (or resume) the daily cycle of ``business_date`` for one partition, yielding progress
    after every batch and a last report with the run COMPLETED. A completed run yields its
    record once and changes nothing."""
    async with contextlib.AsyncExitStack() as connections:
        # The run's whole set at once: the lock's connection and one per batch in flight.
        async with _taking_a_connection_set():
            lock_conn = await connections.enter_async_context(engine.connect())
            batch_conns = [
                await connections.enter_async_context(engine.connect())
                for _ in range(policy.batches_in_flight)
            ]
        locked = await lock_conn.scalar(
            text("SELECT pg_try_advisory_lock(:k)"),
            {"k": _lock_key(business_date, partition_index)},
        )
        await lock_conn.commit()
        if not locked:
            raise FailedPrecondition(
                Reasons.DAILY_CYCLE_ALREADY_RUNNING,
                "another caller is running this business date and partition",
                metadata={"business_date": business_date.isoformat(),
                          "partition_index": str(partition_index)},
            )
        try:
            async for progress in _run_locked(
                lock_conn, batch_conns, business_date, partition_index, partition_count, clock,
                policy,
            ):
                yield progress
        finally:
            await lock_conn.execute(
                text("SELECT pg_advisory_unlock(:k)"),
                {"k": _lock_key(business_date, partition_index)},
            )
            await lock_conn.commit()


async def _run_locked(
    conn: AsyncConnection,
    batch_conns: list[AsyncConnection],
    day: dt.date,
    partition_index: int,
    partition_count: int,
    clock: Clock,
    policy: DailyCyclePolicy,
) -> AsyncIterator[Progress]:
    """The run, on ``conn`` (the connection holding the lock: the run row, the batches' ids)
    and ``batch_conns``, one per batch in flight."""
    run, candidates = await _start_or_resume(
        conn, day, partition_index, partition_count, clock.now(), _examines_all(policy, day)
    )
    if run.state is RunState.COMPLETED:
        yield Progress(run, Phase.EVENTS, run.loans_done, run.loans_total)
        return
    cursor = run.cursor_loan_id or ""
    done, total = run.loans_done, max(run.loans_total, run.loans_done)
    yield Progress(run, Phase.DELINQUENCY, done, total)
    depth = len(batch_conns)
    # Oldest first; each batch commits only after the one before it has (see _run_batch).
    in_flight: collections.deque[tuple[asyncio.Task[tuple[int, int]], int]] = (
        collections.deque()
    )
    try:
        started = 0
        async for ids in _batches(
            conn, policy, day, partition_index, partition_count, cursor, candidates
        ):
            if len(in_flight) == depth:
                done += await _finish_oldest(in_flight)
                total = max(total, done)
                yield Progress(await _read_run(conn, day, partition_index),
                               Phase.DELINQUENCY, done, total)
            previous = in_flight[-1][0] if in_flight else None
            task = asyncio.create_task(_run_batch(
                batch_conns[started % depth], policy, day, partition_index, ids,
                clock.now(), previous,
            ))
            in_flight.append((task, len(ids)))
            started += 1
        while in_flight:
            done += await _finish_oldest(in_flight)
            total = max(total, done)
            yield Progress(await _read_run(conn, day, partition_index),
                           Phase.DELINQUENCY, done, total)
        async with conn.begin():
            await conn.execute(
                text("UPDATE daily_cycle_runs SET state = 'COMPLETED', "
                     "last_completed_phase = :phase, completed_at = :now, updated_at = :now "
                     "WHERE business_date = :d AND partition_index = :pi"),
                {"phase": int(Phase.EVENTS), "now": clock.now(), "d": day,
                 "pi": partition_index},
            )
            run = await _get_run(conn, day, partition_index)  # type: ignore[assignment]
    except Exception:
        logger.exception("daily cycle batch failed")
        # The batches after a failed one fail too (each waits for the one before it to
        # commit); let them roll back on their own connections before recording the failure.
        await asyncio.gather(*(task for task, _ in in_flight), return_exceptions=True)
        await conn.rollback()
        async with conn.begin():
            await conn.execute(
                text("UPDATE daily_cycle_runs SET state = 'FAILED', "
                     "failure_reason = 'BATCH_FAILED', updated_at = :now "
                     "WHERE business_date = :d AND partition_index = :pi"),
                {"now": clock.now(), "d": day, "pi": partition_index},
            )
        raise
    finally:
        # Cancelled or closed early: no batch outlives the run's connections.
        for task, _ in in_flight:
            task.cancel()
        await asyncio.gather(*(task for task, _ in in_flight), return_exceptions=True)
    yield Progress(run, Phase.EVENTS, done, total)


async def _finish_oldest(
    in_flight: collections.deque[tuple[asyncio.Task[tuple[int, int]], int]],
) -> int:
    """Wait for the oldest batch in flight to commit; the number of loans it examined."""
    task, loans = in_flight[0]
    await task
    in_flight.popleft()
    return loans


async def _read_run(conn: AsyncConnection, day: dt.date, partition_index: int) -> RunRecord:
    run = await _get_run(conn, day, partition_index)
    await conn.commit()
    assert run is not None  # noqa: S101 - the run row exists while it runs
    return run
