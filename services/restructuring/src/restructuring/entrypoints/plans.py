"""The PlanService and ObservationService servicers: validate each request into a command
(INVALID_ARGUMENT naming every bad field, before any database work or peer call), call the use
case with the verified caller, map the result to protobuf."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from typing import Any, Final

import grpc

from postloan.restructuring.v1 import resources_pb2, restructuring_pb2, restructuring_pb2_grpc
from postloan_runtime import proto_validation
from postloan_runtime.auth import current_caller
from postloan_runtime.validation import Violations
from restructuring.adapters import protobuf
from restructuring.adapters.repository import PlanFilter
from restructuring.domain.plans import SIGNATURE_CLOCK_SKEW
from restructuring.domain.rules import Evidence, Hardship, PlanTerms, PlanType
from restructuring.service_layer import observation as observation_cases
from restructuring.service_layer import plans as cases
from restructuring.service_layer.plans import Caller, Context

_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_CODE_PATTERN: Final = re.compile(r"[A-Z][A-Z0-9_]*")
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
ID_MAX_LENGTH: Final = 64
MAX_PERIODS: Final = 600
TEXT_MAX_LENGTH: Final = 500
REFERENCE_MAX_LENGTH: Final = 256
MAX_EVIDENCE: Final = 20
MAX_REASON_CODES: Final = 10
RATE_MAX_PLACES: Final = 10


def _identifier(v: Violations, value: str, field: str) -> str | None:
    if not value:
        v.add(field, "is required")
        return None
    if len(value) > ID_MAX_LENGTH or not _ID_PATTERN.fullmatch(value):
        v.add(field, f"must be at most {ID_MAX_LENGTH} letters, digits and . _ : -")
        return None
    return value


def _optional_identifier(v: Violations, value: str, field: str) -> str | None:
    return _identifier(v, value, field) if value else None


def _text(v: Violations, value: str, field: str) -> str:
    # Text a person types (a description, a comment): no ID or mobile numbers, and no control
    # characters (a NUL cannot be stored in the plan's JSONB document).
    v.free_text(value, field, max_length=TEXT_MAX_LENGTH)
    return value


def _reference(v: Violations, value: str, field: str) -> None:
    # A document-store or identity-verification reference, not typed text: only its length and
    # control characters are checked.
    v.optional_text(value, field, max_length=REFERENCE_MAX_LENGTH)


def _uuid(v: Violations, value: str, field: str) -> str | None:
    parsed = v.uuid(value, field)
    return str(parsed) if parsed else None


def validate_terms(v: Violations, terms: resources_pb2.PlanTerms) -> PlanTerms | None:
    """PlanTerms; ``v`` is positioned at the terms."""
    before = len(v)
    kinds: list[PlanType] = []
    if not terms.plan_types:
        v.add("plan_types", "must list at least one plan type")
    for index, value in enumerate(terms.plan_types):
        kind = protobuf.PLAN_TYPE_FROM_PROTO.get(value)
        if kind is None:
            v.add(f"plan_types[{index}]", "must be a known, specified plan type")
        elif kind in kinds:
            v.add(f"plan_types[{index}]", "must not repeat a plan type")
        else:
            kinds.append(kind)
    has = set(kinds)

    def only_for(kind: PlanType, field: str, is_set: bool) -> None:
        if is_set and kind not in has:
            v.add(field, f"applies only to plan type {kind.value}")

    if PlanType.TERM_EXTENSION in has:
        v.int_range(terms.additional_periods, "additional_periods", minimum=1, maximum=MAX_PERIODS)
    only_for(PlanType.TERM_EXTENSION, "additional_periods", terms.additional_periods != 0)
    if PlanType.REINSTALLMENT in has:
        v.int_range(terms.reinstallment_periods, "reinstallment_periods", minimum=1,
                    maximum=MAX_PERIODS)
    only_for(PlanType.REINSTALLMENT, "reinstallment_periods", terms.reinstallment_periods != 0)
    interest = penalty = None
    if PlanType.WAIVER in has:
        interest = proto_validation.money(v, terms, "interest_waiver", required=False,
                                          allow_zero=True)
        penalty = proto_validation.money(v, terms, "penalty_waiver", required=False,
                                         allow_zero=True)
        if not terms.waive_all_penalty and not (interest and interest.fen) and not (
            penalty and penalty.fen
        ):
            v.add("interest_waiver", "a waiver needs an amount or waive_all_penalty")
    only_for(PlanType.WAIVER, "interest_waiver", terms.HasField("interest_waiver"))
    only_for(PlanType.WAIVER, "penalty_waiver", terms.HasField("penalty_waiver"))
    only_for(PlanType.WAIVER, "waive_all_penalty", terms.waive_all_penalty)
    rate: Decimal | None = None
    if PlanType.RATE_REDUCTION in has:
        rate = proto_validation.decimal(v, terms, "new_annual_rate", minimum=Decimal(0),
                                        maximum=Decimal(1), max_places=RATE_MAX_PLACES)
    only_for(PlanType.RATE_REDUCTION, "new_annual_rate", terms.HasField("new_annual_rate"))
    if len(v) > before:
        return None
    return PlanTerms(
        plan_types=tuple(kinds),
        additional_periods=terms.additional_periods,
        reinstallment_periods=terms.reinstallment_periods,
        interest_waiver_fen=interest.fen if interest else 0,
        penalty_waiver_fen=penalty.fen if penalty else 0,
        waive_all_penalty=terms.waive_all_penalty,
        new_annual_rate=rate,
    )


def validate_hardship(v: Violations, hardship: resources_pb2.Hardship) -> Hardship | None:
    before = len(v)
    reason = None
    if v.enum_specified(hardship.reason, "reason", allowed=protobuf.HARDSHIP_FROM_PROTO):
        reason = protobuf.HARDSHIP_FROM_PROTO[hardship.reason]
    _text(v, hardship.description, "description")
    if len(hardship.evidence) > MAX_EVIDENCE:
        v.add("evidence", f"must list at most {MAX_EVIDENCE} documents")
    evidence = []
    for index, item in enumerate(hardship.evidence):
        at = v.at("evidence", index)
        kind = _identifier(at, item.kind, "kind")
        if not item.document_reference:
            at.add("document_reference", "is required")
        _reference(at, item.document_reference, "document_reference")
        if not _SHA256.fullmatch(item.document_sha256):
            at.add("document_sha256", "must be 64 lowercase hex digits")
        evidence.append(Evidence(kind or "", item.document_reference, item.document_sha256))
    if len(v) > before or reason is None:
        return None
    return Hardship(reason=reason, description=hardship.description, evidence=tuple(evidence))


def _reason_codes(v: Violations, codes: Any, field: str, *, required: bool) -> tuple[str, ...]:
    if required and not codes:
        v.add(field, "must list at least one reason code")
    if len(codes) > MAX_REASON_CODES:
        v.add(field, f"must list at most {MAX_REASON_CODES} reason codes")
    for index, code in enumerate(codes):
        if len(code) > ID_MAX_LENGTH or not _CODE_PATTERN.fullmatch(code):
            v.add(f"{field}[{index}]", "must be an UPPER_SNAKE code")
    return tuple(codes)


def _caller() -> Caller:
    caller = current_caller()
    return Caller(subject=caller.subject, roles=tuple(caller.roles))


# --- page tokens ---------------------------------------------------------------------------


def _digest(request: Any) -> str:
    copy = type(request)()
    copy.CopyFrom(request)
    copy.ClearField("page_token")
    copy.ClearField("page_size")
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()[:16]


def encode_page_token(after: list[str], digest: str) -> str:
    raw = json.dumps({"a": after, "f": digest}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(v: Violations, token: str, digest: str) -> list[str] | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after, token_digest = data["a"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        v.add("page_token", "is not a token this service issued")
        return None
    if token_digest != digest or not isinstance(after, list) or len(after) != 2:
        v.add("page_token", "does not belong to a listing with these filters")
        return None
    return [str(a) for a in after]


class PlanServicer(restructuring_pb2_grpc.PlanServiceServicer):
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def CheckEligibility(  # noqa: N802 - gRPC method name
        self, request: restructuring_pb2.CheckEligibilityRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.CheckEligibilityResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        terms = (validate_terms(v.at("terms"), request.terms)
                 if proto_validation.present(v, request, "terms") else None)
        hardship = (validate_hardship(v.at("hardship"), request.hardship)
                    if request.HasField("hardship") else None)
        v.raise_if_any()
        assert loan_id and terms  # noqa: S101 - checked above
        result = await cases.check_eligibility(self._ctx, loan_id, terms, hardship)
        return restructuring_pb2.CheckEligibilityResponse(
            eligibility=protobuf.eligibility_to_proto(result)
        )

    async def RequestRestructuring(  # noqa: N802
        self, request: restructuring_pb2.RequestRestructuringRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.RequestRestructuringResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        hardship = (validate_hardship(v.at("hardship"), request.hardship)
                    if proto_validation.present(v, request, "hardship") else None)
        terms = (validate_terms(v.at("terms"), request.terms)
                 if proto_validation.present(v, request, "terms") else None)
        v.raise_if_any()
        assert request_id and loan_id and hardship and terms  # noqa: S101
        command = cases.RequestCommand(request_id, loan_id, hardship, terms)
        return await cases.request_restructuring(self._ctx, command, request, _caller())

    async def QuotePlan(  # noqa: N802
        self, request: restructuring_pb2.QuotePlanRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.QuotePlanResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        plan_id = _uuid(v, request.plan_id, "plan_id")
        terms = validate_terms(v.at("terms"), request.terms) if request.HasField("terms") else None
        v.raise_if_any()
        assert request_id and plan_id  # noqa: S101
        return await cases.quote_plan(
            self._ctx, cases.QuoteCommand(request_id, plan_id, terms), request, _caller()
        )

    async def ApprovePlan(  # noqa: N802
        self, request: restructuring_pb2.ApprovePlanRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.ApprovePlanResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        plan_id = _uuid(v, request.plan_id, "plan_id")
        quote_id = _uuid(v, request.quote_id, "quote_id")
        codes = _reason_codes(v, request.reason_codes, "reason_codes", required=False)
        comment = _text(v, request.comment, "comment")
        v.raise_if_any()
        assert request_id and plan_id and quote_id  # noqa: S101
        command = cases.DecisionCommand(request_id, plan_id, quote_id, codes, comment)
        return await cases.approve_plan(self._ctx, command, request, _caller())

    async def RejectPlan(  # noqa: N802
        self, request: restructuring_pb2.RejectPlanRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.RejectPlanResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        plan_id = _uuid(v, request.plan_id, "plan_id")
        codes = _reason_codes(v, request.reason_codes, "reason_codes", required=True)
        comment = _text(v, request.comment, "comment")
        v.raise_if_any()
        assert request_id and plan_id  # noqa: S101
        command = cases.DecisionCommand(request_id, plan_id, None, codes, comment)
        return await cases.reject_plan(self._ctx, command, request, _caller())

    async def GenerateAgreement(  # noqa: N802
        self, request: restructuring_pb2.GenerateAgreementRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.GenerateAgreementResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        plan_id = _uuid(v, request.plan_id, "plan_id")
        v.raise_if_any()
        assert request_id and plan_id  # noqa: S101
        return await cases.generate_agreement(self._ctx, request_id, plan_id, request)

    async def GetAgreementDocument(  # noqa: N802
        self, request: restructuring_pb2.GetAgreementDocumentRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.GetAgreementDocumentResponse:
        v = Violations()
        agreement_id = _uuid(v, request.agreement_id, "agreement_id")
        v.raise_if_any()
        assert agreement_id  # noqa: S101
        return await cases.agreement_document(self._ctx, agreement_id)

    async def RecordSignature(  # noqa: N802
        self, request: restructuring_pb2.RecordSignatureRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.RecordSignatureResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        plan_id = _uuid(v, request.plan_id, "plan_id")
        agreement_id = _uuid(v, request.agreement_id, "agreement_id")
        if not _SHA256.fullmatch(request.signed_document_sha256):
            v.add("signed_document_sha256", "must be 64 lowercase hex digits")
        if not request.signer_verification_reference:
            v.add("signer_verification_reference", "is required")
        _reference(v, request.signer_verification_reference, "signer_verification_reference")
        signed_at = proto_validation.timestamp(v, request, "signed_at")
        if signed_at is not None and signed_at > self._ctx.clock.now() + SIGNATURE_CLOCK_SKEW:
            v.add("signed_at", "must not be in the future")
        channel = None
        if v.enum_specified(request.channel, "channel",
                            allowed=protobuf.SIGNATURE_CHANNEL_FROM_PROTO):
            channel = protobuf.SIGNATURE_CHANNEL_FROM_PROTO[request.channel]
        v.raise_if_any()
        assert request_id and plan_id and agreement_id and signed_at and channel  # noqa: S101
        command = cases.SignatureCommand(
            request_id, plan_id, agreement_id, request.signed_document_sha256,
            request.signer_verification_reference, signed_at, channel,
        )
        return await cases.record_signature(self._ctx, command, request, _caller())

    async def GetActivationStatus(  # noqa: N802
        self, request: restructuring_pb2.GetActivationStatusRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.GetActivationStatusResponse:
        v = Violations()
        plan_id = _uuid(v, request.plan_id, "plan_id")
        v.raise_if_any()
        plan = await cases.get_plan(self._ctx, plan_id)  # type: ignore[arg-type]
        return restructuring_pb2.GetActivationStatusResponse(
            state=protobuf.PLAN_STATE_TO_PROTO[plan.state],
            steps=[protobuf.step_to_proto(s) for s in plan.steps],
            failure_reason=plan.failure_reason,
        )

    async def GetPlan(  # noqa: N802
        self, request: restructuring_pb2.GetPlanRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.GetPlanResponse:
        v = Violations()
        plan_id = _uuid(v, request.plan_id, "plan_id")
        v.raise_if_any()
        plan = await cases.get_plan(self._ctx, plan_id)  # type: ignore[arg-type]
        return restructuring_pb2.GetPlanResponse(plan=protobuf.plan_fields(plan))

    async def ListPlans(  # noqa: N802
        self, request: restructuring_pb2.ListPlansRequest, context: grpc.aio.ServicerContext
    ) -> restructuring_pb2.ListPlansResponse:
        v = Violations()
        loan_id = _optional_identifier(v, request.loan_id, "loan_id")
        borrower_id = _optional_identifier(v, request.borrower_id, "borrower_id")
        states = []
        for index, value in enumerate(request.states):
            state = protobuf.PLAN_STATE_FROM_PROTO.get(value)
            if state is None:
                v.add(f"states[{index}]", "must be a known, specified plan state")
            else:
                states.append(state)
        page_size = v.page_size(request.page_size, maximum=200)
        digest = _digest(request)
        after = decode_page_token(v, request.page_token, digest)
        after_key = None
        if after is not None:
            try:
                after_key = (dt.datetime.fromisoformat(after[0]), after[1])
            except ValueError:
                v.add("page_token", "is not a token this service issued")
        v.raise_if_any()
        page, more = await cases.list_plans(
            self._ctx, PlanFilter(loan_id, borrower_id, tuple(states)), after=after_key,
            page_size=page_size,
        )
        token = ""
        if more and page:
            last = page[-1]
            token = encode_page_token([last.requested_at.isoformat(), last.plan_id], digest)
        return restructuring_pb2.ListPlansResponse(
            plans=[protobuf.plan_fields(p) for p in page], next_page_token=token
        )


class ObservationServicer(restructuring_pb2_grpc.ObservationServiceServicer):
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def GetObservationPeriod(  # noqa: N802
        self, request: restructuring_pb2.GetObservationPeriodRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.GetObservationPeriodResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        v.raise_if_any()
        period = await observation_cases.get_period(self._ctx, loan_id)  # type: ignore[arg-type]
        return restructuring_pb2.GetObservationPeriodResponse(
            observation_period=protobuf.observation_to_proto(period)
        )

    async def ListObservationPeriods(  # noqa: N802
        self, request: restructuring_pb2.ListObservationPeriodsRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.ListObservationPeriodsResponse:
        v = Violations()
        states = []
        for index, value in enumerate(request.states):
            state = protobuf.OBSERVATION_STATE_FROM_PROTO.get(value)
            if state is None:
                v.add(f"states[{index}]", "must be a known, specified observation state")
            else:
                states.append(state)
        page_size = v.page_size(request.page_size, maximum=200)
        digest = _digest(request)
        after = decode_page_token(v, request.page_token, digest)
        after_key = None
        if after is not None:
            try:
                after_key = (dt.date.fromisoformat(after[0]), after[1])
            except ValueError:
                v.add("page_token", "is not a token this service issued")
        v.raise_if_any()
        page, more = await observation_cases.list_periods(
            self._ctx, states, after=after_key, page_size=page_size
        )
        token = ""
        if more and page:
            token = encode_page_token([page[-1].started_on.isoformat(), page[-1].plan_id], digest)
        return restructuring_pb2.ListObservationPeriodsResponse(
            observation_periods=[protobuf.observation_to_proto(p) for p in page],
            next_page_token=token,
        )

    async def LiftClassificationFloor(  # noqa: N802
        self, request: restructuring_pb2.LiftClassificationFloorRequest,
        context: grpc.aio.ServicerContext,
    ) -> restructuring_pb2.LiftClassificationFloorResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        _text(v, request.comment, "comment")
        v.raise_if_any()
        assert request_id and loan_id  # noqa: S101
        return await observation_cases.lift_floor(self._ctx, request_id, loan_id, request)
