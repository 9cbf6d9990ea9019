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

class CaseTier(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_TIER_UNSPECIFIED: _ClassVar[CaseTier]
    CASE_TIER_EARLY: _ClassVar[CaseTier]
    CASE_TIER_MIDDLE: _ClassVar[CaseTier]
    CASE_TIER_LATE: _ClassVar[CaseTier]
    CASE_TIER_WRITE_OFF: _ClassVar[CaseTier]

class Treatment(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TREATMENT_UNSPECIFIED: _ClassVar[Treatment]
    TREATMENT_SMS: _ClassVar[Treatment]
    TREATMENT_APP_PUSH: _ClassVar[Treatment]
    TREATMENT_IVR: _ClassVar[Treatment]
    TREATMENT_AGENT_CALL: _ClassVar[Treatment]
    TREATMENT_EMAIL: _ClassVar[Treatment]
    TREATMENT_LAWYER_LETTER: _ClassVar[Treatment]
    TREATMENT_FIELD_VISIT: _ClassVar[Treatment]
    TREATMENT_LITIGATION: _ClassVar[Treatment]
    TREATMENT_PROPERTY_PRESERVATION: _ClassVar[Treatment]
    TREATMENT_ENFORCEMENT: _ClassVar[Treatment]
    TREATMENT_NEGATIVE_CREDIT_REPORTING: _ClassVar[Treatment]
    TREATMENT_AGENCY_PLACEMENT: _ClassVar[Treatment]
    TREATMENT_WRITE_OFF: _ClassVar[Treatment]

class CaseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATE_UNSPECIFIED: _ClassVar[CaseState]
    CASE_STATE_OPEN: _ClassVar[CaseState]
    CASE_STATE_PAUSED: _ClassVar[CaseState]
    CASE_STATE_CLOSED: _ClassVar[CaseState]

class CaseCloseReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_CLOSE_REASON_UNSPECIFIED: _ClassVar[CaseCloseReason]
    CASE_CLOSE_REASON_CURED: _ClassVar[CaseCloseReason]
    CASE_CLOSE_REASON_PAID_OFF: _ClassVar[CaseCloseReason]
    CASE_CLOSE_REASON_PLAN_COMPLETED: _ClassVar[CaseCloseReason]
    CASE_CLOSE_REASON_WRITTEN_OFF: _ClassVar[CaseCloseReason]

class StrategyArm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STRATEGY_ARM_UNSPECIFIED: _ClassVar[StrategyArm]
    STRATEGY_ARM_CHAMPION: _ClassVar[StrategyArm]
    STRATEGY_ARM_CHALLENGER: _ClassVar[StrategyArm]

class CaseEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_EVENT_KIND_UNSPECIFIED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_OPENED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_TIER_CHANGED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_ASSIGNED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_REASSIGNED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_PLACED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_RECALLED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_PAUSED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_RESUMED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_REOPENED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_ESCALATED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_LOAN_ADDED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_LOAN_REMOVED: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_PROMISE: _ClassVar[CaseEventKind]
    CASE_EVENT_KIND_CLOSED: _ClassVar[CaseEventKind]

class ContactChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_CHANNEL_UNSPECIFIED: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_SMS: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_APP_PUSH: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_IVR: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_AGENT_CALL: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_EMAIL: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_LETTER: _ClassVar[ContactChannel]
    CONTACT_CHANNEL_FIELD_VISIT: _ClassVar[ContactChannel]

class ContactParty(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_PARTY_UNSPECIFIED: _ClassVar[ContactParty]
    CONTACT_PARTY_DEBTOR: _ClassVar[ContactParty]
    CONTACT_PARTY_THIRD_PARTY: _ClassVar[ContactParty]

class ContactPointKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_POINT_KIND_UNSPECIFIED: _ClassVar[ContactPointKind]
    CONTACT_POINT_KIND_PHONE: _ClassVar[ContactPointKind]
    CONTACT_POINT_KIND_EMAIL: _ClassVar[ContactPointKind]
    CONTACT_POINT_KIND_POSTAL_ADDRESS: _ClassVar[ContactPointKind]

class ThirdPartyRelationship(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    THIRD_PARTY_RELATIONSHIP_UNSPECIFIED: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_SPOUSE: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_PARENT: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_CHILD: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_SIBLING: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_RELATIVE: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_FRIEND: _ClassVar[ThirdPartyRelationship]
    THIRD_PARTY_RELATIONSHIP_COLLEAGUE: _ClassVar[ThirdPartyRelationship]

class DoNotContactReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DO_NOT_CONTACT_REASON_UNSPECIFIED: _ClassVar[DoNotContactReason]
    DO_NOT_CONTACT_REASON_COMPLAINT: _ClassVar[DoNotContactReason]
    DO_NOT_CONTACT_REASON_REPRESENTED_BY_LAWYER: _ClassVar[DoNotContactReason]
    DO_NOT_CONTACT_REASON_DECEASED: _ClassVar[DoNotContactReason]
    DO_NOT_CONTACT_REASON_DISPUTE_PENDING: _ClassVar[DoNotContactReason]
    DO_NOT_CONTACT_REASON_CHANNEL_STOP: _ClassVar[DoNotContactReason]

class ContactRefusalReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_REFUSAL_REASON_UNSPECIFIED: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_QUIET_HOURS: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_DAILY_UNANSWERED_CAP: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_WEEKLY_CALL_CAP: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_CONVERSATION_COOL_OFF: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_DO_NOT_CONTACT: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_CHANNEL_STOPPED: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_OUTSIDE_PREFERRED_WINDOW: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_THIRD_PARTY_NOT_LISTED: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_THIRD_PARTY_CAP: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_CASE_PAUSED: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_CASE_CLOSED: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_CONTACT_POINT_UNUSABLE: _ClassVar[ContactRefusalReason]
    CONTACT_REFUSAL_REASON_NOT_ASSIGNED: _ClassVar[ContactRefusalReason]

class ContactDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_DECISION_UNSPECIFIED: _ClassVar[ContactDecision]
    CONTACT_DECISION_ALLOWED: _ClassVar[ContactDecision]
    CONTACT_DECISION_REFUSED: _ClassVar[ContactDecision]

class ContactOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_OUTCOME_UNSPECIFIED: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_RIGHT_PARTY_CONTACT: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_NO_ANSWER: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_WRONG_NUMBER: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_REFUSED_TO_PAY: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_PROMISE_TO_PAY: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_THIRD_PARTY_CONTACT: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_LEFT_MESSAGE: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_DELIVERED: _ClassVar[ContactOutcome]
    CONTACT_OUTCOME_NOT_DELIVERED: _ClassVar[ContactOutcome]

class PromiseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROMISE_STATE_UNSPECIFIED: _ClassVar[PromiseState]
    PROMISE_STATE_OPEN: _ClassVar[PromiseState]
    PROMISE_STATE_KEPT: _ClassVar[PromiseState]
    PROMISE_STATE_BROKEN: _ClassVar[PromiseState]
    PROMISE_STATE_CANCELLED: _ClassVar[PromiseState]
CASE_TIER_UNSPECIFIED: CaseTier
CASE_TIER_EARLY: CaseTier
CASE_TIER_MIDDLE: CaseTier
CASE_TIER_LATE: CaseTier
CASE_TIER_WRITE_OFF: CaseTier
TREATMENT_UNSPECIFIED: Treatment
TREATMENT_SMS: Treatment
TREATMENT_APP_PUSH: Treatment
TREATMENT_IVR: Treatment
TREATMENT_AGENT_CALL: Treatment
TREATMENT_EMAIL: Treatment
TREATMENT_LAWYER_LETTER: Treatment
TREATMENT_FIELD_VISIT: Treatment
TREATMENT_LITIGATION: Treatment
TREATMENT_PROPERTY_PRESERVATION: Treatment
TREATMENT_ENFORCEMENT: Treatment
TREATMENT_NEGATIVE_CREDIT_REPORTING: Treatment
TREATMENT_AGENCY_PLACEMENT: Treatment
TREATMENT_WRITE_OFF: Treatment
CASE_STATE_UNSPECIFIED: CaseState
CASE_STATE_OPEN: CaseState
CASE_STATE_PAUSED: CaseState
CASE_STATE_CLOSED: CaseState
CASE_CLOSE_REASON_UNSPECIFIED: CaseCloseReason
CASE_CLOSE_REASON_CURED: CaseCloseReason
CASE_CLOSE_REASON_PAID_OFF: CaseCloseReason
CASE_CLOSE_REASON_PLAN_COMPLETED: CaseCloseReason
CASE_CLOSE_REASON_WRITTEN_OFF: CaseCloseReason
STRATEGY_ARM_UNSPECIFIED: StrategyArm
STRATEGY_ARM_CHAMPION: StrategyArm
STRATEGY_ARM_CHALLENGER: StrategyArm
CASE_EVENT_KIND_UNSPECIFIED: CaseEventKind
CASE_EVENT_KIND_OPENED: CaseEventKind
CASE_EVENT_KIND_TIER_CHANGED: CaseEventKind
CASE_EVENT_KIND_ASSIGNED: CaseEventKind
CASE_EVENT_KIND_REASSIGNED: CaseEventKind
CASE_EVENT_KIND_PLACED: CaseEventKind
CASE_EVENT_KIND_RECALLED: CaseEventKind
CASE_EVENT_KIND_PAUSED: CaseEventKind
CASE_EVENT_KIND_RESUMED: CaseEventKind
CASE_EVENT_KIND_REOPENED: CaseEventKind
CASE_EVENT_KIND_ESCALATED: CaseEventKind
CASE_EVENT_KIND_LOAN_ADDED: CaseEventKind
CASE_EVENT_KIND_LOAN_REMOVED: CaseEventKind
CASE_EVENT_KIND_PROMISE: CaseEventKind
CASE_EVENT_KIND_CLOSED: CaseEventKind
CONTACT_CHANNEL_UNSPECIFIED: ContactChannel
CONTACT_CHANNEL_SMS: ContactChannel
CONTACT_CHANNEL_APP_PUSH: ContactChannel
CONTACT_CHANNEL_IVR: ContactChannel
CONTACT_CHANNEL_AGENT_CALL: ContactChannel
CONTACT_CHANNEL_EMAIL: ContactChannel
CONTACT_CHANNEL_LETTER: ContactChannel
CONTACT_CHANNEL_FIELD_VISIT: ContactChannel
CONTACT_PARTY_UNSPECIFIED: ContactParty
CONTACT_PARTY_DEBTOR: ContactParty
CONTACT_PARTY_THIRD_PARTY: ContactParty
CONTACT_POINT_KIND_UNSPECIFIED: ContactPointKind
CONTACT_POINT_KIND_PHONE: ContactPointKind
CONTACT_POINT_KIND_EMAIL: ContactPointKind
CONTACT_POINT_KIND_POSTAL_ADDRESS: ContactPointKind
THIRD_PARTY_RELATIONSHIP_UNSPECIFIED: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_SPOUSE: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_PARENT: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_CHILD: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_SIBLING: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_RELATIVE: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_FRIEND: ThirdPartyRelationship
THIRD_PARTY_RELATIONSHIP_COLLEAGUE: ThirdPartyRelationship
DO_NOT_CONTACT_REASON_UNSPECIFIED: DoNotContactReason
DO_NOT_CONTACT_REASON_COMPLAINT: DoNotContactReason
DO_NOT_CONTACT_REASON_REPRESENTED_BY_LAWYER: DoNotContactReason
DO_NOT_CONTACT_REASON_DECEASED: DoNotContactReason
DO_NOT_CONTACT_REASON_DISPUTE_PENDING: DoNotContactReason
DO_NOT_CONTACT_REASON_CHANNEL_STOP: DoNotContactReason
CONTACT_REFUSAL_REASON_UNSPECIFIED: ContactRefusalReason
CONTACT_REFUSAL_REASON_QUIET_HOURS: ContactRefusalReason
CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP: ContactRefusalReason
CONTACT_REFUSAL_REASON_DAILY_UNANSWERED_CAP: ContactRefusalReason
CONTACT_REFUSAL_REASON_WEEKLY_CALL_CAP: ContactRefusalReason
CONTACT_REFUSAL_REASON_CONVERSATION_COOL_OFF: ContactRefusalReason
CONTACT_REFUSAL_REASON_DO_NOT_CONTACT: ContactRefusalReason
CONTACT_REFUSAL_REASON_CHANNEL_STOPPED: ContactRefusalReason
CONTACT_REFUSAL_REASON_OUTSIDE_PREFERRED_WINDOW: ContactRefusalReason
CONTACT_REFUSAL_REASON_THIRD_PARTY_NOT_LISTED: ContactRefusalReason
CONTACT_REFUSAL_REASON_THIRD_PARTY_CAP: ContactRefusalReason
CONTACT_REFUSAL_REASON_CASE_PAUSED: ContactRefusalReason
CONTACT_REFUSAL_REASON_CASE_CLOSED: ContactRefusalReason
CONTACT_REFUSAL_REASON_CONTACT_POINT_UNUSABLE: ContactRefusalReason
CONTACT_REFUSAL_REASON_NOT_ASSIGNED: ContactRefusalReason
CONTACT_DECISION_UNSPECIFIED: ContactDecision
CONTACT_DECISION_ALLOWED: ContactDecision
CONTACT_DECISION_REFUSED: ContactDecision
CONTACT_OUTCOME_UNSPECIFIED: ContactOutcome
CONTACT_OUTCOME_RIGHT_PARTY_CONTACT: ContactOutcome
CONTACT_OUTCOME_NO_ANSWER: ContactOutcome
CONTACT_OUTCOME_WRONG_NUMBER: ContactOutcome
CONTACT_OUTCOME_REFUSED_TO_PAY: ContactOutcome
CONTACT_OUTCOME_PROMISE_TO_PAY: ContactOutcome
CONTACT_OUTCOME_THIRD_PARTY_CONTACT: ContactOutcome
CONTACT_OUTCOME_LEFT_MESSAGE: ContactOutcome
CONTACT_OUTCOME_DELIVERED: ContactOutcome
CONTACT_OUTCOME_NOT_DELIVERED: ContactOutcome
PROMISE_STATE_UNSPECIFIED: PromiseState
PROMISE_STATE_OPEN: PromiseState
PROMISE_STATE_KEPT: PromiseState
PROMISE_STATE_BROKEN: PromiseState
PROMISE_STATE_CANCELLED: PromiseState

class CaseLoan(_message.Message):
    __slots__ = ("loan_id", "bucket", "days_past_due", "overdue_amount", "outstanding_principal", "paused_by_plan_id")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    PAUSED_BY_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    bucket: str
    days_past_due: int
    overdue_amount: _money_pb2.Money
    outstanding_principal: _money_pb2.Money
    paused_by_plan_id: str
    def __init__(self, loan_id: _Optional[str] = ..., bucket: _Optional[str] = ..., days_past_due: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paused_by_plan_id: _Optional[str] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("case_id", "borrower_id", "loans", "state", "tier", "treatments", "days_past_due", "overdue_amount", "risk_segment", "strategy_version_id", "strategy_arm", "agent_id", "agency_id", "escalation_count", "opened_on", "closed_on", "close_reason", "recovered_amount", "version")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOANS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TREATMENTS_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RISK_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ARM_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPENED_ON_FIELD_NUMBER: _ClassVar[int]
    CLOSED_ON_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    loans: _containers.RepeatedCompositeFieldContainer[CaseLoan]
    state: CaseState
    tier: CaseTier
    treatments: _containers.RepeatedScalarFieldContainer[Treatment]
    days_past_due: int
    overdue_amount: _money_pb2.Money
    risk_segment: str
    strategy_version_id: str
    strategy_arm: StrategyArm
    agent_id: str
    agency_id: str
    escalation_count: int
    opened_on: _money_pb2.Date
    closed_on: _money_pb2.Date
    close_reason: CaseCloseReason
    recovered_amount: _money_pb2.Money
    version: int
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loans: _Optional[_Iterable[_Union[CaseLoan, _Mapping]]] = ..., state: _Optional[_Union[CaseState, str]] = ..., tier: _Optional[_Union[CaseTier, str]] = ..., treatments: _Optional[_Iterable[_Union[Treatment, str]]] = ..., days_past_due: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., risk_segment: _Optional[str] = ..., strategy_version_id: _Optional[str] = ..., strategy_arm: _Optional[_Union[StrategyArm, str]] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., escalation_count: _Optional[int] = ..., opened_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., closed_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., close_reason: _Optional[_Union[CaseCloseReason, str]] = ..., recovered_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class CaseHistoryEntry(_message.Message):
    __slots__ = ("sequence", "kind", "business_date", "recorded_at", "from_tier", "to_tier", "agent_id", "agency_id", "loan_id", "plan_id", "reason", "actor")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    kind: CaseEventKind
    business_date: _money_pb2.Date
    recorded_at: _timestamp_pb2.Timestamp
    from_tier: CaseTier
    to_tier: CaseTier
    agent_id: str
    agency_id: str
    loan_id: str
    plan_id: str
    reason: str
    actor: str
    def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[_Union[CaseEventKind, str]] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., from_tier: _Optional[_Union[CaseTier, str]] = ..., to_tier: _Optional[_Union[CaseTier, str]] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., reason: _Optional[str] = ..., actor: _Optional[str] = ...) -> None: ...

class RiskSegment(_message.Message):
    __slots__ = ("code", "min_score", "max_score", "min_outstanding", "max_outstanding", "priority")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    MIN_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    code: str
    min_score: int
    max_score: int
    min_outstanding: _money_pb2.Money
    max_outstanding: _money_pb2.Money
    priority: int
    def __init__(self, code: _Optional[str] = ..., min_score: _Optional[int] = ..., max_score: _Optional[int] = ..., min_outstanding: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_outstanding: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., priority: _Optional[int] = ...) -> None: ...

class TierRule(_message.Message):
    __slots__ = ("min_days_past_due", "max_days_past_due", "risk_segment", "tier", "treatments")
    MIN_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    MAX_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    RISK_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TREATMENTS_FIELD_NUMBER: _ClassVar[int]
    min_days_past_due: int
    max_days_past_due: int
    risk_segment: str
    tier: CaseTier
    treatments: _containers.RepeatedScalarFieldContainer[Treatment]
    def __init__(self, min_days_past_due: _Optional[int] = ..., max_days_past_due: _Optional[int] = ..., risk_segment: _Optional[str] = ..., tier: _Optional[_Union[CaseTier, str]] = ..., treatments: _Optional[_Iterable[_Union[Treatment, str]]] = ...) -> None: ...

class StrategyVersion(_message.Message):
    __slots__ = ("strategy_version_id", "name", "version", "description", "risk_segments", "tier_rules", "pre_due_treatments", "champion", "challenger", "challenger_share", "created_at", "created_by")
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    RISK_SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    TIER_RULES_FIELD_NUMBER: _ClassVar[int]
    PRE_DUE_TREATMENTS_FIELD_NUMBER: _ClassVar[int]
    CHAMPION_FIELD_NUMBER: _ClassVar[int]
    CHALLENGER_FIELD_NUMBER: _ClassVar[int]
    CHALLENGER_SHARE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    strategy_version_id: str
    name: str
    version: int
    description: str
    risk_segments: _containers.RepeatedCompositeFieldContainer[RiskSegment]
    tier_rules: _containers.RepeatedCompositeFieldContainer[TierRule]
    pre_due_treatments: _containers.RepeatedScalarFieldContainer[Treatment]
    champion: bool
    challenger: bool
    challenger_share: _money_pb2.DecimalValue
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    def __init__(self, strategy_version_id: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[int] = ..., description: _Optional[str] = ..., risk_segments: _Optional[_Iterable[_Union[RiskSegment, _Mapping]]] = ..., tier_rules: _Optional[_Iterable[_Union[TierRule, _Mapping]]] = ..., pre_due_treatments: _Optional[_Iterable[_Union[Treatment, str]]] = ..., champion: _Optional[bool] = ..., challenger: _Optional[bool] = ..., challenger_share: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ...) -> None: ...

class Agent(_message.Message):
    __slots__ = ("agent_id", "display_name", "agency_id", "tiers", "skills", "capacity", "active", "open_cases")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    display_name: str
    agency_id: str
    tiers: _containers.RepeatedScalarFieldContainer[CaseTier]
    skills: _containers.RepeatedScalarFieldContainer[str]
    capacity: int
    active: bool
    open_cases: int
    def __init__(self, agent_id: _Optional[str] = ..., display_name: _Optional[str] = ..., agency_id: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[CaseTier, str]]] = ..., skills: _Optional[_Iterable[str]] = ..., capacity: _Optional[int] = ..., active: _Optional[bool] = ..., open_cases: _Optional[int] = ...) -> None: ...

class Agency(_message.Message):
    __slots__ = ("agency_id", "name", "tiers", "capacity", "active", "commission_rate", "placed_cases")
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_RATE_FIELD_NUMBER: _ClassVar[int]
    PLACED_CASES_FIELD_NUMBER: _ClassVar[int]
    agency_id: str
    name: str
    tiers: _containers.RepeatedScalarFieldContainer[CaseTier]
    capacity: int
    active: bool
    commission_rate: _money_pb2.DecimalValue
    placed_cases: int
    def __init__(self, agency_id: _Optional[str] = ..., name: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[CaseTier, str]]] = ..., capacity: _Optional[int] = ..., active: _Optional[bool] = ..., commission_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., placed_cases: _Optional[int] = ...) -> None: ...

class ContactPoint(_message.Message):
    __slots__ = ("contact_point_id", "borrower_id", "party", "kind", "masked_value", "relationship", "emergency_contact", "active")
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MASKED_VALUE_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    EMERGENCY_CONTACT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    contact_point_id: str
    borrower_id: str
    party: ContactParty
    kind: ContactPointKind
    masked_value: str
    relationship: ThirdPartyRelationship
    emergency_contact: bool
    active: bool
    def __init__(self, contact_point_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., party: _Optional[_Union[ContactParty, str]] = ..., kind: _Optional[_Union[ContactPointKind, str]] = ..., masked_value: _Optional[str] = ..., relationship: _Optional[_Union[ThirdPartyRelationship, str]] = ..., emergency_contact: _Optional[bool] = ..., active: _Optional[bool] = ...) -> None: ...

class DoNotContactFlag(_message.Message):
    __slots__ = ("flag_id", "borrower_id", "reason", "channel", "contact_point_id", "note", "set_at", "set_by", "expires_at", "cleared_at", "cleared_by")
    FLAG_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SET_AT_FIELD_NUMBER: _ClassVar[int]
    SET_BY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    CLEARED_AT_FIELD_NUMBER: _ClassVar[int]
    CLEARED_BY_FIELD_NUMBER: _ClassVar[int]
    flag_id: str
    borrower_id: str
    reason: DoNotContactReason
    channel: ContactChannel
    contact_point_id: str
    note: str
    set_at: _timestamp_pb2.Timestamp
    set_by: str
    expires_at: _timestamp_pb2.Timestamp
    cleared_at: _timestamp_pb2.Timestamp
    cleared_by: str
    def __init__(self, flag_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason: _Optional[_Union[DoNotContactReason, str]] = ..., channel: _Optional[_Union[ContactChannel, str]] = ..., contact_point_id: _Optional[str] = ..., note: _Optional[str] = ..., set_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., set_by: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cleared_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cleared_by: _Optional[str] = ...) -> None: ...

class ContactWindow(_message.Message):
    __slots__ = ("days_of_week", "start_minute", "end_minute")
    DAYS_OF_WEEK_FIELD_NUMBER: _ClassVar[int]
    START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    days_of_week: _containers.RepeatedScalarFieldContainer[int]
    start_minute: int
    end_minute: int
    def __init__(self, days_of_week: _Optional[_Iterable[int]] = ..., start_minute: _Optional[int] = ..., end_minute: _Optional[int] = ...) -> None: ...

class DebtorProfile(_message.Message):
    __slots__ = ("borrower_id", "time_zone", "jurisdiction_code", "contact_points", "do_not_contact_flags", "preferred_windows", "quiet_hours_consent_at")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_CODE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINTS_FIELD_NUMBER: _ClassVar[int]
    DO_NOT_CONTACT_FLAGS_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_WINDOWS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_CONSENT_AT_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    time_zone: str
    jurisdiction_code: str
    contact_points: _containers.RepeatedCompositeFieldContainer[ContactPoint]
    do_not_contact_flags: _containers.RepeatedCompositeFieldContainer[DoNotContactFlag]
    preferred_windows: _containers.RepeatedCompositeFieldContainer[ContactWindow]
    quiet_hours_consent_at: _timestamp_pb2.Timestamp
    def __init__(self, borrower_id: _Optional[str] = ..., time_zone: _Optional[str] = ..., jurisdiction_code: _Optional[str] = ..., contact_points: _Optional[_Iterable[_Union[ContactPoint, _Mapping]]] = ..., do_not_contact_flags: _Optional[_Iterable[_Union[DoNotContactFlag, _Mapping]]] = ..., preferred_windows: _Optional[_Iterable[_Union[ContactWindow, _Mapping]]] = ..., quiet_hours_consent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class JurisdictionProfile(_message.Message):
    __slots__ = ("profile_id", "code", "version", "effective_from", "quiet_hours_start_minute", "quiet_hours_end_minute", "quiet_hours_waivable_by_consent", "max_connected_calls_per_day", "max_unanswered_calls_per_number_per_day", "max_calls_per_7_days", "conversation_cool_off_days", "call_channels", "third_party_emergency_contacts_only", "max_third_party_contacts_per_7_days", "created_at", "created_by")
    PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_WAIVABLE_BY_CONSENT_FIELD_NUMBER: _ClassVar[int]
    MAX_CONNECTED_CALLS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    MAX_UNANSWERED_CALLS_PER_NUMBER_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    MAX_CALLS_PER_7_DAYS_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_COOL_OFF_DAYS_FIELD_NUMBER: _ClassVar[int]
    CALL_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    THIRD_PARTY_EMERGENCY_CONTACTS_ONLY_FIELD_NUMBER: _ClassVar[int]
    MAX_THIRD_PARTY_CONTACTS_PER_7_DAYS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    profile_id: str
    code: str
    version: int
    effective_from: _timestamp_pb2.Timestamp
    quiet_hours_start_minute: int
    quiet_hours_end_minute: int
    quiet_hours_waivable_by_consent: bool
    max_connected_calls_per_day: int
    max_unanswered_calls_per_number_per_day: int
    max_calls_per_7_days: int
    conversation_cool_off_days: int
    call_channels: _containers.RepeatedScalarFieldContainer[ContactChannel]
    third_party_emergency_contacts_only: bool
    max_third_party_contacts_per_7_days: int
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    def __init__(self, profile_id: _Optional[str] = ..., code: _Optional[str] = ..., version: _Optional[int] = ..., effective_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., quiet_hours_start_minute: _Optional[int] = ..., quiet_hours_end_minute: _Optional[int] = ..., quiet_hours_waivable_by_consent: _Optional[bool] = ..., max_connected_calls_per_day: _Optional[int] = ..., max_unanswered_calls_per_number_per_day: _Optional[int] = ..., max_calls_per_7_days: _Optional[int] = ..., conversation_cool_off_days: _Optional[int] = ..., call_channels: _Optional[_Iterable[_Union[ContactChannel, str]]] = ..., third_party_emergency_contacts_only: _Optional[bool] = ..., max_third_party_contacts_per_7_days: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ...) -> None: ...

class ContactCheck(_message.Message):
    __slots__ = ("check_id", "decision", "refusal_reasons", "case_id", "borrower_id", "channel", "party", "contact_point_id", "agent_id", "agency_id", "planned_at", "borrower_local_time", "time_zone", "jurisdiction_profile", "checked_at", "clearance_expires_at")
    CHECK_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_REASONS_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    PLANNED_AT_FIELD_NUMBER: _ClassVar[int]
    BORROWER_LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_PROFILE_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    CLEARANCE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    check_id: str
    decision: ContactDecision
    refusal_reasons: _containers.RepeatedScalarFieldContainer[ContactRefusalReason]
    case_id: str
    borrower_id: str
    channel: ContactChannel
    party: ContactParty
    contact_point_id: str
    agent_id: str
    agency_id: str
    planned_at: _timestamp_pb2.Timestamp
    borrower_local_time: str
    time_zone: str
    jurisdiction_profile: str
    checked_at: _timestamp_pb2.Timestamp
    clearance_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, check_id: _Optional[str] = ..., decision: _Optional[_Union[ContactDecision, str]] = ..., refusal_reasons: _Optional[_Iterable[_Union[ContactRefusalReason, str]]] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., channel: _Optional[_Union[ContactChannel, str]] = ..., party: _Optional[_Union[ContactParty, str]] = ..., contact_point_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., planned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., borrower_local_time: _Optional[str] = ..., time_zone: _Optional[str] = ..., jurisdiction_profile: _Optional[str] = ..., checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., clearance_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ContactAttempt(_message.Message):
    __slots__ = ("attempt_id", "check_id", "case_id", "borrower_id", "contact_point_id", "channel", "party", "outcome", "connected", "agent_id", "agency_id", "started_at", "ended_at", "recording_reference", "note", "recorded_at")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    CHECK_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDING_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    check_id: str
    case_id: str
    borrower_id: str
    contact_point_id: str
    channel: ContactChannel
    party: ContactParty
    outcome: ContactOutcome
    connected: bool
    agent_id: str
    agency_id: str
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    recording_reference: str
    note: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, attempt_id: _Optional[str] = ..., check_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., contact_point_id: _Optional[str] = ..., channel: _Optional[_Union[ContactChannel, str]] = ..., party: _Optional[_Union[ContactParty, str]] = ..., outcome: _Optional[_Union[ContactOutcome, str]] = ..., connected: _Optional[bool] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recording_reference: _Optional[str] = ..., note: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PromiseToPay(_message.Message):
    __slots__ = ("promise_id", "case_id", "borrower_id", "loan_id", "amount", "promised_date", "grace_days", "threshold_percentage", "state", "paid_amount", "contact_attempt_id", "made_by", "made_at", "resolved_on")
    PROMISE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DATE_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAID_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    MADE_BY_FIELD_NUMBER: _ClassVar[int]
    MADE_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_ON_FIELD_NUMBER: _ClassVar[int]
    promise_id: str
    case_id: str
    borrower_id: str
    loan_id: str
    amount: _money_pb2.Money
    promised_date: _money_pb2.Date
    grace_days: int
    threshold_percentage: _money_pb2.DecimalValue
    state: PromiseState
    paid_amount: _money_pb2.Money
    contact_attempt_id: str
    made_by: str
    made_at: _timestamp_pb2.Timestamp
    resolved_on: _money_pb2.Date
    def __init__(self, promise_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., promised_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., grace_days: _Optional[int] = ..., threshold_percentage: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., state: _Optional[_Union[PromiseState, str]] = ..., paid_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., contact_attempt_id: _Optional[str] = ..., made_by: _Optional[str] = ..., made_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...
