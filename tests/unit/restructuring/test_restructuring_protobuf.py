"""The plan's protobuf messages, built from nested dicts, are byte for byte those built message
by message with postloan_runtime.proto_convert: the reference below is the mapping as first
written. Compared over generated plans (deterministic serialization), refusals included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from restructuring_plan_strategies import INSTANTS, PLANS

from postloan.restructuring.v1 import resources_pb2, restructuring_pb2
from postloan_runtime.proto_convert import (
    date_to_proto,
    decimal_to_proto,
    fen_to_proto,
    timestamp_to_proto,
)
from restructuring.adapters import protobuf
from restructuring.adapters.protobuf import (
    AUTHORITY_TO_PROTO,
    HARDSHIP_TO_PROTO,
    PLAN_STATE_TO_PROTO,
    PLAN_TYPE_TO_PROTO,
    RULE_OUTCOME_TO_PROTO,
    SIGNATURE_CHANNEL_TO_PROTO,
    STEP_STATE_TO_PROTO,
    STEP_TYPE_TO_PROTO,
)
from restructuring.domain.plans import (
    ActivationStep,
    AgreementInfo,
    Plan,
    Quote,
    SignatureEvidence,
)
from restructuring.domain.rules import Eligibility, Hardship, PlanTerms, PlanType

pytestmark = pytest.mark.unit

# --- the reference ------------------------------------------------------------------------------


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


# --- the comparison -----------------------------------------------------------------------------

def outcome(build: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "built", build().SerializeToString(deterministic=True)
    except Exception as error:  # noqa: BLE001 - the refusal itself is compared
        return "refused", type(error)


@settings(max_examples=250, deadline=None, derandomize=True, database=None)
@given(PLANS)
def test_plan_messages_equal_the_reference(plan: Plan) -> None:
    assert outcome(lambda: protobuf.plan_to_proto(plan)) == outcome(lambda: plan_to_proto(plan))
    assert outcome(
        lambda: restructuring_pb2.GetPlanResponse(plan=protobuf.plan_fields(plan))
    ) == outcome(lambda: restructuring_pb2.GetPlanResponse(plan=plan_to_proto(plan)))
    if plan.quote is not None:
        assert outcome(lambda: protobuf.quote_to_proto(plan.quote, "p")) == outcome(
            lambda: quote_to_proto(plan.quote, "p"))
    assert outcome(lambda: protobuf.eligibility_to_proto(plan.eligibility)) == outcome(
        lambda: eligibility_to_proto(plan.eligibility))
    for step in plan.steps:
        assert outcome(lambda s=step: protobuf.step_to_proto(s)) == outcome(
            lambda s=step: step_to_proto(s))
    if plan.agreement is not None:
        assert outcome(lambda: protobuf.agreement_to_proto(plan.agreement, "p")) == outcome(
            lambda: agreement_to_proto(plan.agreement, "p"))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(INSTANTS | st.datetimes())
def test_instants_equal_timestamp_to_proto(instant: dt.datetime) -> None:
    assert outcome(lambda: resources_pb2.Quote(quoted_at=protobuf._instant(instant))) == outcome(
        lambda: resources_pb2.Quote(quoted_at=timestamp_to_proto(instant)))
