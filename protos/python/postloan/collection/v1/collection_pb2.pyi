import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.collection.v1 import resources_pb2 as _resources_pb2
from postloan.common.v1 import money_pb2 as _money_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PauseOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAUSE_OUTCOME_UNSPECIFIED: _ClassVar[PauseOutcome]
    PAUSE_OUTCOME_PAUSED: _ClassVar[PauseOutcome]
    PAUSE_OUTCOME_ALREADY_PAUSED: _ClassVar[PauseOutcome]
    PAUSE_OUTCOME_NO_OPEN_CASE: _ClassVar[PauseOutcome]

class RecallReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECALL_REASON_UNSPECIFIED: _ClassVar[RecallReason]
    RECALL_REASON_PLACEMENT_ENDED: _ClassVar[RecallReason]
    RECALL_REASON_PERFORMANCE: _ClassVar[RecallReason]
    RECALL_REASON_COMPLAINT: _ClassVar[RecallReason]
    RECALL_REASON_RESOLVED: _ClassVar[RecallReason]
    RECALL_REASON_OTHER: _ClassVar[RecallReason]
PAUSE_OUTCOME_UNSPECIFIED: PauseOutcome
PAUSE_OUTCOME_PAUSED: PauseOutcome
PAUSE_OUTCOME_ALREADY_PAUSED: PauseOutcome
PAUSE_OUTCOME_NO_OPEN_CASE: PauseOutcome
RECALL_REASON_UNSPECIFIED: RecallReason
RECALL_REASON_PLACEMENT_ENDED: RecallReason
RECALL_REASON_PERFORMANCE: RecallReason
RECALL_REASON_COMPLAINT: RecallReason
RECALL_REASON_RESOLVED: RecallReason
RECALL_REASON_OTHER: RecallReason

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("borrower_id", "loan_id", "states", "tiers", "agent_id", "agency_id", "strategy_version_id", "unassigned_only", "page_size", "page_token")
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    loan_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.CaseState]
    tiers: _containers.RepeatedScalarFieldContainer[_resources_pb2.CaseTier]
    agent_id: str
    agency_id: str
    strategy_version_id: str
    unassigned_only: bool
    page_size: int
    page_token: str
    def __init__(self, borrower_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.CaseState, str]]] = ..., tiers: _Optional[_Iterable[_Union[_resources_pb2.CaseTier, str]]] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., strategy_version_id: _Optional[str] = ..., unassigned_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Case]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[_resources_pb2.Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListCaseHistoryRequest(_message.Message):
    __slots__ = ("case_id", "page_size", "page_token")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    page_size: int
    page_token: str
    def __init__(self, case_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCaseHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_resources_pb2.CaseHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_resources_pb2.CaseHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PauseCaseRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "plan_id", "borrower_id", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    plan_id: str
    borrower_id: str
    effective_date: _money_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., effective_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class PauseCaseResponse(_message.Message):
    __slots__ = ("outcome", "collection_case")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    outcome: PauseOutcome
    collection_case: _resources_pb2.Case
    def __init__(self, outcome: _Optional[_Union[PauseOutcome, str]] = ..., collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class ResumeCaseRequest(_message.Message):
    __slots__ = ("request_id", "loan_id", "plan_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    loan_id: str
    plan_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ResumeCaseResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class EscalateCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class EscalateCaseResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class CreateStrategyVersionRequest(_message.Message):
    __slots__ = ("request_id", "name", "description", "risk_segments", "tier_rules", "pre_due_treatments")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    RISK_SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    TIER_RULES_FIELD_NUMBER: _ClassVar[int]
    PRE_DUE_TREATMENTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    description: str
    risk_segments: _containers.RepeatedCompositeFieldContainer[_resources_pb2.RiskSegment]
    tier_rules: _containers.RepeatedCompositeFieldContainer[_resources_pb2.TierRule]
    pre_due_treatments: _containers.RepeatedScalarFieldContainer[_resources_pb2.Treatment]
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., risk_segments: _Optional[_Iterable[_Union[_resources_pb2.RiskSegment, _Mapping]]] = ..., tier_rules: _Optional[_Iterable[_Union[_resources_pb2.TierRule, _Mapping]]] = ..., pre_due_treatments: _Optional[_Iterable[_Union[_resources_pb2.Treatment, str]]] = ...) -> None: ...

class CreateStrategyVersionResponse(_message.Message):
    __slots__ = ("strategy_version",)
    STRATEGY_VERSION_FIELD_NUMBER: _ClassVar[int]
    strategy_version: _resources_pb2.StrategyVersion
    def __init__(self, strategy_version: _Optional[_Union[_resources_pb2.StrategyVersion, _Mapping]] = ...) -> None: ...

class GetStrategyVersionRequest(_message.Message):
    __slots__ = ("strategy_version_id",)
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    strategy_version_id: str
    def __init__(self, strategy_version_id: _Optional[str] = ...) -> None: ...

class GetStrategyVersionResponse(_message.Message):
    __slots__ = ("strategy_version",)
    STRATEGY_VERSION_FIELD_NUMBER: _ClassVar[int]
    strategy_version: _resources_pb2.StrategyVersion
    def __init__(self, strategy_version: _Optional[_Union[_resources_pb2.StrategyVersion, _Mapping]] = ...) -> None: ...

class ListStrategyVersionsRequest(_message.Message):
    __slots__ = ("name", "page_size", "page_token")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    page_token: str
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStrategyVersionsResponse(_message.Message):
    __slots__ = ("strategy_versions", "next_page_token")
    STRATEGY_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    strategy_versions: _containers.RepeatedCompositeFieldContainer[_resources_pb2.StrategyVersion]
    next_page_token: str
    def __init__(self, strategy_versions: _Optional[_Iterable[_Union[_resources_pb2.StrategyVersion, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ActivateStrategyVersionRequest(_message.Message):
    __slots__ = ("request_id", "strategy_version_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    strategy_version_id: str
    def __init__(self, request_id: _Optional[str] = ..., strategy_version_id: _Optional[str] = ...) -> None: ...

class ActivateStrategyVersionResponse(_message.Message):
    __slots__ = ("strategy_version",)
    STRATEGY_VERSION_FIELD_NUMBER: _ClassVar[int]
    strategy_version: _resources_pb2.StrategyVersion
    def __init__(self, strategy_version: _Optional[_Union[_resources_pb2.StrategyVersion, _Mapping]] = ...) -> None: ...

class SetChallengerStrategyRequest(_message.Message):
    __slots__ = ("request_id", "strategy_version_id", "challenger_share")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHALLENGER_SHARE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    strategy_version_id: str
    challenger_share: _money_pb2.DecimalValue
    def __init__(self, request_id: _Optional[str] = ..., strategy_version_id: _Optional[str] = ..., challenger_share: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ...) -> None: ...

class SetChallengerStrategyResponse(_message.Message):
    __slots__ = ("strategy_version",)
    STRATEGY_VERSION_FIELD_NUMBER: _ClassVar[int]
    strategy_version: _resources_pb2.StrategyVersion
    def __init__(self, strategy_version: _Optional[_Union[_resources_pb2.StrategyVersion, _Mapping]] = ...) -> None: ...

class CreateAgentRequest(_message.Message):
    __slots__ = ("request_id", "agent")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agent: _resources_pb2.Agent
    def __init__(self, request_id: _Optional[str] = ..., agent: _Optional[_Union[_resources_pb2.Agent, _Mapping]] = ...) -> None: ...

class CreateAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _resources_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_resources_pb2.Agent, _Mapping]] = ...) -> None: ...

class UpdateAgentRequest(_message.Message):
    __slots__ = ("request_id", "agent", "update_mask")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agent: _resources_pb2.Agent
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, request_id: _Optional[str] = ..., agent: _Optional[_Union[_resources_pb2.Agent, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _resources_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_resources_pb2.Agent, _Mapping]] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetAgentResponse(_message.Message):
    __slots__ = ("agent",)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _resources_pb2.Agent
    def __init__(self, agent: _Optional[_Union[_resources_pb2.Agent, _Mapping]] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ("agency_id", "tier", "active_only", "page_size", "page_token")
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agency_id: str
    tier: _resources_pb2.CaseTier
    active_only: bool
    page_size: int
    page_token: str
    def __init__(self, agency_id: _Optional[str] = ..., tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., active_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents", "next_page_token")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Agent]
    next_page_token: str
    def __init__(self, agents: _Optional[_Iterable[_Union[_resources_pb2.Agent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateAgencyRequest(_message.Message):
    __slots__ = ("request_id", "agency")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agency: _resources_pb2.Agency
    def __init__(self, request_id: _Optional[str] = ..., agency: _Optional[_Union[_resources_pb2.Agency, _Mapping]] = ...) -> None: ...

class CreateAgencyResponse(_message.Message):
    __slots__ = ("agency",)
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    agency: _resources_pb2.Agency
    def __init__(self, agency: _Optional[_Union[_resources_pb2.Agency, _Mapping]] = ...) -> None: ...

class UpdateAgencyRequest(_message.Message):
    __slots__ = ("request_id", "agency", "update_mask")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agency: _resources_pb2.Agency
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, request_id: _Optional[str] = ..., agency: _Optional[_Union[_resources_pb2.Agency, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAgencyResponse(_message.Message):
    __slots__ = ("agency",)
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    agency: _resources_pb2.Agency
    def __init__(self, agency: _Optional[_Union[_resources_pb2.Agency, _Mapping]] = ...) -> None: ...

class ListAgenciesRequest(_message.Message):
    __slots__ = ("active_only", "page_size", "page_token")
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    active_only: bool
    page_size: int
    page_token: str
    def __init__(self, active_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAgenciesResponse(_message.Message):
    __slots__ = ("agencies", "next_page_token")
    AGENCIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agencies: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Agency]
    next_page_token: str
    def __init__(self, agencies: _Optional[_Iterable[_Union[_resources_pb2.Agency, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AssignCasesRequest(_message.Message):
    __slots__ = ("request_id", "tiers", "max_cases")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    MAX_CASES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    tiers: _containers.RepeatedScalarFieldContainer[_resources_pb2.CaseTier]
    max_cases: int
    def __init__(self, request_id: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[_resources_pb2.CaseTier, str]]] = ..., max_cases: _Optional[int] = ...) -> None: ...

class AgentLoad(_message.Message):
    __slots__ = ("agent_id", "assigned", "open_cases")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_FIELD_NUMBER: _ClassVar[int]
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    assigned: int
    open_cases: int
    def __init__(self, agent_id: _Optional[str] = ..., assigned: _Optional[int] = ..., open_cases: _Optional[int] = ...) -> None: ...

class AssignCasesResponse(_message.Message):
    __slots__ = ("assigned_cases", "continuity_cases", "unassigned_cases", "agent_loads")
    ASSIGNED_CASES_FIELD_NUMBER: _ClassVar[int]
    CONTINUITY_CASES_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_CASES_FIELD_NUMBER: _ClassVar[int]
    AGENT_LOADS_FIELD_NUMBER: _ClassVar[int]
    assigned_cases: int
    continuity_cases: int
    unassigned_cases: int
    agent_loads: _containers.RepeatedCompositeFieldContainer[AgentLoad]
    def __init__(self, assigned_cases: _Optional[int] = ..., continuity_cases: _Optional[int] = ..., unassigned_cases: _Optional[int] = ..., agent_loads: _Optional[_Iterable[_Union[AgentLoad, _Mapping]]] = ...) -> None: ...

class ReassignCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "agent_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    agent_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReassignCaseResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class PlaceCaseWithAgencyRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "agency_id", "reason", "placement_ends_on")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    agency_id: str
    reason: str
    placement_ends_on: _money_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., reason: _Optional[str] = ..., placement_ends_on: _Optional[_Union[_money_pb2.Date, _Mapping]] = ...) -> None: ...

class PlaceCaseWithAgencyResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class RecallCaseFromAgencyRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "reason", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    reason: RecallReason
    note: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., reason: _Optional[_Union[RecallReason, str]] = ..., note: _Optional[str] = ...) -> None: ...

class RecallCaseFromAgencyResponse(_message.Message):
    __slots__ = ("collection_case",)
    COLLECTION_CASE_FIELD_NUMBER: _ClassVar[int]
    collection_case: _resources_pb2.Case
    def __init__(self, collection_case: _Optional[_Union[_resources_pb2.Case, _Mapping]] = ...) -> None: ...

class CheckContactRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "borrower_id", "channel", "party", "contact_point_id", "planned_at")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    PLANNED_AT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    borrower_id: str
    channel: _resources_pb2.ContactChannel
    party: _resources_pb2.ContactParty
    contact_point_id: str
    planned_at: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., channel: _Optional[_Union[_resources_pb2.ContactChannel, str]] = ..., party: _Optional[_Union[_resources_pb2.ContactParty, str]] = ..., contact_point_id: _Optional[str] = ..., planned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CheckContactResponse(_message.Message):
    __slots__ = ("check",)
    CHECK_FIELD_NUMBER: _ClassVar[int]
    check: _resources_pb2.ContactCheck
    def __init__(self, check: _Optional[_Union[_resources_pb2.ContactCheck, _Mapping]] = ...) -> None: ...

class RecordContactAttemptRequest(_message.Message):
    __slots__ = ("request_id", "check_id", "outcome", "connected", "started_at", "ended_at", "recording_reference", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHECK_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDING_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    check_id: str
    outcome: _resources_pb2.ContactOutcome
    connected: bool
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    recording_reference: str
    note: str
    def __init__(self, request_id: _Optional[str] = ..., check_id: _Optional[str] = ..., outcome: _Optional[_Union[_resources_pb2.ContactOutcome, str]] = ..., connected: _Optional[bool] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recording_reference: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class RecordContactAttemptResponse(_message.Message):
    __slots__ = ("attempt",)
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    attempt: _resources_pb2.ContactAttempt
    def __init__(self, attempt: _Optional[_Union[_resources_pb2.ContactAttempt, _Mapping]] = ...) -> None: ...

class ListContactAttemptsRequest(_message.Message):
    __slots__ = ("case_id", "borrower_id", "agent_id", "agency_id", "started_from", "started_until", "page_size", "page_token")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_FROM_FIELD_NUMBER: _ClassVar[int]
    STARTED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    agent_id: str
    agency_id: str
    started_from: _timestamp_pb2.Timestamp
    started_until: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., agency_id: _Optional[str] = ..., started_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListContactAttemptsResponse(_message.Message):
    __slots__ = ("attempts", "next_page_token")
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ContactAttempt]
    next_page_token: str
    def __init__(self, attempts: _Optional[_Iterable[_Union[_resources_pb2.ContactAttempt, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListContactChecksRequest(_message.Message):
    __slots__ = ("case_id", "borrower_id", "decision", "checked_from", "checked_until", "page_size", "page_token")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FROM_FIELD_NUMBER: _ClassVar[int]
    CHECKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    decision: _resources_pb2.ContactDecision
    checked_from: _timestamp_pb2.Timestamp
    checked_until: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., decision: _Optional[_Union[_resources_pb2.ContactDecision, str]] = ..., checked_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., checked_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListContactChecksResponse(_message.Message):
    __slots__ = ("checks", "next_page_token")
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    checks: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ContactCheck]
    next_page_token: str
    def __init__(self, checks: _Optional[_Iterable[_Union[_resources_pb2.ContactCheck, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DispatchMessageRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "borrower_id", "channel", "party", "contact_point_id", "template_code")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    borrower_id: str
    channel: _resources_pb2.ContactChannel
    party: _resources_pb2.ContactParty
    contact_point_id: str
    template_code: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., channel: _Optional[_Union[_resources_pb2.ContactChannel, str]] = ..., party: _Optional[_Union[_resources_pb2.ContactParty, str]] = ..., contact_point_id: _Optional[str] = ..., template_code: _Optional[str] = ...) -> None: ...

class DispatchMessageResponse(_message.Message):
    __slots__ = ("check", "attempt", "provider_reference")
    CHECK_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    check: _resources_pb2.ContactCheck
    attempt: _resources_pb2.ContactAttempt
    provider_reference: str
    def __init__(self, check: _Optional[_Union[_resources_pb2.ContactCheck, _Mapping]] = ..., attempt: _Optional[_Union[_resources_pb2.ContactAttempt, _Mapping]] = ..., provider_reference: _Optional[str] = ...) -> None: ...

class GetDebtorProfileRequest(_message.Message):
    __slots__ = ("borrower_id",)
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    borrower_id: str
    def __init__(self, borrower_id: _Optional[str] = ...) -> None: ...

class GetDebtorProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _resources_pb2.DebtorProfile
    def __init__(self, profile: _Optional[_Union[_resources_pb2.DebtorProfile, _Mapping]] = ...) -> None: ...

class UpdateDebtorProfileRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "time_zone", "jurisdiction_code")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_CODE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    time_zone: str
    jurisdiction_code: str
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., time_zone: _Optional[str] = ..., jurisdiction_code: _Optional[str] = ...) -> None: ...

class UpdateDebtorProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _resources_pb2.DebtorProfile
    def __init__(self, profile: _Optional[_Union[_resources_pb2.DebtorProfile, _Mapping]] = ...) -> None: ...

class RegisterContactPointRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "party", "kind", "value", "relationship", "emergency_contact")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    EMERGENCY_CONTACT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    party: _resources_pb2.ContactParty
    kind: _resources_pb2.ContactPointKind
    value: str
    relationship: _resources_pb2.ThirdPartyRelationship
    emergency_contact: bool
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., party: _Optional[_Union[_resources_pb2.ContactParty, str]] = ..., kind: _Optional[_Union[_resources_pb2.ContactPointKind, str]] = ..., value: _Optional[str] = ..., relationship: _Optional[_Union[_resources_pb2.ThirdPartyRelationship, str]] = ..., emergency_contact: _Optional[bool] = ...) -> None: ...

class RegisterContactPointResponse(_message.Message):
    __slots__ = ("contact_point",)
    CONTACT_POINT_FIELD_NUMBER: _ClassVar[int]
    contact_point: _resources_pb2.ContactPoint
    def __init__(self, contact_point: _Optional[_Union[_resources_pb2.ContactPoint, _Mapping]] = ...) -> None: ...

class DeactivateContactPointRequest(_message.Message):
    __slots__ = ("request_id", "contact_point_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    contact_point_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., contact_point_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DeactivateContactPointResponse(_message.Message):
    __slots__ = ("contact_point",)
    CONTACT_POINT_FIELD_NUMBER: _ClassVar[int]
    contact_point: _resources_pb2.ContactPoint
    def __init__(self, contact_point: _Optional[_Union[_resources_pb2.ContactPoint, _Mapping]] = ...) -> None: ...

class SetDoNotContactFlagRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "reason", "channel", "contact_point_id", "note", "expires_at")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_POINT_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    reason: _resources_pb2.DoNotContactReason
    channel: _resources_pb2.ContactChannel
    contact_point_id: str
    note: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., reason: _Optional[_Union[_resources_pb2.DoNotContactReason, str]] = ..., channel: _Optional[_Union[_resources_pb2.ContactChannel, str]] = ..., contact_point_id: _Optional[str] = ..., note: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetDoNotContactFlagResponse(_message.Message):
    __slots__ = ("flag",)
    FLAG_FIELD_NUMBER: _ClassVar[int]
    flag: _resources_pb2.DoNotContactFlag
    def __init__(self, flag: _Optional[_Union[_resources_pb2.DoNotContactFlag, _Mapping]] = ...) -> None: ...

class ClearDoNotContactFlagRequest(_message.Message):
    __slots__ = ("request_id", "flag_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FLAG_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    flag_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., flag_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ClearDoNotContactFlagResponse(_message.Message):
    __slots__ = ("flag",)
    FLAG_FIELD_NUMBER: _ClassVar[int]
    flag: _resources_pb2.DoNotContactFlag
    def __init__(self, flag: _Optional[_Union[_resources_pb2.DoNotContactFlag, _Mapping]] = ...) -> None: ...

class SetContactPreferencesRequest(_message.Message):
    __slots__ = ("request_id", "borrower_id", "preferred_windows", "quiet_hours_consent")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_WINDOWS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_CONSENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    borrower_id: str
    preferred_windows: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ContactWindow]
    quiet_hours_consent: bool
    def __init__(self, request_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., preferred_windows: _Optional[_Iterable[_Union[_resources_pb2.ContactWindow, _Mapping]]] = ..., quiet_hours_consent: _Optional[bool] = ...) -> None: ...

class SetContactPreferencesResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _resources_pb2.DebtorProfile
    def __init__(self, profile: _Optional[_Union[_resources_pb2.DebtorProfile, _Mapping]] = ...) -> None: ...

class CreateJurisdictionProfileVersionRequest(_message.Message):
    __slots__ = ("request_id", "profile")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    profile: _resources_pb2.JurisdictionProfile
    def __init__(self, request_id: _Optional[str] = ..., profile: _Optional[_Union[_resources_pb2.JurisdictionProfile, _Mapping]] = ...) -> None: ...

class CreateJurisdictionProfileVersionResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _resources_pb2.JurisdictionProfile
    def __init__(self, profile: _Optional[_Union[_resources_pb2.JurisdictionProfile, _Mapping]] = ...) -> None: ...

class GetJurisdictionProfileRequest(_message.Message):
    __slots__ = ("code", "version")
    CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    code: str
    version: int
    def __init__(self, code: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetJurisdictionProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _resources_pb2.JurisdictionProfile
    def __init__(self, profile: _Optional[_Union[_resources_pb2.JurisdictionProfile, _Mapping]] = ...) -> None: ...

class ListJurisdictionProfilesRequest(_message.Message):
    __slots__ = ("code", "page_size", "page_token")
    CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    code: str
    page_size: int
    page_token: str
    def __init__(self, code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListJurisdictionProfilesResponse(_message.Message):
    __slots__ = ("profiles", "next_page_token")
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[_resources_pb2.JurisdictionProfile]
    next_page_token: str
    def __init__(self, profiles: _Optional[_Iterable[_Union[_resources_pb2.JurisdictionProfile, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordPromiseToPayRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "loan_id", "amount", "promised_date", "grace_days", "threshold_percentage", "contact_attempt_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_DATE_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    loan_id: str
    amount: _money_pb2.Money
    promised_date: _money_pb2.Date
    grace_days: int
    threshold_percentage: _money_pb2.DecimalValue
    contact_attempt_id: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., loan_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., promised_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., grace_days: _Optional[int] = ..., threshold_percentage: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., contact_attempt_id: _Optional[str] = ...) -> None: ...

class RecordPromiseToPayResponse(_message.Message):
    __slots__ = ("promise",)
    PROMISE_FIELD_NUMBER: _ClassVar[int]
    promise: _resources_pb2.PromiseToPay
    def __init__(self, promise: _Optional[_Union[_resources_pb2.PromiseToPay, _Mapping]] = ...) -> None: ...

class GetPromiseToPayRequest(_message.Message):
    __slots__ = ("promise_id",)
    PROMISE_ID_FIELD_NUMBER: _ClassVar[int]
    promise_id: str
    def __init__(self, promise_id: _Optional[str] = ...) -> None: ...

class GetPromiseToPayResponse(_message.Message):
    __slots__ = ("promise",)
    PROMISE_FIELD_NUMBER: _ClassVar[int]
    promise: _resources_pb2.PromiseToPay
    def __init__(self, promise: _Optional[_Union[_resources_pb2.PromiseToPay, _Mapping]] = ...) -> None: ...

class ListPromisesToPayRequest(_message.Message):
    __slots__ = ("case_id", "borrower_id", "states", "page_size", "page_token")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BORROWER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    borrower_id: str
    states: _containers.RepeatedScalarFieldContainer[_resources_pb2.PromiseState]
    page_size: int
    page_token: str
    def __init__(self, case_id: _Optional[str] = ..., borrower_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_resources_pb2.PromiseState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPromisesToPayResponse(_message.Message):
    __slots__ = ("promises", "next_page_token")
    PROMISES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    promises: _containers.RepeatedCompositeFieldContainer[_resources_pb2.PromiseToPay]
    next_page_token: str
    def __init__(self, promises: _Optional[_Iterable[_Union[_resources_pb2.PromiseToPay, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetCollectionFiguresRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "strategy_version_id")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    from_date: _money_pb2.Date
    to_date: _money_pb2.Date
    strategy_version_id: str
    def __init__(self, from_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., to_date: _Optional[_Union[_money_pb2.Date, _Mapping]] = ..., strategy_version_id: _Optional[str] = ...) -> None: ...

class TierCount(_message.Message):
    __slots__ = ("tier", "open_cases", "paused_cases")
    TIER_FIELD_NUMBER: _ClassVar[int]
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    PAUSED_CASES_FIELD_NUMBER: _ClassVar[int]
    tier: _resources_pb2.CaseTier
    open_cases: int
    paused_cases: int
    def __init__(self, tier: _Optional[_Union[_resources_pb2.CaseTier, str]] = ..., open_cases: _Optional[int] = ..., paused_cases: _Optional[int] = ...) -> None: ...

class StrategyFigures(_message.Message):
    __slots__ = ("strategy_version_id", "strategy_label", "arm", "cases", "contact_rate", "right_party_contact_rate", "promise_rate", "kept_promise_rate", "overdue_at_opening", "recovered", "recovery_rate", "refused_contacts")
    STRATEGY_VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_LABEL_FIELD_NUMBER: _ClassVar[int]
    ARM_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    CONTACT_RATE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_PARTY_CONTACT_RATE_FIELD_NUMBER: _ClassVar[int]
    PROMISE_RATE_FIELD_NUMBER: _ClassVar[int]
    KEPT_PROMISE_RATE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AT_OPENING_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_RATE_FIELD_NUMBER: _ClassVar[int]
    REFUSED_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    strategy_version_id: str
    strategy_label: str
    arm: _resources_pb2.StrategyArm
    cases: int
    contact_rate: _money_pb2.DecimalValue
    right_party_contact_rate: _money_pb2.DecimalValue
    promise_rate: _money_pb2.DecimalValue
    kept_promise_rate: _money_pb2.DecimalValue
    overdue_at_opening: _money_pb2.Money
    recovered: _money_pb2.Money
    recovery_rate: _money_pb2.DecimalValue
    refused_contacts: int
    def __init__(self, strategy_version_id: _Optional[str] = ..., strategy_label: _Optional[str] = ..., arm: _Optional[_Union[_resources_pb2.StrategyArm, str]] = ..., cases: _Optional[int] = ..., contact_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., right_party_contact_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., promise_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., kept_promise_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., overdue_at_opening: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., recovered: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., recovery_rate: _Optional[_Union[_money_pb2.DecimalValue, _Mapping]] = ..., refused_contacts: _Optional[int] = ...) -> None: ...

class GetCollectionFiguresResponse(_message.Message):
    __slots__ = ("tiers", "strategies")
    TIERS_FIELD_NUMBER: _ClassVar[int]
    STRATEGIES_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[TierCount]
    strategies: _containers.RepeatedCompositeFieldContainer[StrategyFigures]
    def __init__(self, tiers: _Optional[_Iterable[_Union[TierCount, _Mapping]]] = ..., strategies: _Optional[_Iterable[_Union[StrategyFigures, _Mapping]]] = ...) -> None: ...
