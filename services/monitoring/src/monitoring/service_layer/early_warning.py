"""Early-warning use cases: raising alerts (from the daily cycle and from credit-inquiry
events), and the alert lifecycle. At most one unresolved alert per rule, borrower and subject
(loan, or none for borrower-level alerts): raising again while one is open does nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.domain.daily_cycle import derived_id
from monitoring.domain.early_warning import (
    AlertDraft,
    EarlyWarningPolicy,
    first_payment_default,
)
from postloan.monitoring.v1 import events_pb2, resources_pb2
from postloan_runtime.events.outbox import DomainEventRecord
from postloan_runtime.proto_convert import date_to_proto

__all__ = [
    "EarlyWarningPolicy",
    "is_first_payment_default",
    "raise_alerts",
    "raise_first_payment_defaults",
]

SEVERITY_TO_PROTO = {
    "LOW": resources_pb2.ALERT_SEVERITY_LOW,
    "MEDIUM": resources_pb2.ALERT_SEVERITY_MEDIUM,
    "HIGH": resources_pb2.ALERT_SEVERITY_HIGH,
}


def is_first_payment_default(row: Mapping[str, Any], policy: EarlyWarningPolicy) -> bool:
    """Whether a daily-cycle change row crosses the first-payment-default threshold today."""
    threshold = policy.first_payment_default_days
    return (
        row["old_dpd"] < threshold <= row["dpd"]
        and first_payment_default(
            row["dpd"], row["oldest_sequence"], row["schedule_version"], policy
        ) is not None
    )


async def raise_alerts(
    conn: AsyncConnection,
    drafts: Sequence[tuple[AlertDraft, str, str | None, tuple[object, ...]]],
    business_date: dt.date,
    now: dt.datetime,
) -> list[DomainEventRecord]:
    """Insert alerts (draft, borrower id, loan id, id parts) in one statement, skipping those
    with an unresolved alert of the same rule and subject; EarlyWarningRaised for each one
    raised. Ids derive from the id parts, so a retried batch raises the same ids."""
    if not drafts:
        return []
    records = []
    for draft, borrower_id, loan_id, id_parts in drafts:
        records.append({
            "alert_id": str(derived_id("alert", draft.rule.value, borrower_id, loan_id or "",
                                       *id_parts)),
            "rule_code": draft.rule.value,
            "severity": draft.severity.value,
            "reason": draft.reason,
            "evidence": [
                {"name": e.name, "value": e.value, "threshold": e.threshold}
                for e in draft.evidence
            ],
            "borrower_id": borrower_id,
            "loan_id": loan_id,
        })
    rows = (await conn.execute(
        text(
            """
            INSERT INTO alerts (alert_id, rule_code, severity, reason, evidence, borrower_id,
              loan_id, state, business_date, raised_at, subject)
            SELECT (r->>'alert_id')::uuid, r->>'rule_code', r->>'severity', r->>'reason',
              r->'evidence', r->>'borrower_id', r->>'loan_id', 'OPEN', :d, :now,
              COALESCE(r->>'loan_id', '')
            FROM jsonb_array_elements(CAST(:records AS jsonb)) r
            ON CONFLICT (rule_code, borrower_id, subject) WHERE state <> 'RESOLVED'
              DO NOTHING
            RETURNING alert_id, rule_code, severity, reason, evidence, borrower_id, loan_id
            """
        ),
        {"records": json.dumps(records), "d": business_date, "now": now},
    )).mappings().all()
    events = []
    for row in rows:
        evidence = [resources_pb2.AlertEvidence(**e) for e in row["evidence"]]
        events.append(DomainEventRecord(
            payload=events_pb2.EarlyWarningRaised(
                alert_id=str(row["alert_id"]), rule_code=row["rule_code"],
                severity=SEVERITY_TO_PROTO[row["severity"]], borrower_id=row["borrower_id"],
                loan_id=row["loan_id"] or "", business_date=date_to_proto(business_date),
                reason=row["reason"], evidence=evidence,
            ),
            ordering_key=row["loan_id"] or row["borrower_id"],
            event_id=derived_id("EarlyWarningRaised", row["alert_id"]),
        ))
    return events


async def raise_first_payment_defaults(
    conn: AsyncConnection,
    rows: Sequence[Mapping[str, Any]],
    business_date: dt.date,
    now: dt.datetime,
    policy: EarlyWarningPolicy = EarlyWarningPolicy(),  # noqa: B008 - frozen
) -> list[DomainEventRecord]:
    drafts = []
    for row in rows:
        draft = first_payment_default(
            row["dpd"], row["oldest_sequence"], row["schedule_version"], policy
        )
        if draft is not None:
            drafts.append((draft, row["borrower_id"], row["loan_id"], (business_date,)))
    return await raise_alerts(conn, drafts, business_date, now)
