"""Plan use cases: eligibility, request, quote, approve, reject, agreement, signature, reads,
offer expiry. Each mutating use case is one unit of work whose first statement claims the
request_id; refusals roll everything back (nothing written). Reads of the loan go to monitoring
before the transaction opens, so no database transaction waits on the network; when that read
or the assessment fails, a request_id already answered gets its stored answer instead."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.restructuring.v1 import restructuring_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.db import single_statement_reads
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction, stored_outcome
from postloan_runtime.unit_of_work import UnitOfWork
from restructuring.adapters import protobuf
from restructuring.adapters.agreement import (
    MEDIA_TYPE,
    TEMPLATE_VERSION,
    render_agreement,
    sha256_hex,
)
from restructuring.adapters.peers import LoanReader
from restructuring.adapters.repository import AgreementRepository, PlanFilter, PlanRepository
from restructuring.domain.observation import ObservationPolicy
from restructuring.domain.plans import (
    AgreementInfo,
    Plan,
    PlanState,
    Quote,
    SignatureEvidence,
)
from restructuring.domain.rules import (
    DEFAULT_AUTHORITY_MATRIX,
    AuthorityBand,
    Eligibility,
    EligibilityPolicy,
    Hardship,
    LoanSnapshot,
    PlanTerms,
    PlanType,
    Pricing,
    Reasons,
    authority_of,
    check_extension_has_a_term,
    check_terms_against_loan,
    evaluate_eligibility,
    price_plan,
    refuse_if_ineligible,
    required_authority,
)

SERVICE = "/postloan.restructuring.v1.PlanService/"


@dataclass(frozen=True)
class RestructuringPolicy:
    """Deployment settings of restructuring (environment: see entrypoints/app.py)."""

    eligibility: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    authority_matrix: tuple[AuthorityBand, ...] = DEFAULT_AUTHORITY_MATRIX
    discount_rate: Decimal = Decimal("0.10")
    quote_validity: dt.timedelta = dt.timedelta(days=7)
    signature_window: dt.timedelta = dt.timedelta(days=3)
    # A request nobody quotes would block the loan's next plan forever: it expires after this.
    unquoted_request_max_age: dt.timedelta = dt.timedelta(days=7)
    breach_days_past_due: int = 30
    observation: ObservationPolicy = field(default_factory=ObservationPolicy)
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 60.0


@dataclass(frozen=True)
class Context:
    engine: AsyncEngine
    clock: Clock
    loans: LoanReader
    policy: RestructuringPolicy


@dataclass(frozen=True)
class Caller:
    subject: str
    roles: tuple[str, ...]


# --- eligibility and pricing ---------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    loan: LoanSnapshot
    eligibility: Eligibility
    pricing: Pricing | None


def _check_rate(terms: PlanTerms, loan: LoanSnapshot) -> None:
    if (
        terms.has(PlanType.RATE_REDUCTION)
        and terms.new_annual_rate is not None
        and terms.new_annual_rate >= loan.current_annual_rate
    ):
        from postloan_runtime.errors import FieldViolation, InvalidArgument

        raise InvalidArgument(
            [FieldViolation("terms.new_annual_rate.value",
                            "must be below the loan's current annual rate")]
        )


async def _assess(
    ctx: Context, loan: LoanSnapshot, terms: PlanTerms, hardship: Hardship | None,
    *, plan_in_progress: bool,
) -> Assessment:
    """Every rule evaluated; the plan priced when it can be."""
    today = ctx.clock.today()
    _check_rate(terms, loan)
    policy = ctx.policy.eligibility
    pricing = None
    if loan.active:
        check_extension_has_a_term(terms, loan)
    if loan.active and terms.new_term(loan, today) <= policy.max_new_term:
        check_terms_against_loan(terms, loan, policy.max_new_term, today)
        pricing = price_plan(
            loan, terms, effective_date=today, discount_rate=ctx.policy.discount_rate
        )
    eligibility = evaluate_eligibility(
        loan, terms, hardship, policy=policy, plan_in_progress=plan_in_progress,
        pricing=pricing, now=ctx.clock.now(), effective_date=today,
    )
    return Assessment(loan, eligibility, pricing)


async def _plan_in_progress(ctx: Context, loan_id: str) -> bool:
    async with single_statement_reads(ctx.engine) as conn:
        return await PlanRepository(conn).has_plan_in_progress(loan_id)


async def check_eligibility(
    ctx: Context, loan_id: str, terms: PlanTerms, hardship: Hardship | None
) -> Eligibility:
    """Every rule with its outcome; writes nothing."""
    loan = await ctx.loans.read_loan(loan_id)
    return (
        await _assess(ctx, loan, terms, hardship,
                      plan_in_progress=await _plan_in_progress(ctx, loan_id))
    ).eligibility


# --- request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestCommand:
    request_id: str
    loan_id: str
    hardship: Hardship
    terms: PlanTerms


async def request_restructuring(
    ctx: Context, command: RequestCommand, request: Message, caller: Caller
) -> restructuring_pb2.RequestRestructuringResponse:
    method = SERVICE + "RequestRestructuring"
    try:
        loan = await ctx.loans.read_loan(command.loan_id)
        assessment = await _assess(
            ctx, loan, command.terms, command.hardship,
            plan_in_progress=await _plan_in_progress(ctx, command.loan_id),
        )
    except Exception:
        # A retry gets the first call's answer even if the loan changed since or monitoring
        # is down; looked up only now so a first call costs no extra round trip.
        stored = await stored_outcome(
            ctx.engine, request_id=command.request_id, method=method, request=request,
            response_type=restructuring_pb2.RequestRestructuringResponse,
        )
        if stored is None:
            raise
        return stored
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.RequestRestructuringResponse:
            refuse_if_ineligible(assessment.eligibility)
            plan = Plan(
                plan_id=str(uuid.uuid4()),
                loan_id=loan.loan_id,
                borrower_id=loan.borrower_id,
                state=PlanState.REQUESTED,
                hardship=command.hardship,
                requested_terms=command.terms,
                eligibility=assessment.eligibility,
                requested_by=caller.subject,
                requested_at=ctx.clock.now(),
            )
            await PlanRepository(uow.connection).add(plan)
            uow.record_event(protobuf.plan_requested(plan), plan.loan_id)
            return restructuring_pb2.RequestRestructuringResponse(
                plan=protobuf.plan_fields(plan)
            )

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=method, request=request,
            response_type=restructuring_pb2.RequestRestructuringResponse, effect=effect,
            now=ctx.clock.now(),
        )
        await uow.commit()
    return response


async def _load(repository: PlanRepository, plan_id: str, *, for_update: bool = True) -> Plan:
    plan = await repository.get(plan_id, for_update=for_update)
    if plan is None:
        raise NotFound("plan", plan_id)
    return plan


# --- quote ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteCommand:
    request_id: str
    plan_id: str
    terms: PlanTerms | None


async def quote_plan(
    ctx: Context, command: QuoteCommand, request: Message, caller: Caller
) -> restructuring_pb2.QuotePlanResponse:
    method = SERVICE + "QuotePlan"
    async with single_statement_reads(ctx.engine) as conn:
        current = await _load(PlanRepository(conn), command.plan_id, for_update=False)
    terms = command.terms or current.requested_terms
    try:
        loan = await ctx.loans.read_loan(current.loan_id)
        assessment = await _assess(
            ctx, loan, terms, current.hardship,
            # The plan itself is the loan's one plan in progress (a unique index keeps it so).
            plan_in_progress=False,
        )
    except Exception:
        # As in request_restructuring: a retry gets the stored answer, not a new assessment.
        stored = await stored_outcome(
            ctx.engine, request_id=command.request_id, method=method, request=request,
            response_type=restructuring_pb2.QuotePlanResponse,
        )
        if stored is None:
            raise
        return stored
    async with UnitOfWork(ctx.engine) as uow:

        def requote(plan: Plan) -> dt.datetime:
            """Refusals first, in the order the RPC documents; then the plan carries the new
            quote. Returns the instant quoted."""
            if plan.state not in (PlanState.REQUESTED, PlanState.PENDING_APPROVAL):
                raise FailedPrecondition(
                    Reasons.PLAN_NOT_QUOTABLE, "only a requested or pending plan can be quoted",
                    {"state": plan.state.value},
                )
            refuse_if_ineligible(assessment.eligibility)
            pricing = assessment.pricing
            if pricing is None:  # pragma: no cover - eligible plans are priced
                raise FailedPrecondition(Reasons.NOT_ELIGIBLE, "the plan could not be priced")
            now = ctx.clock.now()
            authority = required_authority(
                waived_fen=pricing.total_waived_fen,
                outstanding_fen=loan.outstanding_total_fen,
                days_past_due=loan.days_past_due,
                earlier_restructurings=len(loan.restructured_at),
                rate_reduced=terms.has(PlanType.RATE_REDUCTION),
                matrix=ctx.policy.authority_matrix,
            )
            quote = Quote(
                quote_id=str(uuid.uuid4()), terms=terms, pricing=pricing,
                required_authority=authority, quoted_at=now,
                expires_at=now + ctx.policy.quote_validity, quoted_by=caller.subject,
            )
            plan.requote(quote, assessment.eligibility)
            return now

        async def effect() -> restructuring_pb2.QuotePlanResponse:
            repository = PlanRepository(uow.connection)
            # The plan as read before the transaction, written back only if its version is
            # still the one read: then it is the plan a locked read would give, and the quote
            # costs no second read. Anything else (a refusal, a plan changed meanwhile) is
            # decided on the plan read under lock, as always.
            plan: Plan | None = None
            if (current.state in (PlanState.REQUESTED, PlanState.PENDING_APPROVAL)
                    and assessment.pricing is not None
                    and not assessment.eligibility.failed_rule_codes):
                now = requote(current)
                if await repository.save_if_unchanged(current):
                    plan = current
            if plan is None:
                plan = await _load(repository, command.plan_id)
                now = requote(plan)
                await repository.save(plan)
            if plan.state is PlanState.APPROVED:
                uow.record_event(protobuf.plan_approved(plan, now), plan.loan_id)
            return restructuring_pb2.QuotePlanResponse(plan=protobuf.plan_fields(plan))

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=method, request=request,
            response_type=restructuring_pb2.QuotePlanResponse, effect=effect,
            now=ctx.clock.now(),
        )
        await uow.commit()
    return response


# --- approval --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionCommand:
    request_id: str
    plan_id: str
    quote_id: str | None
    reason_codes: tuple[str, ...]
    comment: str


async def approve_plan(
    ctx: Context, command: DecisionCommand, request: Message, caller: Caller
) -> restructuring_pb2.ApprovePlanResponse:
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.ApprovePlanResponse:
            repository = PlanRepository(uow.connection)
            plan = await _load(repository, command.plan_id)
            now = ctx.clock.now()
            reached = plan.approve(
                subject=caller.subject, authority=authority_of(caller.roles),
                quote_id=command.quote_id or "", reason_codes=command.reason_codes,
                comment=command.comment, now=now,
            )
            await repository.save(plan)
            if reached:
                uow.record_event(protobuf.plan_approved(plan, now), plan.loan_id)
            return restructuring_pb2.ApprovePlanResponse(plan=protobuf.plan_fields(plan))

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=SERVICE + "ApprovePlan",
            request=request, response_type=restructuring_pb2.ApprovePlanResponse,
            effect=effect, now=ctx.clock.now(),
        )
        await uow.commit()
    return response


async def reject_plan(
    ctx: Context, command: DecisionCommand, request: Message, caller: Caller
) -> restructuring_pb2.RejectPlanResponse:
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.RejectPlanResponse:
            repository = PlanRepository(uow.connection)
            plan = await _load(repository, command.plan_id)
            now = ctx.clock.now()
            plan.reject(
                subject=caller.subject, authority=authority_of(caller.roles),
                reason_codes=command.reason_codes, comment=command.comment, now=now,
            )
            await repository.save(plan)
            uow.record_event(protobuf.plan_rejected(plan, command.reason_codes, now),
                             plan.loan_id)
            return restructuring_pb2.RejectPlanResponse(plan=protobuf.plan_fields(plan))

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=SERVICE + "RejectPlan",
            request=request, response_type=restructuring_pb2.RejectPlanResponse,
            effect=effect, now=ctx.clock.now(),
        )
        await uow.commit()
    return response


# --- agreement and signature -------------------------------------------------------------------


async def generate_agreement(
    ctx: Context, request_id: str, plan_id: str, request: Message
) -> restructuring_pb2.GenerateAgreementResponse:
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.GenerateAgreementResponse:
            repository = PlanRepository(uow.connection)
            plan = await _load(repository, plan_id)
            now = ctx.clock.now()
            quote = plan.check_can_generate_agreement(now)
            if plan.agreement is not None and plan.agreement.quote_id == quote.quote_id:
                return restructuring_pb2.GenerateAgreementResponse(
                    agreement=protobuf.agreement_to_proto(plan.agreement, plan.plan_id)
                )
            agreement_id = str(uuid.uuid4())
            sign_by = min(now + ctx.policy.signature_window, quote.expires_at)
            content = render_agreement(
                plan, quote, agreement_id=agreement_id, sign_by=sign_by,
                breach_days=ctx.policy.breach_days_past_due,
            )
            info = AgreementInfo(
                agreement_id=agreement_id, quote_id=quote.quote_id,
                template_version=TEMPLATE_VERSION, media_type=MEDIA_TYPE,
                document_sha256=sha256_hex(content), size_bytes=len(content),
                generated_at=now, sign_by=sign_by,
            )
            await AgreementRepository(uow.connection).add(info, plan.plan_id, content)
            plan.attach_agreement(info)
            await repository.save(plan)
            return restructuring_pb2.GenerateAgreementResponse(
                agreement=protobuf.agreement_to_proto(info, plan.plan_id)
            )

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=request_id, method=SERVICE + "GenerateAgreement",
            request=request, response_type=restructuring_pb2.GenerateAgreementResponse,
            effect=effect, now=ctx.clock.now(),
        )
        await uow.commit()
    return response


async def agreement_document(
    ctx: Context, agreement_id: str
) -> restructuring_pb2.GetAgreementDocumentResponse:
    async with single_statement_reads(ctx.engine) as conn:
        found = await AgreementRepository(conn).get(agreement_id)
    if found is None:
        raise NotFound("agreement", agreement_id)
    plan_id, info, content = found
    return restructuring_pb2.GetAgreementDocumentResponse(
        agreement=protobuf.agreement_to_proto(info, plan_id), content=content
    )


@dataclass(frozen=True)
class SignatureCommand:
    request_id: str
    plan_id: str
    agreement_id: str
    signed_document_sha256: str
    signer_verification_reference: str
    signed_at: dt.datetime
    channel: str


async def record_signature(
    ctx: Context, command: SignatureCommand, request: Message, caller: Caller
) -> restructuring_pb2.RecordSignatureResponse:
    """Record the signature and queue activation: the activation worker drives the steps."""
    async with UnitOfWork(ctx.engine) as uow:

        async def effect() -> restructuring_pb2.RecordSignatureResponse:
            repository = PlanRepository(uow.connection)
            plan = await _load(repository, command.plan_id)
            now = ctx.clock.now()
            plan.sign(
                agreement_id=command.agreement_id,
                evidence=SignatureEvidence(
                    signed_document_sha256=command.signed_document_sha256,
                    signer_verification_reference=command.signer_verification_reference,
                    signed_at=command.signed_at, channel=command.channel,
                    recorded_by=caller.subject, recorded_at=now,
                ),
                now=now,
            )
            await repository.save(plan, next_attempt_at=now)
            return restructuring_pb2.RecordSignatureResponse(plan=protobuf.plan_fields(plan))

        response = await run_idempotent_in_transaction(
            uow.connection, request_id=command.request_id, method=SERVICE + "RecordSignature",
            request=request, response_type=restructuring_pb2.RecordSignatureResponse,
            effect=effect, now=ctx.clock.now(),
        )
        await uow.commit()
    return response


# --- reads and expiry ----------------------------------------------------------------------------


async def get_plan(ctx: Context, plan_id: str) -> Plan:
    async with single_statement_reads(ctx.engine) as conn:
        return await _load(PlanRepository(conn), plan_id, for_update=False)


async def list_plans(
    ctx: Context, where: PlanFilter, *, after: tuple[dt.datetime, str] | None, page_size: int
) -> tuple[list[Plan], bool]:
    async with single_statement_reads(ctx.engine) as conn:
        page = await PlanRepository(conn).list_page(where, after=after, limit=page_size + 1)
    return page[:page_size], len(page) > page_size


async def expire_offers(ctx: Context, *, batch: int = 100) -> int:
    """Expire plans whose quote expired unapproved or unsigned, whose signature deadline
    passed, or requested and never quoted within the policy's age; PlanExpired for each.
    Returns how many."""
    now = ctx.clock.now()
    max_age = ctx.policy.unquoted_request_max_age
    async with single_statement_reads(ctx.engine) as conn:
        candidates = await PlanRepository(conn).offers_to_expire(now, batch, max_age)
    expired = 0
    for candidate in candidates:
        async with UnitOfWork(ctx.engine) as uow:
            repository = PlanRepository(uow.connection)
            plan = await _load(repository, candidate.plan_id)
            reason = plan.expiry_reason(now, max_age)
            if reason is None:
                continue
            plan.expire(reason)
            await repository.save(plan)
            uow.record_event(protobuf.plan_expired(plan, now), plan.loan_id)
            await uow.commit()
            expired += 1
    return expired
