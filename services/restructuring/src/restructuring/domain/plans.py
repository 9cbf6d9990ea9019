"""The restructuring plan aggregate: its lifecycle from request to completion, maker-checker
approval, the signed agreement and the activation steps. Pure Python; each transition raises
FailedPrecondition with a documented reason when the plan's state refuses it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from postloan_runtime.errors import FailedPrecondition, FieldViolation, InvalidArgument
from restructuring.domain.rules import (
    AuthorityLevel,
    Eligibility,
    Hardship,
    PlanTerms,
    Pricing,
    Reasons,
)


class PlanState(StrEnum):
    REQUESTED = "REQUESTED"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    ACTIVATING = "ACTIVATING"
    ACTIVE = "ACTIVE"
    ACTIVATION_FAILED = "ACTIVATION_FAILED"
    BROKEN = "BROKEN"
    COMPLETED = "COMPLETED"


# PlanExpired reason of a request left unquoted too long (beside QUOTE_EXPIRED and
# SIGNATURE_DEADLINE_PASSED).
REQUEST_NOT_QUOTED = "REQUEST_NOT_QUOTED"

# States in which a loan's plan has not ended (a second plan is refused).
IN_PROGRESS_STATES = frozenset(
    {
        PlanState.REQUESTED,
        PlanState.PENDING_APPROVAL,
        PlanState.APPROVED,
        PlanState.ACTIVATING,
        PlanState.ACTIVE,
    }
)


class StepType(StrEnum):
    SCHEDULE_REPLACED = "SCHEDULE_REPLACED"
    CASE_PAUSED = "CASE_PAUSED"
    CLASSIFICATION_FLOOR_SET = "CLASSIFICATION_FLOOR_SET"


class StepState(StrEnum):
    PENDING = "PENDING"
    RETRYING = "RETRYING"
    DONE = "DONE"
    FAILED = "FAILED"


@dataclass(frozen=True)
class ActivationStep:
    step: StepType
    state: StepState = StepState.PENDING
    attempts: int = 0
    last_error_reason: str = ""
    completed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Quote:
    quote_id: str
    terms: PlanTerms
    pricing: Pricing
    required_authority: AuthorityLevel
    quoted_at: dt.datetime
    expires_at: dt.datetime
    # Who asked for the quote: it may carry new terms, so its author is a maker too ("" on
    # quotes stored before it was recorded).
    quoted_by: str = ""


@dataclass(frozen=True)
class Decision:
    approved: bool
    decided_by: str
    authority: AuthorityLevel | None
    quote_id: str
    reason_codes: tuple[str, ...]
    comment: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class AgreementInfo:
    agreement_id: str
    quote_id: str
    template_version: str
    media_type: str
    document_sha256: str
    size_bytes: int
    generated_at: dt.datetime
    sign_by: dt.datetime


@dataclass(frozen=True)
class SignatureEvidence:
    signed_document_sha256: str
    signer_verification_reference: str
    signed_at: dt.datetime
    channel: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Breach:
    """A breach of the plan's schedule as monitoring reported it (ScheduleBreachThresholdCrossed,
    or DelinquencyChanged beyond the threshold)."""

    on: dt.date
    days_past_due: int
    installment_sequence: int
    overdue_fen: int


# How far a signing time may precede the agreement's generation: the signing channel's clock is
# not ours (RecordSignature allows as much into the future).
SIGNATURE_CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass
class Plan:
    plan_id: str
    loan_id: str
    borrower_id: str
    state: PlanState
    hardship: Hardship
    requested_terms: PlanTerms
    eligibility: Eligibility
    requested_by: str
    requested_at: dt.datetime
    quote: Quote | None = None
    decisions: list[Decision] = field(default_factory=list)
    agreement: AgreementInfo | None = None
    signature: SignatureEvidence | None = None
    steps: list[ActivationStep] = field(default_factory=list)
    activated_on: dt.date | None = None
    ended_on: dt.date | None = None
    failure_reason: str = ""
    # A breach reported while ACTIVATING (monitoring reports it once per plan): applied when
    # activation completes.
    pending_breach: Breach | None = None
    version: int = 0

    # --- quote ----------------------------------------------------------------------------

    def requote(self, quote: Quote, eligibility: Eligibility) -> None:
        """Replace the quote (REQUESTED or PENDING_APPROVAL); decisions on earlier quotes no
        longer count. AUTO quotes approve the plan at once."""
        if self.state not in (PlanState.REQUESTED, PlanState.PENDING_APPROVAL):
            raise FailedPrecondition(
                Reasons.PLAN_NOT_QUOTABLE,
                "only a requested or pending plan can be quoted",
                {"state": self.state.value},
            )
        self.quote = quote
        self.eligibility = eligibility
        if quote.required_authority is AuthorityLevel.AUTO:
            self.state = PlanState.APPROVED
        else:
            self.state = PlanState.PENDING_APPROVAL

    # --- approval (maker-checker) -----------------------------------------------------------

    def _check_not_maker(self, subject: str) -> None:
        """Maker-checker: neither the requester nor the author of the current quote decides."""
        if subject == self.requested_by:
            raise FailedPrecondition(
                Reasons.APPROVER_IS_REQUESTER,
                "the approver cannot be the requester (maker-checker)",
                {"maker": "requested_by"},
            )
        if self.quote is not None and self.quote.quoted_by == subject:
            raise FailedPrecondition(
                Reasons.APPROVER_IS_REQUESTER,
                "the approver cannot be who quoted the plan's terms (maker-checker)",
                {"maker": "quoted_by"},
            )

    def _check_decidable(self, subject: str, quote_id: str | None, now: dt.datetime) -> Quote:
        if self.state is not PlanState.PENDING_APPROVAL or self.quote is None:
            raise FailedPrecondition(
                Reasons.PLAN_NOT_PENDING_APPROVAL,
                "the plan is not awaiting approval",
                {"state": self.state.value},
            )
        self._check_not_maker(subject)
        if quote_id is not None and quote_id != self.quote.quote_id:
            raise FailedPrecondition(
                Reasons.QUOTE_SUPERSEDED,
                "the quote is not the plan's current quote",
                {"current_quote_id": self.quote.quote_id},
            )
        if now >= self.quote.expires_at:
            raise FailedPrecondition(Reasons.QUOTE_EXPIRED, "the quote has expired")
        return self.quote

    def current_decisions(self) -> list[Decision]:
        quote_id = self.quote.quote_id if self.quote else ""
        return [d for d in self.decisions if d.quote_id == quote_id]

    def approve(
        self,
        *,
        subject: str,
        authority: AuthorityLevel | None,
        quote_id: str,
        reason_codes: tuple[str, ...],
        comment: str,
        now: dt.datetime,
    ) -> bool:
        """Record an approval; True when the required authority is reached (the plan is then
        APPROVED). COMMITTEE needs two distinct approvers, each at least a team lead, one of
        them a risk manager."""
        quote = self._check_decidable(subject, quote_id, now)
        if any(d.decided_by == subject for d in self.current_decisions()):
            raise FailedPrecondition(
                Reasons.ALREADY_DECIDED_BY_CALLER, "the caller already decided on this quote"
            )
        required = quote.required_authority
        needed = AuthorityLevel.TEAM_LEAD if required is AuthorityLevel.COMMITTEE else required
        if authority is None or authority < needed:
            raise FailedPrecondition(
                Reasons.AUTHORITY_INSUFFICIENT,
                "the approver's role does not carry the required authority",
                {"required_authority": required.name},
            )
        approvals = [d for d in self.current_decisions() if d.approved]
        if required is AuthorityLevel.COMMITTEE and approvals:
            levels = [d.authority for d in approvals] + [authority]
            if AuthorityLevel.RISK_MANAGER not in levels:
                raise FailedPrecondition(
                    Reasons.AUTHORITY_INSUFFICIENT,
                    "a committee approval needs a risk manager among its two approvers",
                    {"required_authority": required.name},
                )
        self.decisions.append(
            Decision(True, subject, authority, quote.quote_id, reason_codes, comment, now)
        )
        if required is AuthorityLevel.COMMITTEE and not approvals:
            return False
        self.state = PlanState.APPROVED
        return True

    def reject(
        self,
        *,
        subject: str,
        authority: AuthorityLevel | None,
        reason_codes: tuple[str, ...],
        comment: str,
        now: dt.datetime,
    ) -> None:
        """Reject a pending plan, or a requested one not yet quoted (then on no quote)."""
        if self.state is PlanState.REQUESTED and self.quote is None:
            self._check_not_maker(subject)
            quote_id, required = "", AuthorityLevel.TEAM_LEAD
        else:
            quote = self._check_decidable(subject, None, now)
            quote_id, required = quote.quote_id, quote.required_authority
        if authority is None:
            raise FailedPrecondition(
                Reasons.AUTHORITY_INSUFFICIENT,
                "the caller's role carries no approval authority",
                {"required_authority": required.name},
            )
        self.decisions.append(
            Decision(False, subject, authority, quote_id, reason_codes, comment, now)
        )
        self.state = PlanState.REJECTED
        self.ended_on = None

    # --- agreement and signature ------------------------------------------------------------

    def check_can_generate_agreement(self, now: dt.datetime) -> Quote:
        if self.state is not PlanState.APPROVED or self.quote is None:
            raise FailedPrecondition(
                Reasons.PLAN_NOT_APPROVED, "the plan is not approved", {"state": self.state.value}
            )
        if now >= self.quote.expires_at:
            raise FailedPrecondition(Reasons.OFFER_EXPIRED, "the offer has expired")
        return self.quote

    def attach_agreement(self, agreement: AgreementInfo) -> None:
        self.agreement = agreement

    def sign(self, *, agreement_id: str, evidence: SignatureEvidence, now: dt.datetime) -> None:
        """Record the borrower's signature; the plan starts ACTIVATING."""
        if self.signature is not None:
            raise FailedPrecondition(Reasons.ALREADY_SIGNED, "the plan is already signed")
        if self.state is not PlanState.APPROVED or self.quote is None or self.agreement is None:
            raise FailedPrecondition(
                Reasons.PLAN_NOT_APPROVED,
                "the plan is not approved with a generated agreement",
                {"state": self.state.value},
            )
        if agreement_id != self.agreement.agreement_id:
            raise FailedPrecondition(
                Reasons.AGREEMENT_SUPERSEDED,
                "the agreement is not the plan's current agreement",
                {"current_agreement_id": self.agreement.agreement_id},
            )
        if evidence.signed_document_sha256 != self.agreement.document_sha256:
            raise FailedPrecondition(
                Reasons.DOCUMENT_HASH_MISMATCH,
                "the signed document's SHA-256 does not match the agreement",
            )
        if now >= self.quote.expires_at:
            raise FailedPrecondition(Reasons.QUOTE_EXPIRED, "the quote has expired")
        if now >= self.agreement.sign_by or evidence.signed_at >= self.agreement.sign_by:
            raise FailedPrecondition(
                Reasons.SIGNATURE_DEADLINE_PASSED, "the signature deadline has passed"
            )
        if evidence.signed_at < self.agreement.generated_at - SIGNATURE_CLOCK_SKEW:
            raise InvalidArgument(
                [FieldViolation("signed_at", "must not be before the agreement was generated")]
            )
        self.signature = evidence
        self.state = PlanState.ACTIVATING
        self.steps = [ActivationStep(step) for step in StepType]

    # --- expiry -------------------------------------------------------------------------------

    def expiry_reason(
        self, now: dt.datetime, unquoted_request_max_age: dt.timedelta | None = None
    ) -> str | None:
        """Which deadline has passed for an offer not yet signed, if any; a request never
        quoted expires ``unquoted_request_max_age`` after it was made (never when None)."""
        if (
            self.state is PlanState.REQUESTED
            and self.quote is None
            and unquoted_request_max_age is not None
            and now >= self.requested_at + unquoted_request_max_age
        ):
            return REQUEST_NOT_QUOTED
        if self.state in (PlanState.REQUESTED, PlanState.PENDING_APPROVAL, PlanState.APPROVED):
            if self.quote is not None and now >= self.quote.expires_at:
                return "QUOTE_EXPIRED"
            if (
                self.state is PlanState.APPROVED
                and self.agreement is not None
                and now >= self.agreement.sign_by
            ):
                return "SIGNATURE_DEADLINE_PASSED"
        return None

    def expire(self, reason: str) -> None:
        self.state = PlanState.EXPIRED
        self.failure_reason = reason

    # --- activation ---------------------------------------------------------------------------

    def step(self, step_type: StepType) -> ActivationStep:
        return next(s for s in self.steps if s.step is step_type)

    def _set_step(self, updated: ActivationStep) -> None:
        self.steps = [updated if s.step is updated.step else s for s in self.steps]

    def next_step(self) -> StepType | None:
        """The first activation step not done, while ACTIVATING."""
        if self.state is not PlanState.ACTIVATING:
            return None
        for s in self.steps:
            if s.state is not StepState.DONE:
                return s.step
        return None

    def step_done(self, step_type: StepType, now: dt.datetime) -> None:
        current = self.step(step_type)
        self._set_step(
            replace(current, state=StepState.DONE, attempts=current.attempts + 1,
                    last_error_reason="", completed_at=now)
        )

    def step_retry(self, step_type: StepType, reason: str) -> int:
        """Record a failed attempt to be retried; returns the attempts so far."""
        current = self.step(step_type)
        updated = replace(
            current, state=StepState.RETRYING, attempts=current.attempts + 1,
            last_error_reason=reason,
        )
        self._set_step(updated)
        return updated.attempts

    def activation_failed(self, step_type: StepType, reason: str) -> None:
        """A downstream refusal: the plan fails; later steps were never started."""
        current = self.step(step_type)
        self._set_step(
            replace(current, state=StepState.FAILED, attempts=current.attempts + 1,
                    last_error_reason=reason)
        )
        self.state = PlanState.ACTIVATION_FAILED
        self.failure_reason = reason

    def activated(self, on: dt.date) -> Breach | None:
        """The plan is ACTIVE; then BROKEN at once if a breach was reported while it was
        ACTIVATING (returned, to be announced; None otherwise)."""
        self.state = PlanState.ACTIVE
        self.activated_on = on
        breach = self.pending_breach
        if breach is not None:
            self.state = PlanState.BROKEN
            # Broken when the breach is applied, never before it was reported.
            self.ended_on = max(on, breach.on)
        return breach

    # --- plan monitoring ------------------------------------------------------------------------

    def record_breach(self, breach: Breach) -> bool:
        """A breach of the plan's schedule: an ACTIVE plan is BROKEN; an ACTIVATING one keeps
        the first breach reported, to break when activation completes (the schedule is
        already in force in monitoring, which reports the breach only once). True when the
        plan changed."""
        if self.state is PlanState.ACTIVATING:
            if self.pending_breach is not None:
                return False
            self.pending_breach = breach
            return True
        if self.state is not PlanState.ACTIVE:
            return False
        self.state = PlanState.BROKEN
        self.ended_on = breach.on
        return True

    def schedule_replaced(self) -> bool:
        """Whether monitoring is known to hold the plan's schedule (step 1 done)."""
        return any(
            s.step is StepType.SCHEDULE_REPLACED and s.state is StepState.DONE
            for s in self.steps
        )

    def complete(self, on: dt.date) -> bool:
        if self.state not in (PlanState.ACTIVE, PlanState.ACTIVATING):
            return False
        self.state = PlanState.COMPLETED
        self.ended_on = on
        return True
