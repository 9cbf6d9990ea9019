import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from postloan.restructuring.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CheckEligibilityRequest(_message.Message):
    __slots__ = ("loan_id", "terms", "hardship")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    HARDSHIP_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    terms: _resources_pb2.PlanTerms
    hardship: _resources_pb2.Hardship
    def __init__(self, loan_id: _Optional[str] = ..., terms: _Optional[_Union[_resources_pb2.PlanTerms, _Mapping]] = ..., hardship: _Optional[_Union[_resources_pb2.Hardship, _Mapping]] = ...) -> None: ...

class CheckEligibilityResponse(_message.Message):
    __slots__ = ("eligibility",)
    ELIGIBILITY_FIELD_NUMBER: _ClassVar[int]
    eligibility: _resources_pb2.EligibilityResult
    def __init__(self, eligibility: _Optional[_Union[_resources_pb2.EligibilityResult, _Mapping]] = ...) -> None: ...

class RequestRestructuringRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "hardship", "terms")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    HARDSHIP_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    hardship: _resources_pb2.Hardship
    terms: _resources_pb2.PlanTerms
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., hardship: _Optional[_Union[_resources_pb2.Hardship, _Mapping]] = ..., terms: _Optional[_Union[_resources_pb2.PlanTerms, _Mapping]] = ...) -> None: ...

class RequestRestructuringResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class QuotePlanRequest(_message.Message):
    __slots__ = ("request_id", "plan_id", "terms")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan_id: str
    terms: _resources_pb2.PlanTerms
    def __init__(self, request_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., terms: _Optional[_Union[_resources_pb2.PlanTerms, _Mapping]] = ...) -> None: ...

class QuotePlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class ApprovePlanRequest(_message.Message):
    __slots__ = ("request_id", "plan_id", "quote_id", "reason_codes", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODES_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan_id: str
    quote_id: str
    reason_codes: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., reason_codes: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ...) -> None: ...

class ApprovePlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class RejectPlanRequest(_message.Message):
    __slots__ = ("request_id", "plan_id", "reason_codes", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODES_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan_id: str
    reason_codes: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., reason_codes: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ...) -> None: ...

class RejectPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class GenerateAgreementRequest(_message.Message):
    __slots__ = ("request_id", "plan_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan_id: str
    def __init__(self, request_id: _Optional[str] = ..., plan_id: _Optional[str] = ...) -> None: ...

class GenerateAgreementResponse(_message.Message):
    __slots__ = ("agreement",)
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    agreement: _resources_pb2.Agreement
    def __init__(self, agreement: _Optional[_Union[_resources_pb2.Agreement, _Mapping]] = ...) -> None: ...

class GetAgreementDocumentRequest(_message.Message):
    __slots__ = ("agreement_id",)
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    def __init__(self, agreement_id: _Optional[str] = ...) -> None: ...

class GetAgreementDocumentResponse(_message.Message):
    __slots__ = ("agreement", "content")
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    agreement: _resources_pb2.Agreement
    content: bytes
    def __init__(self, agreement: _Optional[_Union[_resources_pb2.Agreement, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...

class RecordSignatureRequest(_message.Message):
    __slots__ = ("request_id", "plan_id", "agreement_id", "signed_document_sha256", "signer_verification_reference", "signed_at", "channel")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNED_DOCUMENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SIGNER_VERIFICATION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan_id: str
    agreement_id: str
    signed_document_sha256: str
    signer_verification_reference: str
    signed_at: _timestamp_pb2.Timestamp
    channel: _resources_pb2.SignatureChannel
    def __init__(self, request_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., agreement_id: _Optional[str] = ..., signed_document_sha256: _Optional[str] = ..., signer_verification_reference: _Optional[str] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[_resources_pb2.SignatureChannel, str]] = ...) -> None: ...

class RecordSignatureResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class GetActivationStatusRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    def __init__(self, plan_id: _Optional[str] = ...) -> None: ...

class GetActivationStatusResponse(_message.Message):
    __slots__ = ("state", "steps", "failure_reason")
    STATE_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    state: _resources_pb2.PlanState
    steps: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ActivationStep]
    failure_reason: str
    def __init__(self, state: _Optional[_Union[_resources_pb2.PlanState, str]] = ..., steps: _Optional[_Iterable[_Union[_resources_pb2.ActivationStep, _Mapping]]] = ..., failure_reason: _Optional[str] = ...) -> None: ...

class GetPlanRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    def __init__(self, plan_id: _Optional[str] = ...) -> None: ...

class GetPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _resources_pb2.Plan
    def __init__(self, plan: _Optional[_Union[_resources_pb2.Plan, _Mapping]] = ...) -> None: ...

class ListPlansRequest(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "states", "page_size", "page_token")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.PlanState]
    page_size: int
    page_token: str
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.PlanState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPlansResponse(_message.Message):
    __slots__ = ("plans", "next_page_token")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Plan]
    next_page_token: str
    def __init__(self, plans: _Optional[_Iterable[_Union[_resources_pb2.Plan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetObservationPeriodRequest(_message.Message):
    __slots__ = ("loan_id",)
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    def __init__(self, loan_id: _Optional[str] = ...) -> None: ...

class GetObservationPeriodResponse(_message.Message):
    __slots__ = ("observation_period",)
    OBSERVATION_PERIOD_FIELD_NUMBER: _ClassVar[int]
    observation_period: _resources_pb2.ObservationPeriod
    def __init__(self, observation_period: _Optional[_Union[_resources_pb2.ObservationPeriod, _Mapping]] = ...) -> None: ...

class ListObservationPeriodsRequest(_message.Message):
    __slots__ = ("states", "page_size", "page_token")
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.ObservationState]
    page_size: int
    page_token: str
    def __init__(self, states: _Optional[_Iterable[_Union[_resources_pb2.ObservationState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListObservationPeriodsResponse(_message.Message):
    __slots__ = ("observation_periods", "next_page_token")
    OBSERVATION_PERIODS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    observation_periods: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ObservationPeriod]
    next_page_token: str
    def __init__(self, observation_periods: _Optional[_Iterable[_Union[_resources_pb2.ObservationPeriod, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LiftClassificationFloorRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class LiftClassificationFloorResponse(_message.Message):
    __slots__ = ("observation_period",)
    OBSERVATION_PERIOD_FIELD_NUMBER: _ClassVar[int]
    observation_period: _resources_pb2.ObservationPeriod
    def __init__(self, observation_period: _Optional[_Union[_resources_pb2.ObservationPeriod, _Mapping]] = ...) -> None: ...
