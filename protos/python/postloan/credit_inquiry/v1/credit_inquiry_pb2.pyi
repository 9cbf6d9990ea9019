import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from postloan.credit_inquiry.v1 import report_pb2 as _report_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GrantConsentRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "purposes", "sections", "channel", "evidence", "valid_from", "valid_until")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSES_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    purposes: _containers.RepeatedScalarFieldContainer[_resources_pb2.ConsentPurpose]
    sections: _containers.RepeatedScalarFieldContainer[_resources_pb2.ReportSection]
    channel: _resources_pb2.ConsentChannel
    evidence: _resources_pb2.ConsentEvidence
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., purposes: _Optional[_Iterable[_Union[_resources_pb2.ConsentPurpose, str]]] = ..., sections: _Optional[_Iterable[_Union[_resources_pb2.ReportSection, str]]] = ..., channel: _Optional[_Union[_resources_pb2.ConsentChannel, str]] = ..., evidence: _Optional[_Union[_resources_pb2.ConsentEvidence, _Mapping]] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GrantConsentResponse(_message.Message):
    __slots__ = ("consent",)
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    consent: _resources_pb2.Consent
    def __init__(self, consent: _Optional[_Union[_resources_pb2.Consent, _Mapping]] = ...) -> None: ...

class RevokeConsentRequest(_message.Message):
    __slots__ = ("request_id", "consent_id", "reason", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    consent_id: str
    reason: _resources_pb2.RevocationReason
    note: str
    def __init__(self, request_id: _Optional[str] = ..., consent_id: _Optional[str] = ..., reason: _Optional[_Union[_resources_pb2.RevocationReason, str]] = ..., note: _Optional[str] = ...) -> None: ...

class RevokeConsentResponse(_message.Message):
    __slots__ = ("consent",)
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    consent: _resources_pb2.Consent
    def __init__(self, consent: _Optional[_Union[_resources_pb2.Consent, _Mapping]] = ...) -> None: ...

class GetConsentRequest(_message.Message):
    __slots__ = ("consent_id",)
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    consent_id: str
    def __init__(self, consent_id: _Optional[str] = ...) -> None: ...

class GetConsentResponse(_message.Message):
    __slots__ = ("consent",)
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    consent: _resources_pb2.Consent
    def __init__(self, consent: _Optional[_Union[_resources_pb2.Consent, _Mapping]] = ...) -> None: ...

class ListConsentsRequest(_message.Message):
    __slots__ = ("borrower_id", "states", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.ConsentState]
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.ConsentState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListConsentsResponse(_message.Message):
    __slots__ = ("consents", "next_page_token")
    CONSENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    consents: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Consent]
    next_page_token: str
    def __init__(self, consents: _Optional[_Iterable[_Union[_resources_pb2.Consent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyIdentityRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "name", "resident_id_number", "mobile_number", "consent_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    name: str
    resident_id_number: str
    mobile_number: str
    consent_id: str
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., name: _Optional[str] = ..., resident_id_number: _Optional[str] = ..., mobile_number: _Optional[str] = ..., consent_id: _Optional[str] = ...) -> None: ...

class VerifyIdentityResponse(_message.Message):
    __slots__ = ("verification",)
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    verification: _resources_pb2.IdentityVerification
    def __init__(self, verification: _Optional[_Union[_resources_pb2.IdentityVerification, _Mapping]] = ...) -> None: ...

class GetIdentityVerificationRequest(_message.Message):
    __slots__ = ("verification_id",)
    VERIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    verification_id: str
    def __init__(self, verification_id: _Optional[str] = ...) -> None: ...

class GetIdentityVerificationResponse(_message.Message):
    __slots__ = ("verification",)
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    verification: _resources_pb2.IdentityVerification
    def __init__(self, verification: _Optional[_Union[_resources_pb2.IdentityVerification, _Mapping]] = ...) -> None: ...

class RequestInquiryRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "purpose", "consent_id", "sections", "loan_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    purpose: _resources_pb2.ConsentPurpose
    consent_id: str
    sections: _containers.RepeatedScalarFieldContainer[_resources_pb2.ReportSection]
    loan_id: str
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., purpose: _Optional[_Union[_resources_pb2.ConsentPurpose, str]] = ..., consent_id: _Optional[str] = ..., sections: _Optional[_Iterable[_Union[_resources_pb2.ReportSection, str]]] = ..., loan_id: _Optional[str] = ...) -> None: ...

class RequestInquiryResponse(_message.Message):
    __slots__ = ("inquiry",)
    INQUIRY_FIELD_NUMBER: _ClassVar[int]
    inquiry: _resources_pb2.Inquiry
    def __init__(self, inquiry: _Optional[_Union[_resources_pb2.Inquiry, _Mapping]] = ...) -> None: ...

class GetInquiryRequest(_message.Message):
    __slots__ = ("inquiry_id",)
    INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    inquiry_id: str
    def __init__(self, inquiry_id: _Optional[str] = ...) -> None: ...

class GetInquiryResponse(_message.Message):
    __slots__ = ("inquiry",)
    INQUIRY_FIELD_NUMBER: _ClassVar[int]
    inquiry: _resources_pb2.Inquiry
    def __init__(self, inquiry: _Optional[_Union[_resources_pb2.Inquiry, _Mapping]] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("report_id", "access_reason")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_REASON_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    access_reason: str
    def __init__(self, report_id: _Optional[str] = ..., access_reason: _Optional[str] = ...) -> None: ...

class GetReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: _report_pb2.CreditReport
    def __init__(self, report: _Optional[_Union[_report_pb2.CreditReport, _Mapping]] = ...) -> None: ...

class GetScoreExplanationRequest(_message.Message):
    __slots__ = ("inquiry_id",)
    INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    inquiry_id: str
    def __init__(self, inquiry_id: _Optional[str] = ...) -> None: ...

class GetScoreExplanationResponse(_message.Message):
    __slots__ = ("explanation",)
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    explanation: _resources_pb2.ScoreExplanation
    def __init__(self, explanation: _Optional[_Union[_resources_pb2.ScoreExplanation, _Mapping]] = ...) -> None: ...

class GetScoringModelRequest(_message.Message):
    __slots__ = ("model_version",)
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    model_version: str
    def __init__(self, model_version: _Optional[str] = ...) -> None: ...

class GetScoringModelResponse(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: _resources_pb2.ScoringModel
    def __init__(self, model: _Optional[_Union[_resources_pb2.ScoringModel, _Mapping]] = ...) -> None: ...

class PurgeExpiredReportsRequest(_message.Message):
    __slots__ = ("request_id", "as_of", "max_reports")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    MAX_REPORTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    as_of: _timestamp_pb2.Timestamp
    max_reports: int
    def __init__(self, request_id: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_reports: _Optional[int] = ...) -> None: ...

class PurgeExpiredReportsResponse(_message.Message):
    __slots__ = ("purged_reports", "remaining_reports")
    PURGED_REPORTS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_REPORTS_FIELD_NUMBER: _ClassVar[int]
    purged_reports: int
    remaining_reports: int
    def __init__(self, purged_reports: _Optional[int] = ..., remaining_reports: _Optional[int] = ...) -> None: ...

class ListInquiryRecordsRequest(_message.Message):
    __slots__ = ("borrower_id", "actor", "purposes", "kinds", "outcomes", "consent_id", "recorded_from", "recorded_until", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PURPOSES_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_FROM_FIELD_NUMBER: _ClassVar[int]
    RECORDED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    actor: str
    purposes: _containers.RepeatedScalarFieldContainer[_resources_pb2.ConsentPurpose]
    kinds: _containers.RepeatedScalarFieldContainer[_resources_pb2.InquiryRecordKind]
    outcomes: _containers.RepeatedScalarFieldContainer[_resources_pb2.InquiryOutcome]
    consent_id: str
    recorded_from: _timestamp_pb2.Timestamp
    recorded_until: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., actor: _Optional[str] = ..., purposes: _Optional[_Iterable[_Union[_resources_pb2.ConsentPurpose, str]]] = ..., kinds: _Optional[_Iterable[_Union[_resources_pb2.InquiryRecordKind, str]]] = ..., outcomes: _Optional[_Iterable[_Union[_resources_pb2.InquiryOutcome, str]]] = ..., consent_id: _Optional[str] = ..., recorded_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInquiryRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[_resources_pb2.InquiryRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[_resources_pb2.InquiryRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class BorrowerInquiryHistoryEntry(_message.Message):
    __slots__ = ("inquired_at", "purpose", "inquiry_type", "outcome", "requested_by", "consent_id")
    INQUIRED_AT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    inquired_at: _timestamp_pb2.Timestamp
    purpose: _resources_pb2.ConsentPurpose
    inquiry_type: _resources_pb2.InquiryType
    outcome: _resources_pb2.InquiryOutcome
    requested_by: str
    consent_id: str
    def __init__(self, inquired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., purpose: _Optional[_Union[_resources_pb2.ConsentPurpose, str]] = ..., inquiry_type: _Optional[_Union[_resources_pb2.InquiryType, str]] = ..., outcome: _Optional[_Union[_resources_pb2.InquiryOutcome, str]] = ..., requested_by: _Optional[str] = ..., consent_id: _Optional[str] = ...) -> None: ...

class ListBorrowerInquiryHistoryRequest(_message.Message):
    __slots__ = ("borrower_id", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBorrowerInquiryHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[BorrowerInquiryHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[BorrowerInquiryHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyRecordChainRequest(_message.Message):
    __slots__ = ("from_sequence", "to_sequence")
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    from_sequence: int
    to_sequence: int
    def __init__(self, from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ...) -> None: ...

class VerifyRecordChainResponse(_message.Message):
    __slots__ = ("intact", "records_checked", "first_broken_sequence", "broken_reason")
    INTACT_FIELD_NUMBER: _ClassVar[int]
    RECORDS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    FIRST_BROKEN_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    BROKEN_REASON_FIELD_NUMBER: _ClassVar[int]
    intact: bool
    records_checked: int
    first_broken_sequence: int
    broken_reason: str
    def __init__(self, intact: _Optional[bool] = ..., records_checked: _Optional[int] = ..., first_broken_sequence: _Optional[int] = ..., broken_reason: _Optional[str] = ...) -> None: ...
