"""``IdentityVerificationService``, ``InquiryService`` and ``InquiryRecordService``: thin
mappings between protobuf and the use cases. Every request is validated (INVALID_ARGUMENT
naming each bad field, never its value) before any database work or bureau call; the operator
is the verified caller."""

from __future__ import annotations

import uuid
from typing import Final

import grpc

from credit_inquiry.adapters.inquiry_protobuf import (
    explanation_to_proto,
    history_entry_to_proto,
    inquiry_to_proto,
    record_to_proto,
    scoring_model_to_proto,
    verification_to_proto,
)
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import (
    ClaimedIdentity,
    mobile_problem,
    name_problem,
    normalize_mobile,
    normalize_resident_id,
    resident_id_problem,
)
from credit_inquiry.domain.inquiry import INQUIRY_PURPOSES, InquiryOutcome, RecordKind
from credit_inquiry.domain.inquiry_commands import (
    ListInquiryRecords,
    PurgeExpiredReports,
    RequestInquiry,
    VerifyIdentity,
)
from credit_inquiry.entrypoints.consents import _borrower_id, _consent_id, _enum, _enum_set
from credit_inquiry.service_layer import inquiries as use_cases
from credit_inquiry.service_layer.inquiries import InquiryContext
from postloan.credit_inquiry.v1 import (
    credit_inquiry_pb2,
    credit_inquiry_pb2_grpc,
    resources_pb2,
)
from postloan_runtime import page_tokens, proto_validation
from postloan_runtime.auth import current_caller
from postloan_runtime.validation import Violations

VERIFY_IDENTITY: Final = "/postloan.credit_inquiry.v1.IdentityVerificationService/VerifyIdentity"
REQUEST_INQUIRY: Final = "/postloan.credit_inquiry.v1.InquiryService/RequestInquiry"
PURGE_REPORTS: Final = "/postloan.credit_inquiry.v1.InquiryService/PurgeExpiredReports"
MAX_LOAN_ID: Final = 128
MAX_ACCESS_REASON: Final = 200
MAX_MODEL_VERSION: Final = 64


def validate_verify(
    request: credit_inquiry_pb2.VerifyIdentityRequest, ctx: InquiryContext
) -> VerifyIdentity:
    v = Violations()
    request_id = v.request_id(request.request_id)
    borrower_id = _borrower_id(v, request.borrower_id)
    consent_id = _consent_id(v, request.consent_id)
    today = ctx.clock.today()
    for field, problem in (
        ("name", name_problem(request.name)),
        ("resident_id_number", resident_id_problem(request.resident_id_number, today=today)),
        ("mobile_number", mobile_problem(request.mobile_number)),
    ):
        if problem is not None:
            v.add(field, problem)
    v.raise_if_any()
    assert request_id and borrower_id and consent_id  # noqa: S101
    return VerifyIdentity(
        request_id=request_id,
        borrower_id=borrower_id,
        consent_id=consent_id,
        identity=ClaimedIdentity(
            name=request.name.strip(),
            resident_id_number=normalize_resident_id(request.resident_id_number),
            mobile_number=normalize_mobile(request.mobile_number),
        ),
    )


def validate_inquiry(request: credit_inquiry_pb2.RequestInquiryRequest) -> RequestInquiry:
    v = Violations()
    request_id = v.request_id(request.request_id)
    borrower_id = _borrower_id(v, request.borrower_id)
    purpose = _enum(v, request.purpose, "purpose", ConsentPurpose)
    if purpose is not None and purpose not in INQUIRY_PURPOSES:
        v.add("purpose", "is not a purpose of a report inquiry (use VerifyIdentity)")
        purpose = None
    consent_id = _consent_id(v, request.consent_id)
    sections = _enum_set(v, list(request.sections), "sections", ReportSection, required=False)
    loan_id = request.loan_id
    if purpose is ConsentPurpose.POST_LOAN_MANAGEMENT:
        v.non_empty(loan_id, "loan_id", max_length=MAX_LOAN_ID)
    elif loan_id:
        v.add("loan_id", "must be empty unless purpose is POST_LOAN_MANAGEMENT")
    v.raise_if_any()
    assert request_id and borrower_id and purpose and consent_id  # noqa: S101
    return RequestInquiry(
        request_id=request_id,
        borrower_id=borrower_id,
        purpose=purpose,
        consent_id=consent_id,
        sections=sections,
        loan_id=loan_id or None,
    )


def _uuid(text: str, field: str) -> uuid.UUID:
    v = Violations()
    value = v.uuid(text, field)
    v.raise_if_any()
    assert value is not None  # noqa: S101
    return value


class IdentityVerificationServicer(credit_inquiry_pb2_grpc.IdentityVerificationServiceServicer):
    def __init__(self, ctx: InquiryContext) -> None:
        self._ctx = ctx

    async def VerifyIdentity(  # noqa: N802 - generated name
        self, request: credit_inquiry_pb2.VerifyIdentityRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.VerifyIdentityResponse:
        command = validate_verify(request, self._ctx)
        return await use_cases.verify_identity(
            self._ctx, command, request=request, method=VERIFY_IDENTITY,
            operator=current_caller().subject,
        )

    async def GetIdentityVerification(  # noqa: N802
        self, request: credit_inquiry_pb2.GetIdentityVerificationRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.GetIdentityVerificationResponse:
        verification_id = _uuid(request.verification_id, "verification_id")
        verification = await use_cases.get_verification(self._ctx, verification_id)
        return credit_inquiry_pb2.GetIdentityVerificationResponse(
            verification=verification_to_proto(verification)
        )


class InquiryServicer(credit_inquiry_pb2_grpc.InquiryServiceServicer):
    def __init__(self, ctx: InquiryContext) -> None:
        self._ctx = ctx

    async def RequestInquiry(  # noqa: N802
        self, request: credit_inquiry_pb2.RequestInquiryRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.RequestInquiryResponse:
        command = validate_inquiry(request)
        return await use_cases.request_inquiry(
            self._ctx, command, request=request, method=REQUEST_INQUIRY,
            operator=current_caller().subject,
        )

    async def GetInquiry(  # noqa: N802
        self, request: credit_inquiry_pb2.GetInquiryRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.GetInquiryResponse:
        row = await use_cases.get_inquiry_row(self._ctx, _uuid(request.inquiry_id, "inquiry_id"))
        return credit_inquiry_pb2.GetInquiryResponse(inquiry=inquiry_to_proto(row))

    async def GetReport(  # noqa: N802
        self, request: credit_inquiry_pb2.GetReportRequest, context: grpc.aio.ServicerContext
    ) -> credit_inquiry_pb2.GetReportResponse:
        v = Violations()
        report_id = v.uuid(request.report_id, "report_id")
        access_reason = v.free_text(
            request.access_reason, "access_reason", max_length=MAX_ACCESS_REASON, required=True
        )
        v.raise_if_any()
        assert report_id is not None and access_reason is not None  # noqa: S101
        report = await use_cases.get_report(
            self._ctx, report_id, access_reason=access_reason.strip(),
            operator=current_caller().subject,
        )
        return credit_inquiry_pb2.GetReportResponse(report=report)

    async def GetScoreExplanation(  # noqa: N802
        self, request: credit_inquiry_pb2.GetScoreExplanationRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.GetScoreExplanationResponse:
        row = await use_cases.get_score_explanation_row(
            self._ctx, _uuid(request.inquiry_id, "inquiry_id")
        )
        return credit_inquiry_pb2.GetScoreExplanationResponse(
            explanation=explanation_to_proto(row)
        )

    async def GetScoringModel(  # noqa: N802
        self, request: credit_inquiry_pb2.GetScoringModelRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.GetScoringModelResponse:
        v = Violations()
        v.optional_text(request.model_version, "model_version", max_length=MAX_MODEL_VERSION)
        v.raise_if_any()
        model = use_cases.scoring_model(self._ctx, request.model_version)
        return credit_inquiry_pb2.GetScoringModelResponse(model=scoring_model_to_proto(model))

    async def PurgeExpiredReports(  # noqa: N802
        self, request: credit_inquiry_pb2.PurgeExpiredReportsRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.PurgeExpiredReportsResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        as_of = proto_validation.timestamp(v, request, "as_of", required=False)
        if as_of is not None and as_of > self._ctx.clock.now():
            v.add("as_of", "must not be in the future")
        if request.max_reports < 0:
            v.add("max_reports", "must not be negative")
        v.raise_if_any()
        assert request_id  # noqa: S101
        command = PurgeExpiredReports(request_id, as_of, request.max_reports)
        return await use_cases.purge_expired_reports(
            self._ctx, command, request=request, method=PURGE_REPORTS,
            operator=current_caller().subject,
        )


def _names(v: Violations, numbers: list[int], field: str, wrapper: object, prefix: str,
           allowed: frozenset[str]) -> tuple[str, ...]:
    names: list[str] = []
    for index, number in enumerate(numbers):
        try:
            name = wrapper.Name(number).removeprefix(prefix)  # type: ignore[attr-defined]
        except ValueError:
            name = ""
        if name not in allowed:
            v.add(f"{field}[{index}]", "is not a known value")
        elif name not in names:
            names.append(name)
    return tuple(names)


def records_fingerprint(request: credit_inquiry_pb2.ListInquiryRecordsRequest) -> str:
    copy = credit_inquiry_pb2.ListInquiryRecordsRequest()
    copy.CopyFrom(request)
    copy.ClearField("page_size")
    copy.ClearField("page_token")
    return page_tokens.filter_fingerprint(copy.SerializeToString(deterministic=True).hex())


def validate_list_records(
    request: credit_inquiry_pb2.ListInquiryRecordsRequest,
) -> ListInquiryRecords:
    v = Violations()
    borrower_id = v.optional_text(request.borrower_id, "borrower_id", max_length=128)
    actor = v.optional_text(request.actor, "actor", max_length=200)
    purposes = _names(v, list(request.purposes), "purposes", resources_pb2.ConsentPurpose,
                      "CONSENT_PURPOSE_", frozenset(p.value for p in ConsentPurpose))
    kinds = _names(v, list(request.kinds), "kinds", resources_pb2.InquiryRecordKind,
                   "INQUIRY_RECORD_KIND_", frozenset(k.value for k in RecordKind))
    outcomes = _names(v, list(request.outcomes), "outcomes", resources_pb2.InquiryOutcome,
                      "INQUIRY_OUTCOME_", frozenset(o.value for o in InquiryOutcome))
    consent_id = v.uuid(request.consent_id, "consent_id", required=False)
    recorded_from = proto_validation.timestamp(v, request, "recorded_from", required=False)
    recorded_until = proto_validation.timestamp(v, request, "recorded_until", required=False)
    if recorded_from and recorded_until and recorded_until <= recorded_from:
        v.add("recorded_until", "must be after recorded_from")
    page_size = v.page_size(request.page_size)
    after = page_tokens.decode_sequence(v, request.page_token, records_fingerprint(request))
    v.raise_if_any()
    return ListInquiryRecords(
        borrower_id=borrower_id,
        actor=actor,
        purposes=purposes,
        kinds=kinds,
        outcomes=outcomes,
        consent_id=consent_id,
        recorded_from=recorded_from,
        recorded_until=recorded_until,
        page_size=page_size,
        after_sequence=after,
    )


class InquiryRecordServicer(credit_inquiry_pb2_grpc.InquiryRecordServiceServicer):
    def __init__(self, ctx: InquiryContext) -> None:
        self._ctx = ctx

    async def ListInquiryRecords(  # noqa: N802
        self, request: credit_inquiry_pb2.ListInquiryRecordsRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.ListInquiryRecordsResponse:
        query = validate_list_records(request)
        rows, more = await use_cases.list_records(self._ctx, query)
        response = credit_inquiry_pb2.ListInquiryRecordsResponse(
            records=[record_to_proto(r) for r in rows]
        )
        if more and rows:
            response.next_page_token = page_tokens.encode_sequence(
                rows[-1].sequence, records_fingerprint(request)
            )
        return response

    async def ListBorrowerInquiryHistory(  # noqa: N802
        self, request: credit_inquiry_pb2.ListBorrowerInquiryHistoryRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.ListBorrowerInquiryHistoryResponse:
        v = Violations()
        borrower_id = _borrower_id(v, request.borrower_id)
        page_size = v.page_size(request.page_size)
        fingerprint = page_tokens.filter_fingerprint("history", request.borrower_id)
        after = page_tokens.decode(v, request.page_token, fingerprint)
        v.raise_if_any()
        assert borrower_id  # noqa: S101
        rows, more = await use_cases.borrower_history(
            self._ctx, borrower_id, after=after, page_size=page_size
        )
        response = credit_inquiry_pb2.ListBorrowerInquiryHistoryResponse(
            entries=[history_entry_to_proto(r) for r in rows]
        )
        if more and rows:
            last = rows[-1]
            response.next_page_token = page_tokens.encode(
                (last.completed_at, last.inquiry_id), fingerprint
            )
        return response

    async def VerifyRecordChain(  # noqa: N802
        self, request: credit_inquiry_pb2.VerifyRecordChainRequest,
        context: grpc.aio.ServicerContext,
    ) -> credit_inquiry_pb2.VerifyRecordChainResponse:
        v = Violations()
        if request.from_sequence < 0:
            v.add("from_sequence", "must not be negative")
        if request.to_sequence < 0:
            v.add("to_sequence", "must not be negative")
        if request.to_sequence and request.from_sequence > request.to_sequence:
            v.add("to_sequence", "must not be before from_sequence")
        v.raise_if_any()
        check = await use_cases.verify_record_chain(
            self._ctx, request.from_sequence or 1, request.to_sequence
        )
        return credit_inquiry_pb2.VerifyRecordChainResponse(
            intact=check.intact,
            records_checked=check.records_checked,
            first_broken_sequence=check.first_broken_sequence,
            broken_reason=check.broken_reason,
        )
