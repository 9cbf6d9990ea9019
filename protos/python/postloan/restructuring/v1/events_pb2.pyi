import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import classification_pb2 as _classification_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from postloan.restructuring.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlanRequested(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "hardship_reason", "plan_types", "requested_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    HARDSHIP_REASON_FIELD_NUMBER: _ClassVar[int]
    PLAN_TYPES_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    hardship_reason: _resources_pb2.HardshipReason
    plan_types: _containers.RepeatedScalarFieldContainer[_resources_pb2.PlanType]
    requested_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., hardship_reason: _Optional[_Union[_resources_pb2.HardshipReason, str]] = ..., plan_types: _Optional[_Iterable[_Union[_resources_pb2.PlanType, str]]] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanApproved(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "quote_id", "authority", "total_waived", "npv_loss", "approved_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_WAIVED_FIELD_NUMBER: _ClassVar[int]
    NPV_LOSS_FIELD_NUMBER: _ClassVar[int]
    APPROVED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    quote_id: str
    authority: _resources_pb2.AuthorityLevel
    total_waived: _money_pb2.Money
    npv_loss: _money_pb2.Money
    approved_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., authority: _Optional[_Union[_resources_pb2.AuthorityLevel, str]] = ..., total_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., npv_loss: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., approved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanRejected(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "reason_codes", "rejected_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODES_FIELD_NUMBER: _ClassVar[int]
    REJECTED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    reason_codes: _containers.RepeatedScalarFieldContainer[str]
    rejected_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason_codes: _Optional[_Iterable[str]] = ..., rejected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanExpired(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "reason", "expired_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    reason: str
    expired_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason: _Optional[str] = ..., expired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanActivated(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "effective_date", "installment_count", "new_installment", "maturity_date", "total_waived")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEW_INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    MATURITY_DATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_WAIVED_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    effective_date: _money_pb2.Date
    installment_count: int
    new_installment: _money_pb2.Money
    maturity_date: _money_pb2.Date
    total_waived: _money_pb2.Money
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., installment_count: _Optional[int] = ..., new_installment: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., maturity_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., total_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PlanActivationFailed(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "reason", "failed_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FAILED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    reason: str
    failed_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason: _Optional[str] = ..., failed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanBroken(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "business_date", "days_past_due", "installment_sequence", "overdue_amount")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    days_past_due: int
    installment_sequence: int
    overdue_amount: _money_pb2.Money
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., days_past_due: _Optional[int] = ..., installment_sequence: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PlanCompleted(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "business_date")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class LoanClassificationFloorSet(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "plan_id", "floor", "started_on", "earliest_end_on", "required_consecutive_periods")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    FLOOR_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_END_ON_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_CONSECUTIVE_PERIODS_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    plan_id: str
    floor: _classification_pb2.LoanClassification
    started_on: _money_pb2.Date
    earliest_end_on: _money_pb2.Date
    required_consecutive_periods: int
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., floor: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., started_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., earliest_end_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., required_consecutive_periods: _Optional[int] = ...) -> None: ...

class LoanClassificationFloorLifted(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "plan_id", "lifted_on")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LIFTED_ON_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    plan_id: str
    lifted_on: _money_pb2.Date
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., lifted_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...
