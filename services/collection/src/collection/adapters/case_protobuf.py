"""Mapping between collection's stored rows (cases, strategies, agents, promises) and its v1
protobuf messages. Enum values are stored as the proto names without their prefix."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_proto,
    fen_to_proto,
    timestamp_to_proto,
)


def _enum_maps(enum: Any, prefix: str) -> tuple[dict[str, int], dict[int, str]]:
    to_proto = {
        name.removeprefix(prefix): number
        for name, number in enum.items()
        if not name.endswith("_UNSPECIFIED")
    }
    return to_proto, {number: name for name, number in to_proto.items()}


TIER_TO_PROTO, TIER_FROM_PROTO = _enum_maps(pb.CaseTier, "CASE_TIER_")
TREATMENT_TO_PROTO, TREATMENT_FROM_PROTO = _enum_maps(pb.Treatment, "TREATMENT_")
STATE_TO_PROTO, STATE_FROM_PROTO = _enum_maps(pb.CaseState, "CASE_STATE_")
CLOSE_REASON_TO_PROTO, _ = _enum_maps(pb.CaseCloseReason, "CASE_CLOSE_REASON_")
ARM_TO_PROTO, _ = _enum_maps(pb.StrategyArm, "STRATEGY_ARM_")
EVENT_KIND_TO_PROTO, _ = _enum_maps(pb.CaseEventKind, "CASE_EVENT_KIND_")
PROMISE_STATE_TO_PROTO, PROMISE_STATE_FROM_PROTO = _enum_maps(pb.PromiseState, "PROMISE_STATE_")


def case_to_proto(row: Any, loans: Sequence[Any]) -> pb.Case:
    currency = row.currency
    message = pb.Case(
        case_id=str(row.case_id),
        borrower_id=row.borrower_id,
        loans=[
            pb.CaseLoan(
                loan_id=loan.loan_id,
                bucket=loan.bucket,
                days_past_due=loan.days_past_due,
                overdue_amount=fen_to_proto(loan.overdue_fen, currency),
                outstanding_principal=fen_to_proto(loan.outstanding_principal_fen, currency),
                paused_by_plan_id=loan.paused_by_plan_id or "",
            )
            for loan in loans
        ],
        state=STATE_TO_PROTO[row.state],
        tier=TIER_TO_PROTO[row.tier],
        treatments=[TREATMENT_TO_PROTO[t] for t in row.treatments],
        days_past_due=row.days_past_due,
        overdue_amount=fen_to_proto(row.overdue_fen, currency),
        risk_segment=row.risk_segment,
        strategy_version_id=str(row.strategy_version_id),
        strategy_arm=ARM_TO_PROTO[row.strategy_arm],
        agent_id=row.agent_id or "",
        agency_id=row.agency_id or "",
        escalation_count=row.escalation_count,
        opened_on=date_to_proto(row.opened_on),
        recovered_amount=fen_to_proto(row.recovered_fen, currency),
        version=row.version,
    )
    if row.closed_on is not None:
        message.closed_on.CopyFrom(date_to_proto(row.closed_on))
        message.close_reason = CLOSE_REASON_TO_PROTO[row.close_reason]
    return message


def history_entry_to_proto(row: Any) -> pb.CaseHistoryEntry:
    return pb.CaseHistoryEntry(
        sequence=row.sequence,
        kind=EVENT_KIND_TO_PROTO[row.kind],
        business_date=date_to_proto(row.business_date),
        recorded_at=timestamp_to_proto(row.recorded_at),
        from_tier=TIER_TO_PROTO.get(row.from_tier or "", 0),
        to_tier=TIER_TO_PROTO.get(row.to_tier or "", 0),
        agent_id=row.agent_id or "",
        agency_id=row.agency_id or "",
        loan_id=row.loan_id or "",
        plan_id=row.plan_id or "",
        reason=row.reason or "",
        actor=row.actor,
    )


def strategy_to_proto(
    row: Any, segments: Sequence[Any], rules: Sequence[Any]
) -> pb.StrategyVersion:
    message = pb.StrategyVersion(
        strategy_version_id=str(row.strategy_version_id),
        name=row.name,
        version=row.version,
        description=row.description,
        risk_segments=[
            pb.RiskSegment(
                code=s.code,
                min_score=s.min_score or 0,
                max_score=s.max_score or 0,
                priority=s.priority,
            )
            for s in segments
        ],
        tier_rules=[
            pb.TierRule(
                min_days_past_due=r.min_days_past_due,
                max_days_past_due=r.max_days_past_due or 0,
                risk_segment=r.risk_segment,
                tier=TIER_TO_PROTO[r.tier],
                treatments=[TREATMENT_TO_PROTO[t] for t in r.treatments],
            )
            for r in rules
        ],
        pre_due_treatments=[TREATMENT_TO_PROTO[t] for t in row.pre_due_treatments],
        champion=row.champion,
        challenger=row.challenger,
        created_at=timestamp_to_proto(row.created_at),
        created_by=row.created_by,
    )
    for proto_segment, s in zip(message.risk_segments, segments, strict=True):
        if s.min_outstanding_fen is not None:
            proto_segment.min_outstanding.CopyFrom(fen_to_proto(s.min_outstanding_fen))
        if s.max_outstanding_fen is not None:
            proto_segment.max_outstanding.CopyFrom(fen_to_proto(s.max_outstanding_fen))
    if row.challenger_share is not None:
        message.challenger_share.CopyFrom(decimal_to_proto(Decimal(row.challenger_share)))
    return message


def agent_to_proto(row: Any, open_cases: int) -> pb.Agent:
    return pb.Agent(
        agent_id=row.agent_id,
        display_name=row.display_name,
        agency_id=row.agency_id or "",
        tiers=[TIER_TO_PROTO[t] for t in row.tiers],
        skills=list(row.skills),
        capacity=row.capacity,
        active=row.active,
        open_cases=open_cases,
    )


def agency_to_proto(row: Any, placed_cases: int) -> pb.Agency:
    return pb.Agency(
        agency_id=row.agency_id,
        name=row.name,
        tiers=[TIER_TO_PROTO[t] for t in row.tiers],
        capacity=row.capacity,
        active=row.active,
        commission_rate=decimal_to_proto(Decimal(row.commission_rate)),
        placed_cases=placed_cases,
    )


def promise_to_proto(row: Any) -> pb.PromiseToPay:
    message = pb.PromiseToPay(
        promise_id=str(row.promise_id),
        case_id=str(row.case_id),
        borrower_id=row.borrower_id,
        loan_id=row.loan_id or "",
        amount=fen_to_proto(row.amount_fen, row.currency),
        promised_date=date_to_proto(row.promised_date),
        grace_days=row.grace_days,
        threshold_percentage=decimal_to_proto(Decimal(row.threshold)),
        state=PROMISE_STATE_TO_PROTO[row.state],
        paid_amount=fen_to_proto(row.paid_fen, row.currency),
        contact_attempt_id=row.contact_attempt_id or "",
        made_by=row.made_by,
        made_at=timestamp_to_proto(row.made_at),
    )
    if row.resolved_on is not None:
        message.resolved_on.CopyFrom(date_to_proto(row.resolved_on))
    return message
