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

class CreditAccountType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_ACCOUNT_TYPE_UNSPECIFIED: _ClassVar[CreditAccountType]
    CREDIT_ACCOUNT_TYPE_NON_REVOLVING_LOAN: _ClassVar[CreditAccountType]
    CREDIT_ACCOUNT_TYPE_REVOLVING_LINE: _ClassVar[CreditAccountType]
    CREDIT_ACCOUNT_TYPE_REVOLVING_LOAN: _ClassVar[CreditAccountType]
    CREDIT_ACCOUNT_TYPE_CREDIT_CARD: _ClassVar[CreditAccountType]

class CreditAccountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_ACCOUNT_STATUS_UNSPECIFIED: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_NORMAL: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_OVERDUE: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_CLOSED: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_BAD_DEBT: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_FROZEN: _ClassVar[CreditAccountStatus]
    CREDIT_ACCOUNT_STATUS_TRANSFERRED: _ClassVar[CreditAccountStatus]

class PublicRecordType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PUBLIC_RECORD_TYPE_UNSPECIFIED: _ClassVar[PublicRecordType]
    PUBLIC_RECORD_TYPE_CIVIL_JUDGMENT: _ClassVar[PublicRecordType]
    PUBLIC_RECORD_TYPE_ENFORCEMENT: _ClassVar[PublicRecordType]
    PUBLIC_RECORD_TYPE_ADMINISTRATIVE_PENALTY: _ClassVar[PublicRecordType]
    PUBLIC_RECORD_TYPE_TAX_ARREARS: _ClassVar[PublicRecordType]

class ReportInquiryReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_INQUIRY_REASON_UNSPECIFIED: _ClassVar[ReportInquiryReason]
    REPORT_INQUIRY_REASON_LOAN_APPROVAL: _ClassVar[ReportInquiryReason]
    REPORT_INQUIRY_REASON_CREDIT_CARD_APPROVAL: _ClassVar[ReportInquiryReason]
    REPORT_INQUIRY_REASON_POST_LOAN_MANAGEMENT: _ClassVar[ReportInquiryReason]
    REPORT_INQUIRY_REASON_GUARANTEE_REVIEW: _ClassVar[ReportInquiryReason]
    REPORT_INQUIRY_REASON_SELF_INQUIRY: _ClassVar[ReportInquiryReason]
CREDIT_ACCOUNT_TYPE_UNSPECIFIED: CreditAccountType
CREDIT_ACCOUNT_TYPE_NON_REVOLVING_LOAN: CreditAccountType
CREDIT_ACCOUNT_TYPE_REVOLVING_LINE: CreditAccountType
CREDIT_ACCOUNT_TYPE_REVOLVING_LOAN: CreditAccountType
CREDIT_ACCOUNT_TYPE_CREDIT_CARD: CreditAccountType
CREDIT_ACCOUNT_STATUS_UNSPECIFIED: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_NORMAL: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_OVERDUE: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_CLOSED: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_BAD_DEBT: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_FROZEN: CreditAccountStatus
CREDIT_ACCOUNT_STATUS_TRANSFERRED: CreditAccountStatus
PUBLIC_RECORD_TYPE_UNSPECIFIED: PublicRecordType
PUBLIC_RECORD_TYPE_CIVIL_JUDGMENT: PublicRecordType
PUBLIC_RECORD_TYPE_ENFORCEMENT: PublicRecordType
PUBLIC_RECORD_TYPE_ADMINISTRATIVE_PENALTY: PublicRecordType
PUBLIC_RECORD_TYPE_TAX_ARREARS: PublicRecordType
REPORT_INQUIRY_REASON_UNSPECIFIED: ReportInquiryReason
REPORT_INQUIRY_REASON_LOAN_APPROVAL: ReportInquiryReason
REPORT_INQUIRY_REASON_CREDIT_CARD_APPROVAL: ReportInquiryReason
REPORT_INQUIRY_REASON_POST_LOAN_MANAGEMENT: ReportInquiryReason
REPORT_INQUIRY_REASON_GUARANTEE_REVIEW: ReportInquiryReason
REPORT_INQUIRY_REASON_SELF_INQUIRY: ReportInquiryReason

class CreditReport(_message.Message):
    __slots__ = ("report_id", "borrower_id", "bureau_report_number", "reported_at", "purge_after", "basic_info", "summary", "credit_accounts", "public_records", "inquiry_entries")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    BUREAU_REPORT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    PURGE_AFTER_FIELD_NUMBER: _ClassVar[int]
    BASIC_INFO_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CREDIT_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_RECORDS_FIELD_NUMBER: _ClassVar[int]
    INQUIRY_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    borrower_id: str
    bureau_report_number: str
    reported_at: _timestamp_pb2.Timestamp
    purge_after: _timestamp_pb2.Timestamp
    basic_info: ReportBasicInfo
    summary: ReportSummary
    credit_accounts: _containers.RepeatedCompositeFieldContainer[ReportCreditAccount]
    public_records: _containers.RepeatedCompositeFieldContainer[ReportPublicRecord]
    inquiry_entries: _containers.RepeatedCompositeFieldContainer[ReportInquiryEntry]
    def __init__(self, report_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., bureau_report_number: _Optional[str] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., purge_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., basic_info: _Optional[_Union[ReportBasicInfo, _Mapping]] = ..., summary: _Optional[_Union[ReportSummary, _Mapping]] = ..., credit_accounts: _Optional[_Iterable[_Union[ReportCreditAccount, _Mapping]]] = ..., public_records: _Optional[_Iterable[_Union[ReportPublicRecord, _Mapping]]] = ..., inquiry_entries: _Optional[_Iterable[_Union[ReportInquiryEntry, _Mapping]]] = ...) -> None: ...

class ReportBasicInfo(_message.Message):
    __slots__ = ("masked_name", "masked_resident_id_number", "masked_mobile", "gender", "birth_year", "marital_status", "education", "employer_industry", "months_at_residence")
    MASKED_NAME_FIELD_NUMBER: _ClassVar[int]
    MASKED_RESIDENT_ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MASKED_MOBILE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_YEAR_FIELD_NUMBER: _ClassVar[int]
    MARITAL_STATUS_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    MONTHS_AT_RESIDENCE_FIELD_NUMBER: _ClassVar[int]
    masked_name: str
    masked_resident_id_number: str
    masked_mobile: str
    gender: str
    birth_year: int
    marital_status: str
    education: str
    employer_industry: str
    months_at_residence: int
    def __init__(self, masked_name: _Optional[str] = ..., masked_resident_id_number: _Optional[str] = ..., masked_mobile: _Optional[str] = ..., gender: _Optional[str] = ..., birth_year: _Optional[int] = ..., marital_status: _Optional[str] = ..., education: _Optional[str] = ..., employer_industry: _Optional[str] = ..., months_at_residence: _Optional[int] = ...) -> None: ...

class ReportSummary(_message.Message):
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

class ReportCreditAccount(_message.Message):
    __slots__ = ("account_number", "account_type", "institution_type", "opened_on", "matures_on", "credit_limit_or_principal", "balance", "overdue_amount", "overdue_periods", "status", "repayment_status_24_months", "status_month")
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
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
    account_type: CreditAccountType
    institution_type: str
    opened_on: _money_pb2.Date
    matures_on: _money_pb2.Date
    credit_limit_or_principal: _money_pb2.Money
    balance: _money_pb2.Money
    overdue_amount: _money_pb2.Money
    overdue_periods: int
    status: CreditAccountStatus
    repayment_status_24_months: str
    status_month: _money_pb2.Date
    def __init__(self, account_number: _Optional[str] = ..., account_type: _Optional[_Union[CreditAccountType, str]] = ..., institution_type: _Optional[str] = ..., opened_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., matures_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., credit_limit_or_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_periods: _Optional[int] = ..., status: _Optional[_Union[CreditAccountStatus, str]] = ..., repayment_status_24_months: _Optional[str] = ..., status_month: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class ReportPublicRecord(_message.Message):
    __slots__ = ("record_type", "filed_on", "amount", "status")
    RECORD_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILED_ON_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    record_type: PublicRecordType
    filed_on: _money_pb2.Date
    amount: _money_pb2.Money
    status: str
    def __init__(self, record_type: _Optional[_Union[PublicRecordType, str]] = ..., filed_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class ReportInquiryEntry(_message.Message):
    __slots__ = ("inquired_on", "institution_type", "reason")
    INQUIRED_ON_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    inquired_on: _money_pb2.Date
    institution_type: str
    reason: ReportInquiryReason
    def __init__(self, inquired_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., institution_type: _Optional[str] = ..., reason: _Optional[_Union[ReportInquiryReason, str]] = ...) -> None: ...
