import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BureauIdentityMatch(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUREAU_IDENTITY_MATCH_UNSPECIFIED: _ClassVar[BureauIdentityMatch]
    BUREAU_IDENTITY_MATCH_MATCHED: _ClassVar[BureauIdentityMatch]
    BUREAU_IDENTITY_MATCH_NAME_MISMATCH: _ClassVar[BureauIdentityMatch]
    BUREAU_IDENTITY_MATCH_MOBILE_MISMATCH: _ClassVar[BureauIdentityMatch]
    BUREAU_IDENTITY_MATCH_NOT_FOUND: _ClassVar[BureauIdentityMatch]

class BureauQueryReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUREAU_QUERY_REASON_UNSPECIFIED: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_LOAN_APPROVAL: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_CREDIT_LIMIT_REVIEW: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_CREDIT_CARD_APPROVAL: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_GUARANTEE_REVIEW: _ClassVar[BureauQueryReason]
    BUREAU_QUERY_REASON_SELF_INQUIRY: _ClassVar[BureauQueryReason]

class BureauAccountType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUREAU_ACCOUNT_TYPE_UNSPECIFIED: _ClassVar[BureauAccountType]
    BUREAU_ACCOUNT_TYPE_D1: _ClassVar[BureauAccountType]
    BUREAU_ACCOUNT_TYPE_R4: _ClassVar[BureauAccountType]
    BUREAU_ACCOUNT_TYPE_R1: _ClassVar[BureauAccountType]
    BUREAU_ACCOUNT_TYPE_R2: _ClassVar[BureauAccountType]

class BureauAccountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUREAU_ACCOUNT_STATUS_UNSPECIFIED: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_NORMAL: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_OVERDUE: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_CLOSED: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_BAD_DEBT: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_FROZEN: _ClassVar[BureauAccountStatus]
    BUREAU_ACCOUNT_STATUS_TRANSFERRED: _ClassVar[BureauAccountStatus]

class BureauPublicRecordType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUREAU_PUBLIC_RECORD_TYPE_UNSPECIFIED: _ClassVar[BureauPublicRecordType]
    BUREAU_PUBLIC_RECORD_TYPE_CIVIL_JUDGMENT: _ClassVar[BureauPublicRecordType]
    BUREAU_PUBLIC_RECORD_TYPE_ENFORCEMENT: _ClassVar[BureauPublicRecordType]
    BUREAU_PUBLIC_RECORD_TYPE_ADMINISTRATIVE_PENALTY: _ClassVar[BureauPublicRecordType]
    BUREAU_PUBLIC_RECORD_TYPE_TAX_ARREARS: _ClassVar[BureauPublicRecordType]
BUREAU_IDENTITY_MATCH_UNSPECIFIED: BureauIdentityMatch
BUREAU_IDENTITY_MATCH_MATCHED: BureauIdentityMatch
BUREAU_IDENTITY_MATCH_NAME_MISMATCH: BureauIdentityMatch
BUREAU_IDENTITY_MATCH_MOBILE_MISMATCH: BureauIdentityMatch
BUREAU_IDENTITY_MATCH_NOT_FOUND: BureauIdentityMatch
BUREAU_QUERY_REASON_UNSPECIFIED: BureauQueryReason
BUREAU_QUERY_REASON_LOAN_APPROVAL: BureauQueryReason
BUREAU_QUERY_REASON_POST_LOAN_MANAGEMENT: BureauQueryReason
BUREAU_QUERY_REASON_CREDIT_LIMIT_REVIEW: BureauQueryReason
BUREAU_QUERY_REASON_CREDIT_CARD_APPROVAL: BureauQueryReason
BUREAU_QUERY_REASON_GUARANTEE_REVIEW: BureauQueryReason
BUREAU_QUERY_REASON_SELF_INQUIRY: BureauQueryReason
BUREAU_ACCOUNT_TYPE_UNSPECIFIED: BureauAccountType
BUREAU_ACCOUNT_TYPE_D1: BureauAccountType
BUREAU_ACCOUNT_TYPE_R4: BureauAccountType
BUREAU_ACCOUNT_TYPE_R1: BureauAccountType
BUREAU_ACCOUNT_TYPE_R2: BureauAccountType
BUREAU_ACCOUNT_STATUS_UNSPECIFIED: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_NORMAL: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_OVERDUE: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_CLOSED: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_BAD_DEBT: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_FROZEN: BureauAccountStatus
BUREAU_ACCOUNT_STATUS_TRANSFERRED: BureauAccountStatus
BUREAU_PUBLIC_RECORD_TYPE_UNSPECIFIED: BureauPublicRecordType
BUREAU_PUBLIC_RECORD_TYPE_CIVIL_JUDGMENT: BureauPublicRecordType
BUREAU_PUBLIC_RECORD_TYPE_ENFORCEMENT: BureauPublicRecordType
BUREAU_PUBLIC_RECORD_TYPE_ADMINISTRATIVE_PENALTY: BureauPublicRecordType
BUREAU_PUBLIC_RECORD_TYPE_TAX_ARREARS: BureauPublicRecordType

class MatchIdentityRequest(_message.Message):
    __slots__ = ("name", "resident_id_number", "mobile_number")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    name: str
    resident_id_number: str
    mobile_number: str
    def __init__(self, name: _Optional[str] = ..., resident_id_number: _Optional[str] = ..., mobile_number: _Optional[str] = ...) -> None: ...

class MatchIdentityResponse(_message.Message):
    __slots__ = ("outcome", "bureau_reference")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    BUREAU_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    outcome: BureauIdentityMatch
    bureau_reference: str
    def __init__(self, outcome: _Optional[_Union[BureauIdentityMatch, str]] = ..., bureau_reference: _Optional[str] = ...) -> None: ...

class QueryCreditReportRequest(_message.Message):
    __slots__ = ("request_id", "name", "resident_id_number", "reason", "institution_code")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_CODE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    resident_id_number: str
    reason: BureauQueryReason
    institution_code: str
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., resident_id_number: _Optional[str] = ..., reason: _Optional[_Union[BureauQueryReason, str]] = ..., institution_code: _Optional[str] = ...) -> None: ...

class QueryCreditReportResponse(_message.Message):
    __slots__ = ("found", "report")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    found: bool
    report: BureauCreditReport
    def __init__(self, found: _Optional[bool] = ..., report: _Optional[_Union[BureauCreditReport, _Mapping]] = ...) -> None: ...

class BureauCreditReport(_message.Message):
    __slots__ = ("report_number", "reported_at", "basic_info", "summary", "credit_accounts", "public_records", "inquiry_records")
    REPORT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    BASIC_INFO_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CREDIT_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_RECORDS_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_RECORDS_FIELD_NUMBER: _ClassVar[int]
    report_number: str
    reported_at: _timestamp_pb2.Timestamp
    basic_info: BureauBasicInfo
    summary: BureauSummary
    credit_accounts: _containers.RepeatedCompositeFieldContainer[BureauCreditAccount]
    public_records: _containers.RepeatedCompositeFieldContainer[BureauPublicRecord]
    inquiry_records: _containers.RepeatedCompositeFieldContainer[BureauInquiryRecord]
    def __init__(self, report_number: _Optional[str] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., basic_info: _Optional[_Union[BureauBasicInfo, _Mapping]] = ..., summary: _Optional[_Union[BureauSummary, _Mapping]] = ..., credit_accounts: _Optional[_Iterable[_Union[BureauCreditAccount, _Mapping]]] = ..., public_records: _Optional[_Iterable[_Union[BureauPublicRecord, _Mapping]]] = ..., inquiry_records: _Optional[_Iterable[_Union[BureauInquiryRecord, _Mapping]]] = ...) -> None: ...

class BureauBasicInfo(_message.Message):
    __slots__ = ("name", "resident_id_number", "mobile_number", "gender", "birth_date", "marital_status", "education", "employer", "employer_industry", "residential_address", "months_at_residence")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    MARITAL_STATUS_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    RESIDENTIAL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    MONTHS_AT_RESIDENCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    resident_id_number: str
    mobile_number: str
    gender: str
    birth_date: _money_pb2.Date
    marital_status: str
    education: str
    employer: str
    employer_industry: str
    residential_address: str
    months_at_residence: int
    def __init__(self, name: _Optional[str] = ..., resident_id_number: _Optional[str] = ..., mobile_number: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., marital_status: _Optional[str] = ..., education: _Optional[str] = ..., employer: _Optional[str] = ..., employer_industry: _Optional[str] = ..., residential_address: _Optional[str] = ..., months_at_residence: _Optional[int] = ...) -> None: ...

class BureauSummary(_message.Message):
    __slots__ = ("open_loan_accounts", "open_credit_card_accounts", "overdue_accounts", "max_overdue_months", "bad_debt_accounts", "total_credit_limit", "total_credit_used", "total_outstanding", "average_used_6_months")
    OPEN_LOAN_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    OPEN_CREDIT_CARD_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    MAX_OVERDUE_MONTHS_FIELD_NUMBER: _ClassVar[int]
    BAD_DEBT_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CREDIT_USED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_USED_6_MONTHS_FIELD_NUMBER: _ClassVar[int]
    open_loan_accounts: int
    open_credit_card_accounts: int
    overdue_accounts: int
    max_overdue_months: int
    bad_debt_accounts: int
    total_credit_limit: _money_pb2.Money
    total_credit_used: _money_pb2.Money
    total_outstanding: _money_pb2.Money
    average_used_6_months: _money_pb2.Money
    def __init__(self, open_loan_accounts: _Optional[int] = ..., open_credit_card_accounts: _Optional[int] = ..., overdue_accounts: _Optional[int] = ..., max_overdue_months: _Optional[int] = ..., bad_debt_accounts: _Optional[int] = ..., total_credit_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total_credit_used: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total_outstanding: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., average_used_6_months: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class BureauCreditAccount(_message.Message):
    __slots__ = ("account_number", "account_type", "institution_name", "institution_type", "opened_on", "matures_on", "credit_limit_or_principal", "balance", "overdue_amount", "overdue_periods", "status", "repayment_status_24_months", "status_month")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_NAME_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPENED_ON_FIELD_NUMBER: _ClassVar[int]
    MATURES_ON_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_OR_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_PERIODS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_STATUS_24_MONTHS_FIELD_NUMBER: _ClassVar[int]
    STATUS_MONTH_FIELD_NUMBER: _ClassVar[int]
    account_number: str
    account_type: BureauAccountType
    institution_name: str
    institution_type: str
    opened_on: _money_pb2.Date
    matures_on: _money_pb2.Date
    credit_limit_or_principal: _money_pb2.Money
    balance: _money_pb2.Money
    overdue_amount: _money_pb2.Money
    overdue_periods: int
    status: BureauAccountStatus
    repayment_status_24_months: str
    status_month: _money_pb2.Date
    def __init__(self, account_number: _Optional[str] = ..., account_type: _Optional[_Union[BureauAccountType, str]] = ..., institution_name: _Optional[str] = ..., institution_type: _Optional[str] = ..., opened_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., matures_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., credit_limit_or_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_periods: _Optional[int] = ..., status: _Optional[_Union[BureauAccountStatus, str]] = ..., repayment_status_24_months: _Optional[str] = ..., status_month: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class BureauPublicRecord(_message.Message):
    __slots__ = ("record_type", "authority", "filed_on", "amount", "status")
    RECORD_TYPE_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    FILED_ON_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    record_type: BureauPublicRecordType
    authority: str
    filed_on: _money_pb2.Date
    amount: _money_pb2.Money
    status: str
    def __init__(self, record_type: _Optional[_Union[BureauPublicRecordType, str]] = ..., authority: _Optional[str] = ..., filed_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class BureauInquiryRecord(_message.Message):
    __slots__ = ("inquired_on", "institution_name", "institution_type", "reason")
    INQUIRED_ON_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_NAME_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    inquired_on: _money_pb2.Date
    institution_name: str
    institution_type: str
    reason: BureauQueryReason
    def __init__(self, inquired_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., institution_name: _Optional[str] = ..., institution_type: _Optional[str] = ..., reason: _Optional[_Union[BureauQueryReason, str]] = ...) -> None: ...

class SetBureauFaultsRequest(_message.Message):
    __slots__ = ("request_id", "latency_ms", "error_rate", "outage", "seed")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    OUTAGE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    latency_ms: int
    error_rate: _money_pb2.DecimalValue
    outage: bool
    seed: int
    def __init__(self, request_id: _Optional[str] = ..., latency_ms: _Optional[int] = ..., error_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., outage: _Optional[bool] = ..., seed: _Optional[int] = ...) -> None: ...

class SetBureauFaultsResponse(_message.Message):
    __slots__ = ("latency_ms", "error_rate", "outage")
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    OUTAGE_FIELD_NUMBER: _ClassVar[int]
    latency_ms: int
    error_rate: _money_pb2.DecimalValue
    outage: bool
    def __init__(self, latency_ms: _Optional[int] = ..., error_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., outage: _Optional[bool] = ...) -> None: ...
