import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConsentPurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_PURPOSE_UNSPECIFIED: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_PRE_LOAN_APPROVAL: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_POST_LOAN_MANAGEMENT: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_CREDIT_LIMIT_REVIEW: _ClassVar[ConsentPurpose]
    CONSENT_PURPOSE_IDENTITY_VERIFICATION: _ClassVar[ConsentPurpose]

class ReportSection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_SECTION_UNSPECIFIED: _ClassVar[ReportSection]
    REPORT_SECTION_BASIC_INFO: _ClassVar[ReportSection]
    REPORT_SECTION_SUMMARY: _ClassVar[ReportSection]
    REPORT_SECTION_CREDIT_TRANSACTIONS: _ClassVar[ReportSection]
    REPORT_SECTION_PUBLIC_RECORDS: _ClassVar[ReportSection]
    REPORT_SECTION_INQUIRY_RECORDS: _ClassVar[ReportSection]

class ConsentChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_CHANNEL_UNSPECIFIED: _ClassVar[ConsentChannel]
    CONSENT_CHANNEL_MOBILE_APP: _ClassVar[ConsentChannel]
    CONSENT_CHANNEL_WEB: _ClassVar[ConsentChannel]
    CONSENT_CHANNEL_PAPER: _ClassVar[ConsentChannel]
    CONSENT_CHANNEL_RECORDED_CALL: _ClassVar[ConsentChannel]

class ConsentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_STATE_UNSPECIFIED: _ClassVar[ConsentState]
    CONSENT_STATE_ACTIVE: _ClassVar[ConsentState]
    CONSENT_STATE_PENDING: _ClassVar[ConsentState]
    CONSENT_STATE_EXPIRED: _ClassVar[ConsentState]
    CONSENT_STATE_REVOKED: _ClassVar[ConsentState]

class RevocationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_REASON_UNSPECIFIED: _ClassVar[RevocationReason]
    REVOCATION_REASON_BORROWER_WITHDREW: _ClassVar[RevocationReason]
    REVOCATION_REASON_EVIDENCE_INVALID: _ClassVar[RevocationReason]
    REVOCATION_REASON_RELATIONSHIP_ENDED: _ClassVar[RevocationReason]
    REVOCATION_REASON_OTHER: _ClassVar[RevocationReason]

class IdentityMatchOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IDENTITY_MATCH_OUTCOME_UNSPECIFIED: _ClassVar[IdentityMatchOutcome]
    IDENTITY_MATCH_OUTCOME_MATCHED: _ClassVar[IdentityMatchOutcome]
    IDENTITY_MATCH_OUTCOME_NAME_MISMATCH: _ClassVar[IdentityMatchOutcome]
    IDENTITY_MATCH_OUTCOME_MOBILE_MISMATCH: _ClassVar[IdentityMatchOutcome]
    IDENTITY_MATCH_OUTCOME_NOT_FOUND: _ClassVar[IdentityMatchOutcome]

class InquiryType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INQUIRY_TYPE_UNSPECIFIED: _ClassVar[InquiryType]
    INQUIRY_TYPE_HARD: _ClassVar[InquiryType]
    INQUIRY_TYPE_SOFT: _ClassVar[InquiryType]

class InquiryOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INQUIRY_OUTCOME_UNSPECIFIED: _ClassVar[InquiryOutcome]
    INQUIRY_OUTCOME_REPORT_RETRIEVED: _ClassVar[InquiryOutcome]
    INQUIRY_OUTCOME_REPORT_REUSED: _ClassVar[InquiryOutcome]
    INQUIRY_OUTCOME_NO_RECORD: _ClassVar[InquiryOutcome]

class InquiryRecordKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INQUIRY_RECORD_KIND_UNSPECIFIED: _ClassVar[InquiryRecordKind]
    INQUIRY_RECORD_KIND_BUREAU_QUERY: _ClassVar[InquiryRecordKind]
    INQUIRY_RECORD_KIND_REUSE: _ClassVar[InquiryRecordKind]
    INQUIRY_RECORD_KIND_REPORT_READ: _ClassVar[InquiryRecordKind]
    INQUIRY_RECORD_KIND_REPORT_PURGED: _ClassVar[InquiryRecordKind]
    INQUIRY_RECORD_KIND_IDENTITY_MATCH: _ClassVar[InquiryRecordKind]
CONSENT_PURPOSE_UNSPECIFIED: ConsentPurpose
CONSENT_PURPOSE_PRE_LOAN_APPROVAL: ConsentPurpose
CONSENT_PURPOSE_POST_LOAN_MANAGEMENT: ConsentPurpose
CONSENT_PURPOSE_CREDIT_LIMIT_REVIEW: ConsentPurpose
CONSENT_PURPOSE_IDENTITY_VERIFICATION: ConsentPurpose
REPORT_SECTION_UNSPECIFIED: ReportSection
REPORT_SECTION_BASIC_INFO: ReportSection
REPORT_SECTION_SUMMARY: ReportSection
REPORT_SECTION_CREDIT_TRANSACTIONS: ReportSection
REPORT_SECTION_PUBLIC_RECORDS: ReportSection
REPORT_SECTION_INQUIRY_RECORDS: ReportSection
CONSENT_CHANNEL_UNSPECIFIED: ConsentChannel
CONSENT_CHANNEL_MOBILE_APP: ConsentChannel
CONSENT_CHANNEL_WEB: ConsentChannel
CONSENT_CHANNEL_PAPER: ConsentChannel
CONSENT_CHANNEL_RECORDED_CALL: ConsentChannel
CONSENT_STATE_UNSPECIFIED: ConsentState
CONSENT_STATE_ACTIVE: ConsentState
CONSENT_STATE_PENDING: ConsentState
CONSENT_STATE_EXPIRED: ConsentState
CONSENT_STATE_REVOKED: ConsentState
REVOCATION_REASON_UNSPECIFIED: RevocationReason
REVOCATION_REASON_BORROWER_WITHDREW: RevocationReason
REVOCATION_REASON_EVIDENCE_INVALID: RevocationReason
REVOCATION_REASON_RELATIONSHIP_ENDED: RevocationReason
REVOCATION_REASON_OTHER: RevocationReason
IDENTITY_MATCH_OUTCOME_UNSPECIFIED: IdentityMatchOutcome
IDENTITY_MATCH_OUTCOME_MATCHED: IdentityMatchOutcome
IDENTITY_MATCH_OUTCOME_NAME_MISMATCH: IdentityMatchOutcome
IDENTITY_MATCH_OUTCOME_MOBILE_MISMATCH: IdentityMatchOutcome
IDENTITY_MATCH_OUTCOME_NOT_FOUND: IdentityMatchOutcome
INQUIRY_TYPE_UNSPECIFIED: InquiryType
INQUIRY_TYPE_HARD: InquiryType
INQUIRY_TYPE_SOFT: InquiryType
INQUIRY_OUTCOME_UNSPECIFIED: InquiryOutcome
INQUIRY_OUTCOME_REPORT_RETRIEVED: InquiryOutcome
INQUIRY_OUTCOME_REPORT_REUSED: InquiryOutcome
INQUIRY_OUTCOME_NO_RECORD: InquiryOutcome
INQUIRY_RECORD_KIND_UNSPECIFIED: InquiryRecordKind
INQUIRY_RECORD_KIND_BUREAU_QUERY: InquiryRecordKind
INQUIRY_RECORD_KIND_REUSE: InquiryRecordKind
INQUIRY_RECORD_KIND_REPORT_READ: InquiryRecordKind
INQUIRY_RECORD_KIND_REPORT_PURGED: InquiryRecordKind
INQUIRY_RECORD_KIND_IDENTITY_MATCH: InquiryRecordKind

class ConsentEvidence(_message.Message):
    __slots__ = ("document_sha256", "signed_at", "signer_verification_reference")
    DOCUMENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGNER_VERIFICATION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    document_sha256: str
    signed_at: _timestamp_pb2.Timestamp
    signer_verification_reference: str
    def __init__(self, document_sha256: _Optional[str] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., signer_verification_reference: _Optional[str] = ...) -> None: ...

class Consent(_message.Message):
    __slots__ = ("consent_id", "borrower_id", "purposes", "sections", "channel", "evidence", "valid_from", "valid_until", "state", "granted_at", "revoked_at", "revocation_reason", "revocation_note", "granted_by")
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSES_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    GRANTED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_NOTE_FIELD_NUMBER: _ClassVar[int]
    GRANTED_BY_FIELD_NUMBER: _ClassVar[int]
    consent_id: str
    borrower_id: str
    purposes: _containers.RepeatedScalarFieldContainer[ConsentPurpose]
    sections: _containers.RepeatedScalarFieldContainer[ReportSection]
    channel: ConsentChannel
    evidence: ConsentEvidence
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    state: ConsentState
    granted_at: _timestamp_pb2.Timestamp
    revoked_at: _timestamp_pb2.Timestamp
    revocation_reason: RevocationReason
    revocation_note: str
    granted_by: str
    def __init__(self, consent_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., purposes: _Optional[_Iterable[_Union[ConsentPurpose, str]]] = ..., sections: _Optional[_Iterable[_Union[ReportSection, str]]] = ..., channel: _Optional[_Union[ConsentChannel, str]] = ..., evidence: _Optional[_Union[ConsentEvidence, _Mapping]] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[ConsentState, str]] = ..., granted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revocation_reason: _Optional[_Union[RevocationReason, str]] = ..., revocation_note: _Optional[str] = ..., granted_by: _Optional[str] = ...) -> None: ...

class IdentityVerification(_message.Message):
    __slots__ = ("verification_id", "borrower_id", "outcome", "masked_name", "masked_resident_id_number", "masked_mobile", "bureau_reference", "consent_id", "verified_at", "requested_by")
    VERIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    MASKED_NAME_FIELD_NUMBER: _ClassVar[int]
    MASKED_RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MASKED_MOBILE_FIELD_NUMBER: _ClassVar[int]
    BUREAU_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    verification_id: str
    borrower_id: str
    outcome: IdentityMatchOutcome
    masked_name: str
    masked_resident_id_number: str
    masked_mobile: str
    bureau_reference: str
    consent_id: str
    verified_at: _timestamp_pb2.Timestamp
    requested_by: str
    def __init__(self, verification_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., outcome: _Optional[_Union[IdentityMatchOutcome, str]] = ..., masked_name: _Optional[str] = ..., masked_resident_id_number: _Optional[str] = ..., masked_mobile: _Optional[str] = ..., bureau_reference: _Optional[str] = ..., consent_id: _Optional[str] = ..., verified_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., requested_by: _Optional[str] = ...) -> None: ...

class RiskFeatures(_message.Message):
    __slots__ = ("inquiries_last_1_month", "inquiries_last_3_months", "inquiries_last_6_months", "accounts_currently_overdue", "worst_status_24_months", "overdue_months_24_months", "revolving_utilization", "oldest_account_age_months", "public_records", "total_outstanding", "unavailable_features")
    INQUIRIES_LAST_1_MONTH_FIELD_NUMBER: _ClassVar[int]
    INQUIRIES_LAST_3_MONTHS_FIELD_NUMBER: _ClassVar[int]
    INQUIRIES_LAST_6_MONTHS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_CURRENTLY_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    WORST_STATUS_24_MONTHS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_MONTHS_24_MONTHS_FIELD_NUMBER: _ClassVar[int]
    REVOLVING_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    OLDEST_ACCOUNT_AGE_MONTHS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_RECORDS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_FEATURES_FIELD_NUMBER: _ClassVar[int]
    inquiries_last_1_month: int
    inquiries_last_3_months: int
    inquiries_last_6_months: int
    accounts_currently_overdue: int
    worst_status_24_months: int
    overdue_months_24_months: int
    revolving_utilization: _money_pb2.DecimalValue
    oldest_account_age_months: int
    public_records: int
    total_outstanding: _money_pb2.Money
    unavailable_features: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, inquiries_last_1_month: _Optional[int] = ..., inquiries_last_3_months: _Optional[int] = ..., inquiries_last_6_months: _Optional[int] = ..., accounts_currently_overdue: _Optional[int] = ..., worst_status_24_months: _Optional[int] = ..., overdue_months_24_months: _Optional[int] = ..., revolving_utilization: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., oldest_account_age_months: _Optional[int] = ..., public_records: _Optional[int] = ..., total_outstanding: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., unavailable_features: _Optional[_Iterable[str]] = ...) -> None: ...

class Score(_message.Message):
    __slots__ = ("score", "model_version", "reason_codes")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_CODES_FIELD_NUMBER: _ClassVar[int]
    score: int
    model_version: str
    reason_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, score: _Optional[int] = ..., model_version: _Optional[str] = ..., reason_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class Inquiry(_message.Message):
    __slots__ = ("inquiry_id", "borrower_id", "loan_id", "purpose", "inquiry_type", "consent_id", "sections", "outcome", "report_id", "reused_inquiry_id", "score", "risk_features", "requested_by", "completed_at")
    INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    REUSED_INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RISK_FEATURES_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    inquiry_id: str
    borrower_id: str
    loan_id: str
    purpose: ConsentPurpose
    inquiry_type: InquiryType
    consent_id: str
    sections: _containers.RepeatedScalarFieldContainer[ReportSection]
    outcome: InquiryOutcome
    report_id: str
    reused_inquiry_id: str
    score: Score
    risk_features: RiskFeatures
    requested_by: str
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, inquiry_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., purpose: _Optional[_Union[ConsentPurpose, str]] = ..., inquiry_type: _Optional[_Union[InquiryType, str]] = ..., consent_id: _Optional[str] = ..., sections: _Optional[_Iterable[_Union[ReportSection, str]]] = ..., outcome: _Optional[_Union[InquiryOutcome, str]] = ..., report_id: _Optional[str] = ..., reused_inquiry_id: _Optional[str] = ..., score: _Optional[_Union[Score, _Mapping]] = ..., risk_features: _Optional[_Union[RiskFeatures, _Mapping]] = ..., requested_by: _Optional[str] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ScoreContribution(_message.Message):
    __slots__ = ("feature", "value", "bin_label", "points", "best_points", "reason_code", "explanation")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    BIN_LABEL_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    BEST_POINTS_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    feature: str
    value: _money_pb2.DecimalValue
    bin_label: str
    points: int
    best_points: int
    reason_code: str
    explanation: str
    def __init__(self, feature: _Optional[str] = ..., value: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., bin_label: _Optional[str] = ..., points: _Optional[int] = ..., best_points: _Optional[int] = ..., reason_code: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class ScoreExplanation(_message.Message):
    __slots__ = ("score", "base_score", "base_odds", "points_to_double_odds", "implied_odds", "contributions")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BASE_SCORE_FIELD_NUMBER: _ClassVar[int]
    BASE_ODDS_FIELD_NUMBER: _ClassVar[int]
    POINTS_TO_DOUBLE_ODDS_FIELD_NUMBER: _ClassVar[int]
    IMPLIED_ODDS_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    score: Score
    base_score: int
    base_odds: _money_pb2.DecimalValue
    points_to_double_odds: _money_pb2.DecimalValue
    implied_odds: _money_pb2.DecimalValue
    contributions: _containers.RepeatedCompositeFieldContainer[ScoreContribution]
    def __init__(self, score: _Optional[_Union[Score, _Mapping]] = ..., base_score: _Optional[int] = ..., base_odds: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., points_to_double_odds: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., implied_odds: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., contributions: _Optional[_Iterable[_Union[ScoreContribution, _Mapping]]] = ...) -> None: ...

class ScorecardBin(_message.Message):
    __slots__ = ("label", "lower_bound", "upper_bound", "points")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    LOWER_BOUND_FIELD_NUMBER: _ClassVar[int]
    UPPER_BOUND_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    label: str
    lower_bound: _money_pb2.DecimalValue
    upper_bound: _money_pb2.DecimalValue
    points: int
    def __init__(self, label: _Optional[str] = ..., lower_bound: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., upper_bound: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., points: _Optional[int] = ...) -> None: ...

class ScorecardFeature(_message.Message):
    __slots__ = ("feature", "reason_code", "bins")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    BINS_FIELD_NUMBER: _ClassVar[int]
    feature: str
    reason_code: str
    bins: _containers.RepeatedCompositeFieldContainer[ScorecardBin]
    def __init__(self, feature: _Optional[str] = ..., reason_code: _Optional[str] = ..., bins: _Optional[_Iterable[_Union[ScorecardBin, _Mapping]]] = ...) -> None: ...

class ScoringModel(_message.Message):
    __slots__ = ("model_version", "base_score", "base_odds", "points_to_double_odds", "features")
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    BASE_SCORE_FIELD_NUMBER: _ClassVar[int]
    BASE_ODDS_FIELD_NUMBER: _ClassVar[int]
    POINTS_TO_DOUBLE_ODDS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    model_version: str
    base_score: int
    base_odds: _money_pb2.DecimalValue
    points_to_double_odds: _money_pb2.DecimalValue
    features: _containers.RepeatedCompositeFieldContainer[ScorecardFeature]
    def __init__(self, model_version: _Optional[str] = ..., base_score: _Optional[int] = ..., base_odds: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., points_to_double_odds: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., features: _Optional[_Iterable[_Union[ScorecardFeature, _Mapping]]] = ...) -> None: ...

class InquiryRecord(_message.Message):
    __slots__ = ("sequence", "kind", "borrower_id", "inquiry_id", "report_id", "purpose", "consent_id", "outcome", "actor", "recorded_at", "record_hash", "previous_hash")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORD_HASH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    kind: InquiryRecordKind
    borrower_id: str
    inquiry_id: str
    report_id: str
    purpose: ConsentPurpose
    consent_id: str
    outcome: InquiryOutcome
    actor: str
    recorded_at: _timestamp_pb2.Timestamp
    record_hash: str
    previous_hash: str
    def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[_Union[InquiryRecordKind, str]] = ..., borrower_id: _Optional[str] = ..., inquiry_id: _Optional[str] = ..., report_id: _Optional[str] = ..., purpose: _Optional[_Union[ConsentPurpose, str]] = ..., consent_id: _Optional[str] = ..., outcome: _Optional[_Union[InquiryOutcome, str]] = ..., actor: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., record_hash: _Optional[str] = ..., previous_hash: _Optional[str] = ...) -> None: ...
