import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import classification_pb2 as _classification_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RepaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPAYMENT_METHOD_UNSPECIFIED: _ClassVar[RepaymentMethod]
    REPAYMENT_METHOD_EQUAL_INSTALLMENT: _ClassVar[RepaymentMethod]
    REPAYMENT_METHOD_EQUAL_PRINCIPAL: _ClassVar[RepaymentMethod]
    REPAYMENT_METHOD_INTEREST_FIRST: _ClassVar[RepaymentMethod]

class PrepaymentRule(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PREPAYMENT_RULE_UNSPECIFIED: _ClassVar[PrepaymentRule]
    PREPAYMENT_RULE_SHORTEN_TERM: _ClassVar[PrepaymentRule]
    PREPAYMENT_RULE_REDUCE_INSTALLMENT: _ClassVar[PrepaymentRule]

class LoanState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOAN_STATE_UNSPECIFIED: _ClassVar[LoanState]
    LOAN_STATE_ACTIVE: _ClassVar[LoanState]
    LOAN_STATE_PAID_OFF: _ClassVar[LoanState]

class InstallmentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTALLMENT_STATE_UNSPECIFIED: _ClassVar[InstallmentState]
    INSTALLMENT_STATE_PENDING: _ClassVar[InstallmentState]
    INSTALLMENT_STATE_DUE: _ClassVar[InstallmentState]
    INSTALLMENT_STATE_OVERDUE: _ClassVar[InstallmentState]
    INSTALLMENT_STATE_PAID: _ClassVar[InstallmentState]
    INSTALLMENT_STATE_SUPERSEDED: _ClassVar[InstallmentState]

class DelinquencyChangeCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELINQUENCY_CHANGE_CAUSE_UNSPECIFIED: _ClassVar[DelinquencyChangeCause]
    DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE: _ClassVar[DelinquencyChangeCause]
    DELINQUENCY_CHANGE_CAUSE_REPAYMENT: _ClassVar[DelinquencyChangeCause]
    DELINQUENCY_CHANGE_CAUSE_REVERSAL: _ClassVar[DelinquencyChangeCause]
    DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED: _ClassVar[DelinquencyChangeCause]

class RepaymentChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPAYMENT_CHANNEL_UNSPECIFIED: _ClassVar[RepaymentChannel]
    REPAYMENT_CHANNEL_AUTO_DEBIT: _ClassVar[RepaymentChannel]
    REPAYMENT_CHANNEL_APP: _ClassVar[RepaymentChannel]
    REPAYMENT_CHANNEL_BANK_TRANSFER: _ClassVar[RepaymentChannel]
    REPAYMENT_CHANNEL_AGENCY: _ClassVar[RepaymentChannel]
    REPAYMENT_CHANNEL_OTHER: _ClassVar[RepaymentChannel]

class RepaymentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPAYMENT_STATE_UNSPECIFIED: _ClassVar[RepaymentState]
    REPAYMENT_STATE_POSTED: _ClassVar[RepaymentState]
    REPAYMENT_STATE_REVERSED: _ClassVar[RepaymentState]

class ReversalReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVERSAL_REASON_UNSPECIFIED: _ClassVar[ReversalReason]
    REVERSAL_REASON_BOUNCED: _ClassVar[ReversalReason]
    REVERSAL_REASON_CHARGEBACK: _ClassVar[ReversalReason]
    REVERSAL_REASON_POSTING_ERROR: _ClassVar[ReversalReason]

class AllocationComponent(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALLOCATION_COMPONENT_UNSPECIFIED: _ClassVar[AllocationComponent]
    ALLOCATION_COMPONENT_PENALTY: _ClassVar[AllocationComponent]
    ALLOCATION_COMPONENT_INTEREST: _ClassVar[AllocationComponent]
    ALLOCATION_COMPONENT_PRINCIPAL: _ClassVar[AllocationComponent]

class DailyCyclePhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DAILY_CYCLE_PHASE_UNSPECIFIED: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_DELINQUENCY: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_PENALTY: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_CLASSIFICATION: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_BUCKET_HISTORY: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_DUE_SOON: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_EARLY_WARNING: _ClassVar[DailyCyclePhase]
    DAILY_CYCLE_PHASE_EVENTS: _ClassVar[DailyCyclePhase]

class DailyCycleRunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DAILY_CYCLE_RUN_STATE_UNSPECIFIED: _ClassVar[DailyCycleRunState]
    DAILY_CYCLE_RUN_STATE_RUNNING: _ClassVar[DailyCycleRunState]
    DAILY_CYCLE_RUN_STATE_COMPLETED: _ClassVar[DailyCycleRunState]
    DAILY_CYCLE_RUN_STATE_FAILED: _ClassVar[DailyCycleRunState]

class AlertSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_SEVERITY_UNSPECIFIED: _ClassVar[AlertSeverity]
    ALERT_SEVERITY_LOW: _ClassVar[AlertSeverity]
    ALERT_SEVERITY_MEDIUM: _ClassVar[AlertSeverity]
    ALERT_SEVERITY_HIGH: _ClassVar[AlertSeverity]

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATE_UNSPECIFIED: _ClassVar[AlertState]
    ALERT_STATE_OPEN: _ClassVar[AlertState]
    ALERT_STATE_ACKNOWLEDGED: _ClassVar[AlertState]
    ALERT_STATE_RESOLVED: _ClassVar[AlertState]

class AlertResolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_RESOLUTION_UNSPECIFIED: _ClassVar[AlertResolution]
    ALERT_RESOLUTION_ACTION_TAKEN: _ClassVar[AlertResolution]
    ALERT_RESOLUTION_NO_ACTION_NEEDED: _ClassVar[AlertResolution]
    ALERT_RESOLUTION_FALSE_POSITIVE: _ClassVar[AlertResolution]

class CreditLineState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_LINE_STATE_UNSPECIFIED: _ClassVar[CreditLineState]
    CREDIT_LINE_STATE_ACTIVE: _ClassVar[CreditLineState]
    CREDIT_LINE_STATE_FROZEN: _ClassVar[CreditLineState]

class CreditLineActionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_LINE_ACTION_TYPE_UNSPECIFIED: _ClassVar[CreditLineActionType]
    CREDIT_LINE_ACTION_TYPE_REDUCE_LIMIT: _ClassVar[CreditLineActionType]
    CREDIT_LINE_ACTION_TYPE_FREEZE: _ClassVar[CreditLineActionType]
    CREDIT_LINE_ACTION_TYPE_UNFREEZE: _ClassVar[CreditLineActionType]
REPAYMENT_METHOD_UNSPECIFIED: RepaymentMethod
REPAYMENT_METHOD_EQUAL_INSTALLMENT: RepaymentMethod
REPAYMENT_METHOD_EQUAL_PRINCIPAL: RepaymentMethod
REPAYMENT_METHOD_INTEREST_FIRST: RepaymentMethod
PREPAYMENT_RULE_UNSPECIFIED: PrepaymentRule
PREPAYMENT_RULE_SHORTEN_TERM: PrepaymentRule
PREPAYMENT_RULE_REDUCE_INSTALLMENT: PrepaymentRule
LOAN_STATE_UNSPECIFIED: LoanState
LOAN_STATE_ACTIVE: LoanState
LOAN_STATE_PAID_OFF: LoanState
INSTALLMENT_STATE_UNSPECIFIED: InstallmentState
INSTALLMENT_STATE_PENDING: InstallmentState
INSTALLMENT_STATE_DUE: InstallmentState
INSTALLMENT_STATE_OVERDUE: InstallmentState
INSTALLMENT_STATE_PAID: InstallmentState
INSTALLMENT_STATE_SUPERSEDED: InstallmentState
DELINQUENCY_CHANGE_CAUSE_UNSPECIFIED: DelinquencyChangeCause
DELINQUENCY_CHANGE_CAUSE_DAILY_CYCLE: DelinquencyChangeCause
DELINQUENCY_CHANGE_CAUSE_REPAYMENT: DelinquencyChangeCause
DELINQUENCY_CHANGE_CAUSE_REVERSAL: DelinquencyChangeCause
DELINQUENCY_CHANGE_CAUSE_SCHEDULE_REPLACED: DelinquencyChangeCause
REPAYMENT_CHANNEL_UNSPECIFIED: RepaymentChannel
REPAYMENT_CHANNEL_AUTO_DEBIT: RepaymentChannel
REPAYMENT_CHANNEL_APP: RepaymentChannel
REPAYMENT_CHANNEL_BANK_TRANSFER: RepaymentChannel
REPAYMENT_CHANNEL_AGENCY: RepaymentChannel
REPAYMENT_CHANNEL_OTHER: RepaymentChannel
REPAYMENT_STATE_UNSPECIFIED: RepaymentState
REPAYMENT_STATE_POSTED: RepaymentState
REPAYMENT_STATE_REVERSED: RepaymentState
REVERSAL_REASON_UNSPECIFIED: ReversalReason
REVERSAL_REASON_BOUNCED: ReversalReason
REVERSAL_REASON_CHARGEBACK: ReversalReason
REVERSAL_REASON_POSTING_ERROR: ReversalReason
ALLOCATION_COMPONENT_UNSPECIFIED: AllocationComponent
ALLOCATION_COMPONENT_PENALTY: AllocationComponent
ALLOCATION_COMPONENT_INTEREST: AllocationComponent
ALLOCATION_COMPONENT_PRINCIPAL: AllocationComponent
DAILY_CYCLE_PHASE_UNSPECIFIED: DailyCyclePhase
DAILY_CYCLE_PHASE_DELINQUENCY: DailyCyclePhase
DAILY_CYCLE_PHASE_PENALTY: DailyCyclePhase
DAILY_CYCLE_PHASE_CLASSIFICATION: DailyCyclePhase
DAILY_CYCLE_PHASE_BUCKET_HISTORY: DailyCyclePhase
DAILY_CYCLE_PHASE_DUE_SOON: DailyCyclePhase
DAILY_CYCLE_PHASE_EARLY_WARNING: DailyCyclePhase
DAILY_CYCLE_PHASE_EVENTS: DailyCyclePhase
DAILY_CYCLE_RUN_STATE_UNSPECIFIED: DailyCycleRunState
DAILY_CYCLE_RUN_STATE_RUNNING: DailyCycleRunState
DAILY_CYCLE_RUN_STATE_COMPLETED: DailyCycleRunState
DAILY_CYCLE_RUN_STATE_FAILED: DailyCycleRunState
ALERT_SEVERITY_UNSPECIFIED: AlertSeverity
ALERT_SEVERITY_LOW: AlertSeverity
ALERT_SEVERITY_MEDIUM: AlertSeverity
ALERT_SEVERITY_HIGH: AlertSeverity
ALERT_STATE_UNSPECIFIED: AlertState
ALERT_STATE_OPEN: AlertState
ALERT_STATE_ACKNOWLEDGED: AlertState
ALERT_STATE_RESOLVED: AlertState
ALERT_RESOLUTION_UNSPECIFIED: AlertResolution
ALERT_RESOLUTION_ACTION_TAKEN: AlertResolution
ALERT_RESOLUTION_NO_ACTION_NEEDED: AlertResolution
ALERT_RESOLUTION_FALSE_POSITIVE: AlertResolution
CREDIT_LINE_STATE_UNSPECIFIED: CreditLineState
CREDIT_LINE_STATE_ACTIVE: CreditLineState
CREDIT_LINE_STATE_FROZEN: CreditLineState
CREDIT_LINE_ACTION_TYPE_UNSPECIFIED: CreditLineActionType
CREDIT_LINE_ACTION_TYPE_REDUCE_LIMIT: CreditLineActionType
CREDIT_LINE_ACTION_TYPE_FREEZE: CreditLineActionType
CREDIT_LINE_ACTION_TYPE_UNFREEZE: CreditLineActionType

class LoanTerms(_message.Message):
    __slots__ = ("product_code", "principal", "annual_rate", "term_periods", "repayment_method", "disbursement_date", "due_day", "grace_days", "penalty_annual_rate", "prepayment_rule")
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    TERM_PERIODS_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    DISBURSEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DAY_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    PENALTY_ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    PREPAYMENT_RULE_FIELD_NUMBER: _ClassVar[int]
    product_code: str
    principal: _money_pb2.Money
    annual_rate: _money_pb2.DecimalValue
    term_periods: int
    repayment_method: RepaymentMethod
    disbursement_date: _money_pb2.Date
    due_day: int
    grace_days: int
    penalty_annual_rate: _money_pb2.DecimalValue
    prepayment_rule: PrepaymentRule
    def __init__(self, product_code: _Optional[str] = ..., principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., term_periods: _Optional[int] = ..., repayment_method: _Optional[_Union[RepaymentMethod, str]] = ..., disbursement_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., due_day: _Optional[int] = ..., grace_days: _Optional[int] = ..., penalty_annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., prepayment_rule: _Optional[_Union[PrepaymentRule, str]] = ...) -> None: ...

class ScheduledInstallment(_message.Message):
    __slots__ = ("sequence", "due_date", "principal", "interest", "penalty", "total", "remaining_principal")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    INTEREST_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    REMAINING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    due_date: _money_pb2.Date
    principal: _money_pb2.Money
    interest: _money_pb2.Money
    penalty: _money_pb2.Money
    total: _money_pb2.Money
    remaining_principal: _money_pb2.Money
    def __init__(self, sequence: _Optional[int] = ..., due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., remaining_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Installment(_message.Message):
    __slots__ = ("sequence", "schedule_version", "due_date", "principal_due", "interest_due", "penalty_due", "principal_paid", "interest_paid", "penalty_paid", "penalty_waived", "state", "paid_on", "days_past_due")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_DUE_FIELD_NUMBER: _ClassVar[int]
    INTEREST_DUE_FIELD_NUMBER: _ClassVar[int]
    PENALTY_DUE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_PAID_FIELD_NUMBER: _ClassVar[int]
    INTEREST_PAID_FIELD_NUMBER: _ClassVar[int]
    PENALTY_PAID_FIELD_NUMBER: _ClassVar[int]
    PENALTY_WAIVED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAID_ON_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    schedule_version: int
    due_date: _money_pb2.Date
    principal_due: _money_pb2.Money
    interest_due: _money_pb2.Money
    penalty_due: _money_pb2.Money
    principal_paid: _money_pb2.Money
    interest_paid: _money_pb2.Money
    penalty_paid: _money_pb2.Money
    penalty_waived: _money_pb2.Money
    state: InstallmentState
    paid_on: _money_pb2.Date
    days_past_due: int
    def __init__(self, sequence: _Optional[int] = ..., schedule_version: _Optional[int] = ..., due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., principal_due: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_due: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_due: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., principal_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[InstallmentState, str]] = ..., paid_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., days_past_due: _Optional[int] = ...) -> None: ...

class ComponentAmounts(_message.Message):
    __slots__ = ("principal", "interest", "penalty", "total")
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    INTEREST_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    principal: _money_pb2.Money
    interest: _money_pb2.Money
    penalty: _money_pb2.Money
    total: _money_pb2.Money
    def __init__(self, principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class LoanRestructuring(_message.Message):
    __slots__ = ("plan_id", "effective_date", "schedule_version", "applied_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    effective_date: _money_pb2.Date
    schedule_version: int
    applied_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., schedule_version: _Optional[int] = ..., applied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LoanStatus(_message.Message):
    __slots__ = ("as_of", "days_past_due", "bucket", "classification", "classification_floor", "overdue", "outstanding", "next_due_date", "next_installment_amount", "regular_installment_amount", "paid_installments", "remaining_installments", "last_repayment_date")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    CLASSIFICATION_FLOOR_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    NEXT_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    NEXT_INSTALLMENT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REGULAR_INSTALLMENT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    LAST_REPAYMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    days_past_due: int
    bucket: str
    classification: _classification_pb2.LoanClassification
    classification_floor: _classification_pb2.LoanClassification
    overdue: ComponentAmounts
    outstanding: ComponentAmounts
    next_due_date: _money_pb2.Date
    next_installment_amount: _money_pb2.Money
    regular_installment_amount: _money_pb2.Money
    paid_installments: int
    remaining_installments: int
    last_repayment_date: _money_pb2.Date
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., days_past_due: _Optional[int] = ..., bucket: _Optional[str] = ..., classification: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., classification_floor: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., overdue: _Optional[_Union[ComponentAmounts, _Mapping]] = ..., outstanding: _Optional[_Union[ComponentAmounts, _Mapping]] = ..., next_due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., next_installment_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., regular_installment_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_installments: _Optional[int] = ..., remaining_installments: _Optional[int] = ..., last_repayment_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class Loan(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "credit_line_id", "terms", "current_annual_rate", "state", "status", "version", "schedule_version", "restructurings", "paid_off_date", "registered_at")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESTRUCTURINGS_FIELD_NUMBER: _ClassVar[int]
    PAID_OFF_DATE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    credit_line_id: str
    terms: LoanTerms
    current_annual_rate: _money_pb2.DecimalValue
    state: LoanState
    status: LoanStatus
    version: int
    schedule_version: int
    restructurings: _containers.RepeatedCompositeFieldContainer[LoanRestructuring]
    paid_off_date: _money_pb2.Date
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., terms: _Optional[_Union[LoanTerms, _Mapping]] = ..., current_annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., state: _Optional[_Union[LoanState, str]] = ..., status: _Optional[_Union[LoanStatus, _Mapping]] = ..., version: _Optional[int] = ..., schedule_version: _Optional[int] = ..., restructurings: _Optional[_Iterable[_Union[LoanRestructuring, _Mapping]]] = ..., paid_off_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BucketHistoryEntry(_message.Message):
    __slots__ = ("business_date", "from_bucket", "to_bucket", "days_past_due", "overdue_amount", "cause")
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_BUCKET_FIELD_NUMBER: _ClassVar[int]
    TO_BUCKET_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    business_date: _money_pb2.Date
    from_bucket: str
    to_bucket: str
    days_past_due: int
    overdue_amount: _money_pb2.Money
    cause: DelinquencyChangeCause
    def __init__(self, business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., from_bucket: _Optional[str] = ..., to_bucket: _Optional[str] = ..., days_past_due: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cause: _Optional[_Union[DelinquencyChangeCause, str]] = ...) -> None: ...

class AllocationLine(_message.Message):
    __slots__ = ("installment_sequence", "schedule_version", "component", "amount")
    INSTALLMENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    installment_sequence: int
    schedule_version: int
    component: AllocationComponent
    amount: _money_pb2.Money
    def __init__(self, installment_sequence: _Optional[int] = ..., schedule_version: _Optional[int] = ..., component: _Optional[_Union[AllocationComponent, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Repayment(_message.Message):
    __slots__ = ("repayment_id", "loan_id", "external_transaction_id", "amount", "paid_at", "value_date", "channel", "state", "allocation", "prepaid_principal", "unapplied", "reversed_at", "reversal_reason", "posted_at")
    REPAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    VALUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    PREPAID_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    UNAPPLIED_FIELD_NUMBER: _ClassVar[int]
    REVERSED_AT_FIELD_NUMBER: _ClassVar[int]
    REVERSAL_REASON_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    repayment_id: str
    loan_id: str
    external_transaction_id: str
    amount: _money_pb2.Money
    paid_at: _timestamp_pb2.Timestamp
    value_date: _money_pb2.Date
    channel: RepaymentChannel
    state: RepaymentState
    allocation: _containers.RepeatedCompositeFieldContainer[AllocationLine]
    prepaid_principal: _money_pb2.Money
    unapplied: _money_pb2.Money
    reversed_at: _timestamp_pb2.Timestamp
    reversal_reason: ReversalReason
    posted_at: _timestamp_pb2.Timestamp
    def __init__(self, repayment_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., external_transaction_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., value_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., channel: _Optional[_Union[RepaymentChannel, str]] = ..., state: _Optional[_Union[RepaymentState, str]] = ..., allocation: _Optional[_Iterable[_Union[AllocationLine, _Mapping]]] = ..., prepaid_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., unapplied: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reversed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reversal_reason: _Optional[_Union[ReversalReason, str]] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DailyCycleRun(_message.Message):
    __slots__ = ("business_date", "partition_index", "partition_count", "state", "last_completed_phase", "loans_total", "loans_changed", "events_emitted", "started_at", "completed_at", "failure_reason")
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    PARTITION_INDEX_FIELD_NUMBER: _ClassVar[int]
    PARTITION_COUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_COMPLETED_PHASE_FIELD_NUMBER: _ClassVar[int]
    LOANS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    LOANS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_EMITTED_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    business_date: _money_pb2.Date
    partition_index: int
    partition_count: int
    state: DailyCycleRunState
    last_completed_phase: DailyCyclePhase
    loans_total: int
    loans_changed: int
    events_emitted: int
    started_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    failure_reason: str
    def __init__(self, business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., partition_index: _Optional[int] = ..., partition_count: _Optional[int] = ..., state: _Optional[_Union[DailyCycleRunState, str]] = ..., last_completed_phase: _Optional[_Union[DailyCyclePhase, str]] = ..., loans_total: _Optional[int] = ..., loans_changed: _Optional[int] = ..., events_emitted: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., failure_reason: _Optional[str] = ...) -> None: ...

class AlertEvidence(_message.Message):
    __slots__ = ("name", "value", "threshold")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    threshold: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ..., threshold: _Optional[str] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("alert_id", "rule_code", "severity", "reason", "evidence", "borrower_id", "loan_id", "state", "business_date", "raised_at", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution", "resolution_note")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_CODE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_NOTE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule_code: str
    severity: AlertSeverity
    reason: str
    evidence: _containers.RepeatedCompositeFieldContainer[AlertEvidence]
    borrower_id: str
    loan_id: str
    state: AlertState
    business_date: _money_pb2.Date
    raised_at: _timestamp_pb2.Timestamp
    acknowledged_at: _timestamp_pb2.Timestamp
    acknowledged_by: str
    resolved_at: _timestamp_pb2.Timestamp
    resolved_by: str
    resolution: AlertResolution
    resolution_note: str
    def __init__(self, alert_id: _Optional[str] = ..., rule_code: _Optional[str] = ..., severity: _Optional[_Union[AlertSeverity, str]] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[AlertEvidence, _Mapping]]] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., state: _Optional[_Union[AlertState, str]] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged_by: _Optional[str] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_by: _Optional[str] = ..., resolution: _Optional[_Union[AlertResolution, str]] = ..., resolution_note: _Optional[str] = ...) -> None: ...

class CreditLine(_message.Message):
    __slots__ = ("credit_line_id", "borrower_id", "credit_limit", "original_limit", "state", "registered_at")
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    credit_line_id: str
    borrower_id: str
    credit_limit: _money_pb2.Money
    original_limit: _money_pb2.Money
    state: CreditLineState
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, credit_line_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., credit_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., original_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[CreditLineState, str]] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreditLineAction(_message.Message):
    __slots__ = ("action_id", "credit_line_id", "action", "previous_limit", "new_limit", "reason", "alert_id", "taken_by", "taken_at")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NEW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    TAKEN_BY_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    credit_line_id: str
    action: CreditLineActionType
    previous_limit: _money_pb2.Money
    new_limit: _money_pb2.Money
    reason: str
    alert_id: str
    taken_by: str
    taken_at: _timestamp_pb2.Timestamp
    def __init__(self, action_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., action: _Optional[_Union[CreditLineActionType, str]] = ..., previous_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., new_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., alert_id: _Optional[str] = ..., taken_by: _Optional[str] = ..., taken_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
