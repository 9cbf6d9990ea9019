import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import classification_pb2 as _classification_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from postloan.monitoring.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LoanRegistered(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "product_code", "credit_line_id", "principal", "annual_rate", "term_periods", "repayment_method", "disbursement_date", "first_due_date", "maturity_date", "first_installment_amount")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    TERM_PERIODS_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    DISBURSEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    FIRST_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    MATURITY_DATE_FIELD_NUMBER: _ClassVar[int]
    FIRST_INSTALLMENT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    product_code: str
    credit_line_id: str
    principal: _money_pb2.Money
    annual_rate: _money_pb2.DecimalValue
    term_periods: int
    repayment_method: _resources_pb2.RepaymentMethod
    disbursement_date: _money_pb2.Date
    first_due_date: _money_pb2.Date
    maturity_date: _money_pb2.Date
    first_installment_amount: _money_pb2.Money
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., product_code: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., term_periods: _Optional[int] = ..., repayment_method: _Optional[_Union[_resources_pb2.RepaymentMethod, str]] = ..., disbursement_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., first_due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., maturity_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., first_installment_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RepaymentPosted(_message.Message):
    __slots__ = ("repayment_id", "loan_id", "borrower_id", "amount", "paid_at", "value_date", "channel", "principal_paid", "interest_paid", "penalty_paid", "prepaid_principal", "settled_installment_sequences", "days_past_due", "bucket", "overdue_amount", "loan_version", "plan_id")
    REPAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    VALUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_PAID_FIELD_NUMBER: _ClassVar[int]
    INTEREST_PAID_FIELD_NUMBER: _ClassVar[int]
    PENALTY_PAID_FIELD_NUMBER: _ClassVar[int]
    PREPAID_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    SETTLED_INSTALLMENT_SEQUENCES_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    repayment_id: str
    loan_id: str
    borrower_id: str
    amount: _money_pb2.Money
    paid_at: _timestamp_pb2.Timestamp
    value_date: _money_pb2.Date
    channel: _resources_pb2.RepaymentChannel
    principal_paid: _money_pb2.Money
    interest_paid: _money_pb2.Money
    penalty_paid: _money_pb2.Money
    prepaid_principal: _money_pb2.Money
    settled_installment_sequences: _containers.RepeatedScalarFieldContainer[int]
    days_past_due: int
    bucket: str
    overdue_amount: _money_pb2.Money
    loan_version: int
    plan_id: str
    def __init__(self, repayment_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., value_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., channel: _Optional[_Union[_resources_pb2.RepaymentChannel, str]] = ..., principal_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_paid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., prepaid_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., settled_installment_sequences: _Optional[_Iterable[int]] = ..., days_past_due: _Optional[int] = ..., bucket: _Optional[str] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., loan_version: _Optional[int] = ..., plan_id: _Optional[str] = ...) -> None: ...

class RepaymentReversed(_message.Message):
    __slots__ = ("repayment_id", "loan_id", "borrower_id", "amount", "value_date", "reason", "reversed_at", "days_past_due", "bucket", "overdue_amount", "loan_version", "outstanding_principal")
    REPAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VALUE_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVERSED_AT_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    repayment_id: str
    loan_id: str
    borrower_id: str
    amount: _money_pb2.Money
    value_date: _money_pb2.Date
    reason: _resources_pb2.ReversalReason
    reversed_at: _timestamp_pb2.Timestamp
    days_past_due: int
    bucket: str
    overdue_amount: _money_pb2.Money
    loan_version: int
    outstanding_principal: _money_pb2.Money
    def __init__(self, repayment_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., value_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., reason: _Optional[_Union[_resources_pb2.ReversalReason, str]] = ..., reversed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., days_past_due: _Optional[int] = ..., bucket: _Optional[str] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., loan_version: _Optional[int] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class DelinquencyChanged(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "business_date", "from_bucket", "to_bucket", "days_past_due", "overdue", "outstanding_principal", "cause", "plan_id")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_BUCKET_FIELD_NUMBER: _ClassVar[int]
    TO_BUCKET_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    from_bucket: str
    to_bucket: str
    days_past_due: int
    overdue: _resources_pb2.ComponentAmounts
    outstanding_principal: _money_pb2.Money
    cause: _resources_pb2.DelinquencyChangeCause
    plan_id: str
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., from_bucket: _Optional[str] = ..., to_bucket: _Optional[str] = ..., days_past_due: _Optional[int] = ..., overdue: _Optional[_Union[_resources_pb2.ComponentAmounts, _Mapping]] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cause: _Optional[_Union[_resources_pb2.DelinquencyChangeCause, str]] = ..., plan_id: _Optional[str] = ...) -> None: ...

class LoanCured(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "business_date", "from_bucket", "previous_days_past_due", "cause", "plan_id", "to_bucket", "days_past_due")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_BUCKET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TO_BUCKET_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    from_bucket: str
    previous_days_past_due: int
    cause: _resources_pb2.DelinquencyChangeCause
    plan_id: str
    to_bucket: str
    days_past_due: int
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., from_bucket: _Optional[str] = ..., previous_days_past_due: _Optional[int] = ..., cause: _Optional[_Union[_resources_pb2.DelinquencyChangeCause, str]] = ..., plan_id: _Optional[str] = ..., to_bucket: _Optional[str] = ..., days_past_due: _Optional[int] = ...) -> None: ...

class LoanPaidOff(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "paid_off_date", "total_repaid", "plan_id")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_OFF_DATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_REPAID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    paid_off_date: _money_pb2.Date
    total_repaid: _money_pb2.Money
    plan_id: str
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., paid_off_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., total_repaid: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., plan_id: _Optional[str] = ...) -> None: ...

class InstallmentDueSoon(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "business_date", "installment_sequence", "due_date", "amount_due", "days_until_due")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_DUE_FIELD_NUMBER: _ClassVar[int]
    DAYS_UNTIL_DUE_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    installment_sequence: int
    due_date: _money_pb2.Date
    amount_due: _money_pb2.Money
    days_until_due: int
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., installment_sequence: _Optional[int] = ..., due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., amount_due: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., days_until_due: _Optional[int] = ...) -> None: ...

class ClassificationChanged(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "business_date", "from_classification", "to_classification", "floor", "days_past_due")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    FROM_CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    TO_CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    FLOOR_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    business_date: _money_pb2.Date
    from_classification: _classification_pb2.LoanClassification
    to_classification: _classification_pb2.LoanClassification
    floor: _classification_pb2.LoanClassification
    days_past_due: int
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., from_classification: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., to_classification: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., floor: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., days_past_due: _Optional[int] = ...) -> None: ...

class EarlyWarningRaised(_message.Message):
    __slots__ = ("alert_id", "rule_code", "severity", "borrower_id", "loan_id", "business_date", "reason", "evidence")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_CODE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule_code: str
    severity: _resources_pb2.AlertSeverity
    borrower_id: str
    loan_id: str
    business_date: _money_pb2.Date
    reason: str
    evidence: _containers.RepeatedCompositeFieldContainer[_resources_pb2.AlertEvidence]
    def __init__(self, alert_id: _Optional[str] = ..., rule_code: _Optional[str] = ..., severity: _Optional[_Union[_resources_pb2.AlertSeverity, str]] = ..., borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[_resources_pb2.AlertEvidence, _Mapping]]] = ...) -> None: ...

class ScheduleReplaced(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "plan_id", "effective_date", "schedule_version", "loan_version", "installment_count", "first_due_date", "maturity_date", "first_installment_amount", "principal_waived", "interest_waived", "penalty_waived", "days_past_due", "bucket")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    MATURITY_DATE_FIELD_NUMBER: _ClassVar[int]
    FIRST_INSTALLMENT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_WAIVED_FIELD_NUMBER: _ClassVar[int]
    INTEREST_WAIVED_FIELD_NUMBER: _ClassVar[int]
    PENALTY_WAIVED_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    plan_id: str
    effective_date: _money_pb2.Date
    schedule_version: int
    loan_version: int
    installment_count: int
    first_due_date: _money_pb2.Date
    maturity_date: _money_pb2.Date
    first_installment_amount: _money_pb2.Money
    principal_waived: _money_pb2.Money
    interest_waived: _money_pb2.Money
    penalty_waived: _money_pb2.Money
    days_past_due: int
    bucket: str
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., schedule_version: _Optional[int] = ..., loan_version: _Optional[int] = ..., installment_count: _Optional[int] = ..., first_due_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., maturity_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., first_installment_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., principal_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., days_past_due: _Optional[int] = ..., bucket: _Optional[str] = ...) -> None: ...

class ScheduleBreachThresholdCrossed(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "plan_id", "business_date", "days_past_due", "threshold_days_past_due", "installment_sequence", "overdue_amount")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    plan_id: str
    business_date: _money_pb2.Date
    days_past_due: int
    threshold_days_past_due: int
    installment_sequence: int
    overdue_amount: _money_pb2.Money
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., days_past_due: _Optional[int] = ..., threshold_days_past_due: _Optional[int] = ..., installment_sequence: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CreditLineActionTaken(_message.Message):
    __slots__ = ("action_id", "credit_line_id", "borrower_id", "action", "previous_limit", "new_limit", "reason", "alert_id", "taken_at")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NEW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    credit_line_id: str
    borrower_id: str
    action: _resources_pb2.CreditLineActionType
    previous_limit: _money_pb2.Money
    new_limit: _money_pb2.Money
    reason: str
    alert_id: str
    taken_at: _timestamp_pb2.Timestamp
    def __init__(self, action_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., action: _Optional[_Union[_resources_pb2.CreditLineActionType, str]] = ..., previous_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., new_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., alert_id: _Optional[str] = ..., taken_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
