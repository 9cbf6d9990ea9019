"""AIP-155 idempotency: a repeated ``request_id`` gets the outcome of the first call.

The key is claimed on the ``idempotency_keys`` table **in the same transaction as the effect**,
with ``INSERT … ON CONFLICT DO NOTHING``. A concurrent duplicate therefore blocks on the
primary key until the first transaction ends: if it committed, the duplicate reads and returns
the stored response; if it rolled back, the duplicate claims the key and runs the effect
itself. The effect is applied at most once per ``request_id`` and every caller sees the same
response. This relies on PostgreSQL's default READ COMMITTED isolation, and on the claim being
the first statement of the transaction (so a waiting duplicate holds no other locks).

A request is identified by the SHA-256 of its method name and its deterministic protobuf
serialization with ``request_id`` cleared. The same ``request_id`` with a different request is
refused with INVALID_ARGUMENT (reason ``REQUEST_ID_REUSED``, field ``request_id``).

Refusals that depend only on the request and the state it met (INVALID_ARGUMENT,
FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS) are stored too when :func:`run_idempotent`
owns the transaction, so a retry after a lost answer gets the same refusal. Transient failures
(ABORTED, UNAVAILABLE, unexpected exceptions) are not stored: the transaction rolls back,
the key with it, and a retry runs afresh.

Inside a :class:`~postloan_runtime.unit_of_work.UnitOfWork` the response is written at its
commit, in the statement that inserts the outbox rows (one round trip fewer per call); the key
row is this transaction's from the claim on, so nobody can tell the difference.

Keys expire after ``ttl`` (default 7 days); until the sweeper (:func:`purge_expired`,
:func:`idempotency_sweeper`) deletes them they are still honoured.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar

from google.protobuf.message import Message
from sqlalchemy import (
    DateTime,
    Interval,
    LargeBinary,
    String,
    bindparam,
    column,
    delete,
    func,
    select,
    table,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from postloan_runtime.auth import current_caller_or_none
from postloan_runtime.db import single_statement_reads
from postloan_runtime.direct_sql import DirectStatement
from postloan_runtime.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Reason,
    error_from_dict,
)

if TYPE_CHECKING:
    from postloan_runtime.app import RunningService, Worker
    from postloan_runtime.clock import Clock

logger = logging.getLogger(__name__)

DEFAULT_TTL: Final = timedelta(days=7)
STORED_REFUSALS: Final[tuple[type[DomainError], ...]] = (
    InvalidArgument,
    FailedPrecondition,
    NotFound,
    AlreadyExists,
)

# The table as declared in db.py; a lightweight clause so any service's metadata works.
idempotency_keys = table(
    "idempotency_keys",
    column("request_id", String),
    column("method", String),
    column("request_hash", String),
    column("response", LargeBinary),
    column("error", JSONB),
    column("created_at", DateTime(timezone=True)),
    column("expires_at", DateTime(timezone=True)),
)

# The statements every mutating RPC runs, built once: a call only binds its values, so no
# statement construction and no cache-key generation per call (SQLAlchemy's advice for hot
# paths). The SQL is the same as the inline forms they replace.
_keys = idempotency_keys.c


def _claim_statement(expires_at: Any) -> Any:
    return (
        insert(idempotency_keys)
        .values(
            request_id=bindparam("request_id", type_=String),
            method=bindparam("method", type_=String),
            request_hash=bindparam("request_hash", type_=String),
            expires_at=expires_at,
        )
        .on_conflict_do_nothing(index_elements=["request_id"])
        .returning(_keys.request_id)
    )


# ``expires_at`` given by the caller's clock, or the database's clock plus the ttl.
_CLAIM_AT: Final = _claim_statement(bindparam("expires_at", type_=DateTime(timezone=True)))
_CLAIM_DB_CLOCK: Final = _claim_statement(func.now() + bindparam("ttl", type_=Interval))
_READ_KEY: Final = select(_keys.method, _keys.request_hash, _keys.response, _keys.error).where(
    _keys.request_id == bindparam("request_id", type_=String)
)
_RECORD_RESPONSE: Final = (
    update(idempotency_keys)
    .where(_keys.request_id == bindparam("key", type_=String))
    .values(response=bindparam("response", type_=LargeBinary))
)
_RECORD_ERROR: Final = (
    update(idempotency_keys)
    .where(_keys.request_id == bindparam("key", type_=String))
    .values(error=bindparam("error", type_=JSONB))
)

# For a unit of work: the response write as a CTE in front of the outbox insert.
RECORD_RESPONSE_CTE_SQL: Final = (
    "recorded AS (UPDATE idempotency_keys SET response = :response WHERE request_id = :key)"
)

# The same statements run on the driver connection (direct_sql) when the caller holds a
# connection; an ORM session keeps the SQLAlchemy forms above.
_CLAIM_SQL: Final = (
    "INSERT INTO idempotency_keys (request_id, method, request_hash, expires_at) "
    "VALUES (:request_id, :method, :request_hash, {expires_at}) "
    "ON CONFLICT (request_id) DO NOTHING RETURNING request_id"
)
_DIRECT_CLAIM_AT: Final = DirectStatement(_CLAIM_SQL.format(expires_at=":expires_at"))
_DIRECT_CLAIM_DB_CLOCK: Final = DirectStatement(_CLAIM_SQL.format(expires_at="now() + :ttl"))
_DIRECT_READ_KEY: Final = DirectStatement(
    "SELECT method, request_hash, response, error FROM idempotency_keys "
    "WHERE request_id = :request_id"
)
_DIRECT_RECORD_RESPONSE: Final = DirectStatement(
    "UPDATE idempotency_keys SET response = :response WHERE request_id = :key"
)

# Open units of work's connections -> (request_id, serialized response) still to be written
# at their commit; registered by UnitOfWork, which writes them (see write_responses_at_commit).
_deferred_responses: weakref.WeakKeyDictionary[AsyncConnection, list[tuple[str, bytes]]] = (
    weakref.WeakKeyDictionary()
)

ResponseT = TypeVar("ResponseT", bound=Message)
Executor = AsyncConnection | AsyncSession


def _payload(request: Message, request_id_field: str) -> bytes:
    copy = type(request)()
    copy.CopyFrom(request)
    if request_id_field in copy.DESCRIPTOR.fields_by_name:
        copy.ClearField(request_id_field)
    return copy.SerializeToString(deterministic=True)


def payload_fingerprint(
    method: str, request: Message, *, request_id_field: str = "request_id"
) -> str:
    """SHA-256 (hex) of ``method`` and the request's deterministic serialization with
    ``request_id_field`` cleared: what a request says, whoever sends it (a loan's registration
    terms are compared by it). Idempotency keys stored before they were bound to their caller
    carry this."""
    digest = hashlib.sha256(method.encode())
    digest.update(b"\x00")
    digest.update(_payload(request, request_id_field))
    return digest.hexdigest()


def request_fingerprint(
    method: str, request: Message, *, request_id_field: str = "request_id"
) -> str:
    """SHA-256 (hex) of ``method``, the verified caller's subject and the request's
    deterministic serialization with ``request_id_field`` cleared: equal for a retry by the same
    caller, different for any other payload or caller. The caller is part of it so that a
    request_id seen by someone else (a log, a shared screen) replays nobody's stored response to
    them: another caller's reuse is refused like any other reuse."""
    caller = current_caller_or_none()
    subject = b"" if caller is None else caller.subject.encode()
    digest = hashlib.sha256(method.encode())
    digest.update(b"\x00")
    digest.update(len(subject).to_bytes(4, "big") + subject)  # length-prefixed: unambiguous
    digest.update(_payload(request, request_id_field))
    return digest.hexdigest()


def fingerprint_matches(stored: str, fingerprint: str, method: str, request: Message) -> bool:
    """Whether ``stored`` (a key's request hash) is this request's: its caller-bound
    ``fingerprint``, or the payload fingerprint of a key stored before keys were bound to their
    caller (such a key replays to any caller, as it did, until it expires: a retry in flight
    across the upgrade is not refused). A key stored since never equals a payload fingerprint."""
    return stored == fingerprint or stored == payload_fingerprint(method, request)


def _reused() -> InvalidArgument:
    return InvalidArgument(
        [FieldViolation("request_id", "was already used for a different request")],
        message="request_id was already used for a different request",
        reason=Reason.REQUEST_ID_REUSED,
    )


def _require_request_id(request_id: str) -> None:
    if not request_id:
        raise InvalidArgument([FieldViolation("request_id", "is required")])


async def _claim(
    db: Executor,
    *,
    request_id: str,
    method: str,
    fingerprint: str,
    ttl: timedelta,
    now: datetime | None,
) -> Any | None:
    """Claim the key. None when this transaction now owns it; else the committed row."""
    params: dict[str, Any] = {
        "request_id": request_id,
        "method": method,
        "request_hash": fingerprint,
    }
    if now is not None:
        params["expires_at"] = now + ttl
    else:
        params["ttl"] = ttl
    # A second statement (the read), not a CTE in the first: it must see the row a concurrent
    # duplicate committed while the INSERT waited on it, which the INSERT's own snapshot does
    # not. Rows by column name either way.
    row: Any
    if isinstance(db, AsyncConnection):
        claim = _DIRECT_CLAIM_AT if now is not None else _DIRECT_CLAIM_DB_CLOCK
        if await claim.fetchval(db, params) is not None:
            return None
        row = await _DIRECT_READ_KEY.fetchrow(db, {"request_id": request_id})
    else:
        claimed = await db.execute(_CLAIM_AT if now is not None else _CLAIM_DB_CLOCK, params)
        if claimed.first() is not None:
            return None
        row = (await db.execute(_READ_KEY, {"request_id": request_id})).mappings().first()
    if row is None:
        # Deleted by the sweeper between the two statements; extremely rare, safe to retry.
        raise RuntimeError("idempotency key vanished while being read; retry")
    return row


def _replay(
    row: Any, *, method: str, fingerprint: str, request: Message, response_type: type[ResponseT]
) -> ResponseT:
    """The first call's outcome, or the refusal for a reused request_id."""
    if row["method"] != method or not fingerprint_matches(
        row["request_hash"], fingerprint, method, request
    ):
        raise _reused()
    if row["error"] is not None:
        raise error_from_dict(row["error"])
    if row["response"] is None:
        raise FailedPrecondition(
            "REQUEST_INCOMPLETE",
            "an earlier call with this request_id did not record an outcome; use a new request_id",
        )
    return response_type.FromString(row["response"])


async def stored_outcome(
    engine: AsyncEngine, *, request_id: str, method: str, request: Message,
    response_type: type[ResponseT],
) -> ResponseT | None:
    """The outcome already committed for ``request_id``, read without claiming the key: the
    response, or the stored refusal raised again (another method or payload under the id is
    REQUEST_ID_REUSED); None when there is none yet. For a use case whose work before its
    transaction (a peer's read, an assessment) failed: a retry still gets the first answer."""
    if not request_id:
        return None
    async with single_statement_reads(engine) as conn:
        row = (await conn.execute(_READ_KEY, {"request_id": request_id})).mappings().first()
    if row is None or (row["response"] is None and row["error"] is None):
        return None
    return _replay(row, method=method, fingerprint=request_fingerprint(method, request),
                   request=request, response_type=response_type)


async def _record_response(db: Executor, request_id: str, response: Message) -> None:
    await write_responses(db, [(request_id, response.SerializeToString(deterministic=True))])


def write_responses_at_commit(conn: AsyncConnection, pending: list[tuple[str, bytes]]) -> None:
    """(For :class:`~postloan_runtime.unit_of_work.UnitOfWork`.) Until
    :func:`stop_deferring_responses`, :func:`run_idempotent_in_transaction` on ``conn`` appends
    its response to ``pending`` instead of writing it; the caller must write ``pending`` before
    it commits (:func:`write_responses` or :data:`RECORD_RESPONSE_CTE_SQL`)."""
    _deferred_responses[conn] = pending


def stop_deferring_responses(conn: AsyncConnection) -> None:
    _deferred_responses.pop(conn, None)


async def write_responses(db: Executor, pending: list[tuple[str, bytes]]) -> None:
    for request_id, response in pending:
        params = {"key": request_id, "response": response}
        if isinstance(db, AsyncConnection):
            await _DIRECT_RECORD_RESPONSE.execute(db, params)
        else:
            await db.execute(_RECORD_RESPONSE, params)


def _check_response(response: object, response_type: type[Message]) -> None:
    if not isinstance(response, response_type):
        raise TypeError(
            f"effect returned {type(response).__name__}, expected {response_type.__name__}"
        )


async def run_idempotent(
    engine: AsyncEngine,
    *,
    request_id: str,
    method: str,
    request: Message,
    response_type: type[ResponseT],
    effect: Callable[[AsyncConnection], Awaitable[ResponseT]],
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
    stored_refusals: tuple[type[DomainError], ...] = STORED_REFUSALS,
) -> ResponseT:
    """Run ``effect`` at most once per ``request_id``, in one transaction with the key.

    Opens and commits the transaction itself; ``effect(conn)`` runs inside it (in a savepoint)
    and must not commit. An ORM session can join it: ``AsyncSession(bind=conn)``.
    ``method`` is the full gRPC method name; ``now`` (UTC) defaults to the database's clock.
    Returns the effect's response, or the stored one on a retry; raises the stored refusal on
    a retry of a refused call; raises InvalidArgument (REQUEST_ID_REUSED) on a reused id.
    """
    _require_request_id(request_id)
    fingerprint = request_fingerprint(method, request)
    refusal: DomainError | None = None
    async with engine.begin() as conn:
        row = await _claim(
            conn, request_id=request_id, method=method, fingerprint=fingerprint, ttl=ttl, now=now
        )
        if row is not None:
            return _replay(
                row, method=method, fingerprint=fingerprint, request=request,
                response_type=response_type,
            )
        savepoint = await conn.begin_nested()
        try:
            response = await effect(conn)
            _check_response(response, response_type)
        except stored_refusals as exc:
            # Undo the effect's writes, keep the key, remember the refusal.
            await savepoint.rollback()
            await conn.execute(_RECORD_ERROR, {"key": request_id, "error": exc.to_dict()})
            refusal = exc
        else:
            await savepoint.commit()
            await _record_response(conn, request_id, response)
    if refusal is not None:
        raise refusal
    return response


async def run_idempotent_in_transaction(
    db: AsyncConnection | AsyncSession,
    *,
    request_id: str,
    method: str,
    request: Message,
    response_type: type[ResponseT],
    effect: Callable[[], Awaitable[ResponseT]],
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> ResponseT:
    """Like :func:`run_idempotent` inside a transaction the caller owns (a unit of work) and
    commits. Call it first in the transaction. ``effect()`` uses the same ``db``. A refusal
    raised by the effect propagates unstored: the caller rolls back, the key with it."""
    _require_request_id(request_id)
    fingerprint = request_fingerprint(method, request)
    row = await _claim(
        db, request_id=request_id, method=method, fingerprint=fingerprint, ttl=ttl, now=now
    )
    if row is not None:
        return _replay(
            row, method=method, fingerprint=fingerprint, request=request,
            response_type=response_type,
        )
    response = await effect()
    _check_response(response, response_type)
    deferred = _deferred_responses.get(db) if isinstance(db, AsyncConnection) else None
    if deferred is not None:
        deferred.append((request_id, response.SerializeToString(deterministic=True)))
    else:
        await _record_response(db, request_id, response)
    return response


async def purge_expired(
    engine: AsyncEngine, now: datetime | None = None, *, batch_size: int = 1000
) -> int:
    """Delete keys whose ``expires_at`` is before ``now`` (UTC; default: the database's clock),
    in batches of ``batch_size``, each its own short transaction. Returns how many went."""
    cutoff: Any = now if now is not None else func.now()
    total = 0
    while True:
        batch = (
            select(idempotency_keys.c.request_id)
            .where(idempotency_keys.c.expires_at < cutoff)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        async with engine.begin() as conn:
            result = await conn.execute(
                delete(idempotency_keys).where(idempotency_keys.c.request_id.in_(batch))
            )
        deleted = result.rowcount or 0
        total += deleted
        if deleted < batch_size:
            return total


def idempotency_sweeper(
    *, interval: timedelta = timedelta(minutes=10), clock: Clock | None = None
) -> Worker:
    """A :class:`~postloan_runtime.app.ServiceApp` worker that purges expired keys every
    ``interval``; failures are logged and retried at the next tick."""

    async def sweep_idempotency_keys(service: RunningService) -> None:
        while True:
            try:
                purged = await purge_expired(service.engine, clock.now() if clock else None)
                if purged:
                    logger.info("purged %d expired idempotency keys", purged)
            except Exception:  # noqa: BLE001 - the sweeper must outlive a database blip
                logger.exception("purging expired idempotency keys failed")
            await asyncio.sleep(interval.total_seconds())

    return sweep_idempotency_keys


# Ready to put in ServiceApp.workers.
sweep_idempotency_keys: Worker = idempotency_sweeper()
