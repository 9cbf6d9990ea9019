"""Early-warning use cases: raising alerts (from the daily cycle, at repayment posting and from
credit-inquiry events), the alert lifecycle (open → acknowledged → resolved), reading alerts and
the after-payoff review. At most one unresolved alert per rule, borrower and subject (loan, or
none for borrower-level alerts): raising again while one is open does nothing. Alert ids derive
from what triggered them (the business date of a first-payment default, the installment of a
repayment rule, the inquiry): raising an id that exists, even resolved, does nothing too."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.domain.daily_cycle import derived_id
from monitoring.domain.early_warning import (
    AlertDraft,
    EarlyWarningPolicy,
    InquirySignal,
    first_payment_default,
    first_payment_default_crossed,
    inquiry_drafts,
    paid_installments,
    repayment_drafts,
)
from monitoring.domain.loans import InstallmentState, Loan
from postloan.monitoring.v1 import events_pb2, resources_pb2
from postloan_runtime.events.outbox import DomainEventRecord
from postloan_runtime.proto_convert import date_to_proto

__all__ = [
    "EarlyWarningPolicy",
    "raise_repayment_alerts",
    "record_inquiry",
    "is_first_payment_default",
    "raise_alerts",
    "raise_first_payment_defaults",
]

SEVERITY_TO_PROTO = {
    "LOW": resources_pb2.ALERT_SEVERITY_LOW,
    "MEDIUM": resources_pb2.ALERT_SEVERITY_MEDIUM,
    "HIGH": resources_pb2.ALERT_SEVERITY_HIGH,
}


def is_first_payment_default(row: RowMapping, policy: EarlyWarningPolicy) -> bool:
    """Whether a daily-cycle change row crosses the first-payment-default threshold today."""
    return first_payment_default_crossed(
        row["old_dpd"], row["dpd"], row["oldest_sequence"], row["schedule_version"], policy
    ) is not None


async def raise_alerts(
    conn: AsyncConnection,
    drafts: Sequence[tuple[AlertDraft, str, str | None, tuple[object, ...]]],
    business_date: dt.date,
    now: dt.datetime,
) -> list[DomainEventRecord]:
    """Insert alerts (draft, borrower id, loan id, id parts) in one statement, skipping those
    with an unresolved alert of the same rule and subject or whose id exists; EarlyWarningRaised
    for each one raised. Ids derive from the id parts, so a retried batch raises the same ids."""
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
            -- No conflict target: an unresolved alert of the rule and subject
            -- (uq_alerts_unresolved) and an alert of the same id, even resolved (the primary
            -- key: same trigger, already dealt with), both mean nothing to raise.
            ON CONFLICT DO NOTHING
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
    rows: Sequence[RowMapping],
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


async def raise_repayment_alerts(
    conn: AsyncConnection,
    loan: Loan,
    repayment_id: str,
    business_date: dt.date,
    now: dt.datetime,
    *,
    tolerance_fen: int,
    previous_days_past_due: int,
    as_of: dt.date,
    policy: EarlyWarningPolicy = EarlyWarningPolicy(),  # noqa: B008 - frozen
) -> list[DomainEventRecord]:
    """After a posting (in its transaction): partial payment, late streak and payment-day drift
    over the loan's installments in force, as the posting left them, each keyed on the
    installment it is about (a resolved alert is not raised again on the same evidence by a
    later posting); and first-payment default when the posting, aging the loan to ``as_of``,
    took its days past due from ``previous_days_past_due`` across the threshold (the daily
    cycle of ``as_of`` then sees no change, so it would never raise it)."""
    current = [i for i in loan.installments if i.is_current]
    drafts = repayment_drafts(
        paid_installments(current), business_date, loan.terms.grace_days, tolerance_fen, policy
    )
    events = await raise_alerts(
        conn,
        [(d, loan.borrower_id, loan.loan_id,
          (repayment_id,) if d.installment_sequence is None
          else ("installment", d.installment_schedule_version or loan.schedule_version,
                d.installment_sequence))
         for d in drafts],
        business_date, now,
    )
    overdue = [i.sequence for i in current if i.state is InstallmentState.OVERDUE]
    fpd = first_payment_default_crossed(
        previous_days_past_due, loan.days_past_due, min(overdue, default=0),
        loan.schedule_version, policy,
    )
    if fpd is not None:
        # The id parts the daily cycle of as_of would use: one alert whichever raises it.
        events += await raise_alerts(
            conn, [(fpd, loan.borrower_id, loan.loan_id, (as_of,))], as_of, now
        )
    return events


async def record_inquiry(
    conn: AsyncConnection,
    *,
    inquiry_id: str,
    borrower_id: str,
    completed_at: dt.datetime,
    business_date: dt.date,
    hard: bool,
    signal: InquirySignal,
    now: dt.datetime,
    policy: EarlyWarningPolicy = EarlyWarningPolicy(),  # noqa: B008 - frozen
) -> list[DomainEventRecord]:
    """Store a completed credit inquiry's signals and raise inquiry-spike and score-drop alerts
    (borrower-level) for borrowers monitoring holds loans of. A repeated inquiry id does
    nothing. The score compared with is the borrower's latest one completed before this
    inquiry."""
    stored = await conn.scalar(
        text(
            """
            INSERT INTO borrower_inquiries (inquiry_id, borrower_id, completed_at, business_date,
              hard, score, inquiries_1m, inquiries_3m)
            VALUES (:inquiry_id, :borrower_id, :completed_at, :d, :hard, :score, :i1m, NULL)
            ON CONFLICT (inquiry_id) DO NOTHING
            RETURNING inquiry_id
            """
        ),
        {"inquiry_id": inquiry_id, "borrower_id": borrower_id, "completed_at": completed_at,
         "d": business_date, "hard": 1 if hard else 0, "score": signal.score,
         "i1m": signal.inquiries_1m},
    )
    if stored is None:
        return []
    known = await conn.scalar(
        text("SELECT EXISTS (SELECT 1 FROM loans WHERE borrower_id = :b)"), {"b": borrower_id}
    )
    if not known:
        return []
    previous_score = await conn.scalar(
        text(
            """
            SELECT score FROM borrower_inquiries
            WHERE borrower_id = :b AND score IS NOT NULL AND inquiry_id <> :i
              AND completed_at < :at
            ORDER BY completed_at DESC, inquiry_id DESC LIMIT 1
            """
        ),
        {"b": borrower_id, "i": inquiry_id, "at": completed_at},
    )
    drafts = inquiry_drafts(previous_score, signal, policy)
    return await raise_alerts(
        conn, [(d, borrower_id, None, (inquiry_id,)) for d in drafts], business_date, now
    )
