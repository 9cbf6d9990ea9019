"""Protobuf for the daily cycle: its events (built from the batch statement's rows, in Python,
a batch at a time) and its run records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import RowMapping

from monitoring.adapters.protobuf import CLASSIFICATION_TO_PROTO
from monitoring.domain.daily_cycle import RunRecord, RunState, derived_id
from monitoring.domain.loans import Classification
from postloan.monitoring.v1 import events_pb2, resources_pb2
from postloan_runtime.events.outbox import DomainEventRecord
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto, timestamp_to_proto

RUN_STATE_TO_PROTO = {
    RunState.RUNNING: resources_pb2.DAILY_CYCLE_RUN_STATE_RUNNING,
    RunState.COMPLETED: resources_pb2.DAILY_CYCLE_RUN_STATE_COMPLETED,
    RunState.FAILED: resources_pb2.DAILY_CYCLE_RUN_STATE_FAILED,
}
DAILY_CYCLE = resources_pb2.DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE


def run_to_proto(run: RunRecord) -> resources_pb2.DailyCycleRun:
    message = resources_pb2.DailyCycleRun(
        business_date=date_to_proto(run.business_date),
        partition_index=run.partition_index,
        partition_count=run.partition_count,
        state=RUN_STATE_TO_PROTO[run.state],
        last_completed_phase=int(run.last_completed_phase),  # type: ignore[arg-type]
        loans_total=run.loans_total,
        loans_changed=run.loans_changed,
        events_emitted=run.events_emitted,
        started_at=timestamp_to_proto(run.started_at),
        failure_reason=run.failure_reason or "",
    )
    if run.completed_at is not None:
        message.completed_at.CopyFrom(timestamp_to_proto(run.completed_at))
    return message


def _event(payload: Any, loan_id: str, *id_parts: object) -> DomainEventRecord:
    return DomainEventRecord(
        payload=payload,
        ordering_key=loan_id,
        event_id=derived_id(payload.DESCRIPTOR.full_name, loan_id, *id_parts),
    )


def change_events(
    row: RowMapping, business_date: dt.date, current_bucket: str
) -> list[DomainEventRecord]:
    """DelinquencyChanged or LoanCured (a move into ``current_bucket``, as at posting),
    ClassificationChanged and ScheduleBreachThresholdCrossed for one changed loan (a kind ``C``
    row of the batch statement)."""
    loan_id, currency = row["loan_id"], row["currency"]
    day = date_to_proto(business_date)
    events: list[DomainEventRecord] = []
    plan_id = row["plan_id"] or ""
    if row["bucket"] != row["old_bucket"]:
        if row["bucket"] == current_bucket:
            events.append(_event(
                events_pb2.LoanCured(
                    loan_id=loan_id, borrower_id=row["borrower_id"], business_date=day,
                    from_bucket=row["old_bucket"], previous_days_past_due=row["old_dpd"],
                    cause=DAILY_CYCLE, plan_id=plan_id, to_bucket=row["bucket"],
                    days_past_due=row["dpd"],
                ),
                loan_id, business_date,
            ))
        else:
            principal, interest, penalty = (
                int(row["overdue_principal"]), int(row["overdue_interest"]),
                int(row["overdue_penalty"]),
            )
            events.append(_event(
                events_pb2.DelinquencyChanged(
                    loan_id=loan_id, borrower_id=row["borrower_id"], business_date=day,
                    from_bucket=row["old_bucket"], to_bucket=row["bucket"],
                    days_past_due=row["dpd"],
                    overdue=resources_pb2.ComponentAmounts(
                        principal=fen_to_proto(principal, currency),
                        interest=fen_to_proto(interest, currency),
                        penalty=fen_to_proto(penalty, currency),
                        total=fen_to_proto(principal + interest + penalty, currency),
                    ),
                    outstanding_principal=fen_to_proto(int(row["outstanding_principal"]), currency),
                    cause=DAILY_CYCLE, plan_id=plan_id,
                ),
                loan_id, business_date,
            ))
    if row["cls"] != row["old_cls"]:
        floor = row["classification_floor"]
        events.append(_event(
            events_pb2.ClassificationChanged(
                loan_id=loan_id, borrower_id=row["borrower_id"], business_date=day,
                from_classification=CLASSIFICATION_TO_PROTO[Classification(row["old_cls"])],
                to_classification=CLASSIFICATION_TO_PROTO[Classification(row["cls"])],
                floor=CLASSIFICATION_TO_PROTO[Classification(floor)] if floor else None,
                days_past_due=row["dpd"],
            ),
            loan_id, business_date,
        ))
    if row["breach"]:
        overdue = (
            int(row["overdue_principal"]) + int(row["overdue_interest"])
            + int(row["overdue_penalty"])
        )
        events.append(_event(
            events_pb2.ScheduleBreachThresholdCrossed(
                loan_id=loan_id, borrower_id=row["borrower_id"], plan_id=plan_id,
                business_date=day, days_past_due=row["dpd"],
                threshold_days_past_due=row["breach_days_past_due"],
                installment_sequence=row["oldest_sequence"],
                overdue_amount=fen_to_proto(overdue, currency),
            ),
            loan_id, plan_id,
        ))
    return events


def due_soon_event(row: RowMapping, business_date: dt.date) -> DomainEventRecord:
    """InstallmentDueSoon for a kind ``S`` row (an installment due in 1 or 3 days)."""
    days = (row["due_date"] - business_date).days
    return _event(
        events_pb2.InstallmentDueSoon(
            loan_id=row["loan_id"], borrower_id=row["borrower_id"],
            business_date=date_to_proto(business_date),
            installment_sequence=row["sequence"], due_date=date_to_proto(row["due_date"]),
            amount_due=fen_to_proto(int(row["amount_due"]), row["currency"]),
            days_until_due=days,
        ),
        row["loan_id"], business_date, row["sequence"],
    )
