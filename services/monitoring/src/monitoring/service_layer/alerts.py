"""The alert lifecycle (acknowledge, resolve: idempotent by request_id, operator recorded),
reading alerts, and the after-payoff review of paid-off borrowers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from monitoring.adapters.alert_protobuf import ALERT_COLUMNS, alert_to_proto
from monitoring.domain.early_warning import (
    AlertState,
    EarlyWarningPolicy,
    check_can_acknowledge,
    check_can_resolve,
)
from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.proto_convert import date_to_proto
from postloan_runtime.unit_of_work import UnitOfWork

ACKNOWLEDGE_METHOD = "/postloan.monitoring.v1.EarlyWarningService/AcknowledgeAlert"
RESOLVE_METHOD = "/postloan.monitoring.v1.EarlyWarningService/ResolveAlert"
# Signal codes of the after-payoff review besides the alerts' rule codes.
NEW_INQUIRY = "NEW_INQUIRY"
SCORE_DROP = "SCORE_DROP"


@dataclass(frozen=True)
class AlertFilter:
    borrower_id: str | None = None
    loan_id: str | None = None
    states: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    rule_codes: tuple[str, ...] = ()


async def _alert_row(conn: AsyncConnection, alert_id: uuid.UUID, *, lock: bool = False) -> Any:
    row = (await conn.execute(
        text(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE alert_id = :a"
             + (" FOR UPDATE" if lock else "")),
        {"a": alert_id},
    )).mappings().first()
    if row is None:
        raise NotFound("alert", str(alert_id))
    return row


async def get_alert(engine: AsyncEngine, alert_id: uuid.UUID) -> resources_pb2.Alert:
    async with engine.connect() as conn:
        return alert_to_proto(await _alert_row(conn, alert_id))


async def list_alerts(
    engine: AsyncEngine,
    where: AlertFilter,
    *,
    after: tuple[dt.datetime, uuid.UUID] | None,
    page_size: int,
) -> tuple[list[resources_pb2.Alert], tuple[dt.datetime, uuid.UUID] | None]:
    """Alerts newest first (raised_at, then alert id), one page after ``after``; the key of the
    last one when more follow."""
    clauses = ["TRUE"]
    params: dict[str, Any] = {"n": page_size + 1}
    if where.borrower_id:
        clauses.append("borrower_id = :borrower_id")
        params["borrower_id"] = where.borrower_id
    if where.loan_id:
        clauses.append("loan_id = :loan_id")
        params["loan_id"] = where.loan_id
    for name, column in (("states", "state"), ("severities", "severity"),
                         ("rule_codes", "rule_code")):
        values: Sequence[str] = getattr(where, name)
        if values:
            clauses.append(f"{column} = ANY(:{name})")
            params[name] = list(values)
    if after is not None:
        clauses.append("(raised_at, alert_id) < (:after_at, :after_id)")
        params.update(after_at=after[0], after_id=after[1])
    async with engine.connect() as conn:
        rows = (await conn.execute(
            text(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE {' AND '.join(clauses)} "
                 "ORDER BY raised_at DESC, alert_id DESC LIMIT :n"),
            params,
        )).mappings().all()
    page = rows[:page_size]
    more = len(rows) > page_size
    last = (page[-1]["raised_at"], page[-1]["alert_id"]) if more and page else None
    return [alert_to_proto(r) for r in page], last


async def acknowledge_alert(
    engine: AsyncEngine,
    *,
    request_id: str,
    alert_id: uuid.UUID,
    operator: str,
    request: Message,
    clock: Clock,
) -> monitoring_pb2.AcknowledgeAlertResponse:
    """OPEN → ACKNOWLEDGED by ``operator`` (ALERT_NOT_OPEN otherwise). A retry with the same
    request_id returns the first answer. The request's note is not kept: the alert has no
    field for it (``resolution_note`` is the resolution's)."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> monitoring_pb2.AcknowledgeAlertResponse:
            row = await _alert_row(conn, alert_id, lock=True)
            check_can_acknowledge(AlertState(row["state"]))
            updated = (await conn.execute(
                text(f"UPDATE alerts SET state = 'ACKNOWLEDGED', acknowledged_at = :now, "
                     f"acknowledged_by = :who WHERE alert_id = :a RETURNING {ALERT_COLUMNS}"),
                {"now": clock.now(), "who": operator, "a": alert_id},
            )).mappings().one()
            return monitoring_pb2.AcknowledgeAlertResponse(alert=alert_to_proto(updated))

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=ACKNOWLEDGE_METHOD, request=request,
            response_type=monitoring_pb2.AcknowledgeAlertResponse, effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return response


async def resolve_alert(
    engine: AsyncEngine,
    *,
    request_id: str,
    alert_id: uuid.UUID,
    resolution: str,
    note: str,
    operator: str,
    request: Message,
    clock: Clock,
) -> monitoring_pb2.ResolveAlertResponse:
    """OPEN or ACKNOWLEDGED → RESOLVED with a resolution and note (ALERT_ALREADY_RESOLVED
    otherwise). Resolving frees the rule and subject: the rule can raise a new alert later."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection

        async def effect() -> monitoring_pb2.ResolveAlertResponse:
            row = await _alert_row(conn, alert_id, lock=True)
            check_can_resolve(AlertState(row["state"]))
            updated = (await conn.execute(
                text(f"UPDATE alerts SET state = 'RESOLVED', resolved_at = :now, "
                     f"resolved_by = :who, resolution = :resolution, resolution_note = :note "
                     f"WHERE alert_id = :a RETURNING {ALERT_COLUMNS}"),
                {"now": clock.now(), "who": operator, "resolution": resolution,
                 "note": note or None, "a": alert_id},
            )).mappings().one()
            return monitoring_pb2.ResolveAlertResponse(alert=alert_to_proto(updated))

        response = await run_idempotent_in_transaction(
            conn, request_id=request_id, method=RESOLVE_METHOD, request=request,
            response_type=monitoring_pb2.ResolveAlertResponse, effect=effect,
            now=clock.now(),
        )
        await uow.commit()
    return response


# --- after payoff ---------------------------------------------------------------------------

_REVIEW_SQL = text(
    """
    WITH paid AS (
      SELECT borrower_id, max(paid_off_date) AS last_paid_off,
        array_agg(loan_id ORDER BY loan_id) AS loan_ids
      FROM loans GROUP BY borrower_id
      HAVING bool_and(state = 'PAID_OFF')
        AND max(paid_off_date) BETWEEN CAST(:since AS date) AND CAST(:as_of AS date)
    ),
    figures AS (
      SELECT p.borrower_id, p.last_paid_off, p.loan_ids,
        (SELECT count(*) FROM borrower_inquiries q
          WHERE q.borrower_id = p.borrower_id AND q.hard = 1
            AND q.business_date > p.last_paid_off
            AND q.business_date <= CAST(:as_of AS date)) AS inquiries,
        (SELECT count(*) FROM alerts a
          WHERE a.borrower_id = p.borrower_id
            AND a.business_date > p.last_paid_off AND a.business_date <= :as_of) AS alert_count,
        (SELECT array_agg(DISTINCT a.rule_code ORDER BY a.rule_code) FROM alerts a
          WHERE a.borrower_id = p.borrower_id
            AND a.business_date > p.last_paid_off AND a.business_date <= :as_of) AS rule_codes,
        (SELECT q.score FROM borrower_inquiries q
          WHERE q.borrower_id = p.borrower_id AND q.score IS NOT NULL
            AND q.business_date <= :as_of
          ORDER BY q.completed_at DESC, q.inquiry_id DESC LIMIT 1) AS latest_score,
        (SELECT q.score FROM borrower_inquiries q
          WHERE q.borrower_id = p.borrower_id AND q.score IS NOT NULL
            AND q.business_date <= p.last_paid_off
          ORDER BY q.completed_at DESC, q.inquiry_id DESC LIMIT 1) AS score_at_payoff
      FROM paid p
    ),
    flagged AS (
      SELECT f.*, CASE WHEN f.latest_score IS NOT NULL AND f.score_at_payoff IS NOT NULL
                   THEN f.latest_score - f.score_at_payoff END AS score_change
      FROM figures f
    )
    SELECT * FROM flagged
    WHERE inquiries > 0 OR alert_count > 0 OR score_change <= -CAST(:drop AS integer)
    """
)


async def paid_off_review(
    engine: AsyncEngine,
    *,
    as_of: dt.date,
    lookback_days: int,
    offset: int,
    page_size: int,
    policy: EarlyWarningPolicy = EarlyWarningPolicy(),  # noqa: B008 - frozen
) -> tuple[list[monitoring_pb2.PaidOffReviewCandidate], bool]:
    """Borrowers whose loans are all paid off, last one within ``lookback_days`` before
    ``as_of``, with signals since: hard inquiries (NEW_INQUIRY), alerts (their rule codes) or
    a score drop of at least the policy's points against the last score on or before the
    payoff (SCORE_DROP). Most signals first, then most alerts and inquiries, then borrower."""
    async with engine.connect() as conn:
        rows = (await conn.execute(
            _REVIEW_SQL,
            {"as_of": as_of, "since": as_of - dt.timedelta(days=lookback_days),
             "drop": policy.score_drop_points},
        )).mappings().all()
    candidates = []
    for row in rows:
        signals = list(row["rule_codes"] or [])
        if row["inquiries"] > 0:
            signals.append(NEW_INQUIRY)
        change = row["score_change"]
        if change is not None and change <= -policy.score_drop_points and SCORE_DROP not in signals:
            signals.append(SCORE_DROP)
        candidates.append(monitoring_pb2.PaidOffReviewCandidate(
            borrower_id=row["borrower_id"],
            last_paid_off_date=date_to_proto(row["last_paid_off"]),
            paid_off_loan_ids=list(row["loan_ids"]),
            inquiries_since_payoff=row["inquiries"],
            alerts_since_payoff=row["alert_count"],
            latest_score=row["latest_score"] or 0,
            score_change_since_payoff=change or 0,
            signals=sorted(signals),
        ))
    candidates.sort(key=lambda c: (-len(c.signals), -c.alerts_since_payoff,
                                   -c.inquiries_since_payoff, c.borrower_id))
    page = candidates[offset:offset + page_size]
    return page, len(candidates) > offset + page_size
