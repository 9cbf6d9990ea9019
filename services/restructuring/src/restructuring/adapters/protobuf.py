"""Mapping of the domain to the restructuring v1 protobuf messages (resources and events)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from postloan.common.v1 import classification_pb2
from postloan.restructuring.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_text,
    fen_to_proto,
    timestamp_to_proto,
)
from restructuring.domain.observation import ObservationPeriod, ObservationState
from restructuring.domain.plans import (
    ActivationStep,
    AgreementInfo,
    Plan,
    PlanState,
    Quote,
    SignatureEvidence,
    StepState,
    StepType,
)
from restructuring.domain.rules import (
    AuthorityLevel,
    Eligibility,
    Hardship,
    HardshipReason,
    PlanTerms,
    PlanType,
    RuleOutcome,
)

PLAN_TYPE_FROM_PROTO = {
    resources_pb2.PLAN_TYPE_TERM_EXTENSION: PlanType.TERM_EXTENSION,
    resources_pb2.PLAN_TYPE_REINSTALLMENT: PlanType.REINSTALLMENT,
    resources_pb2.PLAN_TYPE_WAIVER: PlanType.WAIVER,
    resources_pb2.PLAN_TYPE_RATE_REDUCTION: PlanType.RATE_REDUCTION,
}
PLAN_TYPE_TO_PROTO = {v: k for k, v in PLAN_TYPE_FROM_PROTO.items()}
HARDSHIP_FROM_PROTO = {
    resources_pb2.HARDSHIP_REASON_UNEMPLOYMENT: HardshipReason.UNEMPLOYMENT,
    resources_pb2.HARDSHIP_REASON_ILLNESS: HardshipReason.ILLNESS,
    resources_pb2.HARDSHIP_REASON_BUSINESS_DISRUPTION: HardshipReason.BUSINESS_DISRUPTION,
    resources_pb2.HARDSHIP_REASON_NATURAL_DISASTER: HardshipReason.NATURAL_DISASTER,
    resources_pb2.HARDSHIP_REASON_OTHER: HardshipReason.OTHER,
}
HARDSHIP_TO_PROTO = {v: k for k, v in HARDSHIP_FROM_PROTO.items()}
PLAN_STATE_TO_PROTO = {s: resources_pb2.PlanState.Value(f"PLAN_STATE_{s.value}") for s in PlanState}
PLAN_STATE_FROM_PROTO = {v: k for k, v in PLAN_STATE_TO_PROTO.items()}
OBSERVATION_STATE_TO_PROTO = {
    s: resources_pb2.ObservationState.Value(f"OBSERVATION_STATE_{s.value}")
    for s in ObservationState
}
OBSERVATION_STATE_FROM_PROTO = {v: k for k, v in OBSERVATION_STATE_TO_PROTO.items()}
AUTHORITY_TO_PROTO = {
    a: resources_pb2.AuthorityLevel.Value(f"AUTHORITY_LEVEL_{a.name}") for a in AuthorityLevel
}
STEP_TYPE_TO_PROTO = {
    s: resources_pb2.ActivationStepType.Value(f"ACTIVATION_STEP_TYPE_{s.value}") for s in StepType
}
STEP_STATE_TO_PROTO = {
    s: resources_pb2.ActivationStepState.Value(f"ACTIVATION_STEP_STATE_{s.value}")
    for s in StepState
}
RULE_OUTCOME_TO_PROTO = {
    o: resources_pb2.RuleOutcome.Value(f"RULE_OUTCOME_{o.value}") for o in RuleOutcome
}
SIGNATURE_CHANNEL_FROM_PROTO = {
    resources_pb2.SIGNATURE_CHANNEL_MOBILE_APP: "MOBILE_APP",
    resources_pb2.SIGNATURE_CHANNEL_WEB: "WEB",
    resources_pb2.SIGNATURE_CHANNEL_PAPER: "PAPER",
}
SIGNATURE_CHANNEL_TO_PROTO = {v: k for k, v in SIGNATURE_CHANNEL_FROM_PROTO.items()}
CLASSIFICATION_TO_PROTO = {
    "SUBSTANDARD": classification_pb2.LOAN_CLASSIFICATION_SUBSTANDARD,
    "SPECIAL_MENTION": classification_pb2.LOAN_CLASSIFICATION_SPECIAL_MENTION,
    "DOUBTFUL": classification_pb2.LOAN_CLASSIFICATION_DOUBTFUL,
}


# Responses carrying a plan are built as one nested dict handed to the message constructor:
# upb fills it in C, far cheaper than a message per Money, Date and Timestamp copied into its
# parent. The values are those of postloan_runtime.proto_convert (tests compare the bytes).
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Fields = dict[str, Any]


def _fen(fen: int) -> Fields:
    return {"currency_code": "CNY", "minor_units": fen}


def _date(value: dt.date) -> Fields:
    return {"year": value.year, "month": value.month, "day": value.day}


def _decimal(value: Decimal) -> Fields:
    return {"value": decimal_to_text(value)}


def _instant(instant: dt.datetime) -> Fields:
    """timestamp_to_proto's seconds and nanos, without a Timestamp built in Python."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    since = instant - _EPOCH
    return {"seconds": since.days * 86_400 + since.seconds, "nanos": since.microseconds * 1000}


def terms_fields(terms: PlanTerms) -> Fields:
    fields: Fields = {
        "plan_types": [PLAN_TYPE_TO_PROTO[t] for t in terms.plan_types],
        "additional_periods": terms.additional_periods,
        "reinstallment_periods": terms.reinstallment_periods,
        "waive_all_penalty": terms.waive_all_penalty,
    }
    if terms.has(PlanType.WAIVER):
        fields["interest_waiver"] = _fen(terms.interest_waiver_fen)
        fields["penalty_waiver"] = _fen(terms.penalty_waiver_fen)
    if terms.new_annual_rate is not None:
        fields["new_annual_rate"] = _decimal(terms.new_annual_rate)
    return fields


def terms_to_proto(terms: PlanTerms) -> resources_pb2.PlanTerms:
    return resources_pb2.PlanTerms(**terms_fields(terms))


def hardship_fields(hardship: Hardship) -> Fields:
    return {
        "reason": HARDSHIP_TO_PROTO[hardship.reason],
        "description": hardship.description,
        "evidence": [
            {"kind": e.kind, "document_reference": e.document_reference,
             "document_sha256": e.document_sha256}
            for e in hardship.evidence
        ],
    }


def hardship_to_proto(hardship: Hardship) -> resources_pb2.Hardship:
    return resources_pb2.Hardship(**hardship_fields(hardship))


def eligibility_fields(result: Eligibility) -> Fields:
    return {
        "eligible": result.eligible,
        "rules": [
            {
                "rule_code": r.rule_code,
                "outcome": RULE_OUTCOME_TO_PROTO[r.outcome],
                "reason": r.reason,
                "observed_value": r.observed_value,
                "limit_value": r.limit_value,
            }
            for r in result.rules
        ],
        "loan_version": result.loan_version,
        "days_past_due": result.days_past_due,
        "restructurings_last_12_months": result.restructurings_last_12_months,
        "evaluated_at": _instant(result.evaluated_at),
    }


def eligibility_to_proto(result: Eligibility) -> resources_pb2.EligibilityResult:
    return resources_pb2.EligibilityResult(**eligibility_fields(result))


def quote_fields(quote: Quote, plan_id: str) -> Fields:
    p = quote.pricing
    return {
        "quote_id": quote.quote_id,
        "plan_id": plan_id,
        "terms": terms_fields(quote.terms),
        "loan_version": p.loan_version,
        "effective_date": _date(p.effective_date),
        "outstanding_principal": _fen(p.outstanding_principal_fen),
        "overdue_interest": _fen(p.overdue_interest_fen),
        "outstanding_penalty": _fen(p.outstanding_penalty_fen),
        "old_installment": _fen(p.old_installment_fen),
        "new_installment": _fen(p.new_installment_fen),
        "old_remaining_periods": p.old_remaining_periods,
        "new_term_periods": p.new_term_periods,
        "old_total_interest": _fen(p.old_total_interest_fen),
        "new_total_interest": _fen(p.new_total_interest_fen),
        "interest_waived": _fen(p.interest_waived_fen),
        "penalty_waived": _fen(p.penalty_waived_fen),
        "total_waived": _fen(p.total_waived_fen),
        "waived_percentage": _decimal(p.waived_percentage),
        "discount_rate": _decimal(p.discount_rate),
        "npv_loss": _fen(p.npv_loss_fen),
        "new_annual_rate": _decimal(p.new_annual_rate),
        "annualized_cost": _decimal(p.annualized_cost),
        "installments": [
            {
                "sequence": i.sequence,
                "due_date": _date(i.due_date),
                "principal": _fen(i.principal_fen),
                "interest": _fen(i.interest_fen),
                "penalty": _fen(i.penalty_fen),
                "total": _fen(i.total_fen),
                "remaining_principal": _fen(i.remaining_principal_fen),
            }
            for i in p.installments
        ],
        "required_authority": AUTHORITY_TO_PROTO[quote.required_authority],
        "quoted_at": _instant(quote.quoted_at),
        "expires_at": _instant(quote.expires_at),
    }


def quote_to_proto(quote: Quote, plan_id: str) -> resources_pb2.Quote:
    return resources_pb2.Quote(**quote_fields(quote, plan_id))


def agreement_fields(info: AgreementInfo, plan_id: str) -> Fields:
    return {
        "agreement_id": info.agreement_id,
        "plan_id": plan_id,
        "quote_id": info.quote_id,
        "template_version": info.template_version,
        "media_type": info.media_type,
        "document_sha256": info.document_sha256,
        "size_bytes": info.size_bytes,
        "generated_at": _instant(info.generated_at),
        "sign_by": _instant(info.sign_by),
    }


def agreement_to_proto(info: AgreementInfo, plan_id: str) -> resources_pb2.Agreement:
    return resources_pb2.Agreement(**agreement_fields(info, plan_id))


def signature_fields(s: SignatureEvidence) -> Fields:
    return {
        "signed_document_sha256": s.signed_document_sha256,
        "signer_verification_reference": s.signer_verification_reference,
        "signed_at": _instant(s.signed_at),
        "channel": SIGNATURE_CHANNEL_TO_PROTO.get(s.channel, 0),
        "recorded_by": s.recorded_by,
        "recorded_at": _instant(s.recorded_at),
    }


def signature_to_proto(s: SignatureEvidence) -> resources_pb2.Signature:
    return resources_pb2.Signature(**signature_fields(s))


def step_fields(s: ActivationStep) -> Fields:
    fields: Fields = {
        "step": STEP_TYPE_TO_PROTO[s.step],
        "state": STEP_STATE_TO_PROTO[s.state],
        "attempts": s.attempts,
        "last_error_reason": s.last_error_reason,
    }
    if s.completed_at is not None:
        fields["completed_at"] = _instant(s.completed_at)
    return fields


def step_to_proto(s: ActivationStep) -> resources_pb2.ActivationStep:
    return resources_pb2.ActivationStep(**step_fields(s))


def plan_fields(plan: Plan) -> Fields:
    """The Plan message as constructor arguments: ``Response(plan=plan_fields(plan))`` builds
    it in place, where ``plan=plan_to_proto(plan)`` would build it and then copy it."""
    fields: Fields = {
        "plan_id": plan.plan_id,
        "loan_id": plan.loan_id,
        "borrower_id": plan.borrower_id,
        "state": PLAN_STATE_TO_PROTO[plan.state],
        "hardship": hardship_fields(plan.hardship),
        "requested_terms": terms_fields(plan.requested_terms),
        "eligibility": eligibility_fields(plan.eligibility),
        "decisions": [
            {
                "decision": resources_pb2.DECISION_TYPE_APPROVED if d.approved
                else resources_pb2.DECISION_TYPE_REJECTED,
                "decided_by": d.decided_by,
                "authority": AUTHORITY_TO_PROTO[d.authority] if d.authority else 0,
                "quote_id": d.quote_id,
                "reason_codes": list(d.reason_codes),
                "comment": d.comment,
                "decided_at": _instant(d.decided_at),
            }
            for d in plan.decisions
        ],
        "activation_steps": [step_fields(s) for s in plan.steps],
        "requested_by": plan.requested_by,
        "requested_at": _instant(plan.requested_at),
        "failure_reason": plan.failure_reason,
    }
    if plan.quote is not None:
        fields["quote"] = quote_fields(plan.quote, plan.plan_id)
        fields["required_authority"] = AUTHORITY_TO_PROTO[plan.quote.required_authority]
    if plan.agreement is not None:
        fields["agreement"] = agreement_fields(plan.agreement, plan.plan_id)
    if plan.signature is not None:
        fields["signature"] = signature_fields(plan.signature)
    if plan.activated_on is not None:
        fields["activated_on"] = _date(plan.activated_on)
    if plan.ended_on is not None:
        fields["ended_on"] = _date(plan.ended_on)
    return fields


def plan_to_proto(plan: Plan) -> resources_pb2.Plan:
    return resources_pb2.Plan(**plan_fields(plan))


def observation_to_proto(period: ObservationPeriod) -> resources_pb2.ObservationPeriod:
    message = resources_pb2.ObservationPeriod(
        loan_id=period.loan_id,
        borrower_id=period.borrower_id,
        plan_id=period.plan_id,
        floor=CLASSIFICATION_TO_PROTO.get(period.floor, 0),
        started_on=date_to_proto(period.started_on),
        earliest_end_on=date_to_proto(period.earliest_end_on),
        required_consecutive_periods=period.required_consecutive_periods,
        consecutive_on_time_periods=period.consecutive_on_time_periods,
        state=OBSERVATION_STATE_TO_PROTO[period.state],
    )
    if period.ended_on is not None:
        message.ended_on.CopyFrom(date_to_proto(period.ended_on))
    return message


# --- events -----------------------------------------------------------------------------------


def plan_requested(plan: Plan) -> events_pb2.PlanRequested:
    return events_pb2.PlanRequested(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        hardship_reason=HARDSHIP_TO_PROTO[plan.hardship.reason],
        plan_types=[PLAN_TYPE_TO_PROTO[t] for t in plan.requested_terms.plan_types],
        requested_at=timestamp_to_proto(plan.requested_at),
    )


def plan_approved(plan: Plan, at: dt.datetime) -> events_pb2.PlanApproved:
    assert plan.quote is not None  # noqa: S101
    p = plan.quote.pricing
    return events_pb2.PlanApproved(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        quote_id=plan.quote.quote_id,
        authority=AUTHORITY_TO_PROTO[plan.quote.required_authority],
        total_waived=fen_to_proto(p.total_waived_fen), npv_loss=fen_to_proto(p.npv_loss_fen),
        approved_at=timestamp_to_proto(at),
    )


def plan_rejected(plan: Plan, reasons: tuple[str, ...], at: dt.datetime) -> (
    events_pb2.PlanRejected
):
    return events_pb2.PlanRejected(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        reason_codes=list(reasons), rejected_at=timestamp_to_proto(at),
    )


def plan_expired(plan: Plan, at: dt.datetime) -> events_pb2.PlanExpired:
    return events_pb2.PlanExpired(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        reason=plan.failure_reason, expired_at=timestamp_to_proto(at),
    )


def plan_activated(plan: Plan) -> events_pb2.PlanActivated:
    assert plan.quote is not None and plan.activated_on is not None  # noqa: S101
    p = plan.quote.pricing
    return events_pb2.PlanActivated(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        effective_date=date_to_proto(p.effective_date),
        installment_count=len(p.installments),
        new_installment=fen_to_proto(p.new_installment_fen),
        maturity_date=date_to_proto(p.installments[-1].due_date),
        total_waived=fen_to_proto(p.total_waived_fen),
    )


def plan_activation_failed(plan: Plan, at: dt.datetime) -> events_pb2.PlanActivationFailed:
    return events_pb2.PlanActivationFailed(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        reason=plan.failure_reason, failed_at=timestamp_to_proto(at),
    )


def plan_broken(plan: Plan, *, on: dt.date, days_past_due: int, sequence: int,
                overdue_fen: int) -> events_pb2.PlanBroken:
    return events_pb2.PlanBroken(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        business_date=date_to_proto(on), days_past_due=days_past_due,
        installment_sequence=sequence, overdue_amount=fen_to_proto(overdue_fen),
    )


def plan_completed(plan: Plan, on: dt.date) -> events_pb2.PlanCompleted:
    return events_pb2.PlanCompleted(
        plan_id=plan.plan_id, loan_id=plan.loan_id, borrower_id=plan.borrower_id,
        business_date=date_to_proto(on),
    )


def floor_set(period: ObservationPeriod) -> events_pb2.LoanClassificationFloorSet:
    return events_pb2.LoanClassificationFloorSet(
        loan_id=period.loan_id, borrower_id=period.borrower_id, plan_id=period.plan_id,
        floor=CLASSIFICATION_TO_PROTO.get(period.floor, 0),
        started_on=date_to_proto(period.started_on),
        earliest_end_on=date_to_proto(period.earliest_end_on),
        required_consecutive_periods=period.required_consecutive_periods,
    )


def floor_lifted(period: ObservationPeriod) -> events_pb2.LoanClassificationFloorLifted:
    assert period.ended_on is not None  # noqa: S101
    return events_pb2.LoanClassificationFloorLifted(
        loan_id=period.loan_id, borrower_id=period.borrower_id, plan_id=period.plan_id,
        lifted_on=date_to_proto(period.ended_on),
    )
