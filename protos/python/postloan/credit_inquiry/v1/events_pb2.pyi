import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConsentGranted(_message.Message):
    __slots__ = ("consent_id", "borrower_id", "purposes", "sections", "channel", "valid_from", "valid_until", "granted_at")
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSES_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    GRANTED_AT_FIELD_NUMBER: _ClassVar[int]
    consent_id: str
    borrower_id: str
    purposes: _containers.RepeatedScalarFieldContainer[_resources_pb2.ConsentPurpose]
    sections: _containers.RepeatedScalarFieldContainer[_resources_pb2.ReportSection]
    channel: _resources_pb2.ConsentChannel
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    granted_at: _timestamp_pb2.Timestamp
    def __init__(self, consent_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., purposes: _Optional[_Iterable[_Union[_resources_pb2.ConsentPurpose, str]]] = ..., sections: _Optional[_Iterable[_Union[_resources_pb2.ReportSection, str]]] = ..., channel: _Optional[_Union[_resources_pb2.ConsentChannel, str]] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., granted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ConsentRevoked(_message.Message):
    __slots__ = ("consent_id", "borrower_id", "reason", "revoked_at")
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    consent_id: str
    borrower_id: str
    reason: _resources_pb2.RevocationReason
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, consent_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason: _Optional[_Union[_resources_pb2.RevocationReason, str]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InquiryCompleted(_message.Message):
    __slots__ = ("inquiry_id", "borrower_id", "loan_id", "purpose", "inquiry_type", "outcome", "score", "risk_features", "completed_at")
    INQUIRY_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RISK_FEATURES_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    inquiry_id: str
    borrower_id: str
    loan_id: str
    purpose: _resources_pb2.ConsentPurpose
    inquiry_type: _resources_pb2.InquiryType
    outcome: _resources_pb2.InquiryOutcome
    score: _resources_pb2.Score
    risk_features: _resources_pb2.RiskFeatures
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, inquiry_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., purpose: _Optional[_Union[_resources_pb2.ConsentPurpose, str]] = ..., inquiry_type: _Optional[_Union[_resources_pb2.InquiryType, str]] = ..., outcome: _Optional[_Union[_resources_pb2.InquiryOutcome, str]] = ..., score: _Optional[_Union[_resources_pb2.Score, _Mapping]] = ..., risk_features: _Optional[_Union[_resources_pb2.RiskFeatures, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
