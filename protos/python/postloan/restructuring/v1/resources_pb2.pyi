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

class HardshipReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HARDSHIP_REASON_UNSPECIFIED: _ClassVar[HardshipReason]
    HARDSHIP_REASON_UNEMPLOYMENT: _ClassVar[HardshipReason]
    HARDSHIP_REASON_ILLNESS: _ClassVar[HardshipReason]
    HARDSHIP_REASON_BUSINESS_DISRUPTION: _ClassVar[HardshipReason]
    HARDSHIP_REASON_NATURAL_DISASTER: _ClassVar[HardshipReason]
    HARDSHIP_REASON_OTHER: _ClassVar[HardshipReason]

class PlanType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_TYPE_UNSPECIFIED: _ClassVar[PlanType]
    PLAN_TYPE_TERM_EXTENSION: _ClassVar[PlanType]
    PLAN_TYPE_REINSTALLMENT: _ClassVar[PlanType]
    PLAN_TYPE_WAIVER: _ClassVar[PlanType]
    PLAN_TYPE_RATE_REDUCTION: _ClassVar[PlanType]

class RuleOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_OUTCOME_UNSPECIFIED: _ClassVar[RuleOutcome]
    RULE_OUTCOME_PASSED: _ClassVar[RuleOutcome]
    RULE_OUTCOME_FAILED: _ClassVar[RuleOutcome]
    RULE_OUTCOME_NOT_APPLICABLE: _ClassVar[RuleOutcome]

class AuthorityLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUTHORITY_LEVEL_UNSPECIFIED: _ClassVar[AuthorityLevel]
    AUTHORITY_LEVEL_AUTO: _ClassVar[AuthorityLevel]
    AUTHORITY_LEVEL_TEAM_LEAD: _ClassVar[AuthorityLevel]
    AUTHORITY_LEVEL_RISK_MANAGER: _ClassVar[AuthorityLevel]
    AUTHORITY_LEVEL_COMMITTEE: _ClassVar[AuthorityLevel]

class DecisionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_TYPE_UNSPECIFIED: _ClassVar[DecisionType]
    DECISION_TYPE_APPROVED: _ClassVar[DecisionType]
    DECISION_TYPE_REJECTED: _ClassVar[DecisionType]

class SignatureChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNATURE_CHANNEL_UNSPECIFIED: _ClassVar[SignatureChannel]
    SIGNATURE_CHANNEL_MOBILE_APP: _ClassVar[SignatureChannel]
    SIGNATURE_CHANNEL_WEB: _ClassVar[SignatureChannel]
    SIGNATURE_CHANNEL_PAPER: _ClassVar[SignatureChannel]

class ActivationStepType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTIVATION_STEP_TYPE_UNSPECIFIED: _ClassVar[ActivationStepType]
    ACTIVATION_STEP_TYPE_SCHEDULE_REPLACED: _ClassVar[ActivationStepType]
    ACTIVATION_STEP_TYPE_CASE_PAUSED: _ClassVar[ActivationStepType]
    ACTIVATION_STEP_TYPE_CLASSIFICATION_FLOOR_SET: _ClassVar[ActivationStepType]

class ActivationStepState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTIVATION_STEP_STATE_UNSPECIFIED: _ClassVar[ActivationStepState]
    ACTIVATION_STEP_STATE_PENDING: _ClassVar[ActivationStepState]
    ACTIVATION_STEP_STATE_RETRYING: _ClassVar[ActivationStepState]
    ACTIVATION_STEP_STATE_DONE: _ClassVar[ActivationStepState]
    ACTIVATION_STEP_STATE_FAILED: _ClassVar[ActivationStepState]

class PlanState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_STATE_UNSPECIFIED: _ClassVar[PlanState]
    PLAN_STATE_REQUESTED: _ClassVar[PlanState]
    PLAN_STATE_PENDING_APPROVAL: _ClassVar[PlanState]
    PLAN_STATE_APPROVED: _ClassVar[PlanState]
    PLAN_STATE_REJECTED: _ClassVar[PlanState]
    PLAN_STATE_EXPIRED: _ClassVar[PlanState]
    PLAN_STATE_ACTIVATING: _ClassVar[PlanState]
    PLAN_STATE_ACTIVE: _ClassVar[PlanState]
    PLAN_STATE_ACTIVATION_FAILED: _ClassVar[PlanState]
    PLAN_STATE_BROKEN: _ClassVar[PlanState]
    PLAN_STATE_COMPLETED: _ClassVar[PlanState]

class ObservationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OBSERVATION_STATE_UNSPECIFIED: _ClassVar[ObservationState]
    OBSERVATION_STATE_IN_OBSERVATION: _ClassVar[ObservationState]
    OBSERVATION_STATE_ELIGIBLE_FOR_UPGRADE: _ClassVar[ObservationState]
    OBSERVATION_STATE_ENDED: _ClassVar[ObservationState]
HARDSHIP_REASON_UNSPECIFIED: HardshipReason
HARDSHIP_REASON_UNEMPLOYMENT: HardshipReason
HARDSHIP_REASON_ILLNESS: HardshipReason
HARDSHIP_REASON_BUSINESS_DISRUPTION: HardshipReason
HARDSHIP_REASON_NATURAL_DISASTER: HardshipReason
HARDSHIP_REASON_OTHER: HardshipReason
PLAN_TYPE_UNSPECIFIED: PlanType
PLAN_TYPE_TERM_EXTENSION: PlanType
PLAN_TYPE_REINSTALLMENT: PlanType
PLAN_TYPE_WAIVER: PlanType
PLAN_TYPE_RATE_REDUCTION: PlanType
RULE_OUTCOME_UNSPECIFIED: RuleOutcome
RULE_OUTCOME_PASSED: RuleOutcome
RULE_OUTCOME_FAILED: RuleOutcome
RULE_OUTCOME_NOT_APPLICABLE: RuleOutcome
AUTHORITY_LEVEL_UNSPECIFIED: AuthorityLevel
AUTHORITY_LEVEL_AUTO: AuthorityLevel
AUTHORITY_LEVEL_TEAM_LEAD: AuthorityLevel
AUTHORITY_LEVEL_RISK_MANAGER: AuthorityLevel
AUTHORITY_LEVEL_COMMITTEE: AuthorityLevel
DECISION_TYPE_UNSPECIFIED: DecisionType
DECISION_TYPE_APPROVED: DecisionType
DECISION_TYPE_REJECTED: DecisionType
SIGNATURE_CHANNEL_UNSPECIFIED: SignatureChannel
SIGNATURE_CHANNEL_MOBILE_APP: SignatureChannel
SIGNATURE_CHANNEL_WEB: SignatureChannel
SIGNATURE_CHANNEL_PAPER: SignatureChannel
ACTIVATION_STEP_TYPE_UNSPECIFIED: ActivationStepType
ACTIVATION_STEP_TYPE_SCHEDULE_REPLACED: ActivationStepType
ACTIVATION_STEP_TYPE_CASE_PAUSED: ActivationStepType
ACTIVATION_STEP_TYPE_CLASSIFICATION_FLOOR_SET: ActivationStepType
ACTIVATION_STEP_STATE_UNSPECIFIED: ActivationStepState
ACTIVATION_STEP_STATE_PENDING: ActivationStepState
ACTIVATION_STEP_STATE_RETRYING: ActivationStepState
ACTIVATION_STEP_STATE_DONE: ActivationStepState
ACTIVATION_STEP_STATE_FAILED: ActivationStepState
PLAN_STATE_UNSPECIFIED: PlanState
PLAN_STATE_REQUESTED: PlanState
PLAN_STATE_PENDING_APPROVAL: PlanState
PLAN_STATE_APPROVED: PlanState
PLAN_STATE_REJECTED: PlanState
PLAN_STATE_EXPIRED: PlanState
PLAN_STATE_ACTIVATING: PlanState
PLAN_STATE_ACTIVE: PlanState
PLAN_STATE_ACTIVATION_FAILED: PlanState
PLAN_STATE_BROKEN: PlanState
PLAN_STATE_COMPLETED: PlanState
OBSERVATION_STATE_UNSPECIFIED: ObservationState
OBSERVATION_STATE_IN_OBSERVATION: ObservationState
OBSERVATION_STATE_ELIGIBLE_FOR_UPGRADE: ObservationState
OBSERVATION_STATE_ENDED: ObservationState

class HardshipEvidence(_message.Message):
    __slots__ = ("kind", "document_reference", "document_sha256")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    kind: str
    document_reference: str
    document_sha256: str
    def __init__(self, kind: _Optional[str] = ..., document_reference: _Optional[str] = ..., document_sha256: _Optional[str] = ...) -> None: ...

class Hardship(_message.Message):
    __slots__ = ("reason", "description", "evidence")
    REASON_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    reason: HardshipReason
    description: str
    evidence: _containers.RepeatedCompositeFieldContainer[HardshipEvidence]
    def __init__(self, reason: _Optional[_Union[HardshipReason, str]] = ..., description: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[HardshipEvidence, _Mapping]]] = ...) -> None: ...

class PlanTerms(_message.Message):
    __slots__ = ("plan_types", "additional_periods", "reinstallment_periods", "interest_waiver", "penalty_waiver", "waive_all_penalty", "new_annual_rate")
    PLAN_TYPES_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_PERIODS_FIELD_NUMBER: _ClassVar[int]
    REINSTALLMENT_PERIODS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_WAIVER_FIELD_NUMBER: _ClassVar[int]
    PENALTY_WAIVER_FIELD_NUMBER: _ClassVar[int]
    WAIVE_ALL_PENALTY_FIELD_NUMBER: _ClassVar[int]
    NEW_ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    plan_types: _containers.RepeatedScalarFieldContainer[PlanType]
    additional_periods: int
    reinstallment_periods: int
    interest_waiver: _money_pb2.Money
    penalty_waiver: _money_pb2.Money
    waive_all_penalty: bool
    new_annual_rate: _money_pb2.DecimalValue
    def __init__(self, plan_types: _Optional[_Iterable[_Union[PlanType, str]]] = ..., additional_periods: _Optional[int] = ..., reinstallment_periods: _Optional[int] = ..., interest_waiver: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_waiver: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., waive_all_penalty: _Optional[bool] = ..., new_annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class EligibilityRuleResult(_message.Message):
    __slots__ = ("rule_code", "outcome", "reason", "observed_value", "limit_value")
    RULE_CODE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_VALUE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_VALUE_FIELD_NUMBER: _ClassVar[int]
    rule_code: str
    outcome: RuleOutcome
    reason: str
    observed_value: str
    limit_value: str
    def __init__(self, rule_code: _Optional[str] = ..., outcome: _Optional[_Union[RuleOutcome, str]] = ..., reason: _Optional[str] = ..., observed_value: _Optional[str] = ..., limit_value: _Optional[str] = ...) -> None: ...

class EligibilityResult(_message.Message):
    __slots__ = ("eligible", "rules", "loan_version", "days_past_due", "restructurings_last_12_months", "evaluated_at")
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    DAYS_PAST_DUE_FIELD_NUMBER: _ClassVar[int]
    RESTRUCTURINGS_LAST_12_MONTHS_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_AT_FIELD_NUMBER: _ClassVar[int]
    eligible: bool
    rules: _containers.RepeatedCompositeFieldContainer[EligibilityRuleResult]
    loan_version: int
    days_past_due: int
    restructurings_last_12_months: int
    evaluated_at: _timestamp_pb2.Timestamp
    def __init__(self, eligible: _Optional[bool] = ..., rules: _Optional[_Iterable[_Union[EligibilityRuleResult, _Mapping]]] = ..., loan_version: _Optional[int] = ..., days_past_due: _Optional[int] = ..., restructurings_last_12_months: _Optional[int] = ..., evaluated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanInstallment(_message.Message):
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

class Quote(_message.Message):
    __slots__ = ("quote_id", "plan_id", "terms", "loan_version", "effective_date", "outstanding_principal", "overdue_interest", "outstanding_penalty", "old_installment", "new_installment", "old_remaining_periods", "new_term_periods", "old_total_interest", "new_total_interest", "interest_waived", "penalty_waived", "total_waived", "waived_percentage", "discount_rate", "npv_loss", "new_annual_rate", "annualized_cost", "installments", "required_authority", "quoted_at", "expires_at")
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    LOAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_INTEREST_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_PENALTY_FIELD_NUMBER: _ClassVar[int]
    OLD_INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    NEW_INSTALLMENT_FIELD_NUMBER: _ClassVar[int]
    OLD_REMAINING_PERIODS_FIELD_NUMBER: _ClassVar[int]
    NEW_TERM_PERIODS_FIELD_NUMBER: _ClassVar[int]
    OLD_TOTAL_INTEREST_FIELD_NUMBER: _ClassVar[int]
    NEW_TOTAL_INTEREST_FIELD_NUMBER: _ClassVar[int]
    INTEREST_WAIVED_FIELD_NUMBER: _ClassVar[int]
    PENALTY_WAIVED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_WAIVED_FIELD_NUMBER: _ClassVar[int]
    WAIVED_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_RATE_FIELD_NUMBER: _ClassVar[int]
    NPV_LOSS_FIELD_NUMBER: _ClassVar[int]
    NEW_ANNUAL_RATE_FIELD_NUMBER: _ClassVar[int]
    ANNUALIZED_COST_FIELD_NUMBER: _ClassVar[int]
    INSTALLMENTS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    QUOTED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    plan_id: str
    terms: PlanTerms
    loan_version: int
    effective_date: _money_pb2.Date
    outstanding_principal: _money_pb2.Money
    overdue_interest: _money_pb2.Money
    outstanding_penalty: _money_pb2.Money
    old_installment: _money_pb2.Money
    new_installment: _money_pb2.Money
    old_remaining_periods: int
    new_term_periods: int
    old_total_interest: _money_pb2.Money
    new_total_interest: _money_pb2.Money
    interest_waived: _money_pb2.Money
    penalty_waived: _money_pb2.Money
    total_waived: _money_pb2.Money
    waived_percentage: _money_pb2.DecimalValue
    discount_rate: _money_pb2.DecimalValue
    npv_loss: _money_pb2.Money
    new_annual_rate: _money_pb2.DecimalValue
    annualized_cost: _money_pb2.DecimalValue
    installments: _containers.RepeatedCompositeFieldContainer[PlanInstallment]
    required_authority: AuthorityLevel
    quoted_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, quote_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., terms: _Optional[_Union[PlanTerms, _Mapping]] = ..., loan_version: _Optional[int] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., outstanding_principal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., outstanding_penalty: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., old_installment: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., new_installment: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., old_remaining_periods: _Optional[int] = ..., new_term_periods: _Optional[int] = ..., old_total_interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., new_total_interest: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interest_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., penalty_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total_waived: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., waived_percentage: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., discount_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., npv_loss: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., new_annual_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., annualized_cost: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., installments: _Optional[_Iterable[_Union[PlanInstallment, _Mapping]]] = ..., required_authority: _Optional[_Union[AuthorityLevel, str]] = ..., quoted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("decision", "decided_by", "authority", "quote_id", "reason_codes", "comment", "decided_at")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODES_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    decision: DecisionType
    decided_by: str
    authority: AuthorityLevel
    quote_id: str
    reason_codes: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, decision: _Optional[_Union[DecisionType, str]] = ..., decided_by: _Optional[str] = ..., authority: _Optional[_Union[AuthorityLevel, str]] = ..., quote_id: _Optional[str] = ..., reason_codes: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Agreement(_message.Message):
    __slots__ = ("agreement_id", "plan_id", "quote_id", "template_version", "media_type", "document_sha256", "size_bytes", "generated_at", "sign_by")
    AGREEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGN_BY_FIELD_NUMBER: _ClassVar[int]
    agreement_id: str
    plan_id: str
    quote_id: str
    template_version: str
    media_type: str
    document_sha256: str
    size_bytes: int
    generated_at: _timestamp_pb2.Timestamp
    sign_by: _timestamp_pb2.Timestamp
    def __init__(self, agreement_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., template_version: _Optional[str] = ..., media_type: _Optional[str] = ..., document_sha256: _Optional[str] = ..., size_bytes: _Optional[int] = ..., generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sign_by: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Signature(_message.Message):
    __slots__ = ("signed_document_sha256", "signer_verification_reference", "signed_at", "channel", "recorded_by", "recorded_at")
    SIGNED_DOCUMENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SIGNER_VERIFICATION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    signed_document_sha256: str
    signer_verification_reference: str
    signed_at: _timestamp_pb2.Timestamp
    channel: SignatureChannel
    recorded_by: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, signed_document_sha256: _Optional[str] = ..., signer_verification_reference: _Optional[str] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[SignatureChannel, str]] = ..., recorded_by: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActivationStep(_message.Message):
    __slots__ = ("step", "state", "attempts", "last_error_reason", "completed_at")
    STEP_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_REASON_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    step: ActivationStepType
    state: ActivationStepState
    attempts: int
    last_error_reason: str
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, step: _Optional[_Union[ActivationStepType, str]] = ..., state: _Optional[_Union[ActivationStepState, str]] = ..., attempts: _Optional[int] = ..., last_error_reason: _Optional[str] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Plan(_message.Message):
    __slots__ = ("plan_id", "loan_id", "borrower_id", "state", "hardship", "requested_terms", "eligibility", "quote", "required_authority", "decisions", "agreement", "signature", "activation_steps", "requested_by", "requested_at", "activated_on", "ended_on", "failure_reason")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    HARDSHIP_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_TERMS_FIELD_NUMBER: _ClassVar[int]
    ELIGIBILITY_FIELD_NUMBER: _ClassVar[int]
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    ACTIVATION_STEPS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_ON_FIELD_NUMBER: _ClassVar[int]
    ENDED_ON_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    loan_id: str
    borrower_id: str
    state: PlanState
    hardship: Hardship
    requested_terms: PlanTerms
    eligibility: EligibilityResult
    quote: Quote
    required_authority: AuthorityLevel
    decisions: _containers.RepeatedCompositeFieldContainer[Decision]
    agreement: Agreement
    signature: Signature
    activation_steps: _containers.RepeatedCompositeFieldContainer[ActivationStep]
    requested_by: str
    requested_at: _timestamp_pb2.Timestamp
    activated_on: _money_pb2.Date
    ended_on: _money_pb2.Date
    failure_reason: str
    def __init__(self, plan_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., state: _Optional[_Union[PlanState, str]] = ..., hardship: _Optional[_Union[Hardship, _Mapping]] = ..., requested_terms: _Optional[_Union[PlanTerms, _Mapping]] = ..., eligibility: _Optional[_Union[EligibilityResult, _Mapping]] = ..., quote: _Optional[_Union[Quote, _Mapping]] = ..., required_authority: _Optional[_Union[AuthorityLevel, str]] = ..., decisions: _Optional[_Iterable[_Union[Decision, _Mapping]]] = ..., agreement: _Optional[_Union[Agreement, _Mapping]] = ..., signature: _Optional[_Union[Signature, _Mapping]] = ..., activation_steps: _Optional[_Iterable[_Union[ActivationStep, _Mapping]]] = ..., requested_by: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., activated_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., ended_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., failure_reason: _Optional[str] = ...) -> None: ...

class ObservationPeriod(_message.Message):
    __slots__ = ("loan_id", "borrower_id", "plan_id", "floor", "started_on", "earliest_end_on", "required_consecutive_periods", "consecutive_on_time_periods", "state", "ended_on")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    FLOOR_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_END_ON_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_CONSECUTIVE_PERIODS_FIELD_NUMBER: _ClassVar[int]
    CONSECUTIVE_ON_TIME_PERIODS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ENDED_ON_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    borrower_id: str
    plan_id: str
    floor: _classification_pb2.LoanClassification
    started_on: _money_pb2.Date
    earliest_end_on: _money_pb2.Date
    required_consecutive_periods: int
    consecutive_on_time_periods: int
    state: ObservationState
    ended_on: _money_pb2.Date
    def __init__(self, loan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., floor: _Optional[_Union[_classification_pb2.LoanClassification, str]] = ..., started_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., earliest_end_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., required_consecutive_periods: _Optional[int] = ..., consecutive_on_time_periods: _Optional[int] = ..., state: _Optional[_Union[ObservationState, str]] = ..., ended_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...
