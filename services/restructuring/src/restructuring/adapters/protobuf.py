"""Mapping of the domain to the restructuring v1 protobuf messages (resources and events)."""

from __future__ import annotations

import datetime as dt

from postloan.common.v1 import classification_pb2
from postloan.restructuring.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_proto,
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


def terms_to_proto(terms: PlanTerms) -> resources_pb2.PlanTerms:
    message = resources_pb2.PlanTerms(
        plan_types=[PLAN_TYPE_TO_PROTO[t] for t in terms.plan_types],
        additional_periods=terms.additional_periods,
        reinstallment_periods=terms.reinstallment_periods,
        waive_all_penalty=terms.waive_all_penalty,
    )
    if terms.has(PlanType.WAIVER):
        message.interest_waiver.CopyFrom(fen_to_proto(terms.interest_waiver_fen))
        message.penalty_waiver.CopyFrom(fen_to_proto(terms.penalty_waiver_fen))
    if terms.new_annual_rate is not None:
        message.new_annual_rate.CopyFrom(decimal_to_proto(terms.new_annual_rate))
    return message


def hardship_to_proto(hardship: Hardship) -> resources_pb2.Hardship:
    return resources_pb2.Hardship(
        reason=HARDSHIP_TO_PROTO[hardship.reason],
        description=hardship.description,
        evidence=[
            resources_pb2.HardshipEvidence(
                kind=e.kind, document_reference=e.document_reference,
                document_sha256=e.document_sha256,
            )
            for e in hardship.evidence
        ],
    )


def eligibility_to_proto(result: Eligibility) -> resources_pb2.EligibilityResult:
    return resources_pb2.EligibilityResult(
        eligible=result.eligible,
        rules=[
            resources_pb2.EligibilityRuleResult(
                rule_code=r.rule_code,
                outcome=RULE_OUTCOME_TO_PROTO[r.outcome],
                reason=r.reason,
                observed_value=r.observed_value,
                limit_value=r.limit_value,
            )
            for r in result.rules
        ],
        loan_version=result.loan_version,
        days_past_due=result.days_past_due,
        restructurings_last_12_months=result.restructurings_last_12_months,
        evaluated_at=timestamp_to_proto(result.evaluated_at),
    )


def quote_to_proto(quote: Quote, plan_id: str) -> resources_pb2.Quote:
    p = quote.pricing
    return resources_pb2.Quote(
        quote_id=quote.quote_id,
        plan_id=plan_id,
        terms=terms_to_proto(quote.terms),
        loan_version=p.loan_version,
        effective_date=date_to_proto(p.effective_date),
        outstanding_principal=fen_to_proto(p.outstanding_principal_fen),
        overdue_interest=fen_to_proto(p.overdue_interest_fen),
        outstanding_penalty=fen_to_proto(p.outstanding_penalty_fen),
        old_installment=fen_to_proto(p.old_installment_fen),
        new_installment=fen_to_proto(p.new_installment_fen),
        old_remaining_periods=p.old_remaining_periods,
        new_term_periods=p.new_term_periods,
        old_total_interest=fen_to_proto(p.old_total_interest_fen),
        new_total_interest=fen_to_proto(p.new_total_interest_fen),
        interest_waived=fen_to_proto(p.interest_waived_fen),
        penalty_waived=fen_to_proto(p.penalty_waived_fen),
        total_waived=fen_to_proto(p.total_waived_fen),
        waived_percentage=decimal_to_proto(p.waived_percentage),
        discount_rate=decimal_to_proto(p.discount_rate),
        npv_loss=fen_to_proto(p.npv_loss_fen),
        new_annual_rate=decimal_to_proto(p.new_annual_rate),
        annualized_cost=decimal_to_proto(p.annualized_cost),
        installments=[
            resources_pb2.PlanInstallment(
                sequence=i.sequence,
                due_date=date_to_proto(i.due_date),
                principal=fen_to_proto(i.principal_fen),
                interest=fen_to_proto(i.interest_fen),
                penalty=fen_to_proto(i.penalty_fen),
                total=fen_to_proto(i.total_fen),
                remaining_principal=fen_to_proto(i.remaining_principal_fen),
            )
            for i in p.installments
        ],
        required_authority=AUTHORITY_TO_PROTO[quote.required_authority],
        quoted_at=timestamp_to_proto(quote.quoted_at),
        expires_at=timestamp_to_proto(quote.expires_at),
    )


def agreement_to_proto(info: AgreementInfo, plan_id: str) -> resources_pb2.Agreement:
    return resources_pb2.Agreement(
        agreement_id=info.agreement_id,
        plan_id=plan_id,
        quote_id=info.quote_id,
        template_version=info.template_version,
        media_type=info.media_type,
        document_sha256=info.document_sha256,
        size_bytes=info.size_bytes,
        generated_at=timestamp_to_proto(info.generated_at),
        sign_by=timestamp_to_proto(info.sign_by),
    )


def signature_to_proto(s: SignatureEvidence) -> resources_pb2.Signature:
    return resources_pb2.Signature(
        signed_document_sha256=s.signed_document_sha256,
        signer_verification_reference=s.signer_verification_reference,
        signed_at=timestamp_to_proto(s.signed_at),
        channel=SIGNATURE_CHANNEL_TO_PROTO.get(s.channel, 0),
        recorded_by=s.recorded_by,
        recorded_at=timestamp_to_proto(s.recorded_at),
    )


def step_to_proto(s: ActivationStep) -> resources_pb2.ActivationStep:
    message = resources_pb2.ActivationStep(
        step=STEP_TYPE_TO_PROTO[s.step],
        state=STEP_STATE_TO_PROTO[s.state],
        attempts=s.attempts,
        last_error_reason=s.last_error_reason,
    )
    if s.completed_at is not None:
        message.completed_at.CopyFrom(timestamp_to_proto(s.completed_at))
    return message


def plan_to_proto(plan: Plan) -> resources_pb2.Plan:
    message = resources_pb2.Plan(
        plan_id=plan.plan_id,
        loan_id=plan.loan_id,
        borrower_id=plan.borrower_id,
        state=PLAN_STATE_TO_PROTO[plan.state],
        hardship=hardship_to_proto(plan.hardship),
        requested_terms=terms_to_proto(plan.requested_terms),
        eligibility=eligibility_to_proto(plan.eligibility),
        decisions=[
            resources_pb2.Decision(
                decision=resources_pb2.DECISION_TYPE_APPROVED if d.approved
                else resources_pb2.DECISION_TYPE_REJECTED,
                decided_by=d.decided_by,
                authority=AUTHORITY_TO_PROTO[d.authority] if d.authority else 0,
                quote_id=d.quote_id,
                reason_codes=list(d.reason_codes),
                comment=d.comment,
                decided_at=timestamp_to_proto(d.decided_at),
            )
            for d in plan.decisions
        ],
        activation_steps=[step_to_proto(s) for s in plan.steps],
        requested_by=plan.requested_by,
        requested_at=timestamp_to_proto(plan.requested_at),
        failure_reason=plan.failure_reason,
    )
    if plan.quote is not None:
        message.quote.CopyFrom(quote_to_proto(plan.quote, plan.plan_id))
        message.required_authority = AUTHORITY_TO_PROTO[plan.quote.required_authority]
    if plan.agreement is not None:
        message.agreement.CopyFrom(agreement_to_proto(plan.agreement, plan.plan_id))
    if plan.signature is not None:
        message.signature.CopyFrom(signature_to_proto(plan.signature))
    if plan.activated_on is not None:
        message.activated_on.CopyFrom(date_to_proto(plan.activated_on))
    if plan.ended_on is not None:
        message.ended_on.CopyFrom(date_to_proto(plan.ended_on))
    return message


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
