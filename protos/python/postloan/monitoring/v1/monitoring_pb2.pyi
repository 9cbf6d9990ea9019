import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import classification_pb2 as _classification_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from postloan.monitoring.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RateBasis(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RATE_BASIS_UNSPECIFIED: _ClassVar[RateBasis]
    RATE_BASIS_COUNT: _ClassVar[RateBasis]
    RATE_BASIS_BALANCE: _ClassVar[RateBasis]
RATE_BASIS_UNSPECIFIED: RateBasis
RATE_BASIS_COUNT: RateBasis
RATE_BASIS_BALANCE: RateBasis

class RegisterLoanRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "borrower_id", "credit_line_id", "terms", "supplied_schedule")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    borrower_id: str
    credit_line_id: str
    terms: _resources_pb2.LoanTerms
    supplied_schedule: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ScheduledInstallment]
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., terms: _Optional[_Union[_resources_pb2.LoanTerms, _Mapping]] = ..., supplied_schedule: _Optional[_Iterable[_Union[_resources_pb2.ScheduledInstallment, _Mapping]]] = ...) -> None: ...

class RegisterLoanResponse(_message.Message):
    __slots__ = ("loan", "installments")
    LOAN_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    loan: _resources_pb2.Loan
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Installment]
    def __init__(self, loan: _Optional[_Union[_resources_pb2.Loan, _Mapping]] = ..., installments: _Optional[_Iterable[_Union[_resources_pb2.Installment, _Mapping]]] = ...) -> None: ...

class GetLoanRequest(_message.Message):
    __slots__ = ("loan_id", "include_schedule")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    include_schedule: bool
    def __init__(self, loan_id: _Optional[str] = ..., include_schedule: _Optional[bool] = ...) -> None: ...

class GetLoanResponse(_message.Message):
    __slots__ = ("loan", "installments")
    LOAN_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    loan: _resources_pb2.Loan
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Installment]
    def __init__(self, loan: _Optional[_Union[_resources_pb2.Loan, _Mapping]] = ..., installments: _Optional[_Iterable[_Union[_resources_pb2.Installment, _Mapping]]] = ...) -> None: ...

class ListLoansRequest(_message.Message):
    __slots__ = ("borrower_id", "states", "buckets", "credit_line_id", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.LoanState]
    buckets: _containers.RepeatedScalarFieldContainer[str]
    credit_line_id: str
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.LoanState, str]]] = ..., buckets: _Optional[_Iterable[str]] = ..., credit_line_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLoansResponse(_message.Message):
    __slots__ = ("loans", "next_page_token")
    LOANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    loans: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Loan]
    next_page_token: str
    def __init__(self, loans: _Optional[_Iterable[_Union[_resources_pb2.Loan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetLoanScheduleRequest(_message.Message):
    __slots__ = ("loan_id", "include_superseded")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SUPERSEDED_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    include_superseded: bool
    def __init__(self, loan_id: _Optional[str] = ..., include_superseded: _Optional[bool] = ...) -> None: ...

class GetLoanScheduleResponse(_message.Message):
    __slots__ = ("installments", "loan_version")
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Installment]
    loan_version: int
    def __init__(self, installments: _Optional[_Iterable[_Union[_resources_pb2.Installment, _Mapping]]] = ..., loan_version: _Optional[int] = ...) -> None: ...

class ListBucketHistoryRequest(_message.Message):
    __slots__ = ("loan_id", "page_size", "page_token")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    page_size: int
    page_token: str
    def __init__(self, loan_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBucketHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_resources_pb2.BucketHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_resources_pb2.BucketHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ComputeScheduleRequest(_message.Message):
    __slots__ = ("principal", "annual_rate", "term_periods", "repayment_method", "start_date", "due_day")
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    TERM_PERIODS_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DAY_FIELD_NUMBER: _ClassVar[int]
    principal: _money_pb2.Money
    annual_rate: _money_pb2.DecimalValue
    term_periods: int
    repayment_method: _resources_pb2.RepaymentMethod
    start_date: _money_pb2.Date
    due_day: int
    def __init__(self, principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., term_periods: _Optional[int] = ..., repayment_method: _Optional[_Union[_resources_pb2.RepaymentMethod, str]] = ..., start_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., due_day: _Optional[int] = ...) -> None: ...

class ComputeScheduleResponse(_message.Message):
    __slots__ = ("installments", "total_interest", "annualized_cost")
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_INTEREST_FIELD_NUMBER: _ClassVar[int]
    ANNUALIZED_COST_FIELD_NUMBER: _ClassVar[int]
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ScheduledInstallment]
    total_interest: _money_pb2.Money
    annualized_cost: _money_pb2.DecimalValue
    def __init__(self, installments: _Optional[_Iterable[_Union[_resources_pb2.ScheduledInstallment, _Mapping]]] = ..., total_interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., annualized_cost: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class ReplaceScheduleRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "plan_id", "expected_loan_version", "effective_date", "annual_rate", "installments", "principal_waiver", "interest_waiver", "breach_days_past_due")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_WAIVER_FIELD_NUMBER: _ClassVar[int]
    INTEREST_WAIVER_FIELD_NUMBER: _ClassVar[int]
    BREACH_DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    plan_id: str
    expected_loan_version: int
    effective_date: _money_pb2.Date
    annual_rate: _money_pb2.DecimalValue
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ScheduledInstallment]
    principal_waiver: _money_pb2.Money
    interest_waiver: _money_pb2.Money
    breach_days_past_due: int
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., expected_loan_version: _Optional[int] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., installments: _Optional[_Iterable[_Union[_resources_pb2.ScheduledInstallment, _Mapping]]] = ..., principal_waiver: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_waiver: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., breach_days_past_due: _Optional[int] = ...) -> None: ...

class ReplaceScheduleResponse(_message.Message):
    __slots__ = ("loan", "installments", "penalty_waived", "already_applied")
    LOAN_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    PENALTY_WAIVED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_APPLIED_FIELD_NUMBER: _ClassVar[int]
    loan: _resources_pb2.Loan
    installments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Installment]
    penalty_waived: _money_pb2.Money
    already_applied: bool
    def __init__(self, loan: _Optional[_Union[_resources_pb2.Loan, _Mapping]] = ..., installments: _Optional[_Iterable[_Union[_resources_pb2.Installment, _Mapping]]] = ..., penalty_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., already_applied: _Optional[bool] = ...) -> None: ...

class PostRepaymentRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "amount", "paid_at", "channel", "external_transaction_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    amount: _money_pb2.Money
    paid_at: _timestamp_pb2.Timestamp
    channel: _resources_pb2.RepaymentChannel
    external_transaction_id: str
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[_resources_pb2.RepaymentChannel, str]] = ..., external_transaction_id: _Optional[str] = ...) -> None: ...

class PostRepaymentResponse(_message.Message):
    __slots__ = ("repayment", "loan")
    REPAYMENT_FIELD_NUMBER: _ClassVar[int]
    LOAN_FIELD_NUMBER: _ClassVar[int]
    repayment: _resources_pb2.Repayment
    loan: _resources_pb2.Loan
    def __init__(self, repayment: _Optional[_Union[_resources_pb2.Repayment, _Mapping]] = ..., loan: _Optional[_Union[_resources_pb2.Loan, _Mapping]] = ...) -> None: ...

class ReverseRepaymentRequest(_message.Message):
    __slots__ = ("request_id", "repayment_id", "reason", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    repayment_id: str
    reason: _resources_pb2.ReversalReason
    note: str
    def __init__(self, request_id: _Optional[str] = ..., repayment_id: _Optional[str] = ..., reason: _Optional[_Union[_resources_pb2.ReversalReason, str]] = ..., note: _Optional[str] = ...) -> None: ...

class ReverseRepaymentResponse(_message.Message):
    __slots__ = ("repayment", "loan")
    REPAYMENT_FIELD_NUMBER: _ClassVar[int]
    LOAN_FIELD_NUMBER: _ClassVar[int]
    repayment: _resources_pb2.Repayment
    loan: _resources_pb2.Loan
    def __init__(self, repayment: _Optional[_Union[_resources_pb2.Repayment, _Mapping]] = ..., loan: _Optional[_Union[_resources_pb2.Loan, _Mapping]] = ...) -> None: ...

class GetRepaymentRequest(_message.Message):
    __slots__ = ("repayment_id",)
    REPAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    repayment_id: str
    def __init__(self, repayment_id: _Optional[str] = ...) -> None: ...

class GetRepaymentResponse(_message.Message):
    __slots__ = ("repayment",)
    REPAYMENT_FIELD_NUMBER: _ClassVar[int]
    repayment: _resources_pb2.Repayment
    def __init__(self, repayment: _Optional[_Union[_resources_pb2.Repayment, _Mapping]] = ...) -> None: ...

class ListRepaymentsRequest(_message.Message):
    __slots__ = ("loan_id", "include_reversed", "page_size", "page_token")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REVERSED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    include_reversed: bool
    page_size: int
    page_token: str
    def __init__(self, loan_id: _Optional[str] = ..., include_reversed: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRepaymentsResponse(_message.Message):
    __slots__ = ("repayments", "next_page_token")
    REPAYMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    repayments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Repayment]
    next_page_token: str
    def __init__(self, repayments: _Optional[_Iterable[_Union[_resources_pb2.Repayment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RunDailyCycleRequest(_message.Message):
    __slots__ = ("request_id", "business_date", "partition_index", "partition_count")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    PARTITION_INDEX_FIELD_NUMBER: _ClassVar[int]
    PARTITION_COUNT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    business_date: _money_pb2.Date
    partition_index: int
    partition_count: int
    def __init__(self, request_id: _Optional[str] = ..., business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., partition_index: _Optional[int] = ..., partition_count: _Optional[int] = ...) -> None: ...

class RunDailyCycleResponse(_message.Message):
    __slots__ = ("run", "phase", "phase_loans_done", "phase_loans_total")
    RUN_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    PHASE_LOANS_DONE_FIELD_NUMBER: _ClassVar[int]
    PHASE_LOANS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    run: _resources_pb2.DailyCycleRun
    phase: _resources_pb2.DailyCyclePhase
    phase_loans_done: int
    phase_loans_total: int
    def __init__(self, run: _Optional[_Union[_resources_pb2.DailyCycleRun, _Mapping]] = ..., phase: _Optional[_Union[_resources_pb2.DailyCyclePhase, str]] = ..., phase_loans_done: _Optional[int] = ..., phase_loans_total: _Optional[int] = ...) -> None: ...

class GetDailyCycleStatusRequest(_message.Message):
    __slots__ = ("business_date",)
    BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    business_date: _money_pb2.Date
    def __init__(self, business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class GetDailyCycleStatusResponse(_message.Message):
    __slots__ = ("runs", "completed", "last_completed_business_date")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    LAST_COMPLETED_BUSINESS_DATE_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.DailyCycleRun]
    completed: bool
    last_completed_business_date: _money_pb2.Date
    def __init__(self, runs: _Optional[_Iterable[_Union[_resources_pb2.DailyCycleRun, _Mapping]]] = ..., completed: _Optional[bool] = ..., last_completed_business_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class ListDailyCycleRunsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDailyCycleRunsResponse(_message.Message):
    __slots__ = ("runs", "next_page_token")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[_resources_pb2.DailyCycleRun]
    next_page_token: str
    def __init__(self, runs: _Optional[_Iterable[_Union[_resources_pb2.DailyCycleRun, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("borrower_id", "loan_id", "states", "severities", "rule_codes", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    SEVERITIES_FIELD_NUMBER: _ClassVar[int]
    RULE_CODES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    loan_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.AlertState]
    severities: _containers.RepeatedScalarFieldContainer[_resources_pb2.AlertSeverity]
    rule_codes: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.AlertState, str]]] = ..., severities: _Optional[_Iterable[_Union[_resources_pb2.AlertSeverity, str]]] = ..., rule_codes: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Alert]
    next_page_token: str
    def __init__(self, alerts: _Optional[_Iterable[_Union[_resources_pb2.Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetAlertRequest(_message.Message):
    __slots__ = ("alert_id",)
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    def __init__(self, alert_id: _Optional[str] = ...) -> None: ...

class GetAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _resources_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_resources_pb2.Alert, _Mapping]] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("request_id", "alert_id", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    alert_id: str
    note: str
    def __init__(self, request_id: _Optional[str] = ..., alert_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class AcknowledgeAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _resources_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_resources_pb2.Alert, _Mapping]] = ...) -> None: ...

class ResolveAlertRequest(_message.Message):
    __slots__ = ("request_id", "alert_id", "resolution", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    alert_id: str
    resolution: _resources_pb2.AlertResolution
    note: str
    def __init__(self, request_id: _Optional[str] = ..., alert_id: _Optional[str] = ..., resolution: _Optional[_Union[_resources_pb2.AlertResolution, str]] = ..., note: _Optional[str] = ...) -> None: ...

class ResolveAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _resources_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_resources_pb2.Alert, _Mapping]] = ...) -> None: ...

class PaidOffReviewCandidate(_message.Message):
    __slots__ = ("borrower_id", "last_paid_off_date", "paid_off_loan_ids", "inquiries_since_payoff", "alerts_since_payoff", "latest_score", "score_change_since_payoff", "signals")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_PAID_OFF_DATE_FIELD_NUMBER: _ClassVar[int]
    PAID_OFF_LOAN_IDS_FIELD_NUMBER: _ClassVar[int]
    INQUIRIES_SINCE_PAYOFF_FIELD_NUMBER: _ClassVar[int]
    ALERTS_SINCE_PAYOFF_FIELD_NUMBER: _ClassVar[int]
    LATEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    SCORE_CHANGE_SINCE_PAYOFF_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    last_paid_off_date: _money_pb2.Date
    paid_off_loan_ids: _containers.RepeatedScalarFieldContainer[str]
    inquiries_since_payoff: int
    alerts_since_payoff: int
    latest_score: int
    score_change_since_payoff: int
    signals: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, borrower_id: _Optional[str] = ..., last_paid_off_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., paid_off_loan_ids: _Optional[_Iterable[str]] = ..., inquiries_since_payoff: _Optional[int] = ..., alerts_since_payoff: _Optional[int] = ..., latest_score: _Optional[int] = ..., score_change_since_payoff: _Optional[int] = ..., signals: _Optional[_Iterable[str]] = ...) -> None: ...

class ListPaidOffReviewCandidatesRequest(_message.Message):
    __slots__ = ("as_of", "lookback_days", "page_size", "page_token")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    lookback_days: int
    page_size: int
    page_token: str
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., lookback_days: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPaidOffReviewCandidatesResponse(_message.Message):
    __slots__ = ("candidates", "next_page_token")
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[PaidOffReviewCandidate]
    next_page_token: str
    def __init__(self, candidates: _Optional[_Iterable[_Union[PaidOffReviewCandidate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RegisterCreditLineRequest(_message.Message):
    __slots__ = ("request_id", "credit_line_id", "borrower_id", "credit_limit")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    credit_line_id: str
    borrower_id: str
    credit_limit: _money_pb2.Money
    def __init__(self, request_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., credit_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RegisterCreditLineResponse(_message.Message):
    __slots__ = ("credit_line",)
    CREDIT_LINE_FIELD_NUMBER: _ClassVar[int]
    credit_line: _resources_pb2.CreditLine
    def __init__(self, credit_line: _Optional[_Union[_resources_pb2.CreditLine, _Mapping]] = ...) -> None: ...

class GetCreditLineRequest(_message.Message):
    __slots__ = ("credit_line_id",)
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    credit_line_id: str
    def __init__(self, credit_line_id: _Optional[str] = ...) -> None: ...

class GetCreditLineResponse(_message.Message):
    __slots__ = ("credit_line",)
    CREDIT_LINE_FIELD_NUMBER: _ClassVar[int]
    credit_line: _resources_pb2.CreditLine
    def __init__(self, credit_line: _Optional[_Union[_resources_pb2.CreditLine, _Mapping]] = ...) -> None: ...

class ListCreditLinesRequest(_message.Message):
    __slots__ = ("borrower_id", "states", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.CreditLineState]
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.CreditLineState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCreditLinesResponse(_message.Message):
    __slots__ = ("credit_lines", "next_page_token")
    CREDIT_LINES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    credit_lines: _containers.RepeatedCompositeFieldContainer[_resources_pb2.CreditLine]
    next_page_token: str
    def __init__(self, credit_lines: _Optional[_Iterable[_Union[_resources_pb2.CreditLine, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class TakeCreditLineActionRequest(_message.Message):
    __slots__ = ("request_id", "credit_line_id", "action", "new_limit", "reason", "alert_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    NEW_LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    credit_line_id: str
    action: _resources_pb2.CreditLineActionType
    new_limit: _money_pb2.Money
    reason: str
    alert_id: str
    def __init__(self, request_id: _Optional[str] = ..., credit_line_id: _Optional[str] = ..., action: _Optional[_Union[_resources_pb2.CreditLineActionType, str]] = ..., new_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., alert_id: _Optional[str] = ...) -> None: ...

class TakeCreditLineActionResponse(_message.Message):
    __slots__ = ("action", "credit_line")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LINE_FIELD_NUMBER: _ClassVar[int]
    action: _resources_pb2.CreditLineAction
    credit_line: _resources_pb2.CreditLine
    def __init__(self, action: _Optional[_Union[_resources_pb2.CreditLineAction, _Mapping]] = ..., credit_line: _Optional[_Union[_resources_pb2.CreditLine, _Mapping]] = ...) -> None: ...

class ListCreditLineActionsRequest(_message.Message):
    __slots__ = ("credit_line_id", "page_size", "page_token")
    CREDIT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    credit_line_id: str
    page_size: int
    page_token: str
    def __init__(self, credit_line_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCreditLineActionsResponse(_message.Message):
    __slots__ = ("actions", "next_page_token")
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.CreditLineAction]
    next_page_token: str
    def __init__(self, actions: _Optional[_Iterable[_Union[_resources_pb2.CreditLineAction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDelinquencyByBucketRequest(_message.Message):
    __slots__ = ("as_of", "product_code")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    product_code: str
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., product_code: _Optional[str] = ...) -> None: ...

class BucketRow(_message.Message):
    __slots__ = ("bucket", "loan_count", "outstanding_principal", "share_of_count", "share_of_balance")
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    LOAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    SHARE_OF_COUNT_FIELD_NUMBER: _ClassVar[int]
    SHARE_OF_BALANCE_FIELD_NUMBER: _ClassVar[int]
    bucket: str
    loan_count: int
    outstanding_principal: _money_pb2.Money
    share_of_count: _money_pb2.DecimalValue
    share_of_balance: _money_pb2.DecimalValue
    def __init__(self, bucket: _Optional[str] = ..., loan_count: _Optional[int] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., share_of_count: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., share_of_balance: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class GetDelinquencyByBucketResponse(_message.Message):
    __slots__ = ("as_of", "rows", "total_loan_count", "total_outstanding_principal", "delinquency_rate")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LOAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    DELINQUENCY_RATE_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    rows: _containers.RepeatedCompositeFieldContainer[BucketRow]
    total_loan_count: int
    total_outstanding_principal: _money_pb2.Money
    delinquency_rate: _money_pb2.DecimalValue
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[BucketRow, _Mapping]]] = ..., total_loan_count: _Optional[int] = ..., total_outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., delinquency_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class GetRollRateMatrixRequest(_message.Message):
    __slots__ = ("from_month", "to_month", "basis", "product_code")
    FROM_MONTH_FIELD_NUMBER: _ClassVar[int]
    TO_MONTH_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    from_month: _money_pb2.Date
    to_month: _money_pb2.Date
    basis: RateBasis
    product_code: str
    def __init__(self, from_month: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., to_month: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., basis: _Optional[_Union[RateBasis, str]] = ..., product_code: _Optional[str] = ...) -> None: ...

class RollRateCell(_message.Message):
    __slots__ = ("from_bucket", "to_bucket", "loan_count", "outstanding_principal", "rate")
    FROM_BUCKET_FIELD_NUMBER: _ClassVar[int]
    TO_BUCKET_FIELD_NUMBER: _ClassVar[int]
    LOAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    from_bucket: str
    to_bucket: str
    loan_count: int
    outstanding_principal: _money_pb2.Money
    rate: _money_pb2.DecimalValue
    def __init__(self, from_bucket: _Optional[str] = ..., to_bucket: _Optional[str] = ..., loan_count: _Optional[int] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class GetRollRateMatrixResponse(_message.Message):
    __slots__ = ("buckets", "cells", "basis")
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    buckets: _containers.RepeatedScalarFieldContainer[str]
    cells: _containers.RepeatedCompositeFieldContainer[RollRateCell]
    basis: RateBasis
    def __init__(self, buckets: _Optional[_Iterable[str]] = ..., cells: _Optional[_Iterable[_Union[RollRateCell, _Mapping]]] = ..., basis: _Optional[_Union[RateBasis, str]] = ...) -> None: ...

class GetVintageCurvesRequest(_message.Message):
    __slots__ = ("from_vintage", "to_vintage", "days_past_due_threshold", "max_months_on_book", "basis")
    FROM_VINTAGE_FIELD_NUMBER: _ClassVar[int]
    TO_VINTAGE_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MAX_MONTHS_ON_BOOK_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    from_vintage: _money_pb2.Date
    to_vintage: _money_pb2.Date
    days_past_due_threshold: int
    max_months_on_book: int
    basis: RateBasis
    def __init__(self, from_vintage: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., to_vintage: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., days_past_due_threshold: _Optional[int] = ..., max_months_on_book: _Optional[int] = ..., basis: _Optional[_Union[RateBasis, str]] = ...) -> None: ...

class VintagePoint(_message.Message):
    __slots__ = ("months_on_book", "rate")
    MONTHS_ON_BOOK_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    months_on_book: int
    rate: _money_pb2.DecimalValue
    def __init__(self, months_on_book: _Optional[int] = ..., rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class VintageCurve(_message.Message):
    __slots__ = ("vintage", "loan_count", "disbursed_principal", "points")
    VINTAGE_FIELD_NUMBER: _ClassVar[int]
    LOAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    DISBURSED_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    vintage: _money_pb2.Date
    loan_count: int
    disbursed_principal: _money_pb2.Money
    points: _containers.RepeatedCompositeFieldContainer[VintagePoint]
    def __init__(self, vintage: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., loan_count: _Optional[int] = ..., disbursed_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., points: _Optional[_Iterable[_Union[VintagePoint, _Mapping]]] = ...) -> None: ...

class GetVintageCurvesResponse(_message.Message):
    __slots__ = ("curves", "days_past_due_threshold")
    CURVES_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    curves: _containers.RepeatedCompositeFieldContainer[VintageCurve]
    days_past_due_threshold: int
    def __init__(self, curves: _Optional[_Iterable[_Union[VintageCurve, _Mapping]]] = ..., days_past_due_threshold: _Optional[int] = ...) -> None: ...

class GetNplRatioRequest(_message.Message):
    __slots__ = ("as_of", "product_code")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    product_code: str
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., product_code: _Optional[str] = ...) -> None: ...

class ClassificationRow(_message.Message):
    __slots__ = ("classification", "loan_count", "outstanding_principal")
    CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    LOAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    classification: _classification_pb2.LoanClassification
    loan_count: int
    outstanding_principal: _money_pb2.Money
    def __init__(self, classification: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., loan_count: _Optional[int] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GetNplRatioResponse(_message.Message):
    __slots__ = ("as_of", "rows", "non_performing_principal", "total_outstanding_principal", "npl_ratio")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    NON_PERFORMING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    NPL_RATIO_FIELD_NUMBER: _ClassVar[int]
    as_of: _money_pb2.Date
    rows: _containers.RepeatedCompositeFieldContainer[ClassificationRow]
    non_performing_principal: _money_pb2.Money
    total_outstanding_principal: _money_pb2.Money
    npl_ratio: _money_pb2.DecimalValue
    def __init__(self, as_of: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[ClassificationRow, _Mapping]]] = ..., non_performing_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total_outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., npl_ratio: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...
