import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.collection.v1 import resources_pb2 as _resources_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TierChangeCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIER_CHANGE_CAUSE_UNSPECIFIED: _ClassVar[TierChangeCause]
    TIER_CHANGE_CAUSE_DELINQUENCY: _ClassVar[TierChangeCause]
    TIER_CHANGE_CAUSE_PROMISE_BROKEN: _ClassVar[TierChangeCause]
    TIER_CHANGE_CAUSE_PLAN_BROKEN: _ClassVar[TierChangeCause]
    TIER_CHANGE_CAUSE_MANUAL: _ClassVar[TierChangeCause]
TIER_CHANGE_CAUSE_UNSPECIFIED: TierChangeCause
TIER_CHANGE_CAUSE_DELINQUENCY: TierChangeCause
TIER_CHANGE_CAUSE_PROMISE_BROKEN: TierChangeCause
TIER_CHANGE_CAUSE_PLAN_BROKEN: TierChangeCause
TIER_CHANGE_CAUSE_MANUAL: TierChangeCause

class CaseOpened(_message.Message):
    __slots__ = ("case_id", "borrower_id", "loan_ids", "business_date", "tier", "risk_segment", "strategy_version_id", "strategy_arm", "days_past_due", "overdue_amount")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_IDS_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    RISK_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ARM_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    loan_ids: _containers.RepeatedScalarFieldContainer[str]
    business_date: _money_pb2.Date
    tier: _resources_pb2.CaseTier
    risk_segment: str
    strategy_version_id: str
    strategy_arm: _resources_pb2.StrategyArm
    days_past_due: int
    overdue_amount: _money_pb2.Money
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loan_ids: _Optional[_Iterable[str]] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., risk_segment: _Optional[str] = ..., strategy_version_id: _Optional[str] = ..., strategy_arm: _Optional[_Union[_resources_pb2.StrategyArm, str]] = ..., days_past_due: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CaseTierChanged(_message.Message):
    __slots__ = ("case_id", "borrower_id", "business_date", "from_tier", "to_tier", "cause", "days_past_due")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    from_tier: _resources_pb2.CaseTier
    to_tier: _resources_pb2.CaseTier
    cause: TierChangeCause
    days_past_due: int
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., from_tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., to_tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., cause: _Optional[_Union[TierChangeCause, str]] = ..., days_past_due: _Optional[int] = ...) -> None: ...

class CaseClosed(_message.Message):
    __slots__ = ("case_id", "borrower_id", "business_date", "reason", "recovered_amount")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    reason: _resources_pb2.CaseCloseReason
    recovered_amount: _money_pb2.Money
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., reason: _Optional[_Union[_resources_pb2.CaseCloseReason, str]] = ..., recovered_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CasePaused(_message.Message):
    __slots__ = ("case_id", "borrower_id", "loan_id", "plan_id", "business_date", "case_paused")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    CASE_PAUSED_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    loan_id: str
    plan_id: str
    business_date: _money_pb2.Date
    case_paused: bool
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., case_paused: _Optional[bool] = ...) -> None: ...

class CaseReopened(_message.Message):
    __slots__ = ("case_id", "borrower_id", "business_date", "plan_id", "tier", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    plan_id: str
    tier: _resources_pb2.CaseTier
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., plan_id: _Optional[str] = ..., tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class PromiseToPayMade(_message.Message):
    __slots__ = ("promise_id", "case_id", "borrower_id", "amount", "promised_date", "grace_days")
    PROMISE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DATE_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    promise_id: str
    case_id: str
    borrower_id: str
    amount: _money_pb2.Money
    promised_date: _money_pb2.Date
    grace_days: int
    def __init__(self, promise_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., promised_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., grace_days: _Optional[int] = ...) -> None: ...

class PromiseToPayKept(_message.Message):
    __slots__ = ("promise_id", "case_id", "borrower_id", "paid_amount", "business_date")
    PROMISE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    promise_id: str
    case_id: str
    borrower_id: str
    paid_amount: _money_pb2.Money
    business_date: _money_pb2.Date
    def __init__(self, promise_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., paid_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class PromiseToPayBroken(_message.Message):
    __slots__ = ("promise_id", "case_id", "borrower_id", "amount", "paid_amount", "business_date")
    PROMISE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    promise_id: str
    case_id: str
    borrower_id: str
    amount: _money_pb2.Money
    paid_amount: _money_pb2.Money
    business_date: _money_pb2.Date
    def __init__(self, promise_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class ContactAttempted(_message.Message):
    __slots__ = ("attempt_id", "case_id", "borrower_id", "channel", "party", "outcome", "connected", "agent_id", "agency_id", "started_at")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    case_id: str
    borrower_id: str
    channel: _resources_pb2.ContactChannel
    party: _resources_pb2.ContactParty
    outcome: _resources_pb2.ContactOutcome
    connected: bool
    agent_id: str
    agency_id: str
    started_at: _timestamp_pb2.Timestamp
    def __init__(self, attempt_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., channel: _Optional[_Union[_resources_pb2.ContactChannel, str]] = ..., party: _Optional[_Union[_resources_pb2.ContactParty, str]] = ..., outcome: _Optional[_Union[_resources_pb2.ContactOutcome, str]] = ..., connected: _Optional[bool] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
