"""Servicers of CaseService, StrategyService, AgentService, AssignmentService, PromiseService
and CollectionReportService: each request is validated into plain values (INVALID_ARGUMENT with
every bad field, before any database work), the use case runs, the result is mapped."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import uuid
from decimal import Decimal
from typing import Any, Final

import grpc
from google.protobuf.message import Message

from collection.adapters import case_protobuf as convert
from collection.domain.strategies import (
    RiskSegment,
    StrategyDefinition,
    Tier,
    TierRule,
    Treatment,
)
from collection.service_layer import assignment, figures, promises, strategies
from collection.service_layer import cases as case_use_cases
from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
from postloan.collection.v1 import resources_pb2 as pb
from postloan_runtime import proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.auth import current_caller_or_none
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.proto_convert import date_to_proto, decimal_to_proto, fen_to_proto
from postloan_runtime.validation import Violations

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_CODE: Final = re.compile(r"[A-Z][A-Z0-9_]*")
ID_MAX: Final = 64
REASON_MAX: Final = 500
DEFAULT_PAGE: Final = 50
MAX_PAGE: Final = 500
MAX_CAPACITY: Final = 1_000_000
EARLIEST: Final = dt.date(2000, 1, 1)
LATEST: Final = dt.date(2100, 12, 31)


def _actor() -> str:
    caller = current_caller_or_none()
    return caller.subject if caller is not None else "system"


def _identifier(v: Violations, value: str, field: str, *, required: bool = True) -> str | None:
    if not value:
        if required:
            v.add(field, "is required")
        return None
    if len(value) > ID_MAX or not _ID.fullmatch(value):
        v.add(field, f"must be 1-{ID_MAX} letters, digits and . _ : -")
        return None
    return value


def _reason(v: Violations, value: str, field: str, *, required: bool = True) -> str | None:
    """A reason or note a person types, kept in the case history: refused when it holds an ID
    or mobile number (``Violations.free_text``)."""
    if not value.strip():
        if required:
            v.add(field, "is required")
        return None
    if v.free_text(value, field, max_length=REASON_MAX, required=True) is None:
        return None
    return value.strip()


def _tiers(v: Violations, values: Any, field: str) -> list[Tier]:
    tiers: list[Tier] = []
    for index, value in enumerate(values):
        if v.enum_specified(value, f"{field}[{index}]", allowed=convert.TIER_FROM_PROTO):
            tiers.append(Tier(convert.TIER_FROM_PROTO[value]))
    return tiers


def _treatments(v: Violations, values: Any, field: str) -> list[Treatment]:
    result: list[Treatment] = []
    for index, value in enumerate(values):
        if v.enum_specified(value, f"{field}[{index}]", allowed=convert.TREATMENT_FROM_PROTO):
            result.append(Treatment(convert.TREATMENT_FROM_PROTO[value]))
    return result


# --- page tokens: base64url JSON of the keyset position and a digest of the filters --------


def _digest(request: Message) -> str:
    copy = type(request)()
    copy.CopyFrom(request)
    for name in ("page_token", "page_size"):
        if name in copy.DESCRIPTOR.fields_by_name:
            copy.ClearField(name)
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()[:16]


def encode_token(position: list[str], request: Message) -> str:
    raw = json.dumps({"p": position, "f": _digest(request)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(v: Violations, request: Message) -> list[str] | None:
    token = request.page_token  # type: ignore[attr-defined]
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        position, digest = data["p"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        v.add("page_token", "is not a token this service issued")
        return None
    if digest != _digest(request) or not isinstance(position, list):
        v.add("page_token", "does not belong to a listing with these filters")
        return None
    return [str(p) for p in position]


def _instant_key(v: Violations, request: Message) -> tuple[dt.datetime, uuid.UUID] | None:
    position = decode_token(v, request)
    if position is None:
        return None
    try:
        return dt.datetime.fromisoformat(position[0]), uuid.UUID(position[1])
    except (ValueError, IndexError):
        v.add("page_token", "is not a token this service issued")
        return None


class _Base:
    def __init__(self, running: RunningService, clock: Clock | None = None) -> None:
        self._running = running
        self._clock = clock or SystemClock()

    @property
    def _engine(self):  # noqa: ANN202
        return self._running.engine


class CaseServicer(_Base, collection_pb2_grpc.CaseServiceServicer):
    async def GetCase(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        case_id = v.uuid(request.case_id, "case_id")
        v.raise_if_any()
        return collection_pb2.GetCaseResponse(
            collection_case=await case_use_cases.get_case(self._engine, case_id)
        )

    async def ListCases(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        borrower_id = _identifier(v, request.borrower_id, "borrower_id", required=False)
        loan_id = _identifier(v, request.loan_id, "loan_id", required=False)
        states = []
        for index, state in enumerate(request.states):
            if v.enum_specified(state, f"states[{index}]", allowed=convert.STATE_FROM_PROTO):
                states.append(convert.STATE_FROM_PROTO[state])
        tiers = _tiers(v, request.tiers, "tiers")
        agent_id = _identifier(v, request.agent_id, "agent_id", required=False)
        agency_id = _identifier(v, request.agency_id, "agency_id", required=False)
        strategy = v.uuid(request.strategy_version_id, "strategy_version_id", required=False)
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        after = _instant_key(v, request)
        v.raise_if_any()
        where = case_use_cases.CaseFilter(
            borrower_id=borrower_id, loan_id=loan_id, states=tuple(states),
            tiers=tuple(t.value for t in tiers), agent_id=agent_id, agency_id=agency_id,
            strategy_version_id=strategy, unassigned_only=request.unassigned_only,
        )
        page, last = await case_use_cases.list_cases(
            self._engine, where, after=after, page_size=page_size
        )
        return collection_pb2.ListCasesResponse(
            cases=page,
            next_page_token=encode_token([last[0].isoformat(), str(last[1])], request)
            if last else "",
        )

    async def ListCaseHistory(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        case_id = v.uuid(request.case_id, "case_id")
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        position = decode_token(v, request)
        after = 0
        if position:
            try:
                after = int(position[0])
            except ValueError:
                v.add("page_token", "is not a token this service issued")
        v.raise_if_any()
        entries, more = await case_use_cases.list_history(
            self._engine, case_id, after_sequence=after, page_size=page_size
        )
        return collection_pb2.ListCaseHistoryResponse(
            entries=entries,
            next_page_token=encode_token([str(entries[-1].sequence)], request) if more else "",
        )

    async def PauseCase(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        plan_id = _identifier(v, request.plan_id, "plan_id")
        borrower_id = _identifier(v, request.borrower_id, "borrower_id")
        effective = proto_validation.date(
            v, request, "effective_date", earliest=EARLIEST, latest=LATEST
        )
        v.raise_if_any()
        command = case_use_cases.PauseCommand(
            request_id=request_id, loan_id=loan_id, plan_id=plan_id,  # type: ignore[arg-type]
            borrower_id=borrower_id, effective_date=effective,  # type: ignore[arg-type]
        )
        return await case_use_cases.pause(
            self._engine, command, request, now=self._clock.now(), today=self._clock.today(),
            actor=_actor(),
        )

    async def ResumeCase(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        plan_id = _identifier(v, request.plan_id, "plan_id")
        reason = _reason(v, request.reason, "reason")
        v.raise_if_any()
        command = case_use_cases.ResumeCommand(
            request_id=request_id, loan_id=loan_id, plan_id=plan_id,  # type: ignore[arg-type]
            reason=reason,  # type: ignore[arg-type]
        )
        return await case_use_cases.resume(
            self._engine, command, request, now=self._clock.now(), today=self._clock.today(),
            actor=_actor(),
        )

    async def EscalateCase(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id = v.uuid(request.case_id, "case_id")
        reason = _reason(v, request.reason, "reason")
        v.raise_if_any()
        return await case_use_cases.escalate_case(
            self._engine, request_id=request_id, case_id=case_id,  # type: ignore[arg-type]
            reason=reason, request=request, now=self._clock.now(),  # type: ignore[arg-type]
            today=self._clock.today(), actor=_actor(),
        )


def _strategy_definition(
    v: Violations, request: collection_pb2.CreateStrategyVersionRequest
) -> StrategyDefinition | None:
    name = _identifier(v, request.name, "name")
    v.optional_text(request.description, "description", max_length=1000)
    segments: list[RiskSegment] = []
    codes: set[str] = set()
    if not request.risk_segments:
        v.add("risk_segments", "must name at least one segment")
    for index, segment in enumerate(request.risk_segments):
        at = v.at("risk_segments", index)
        if not segment.code or len(segment.code) > ID_MAX or not _CODE.fullmatch(segment.code):
            at.add("code", "must be UPPER_SNAKE letters and digits")
            continue
        if segment.code in codes:
            at.add("code", "is used by another segment")
            continue
        codes.add(segment.code)
        ok = at.int_range(segment.min_score, "min_score", minimum=0, maximum=10_000)
        ok &= at.int_range(segment.max_score, "max_score", minimum=0, maximum=10_000)
        if segment.max_score and segment.min_score > segment.max_score:
            at.add("max_score", "must not be below min_score")
            ok = False
        low = proto_validation.money(at, segment, "min_outstanding", required=False,
                                     allow_zero=True)
        high = proto_validation.money(at, segment, "max_outstanding", required=False)
        if low is not None and high is not None and low.fen >= high.fen:
            at.add("max_outstanding.minor_units", "must be above min_outstanding")
            ok = False
        if ok:
            segments.append(
                RiskSegment(
                    code=segment.code,
                    min_score=segment.min_score or None,
                    max_score=segment.max_score or None,
                    min_outstanding_fen=low.fen if low is not None else None,
                    max_outstanding_fen=high.fen if high is not None else None,
                    priority=segment.priority,
                )
            )
    rules: list[TierRule] = []
    if not request.tier_rules:
        v.add("tier_rules", "must hold at least one rule")
    for index, rule in enumerate(request.tier_rules):
        at = v.at("tier_rules", index)
        ok = at.int_range(rule.min_days_past_due, "min_days_past_due", minimum=1, maximum=100_000)
        ok &= at.int_range(rule.max_days_past_due, "max_days_past_due", minimum=0,
                           maximum=100_000)
        if rule.max_days_past_due and rule.max_days_past_due < rule.min_days_past_due:
            at.add("max_days_past_due", "must not be below min_days_past_due")
            ok = False
        if not rule.risk_segment:
            at.add("risk_segment", "is required")
            ok = False
        tier_ok = at.enum_specified(rule.tier, "tier", allowed=convert.TIER_FROM_PROTO)
        treatments = _treatments(at, rule.treatments, "treatments")
        if not rule.treatments:
            at.add("treatments", "must name at least one treatment")
            ok = False
        if ok and tier_ok and len(treatments) == len(rule.treatments):
            rules.append(
                TierRule(
                    min_days_past_due=rule.min_days_past_due,
                    max_days_past_due=rule.max_days_past_due or None,
                    risk_segment=rule.risk_segment,
                    tier=Tier(convert.TIER_FROM_PROTO[rule.tier]),
                    treatments=tuple(treatments),
                )
            )
    pre_due = _treatments(v, request.pre_due_treatments, "pre_due_treatments")
    if v or name is None:
        return None
    return StrategyDefinition(
        name=name, description=request.description, risk_segments=tuple(segments),
        tier_rules=tuple(rules), pre_due_treatments=tuple(pre_due),
    )


class StrategyServicer(_Base, collection_pb2_grpc.StrategyServiceServicer):
    async def CreateStrategyVersion(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        definition = _strategy_definition(v, request)
        v.raise_if_any()
        return await strategies.create_version(
            self._engine, request_id, definition, request,  # type: ignore[arg-type]
            now=self._clock.now(), actor=_actor(),
        )

    async def GetStrategyVersion(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        version_id = v.uuid(request.strategy_version_id, "strategy_version_id")
        v.raise_if_any()
        return collection_pb2.GetStrategyVersionResponse(
            strategy_version=await strategies.get_version(self._engine, version_id)
        )

    async def ListStrategyVersions(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        name = _identifier(v, request.name, "name", required=False)
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        key = _instant_key(v, request)
        v.raise_if_any()
        after = strategies.StrategyPageKey(*key) if key else None
        page, last = await strategies.list_versions(
            self._engine, name, after=after, page_size=page_size
        )
        token = ""
        if last is not None:
            token = encode_token(
                [last.created_at.isoformat(), str(last.strategy_version_id)], request
            )
        return collection_pb2.ListStrategyVersionsResponse(
            strategy_versions=page, next_page_token=token
        )

    async def ActivateStrategyVersion(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        version_id = v.uuid(request.strategy_version_id, "strategy_version_id")
        v.raise_if_any()
        return await strategies.activate(
            self._engine, request_id, version_id, request,  # type: ignore[arg-type]
            now=self._clock.now(),
        )

    async def SetChallengerStrategy(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        version_id = v.uuid(request.strategy_version_id, "strategy_version_id", required=False)
        share: Decimal | None = None
        if version_id is not None:
            share = proto_validation.decimal(
                v, request, "challenger_share", minimum=Decimal(0), maximum=Decimal(1),
                max_places=4,
            )
            if share is not None and (share <= 0 or share >= 1):
                v.add("challenger_share", "must be between 0 and 1, both excluded")
        v.raise_if_any()
        return await strategies.set_challenger(
            self._engine, request_id, version_id, share, request,  # type: ignore[arg-type]
            now=self._clock.now(),
        )


def _agent_fields(v: Violations, agent: pb.Agent, *, partial_paths: set[str] | None) -> dict:
    """The agent's fields that are checked (all of them, or those in the update mask)."""
    values: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return partial_paths is None or name in partial_paths

    if wanted("display_name"):
        v.non_empty(agent.display_name, "display_name", max_length=200)
        values["display_name"] = agent.display_name.strip()
    if wanted("tiers"):
        tiers = _tiers(v, agent.tiers, "tiers")
        if not agent.tiers:
            v.add("tiers", "must name at least one tier")
        values["tiers"] = [t.value for t in tiers]
    if wanted("skills"):
        for index, skill in enumerate(agent.skills):
            if not skill or len(skill) > ID_MAX or not _ID.fullmatch(skill):
                v.add(f"skills[{index}]", "must be 1-64 letters, digits and . _ : -")
        values["skills"] = list(agent.skills)
    if wanted("capacity"):
        v.int_range(agent.capacity, "capacity", minimum=0, maximum=MAX_CAPACITY)
        values["capacity"] = agent.capacity
    if wanted("active"):
        values["active"] = agent.active
    return values


def _mask_paths(v: Violations, mask: Any, allowed: set[str]) -> set[str]:
    paths = set(mask.paths)
    if not paths:
        v.add("update_mask", "must name at least one field")
    for path in sorted(paths - allowed):
        v.add("update_mask", f"cannot update {path}")
    return paths & allowed


class AgentServicer(_Base, collection_pb2_grpc.AgentServiceServicer):
    async def CreateAgent(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        at = v.at("agent")
        agent_id = _identifier(at, request.agent.agent_id, "agent_id")
        agency_id = _identifier(at, request.agent.agency_id, "agency_id", required=False)
        values = _agent_fields(at, request.agent, partial_paths=None)
        v.raise_if_any()
        fields = assignment.AgentFields(
            agent_id=agent_id, display_name=values["display_name"],  # type: ignore[arg-type]
            agency_id=agency_id, tiers=tuple(Tier(t) for t in values["tiers"]),
            skills=tuple(values["skills"]), capacity=values["capacity"],
            active=values["active"],
        )
        return await assignment.create_agent(
            self._engine, request_id, fields, request, now=self._clock.now()  # type: ignore[arg-type]
        )

    async def UpdateAgent(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        agent_id = _identifier(v.at("agent"), request.agent.agent_id, "agent_id")
        paths = _mask_paths(
            v, request.update_mask, {"display_name", "tiers", "skills", "capacity", "active"}
        )
        values = _agent_fields(v.at("agent"), request.agent, partial_paths=paths)
        v.raise_if_any()
        return await assignment.update_agent(
            self._engine, request_id, agent_id, values, request,  # type: ignore[arg-type]
            now=self._clock.now(),
        )

    async def GetAgent(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        agent_id = _identifier(v, request.agent_id, "agent_id")
        v.raise_if_any()
        return collection_pb2.GetAgentResponse(
            agent=await assignment.get_agent(self._engine, agent_id)  # type: ignore[arg-type]
        )

    async def ListAgents(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        agency_id = _identifier(v, request.agency_id, "agency_id", required=False)
        tier = None
        if request.tier:
            if request.tier in convert.TIER_FROM_PROTO:
                tier = Tier(convert.TIER_FROM_PROTO[request.tier])
            else:
                v.add("tier", "is not a known value")
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        position = decode_token(v, request)
        v.raise_if_any()
        page, last = await assignment.list_agents(
            self._engine, agency_id=agency_id, tier=tier, active_only=request.active_only,
            after=position[0] if position else None, page_size=page_size,
        )
        return collection_pb2.ListAgentsResponse(
            agents=page, next_page_token=encode_token([last], request) if last else ""
        )

    def _agency_values(
        self, v: Violations, agency: pb.Agency, paths: set[str] | None
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}

        def wanted(name: str) -> bool:
            return paths is None or name in paths

        if wanted("name"):
            v.non_empty(agency.name, "name", max_length=200)
            values["name"] = agency.name.strip()
        if wanted("tiers"):
            if not agency.tiers:
                v.add("tiers", "must name at least one tier")
            values["tiers"] = [t.value for t in _tiers(v, agency.tiers, "tiers")]
        if wanted("capacity"):
            v.int_range(agency.capacity, "capacity", minimum=0, maximum=MAX_CAPACITY)
            values["capacity"] = agency.capacity
        if wanted("active"):
            values["active"] = agency.active
        if wanted("commission_rate"):
            values["commission_rate"] = proto_validation.decimal(
                v, agency, "commission_rate", minimum=Decimal(0), maximum=Decimal(1),
                max_places=4,
            )
        return values

    async def CreateAgency(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        agency_id = _identifier(v.at("agency"), request.agency.agency_id, "agency_id")
        values = self._agency_values(v.at("agency"), request.agency, None)
        v.raise_if_any()
        fields = assignment.AgencyFields(
            agency_id=agency_id, name=values["name"],  # type: ignore[arg-type]
            tiers=tuple(Tier(t) for t in values["tiers"]), capacity=values["capacity"],
            active=values["active"], commission_rate=values["commission_rate"],
        )
        return await assignment.create_agency(
            self._engine, request_id, fields, request, now=self._clock.now()  # type: ignore[arg-type]
        )

    async def UpdateAgency(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        agency_id = _identifier(v.at("agency"), request.agency.agency_id, "agency_id")
        paths = _mask_paths(
            v, request.update_mask, {"name", "tiers", "capacity", "active", "commission_rate"}
        )
        values = self._agency_values(v.at("agency"), request.agency, paths)
        v.raise_if_any()
        return await assignment.update_agency(
            self._engine, request_id, agency_id, values, request,  # type: ignore[arg-type]
            now=self._clock.now(),
        )

    async def ListAgencies(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        position = decode_token(v, request)
        v.raise_if_any()
        page, last = await assignment.list_agencies(
            self._engine, active_only=request.active_only,
            after=position[0] if position else None, page_size=page_size,
        )
        return collection_pb2.ListAgenciesResponse(
            agencies=page, next_page_token=encode_token([last], request) if last else ""
        )


RECALL_REASONS: Final = {
    collection_pb2.RECALL_REASON_PLACEMENT_ENDED: "PLACEMENT_ENDED",
    collection_pb2.RECALL_REASON_PERFORMANCE: "PERFORMANCE",
    collection_pb2.RECALL_REASON_COMPLAINT: "COMPLAINT",
    collection_pb2.RECALL_REASON_RESOLVED: "RESOLVED",
    collection_pb2.RECALL_REASON_OTHER: "OTHER",
}


class AssignmentServicer(_Base, collection_pb2_grpc.AssignmentServiceServicer):
    async def AssignCases(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        tiers = _tiers(v, request.tiers, "tiers")
        v.int_range(request.max_cases, "max_cases", minimum=0)
        v.raise_if_any()
        return await assignment.assign_cases(
            self._engine, request_id, tiers, request.max_cases, request,  # type: ignore[arg-type]
            now=self._clock.now(), today=self._clock.today(), actor=_actor(),
        )

    async def ReassignCase(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id = v.uuid(request.case_id, "case_id")
        agent_id = _identifier(v, request.agent_id, "agent_id")
        reason = _reason(v, request.reason, "reason")
        v.raise_if_any()
        return await assignment.reassign_case(
            self._engine, request_id, case_id, agent_id, reason,  # type: ignore[arg-type]
            request, now=self._clock.now(), today=self._clock.today(), actor=_actor(),
        )

    async def PlaceCaseWithAgency(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id = v.uuid(request.case_id, "case_id")
        agency_id = _identifier(v, request.agency_id, "agency_id")
        reason = _reason(v, request.reason, "reason")
        ends_on = proto_validation.date(
            v, request, "placement_ends_on", required=False, earliest=self._clock.today(),
            latest=LATEST,
        )
        v.raise_if_any()
        return await assignment.place_case(
            self._engine, request_id, case_id, agency_id, reason,  # type: ignore[arg-type]
            ends_on, request, now=self._clock.now(), today=self._clock.today(), actor=_actor(),
        )

    async def RecallCaseFromAgency(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id = v.uuid(request.case_id, "case_id")
        v.enum_specified(request.reason, "reason", allowed=RECALL_REASONS)
        note = _reason(v, request.note, "note", required=False) or ""
        v.raise_if_any()
        return await assignment.recall_case(
            self._engine, request_id, case_id,  # type: ignore[arg-type]
            RECALL_REASONS[request.reason], note, request, now=self._clock.now(),
            today=self._clock.today(), actor=_actor(),
        )


class PromiseServicer(_Base, collection_pb2_grpc.PromiseServiceServicer):
    async def RecordPromiseToPay(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id = v.uuid(request.case_id, "case_id")
        loan_id = _identifier(v, request.loan_id, "loan_id", required=False)
        amount = proto_validation.money(v, request, "amount")
        promised = proto_validation.date(
            v, request, "promised_date", earliest=EARLIEST, latest=LATEST
        )
        v.int_range(request.grace_days, "grace_days", minimum=0, maximum=90)
        threshold = Decimal(1)
        if request.HasField("threshold_percentage"):
            parsed = proto_validation.decimal(
                v, request, "threshold_percentage", minimum=Decimal(0), maximum=Decimal(1),
                max_places=4,
            )
            if parsed is not None and parsed <= 0:
                v.add("threshold_percentage", "must be above 0")
            elif parsed is not None:
                threshold = parsed
        attempt = _identifier(v, request.contact_attempt_id, "contact_attempt_id",
                              required=False)
        v.raise_if_any()
        command = promises.RecordPromiseCommand(
            request_id=request_id, case_id=case_id, loan_id=loan_id,  # type: ignore[arg-type]
            amount_fen=amount.fen, currency=amount.currency,  # type: ignore[union-attr]
            promised_date=promised, grace_days=request.grace_days,  # type: ignore[arg-type]
            threshold=threshold, contact_attempt_id=attempt,
        )
        return await promises.record_promise(
            self._engine, command, request, now=self._clock.now(), today=self._clock.today(),
            actor=_actor(),
        )

    async def GetPromiseToPay(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        promise_id = v.uuid(request.promise_id, "promise_id")
        v.raise_if_any()
        return collection_pb2.GetPromiseToPayResponse(
            promise=await promises.get_promise(self._engine, promise_id)  # type: ignore[arg-type]
        )

    async def ListPromisesToPay(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        case_id = v.uuid(request.case_id, "case_id", required=False)
        borrower_id = _identifier(v, request.borrower_id, "borrower_id", required=False)
        states = []
        for index, state in enumerate(request.states):
            if v.enum_specified(state, f"states[{index}]",
                                allowed=convert.PROMISE_STATE_FROM_PROTO):
                states.append(convert.PROMISE_STATE_FROM_PROTO[state])
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE, maximum=MAX_PAGE)
        after = _instant_key(v, request)
        v.raise_if_any()
        page, last = await promises.list_promises(
            self._engine, case_id=case_id, borrower_id=borrower_id, states=tuple(states),
            after=after, page_size=page_size,
        )
        return collection_pb2.ListPromisesToPayResponse(
            promises=page,
            next_page_token=encode_token([last[0].isoformat(), str(last[1])], request)
            if last else "",
        )


class CollectionReportServicer(_Base, collection_pb2_grpc.CollectionReportServiceServicer):
    async def GetCollectionFigures(self, request, context):  # noqa: N802, ANN001, ANN201
        v = Violations()
        start = proto_validation.date(v, request, "from_date", earliest=EARLIEST, latest=LATEST)
        end = proto_validation.date(v, request, "to_date", earliest=EARLIEST, latest=LATEST)
        if start and end and end < start:
            v.add("to_date", "must not be before from_date")
        strategy = v.uuid(request.strategy_version_id, "strategy_version_id", required=False)
        v.raise_if_any()
        result = await figures.collection_figures(
            self._engine, start, end, strategy, zone=self._clock.zone  # type: ignore[arg-type]
        )
        return figures_to_proto(result)


def figures_to_proto(
    result: figures.CollectionFigures,
) -> collection_pb2.GetCollectionFiguresResponse:
    return collection_pb2.GetCollectionFiguresResponse(
        tiers=[
            collection_pb2.TierCount(
                tier=convert.TIER_TO_PROTO[t.tier], open_cases=t.open_cases,
                paused_cases=t.paused_cases,
            )
            for t in result.tiers
        ],
        strategies=[
            collection_pb2.StrategyFigures(
                strategy_version_id=str(s.strategy_version_id),
                strategy_label=s.label,
                arm=convert.ARM_TO_PROTO[s.arm],
                cases=s.cases,
                contact_rate=decimal_to_proto(s.contact_rate),
                right_party_contact_rate=decimal_to_proto(s.right_party_contact_rate),
                promise_rate=decimal_to_proto(s.promise_rate),
                kept_promise_rate=decimal_to_proto(s.kept_promise_rate),
                overdue_at_opening=fen_to_proto(s.overdue_at_opening_fen, s.currency),
                recovered=fen_to_proto(s.recovered_fen, s.currency),
                recovery_rate=decimal_to_proto(s.recovery_rate),
                refused_contacts=s.refused_contacts,
            )
            for s in result.strategies
        ],
    )


def case_servicers(running: RunningService, clock: Clock | None = None) -> dict[str, Any]:
    """Servicers by service name, for ``add_servicers``."""
    return {
        "CaseService": CaseServicer(running, clock),
        "StrategyService": StrategyServicer(running, clock),
        "AgentService": AgentServicer(running, clock),
        "AssignmentService": AssignmentServicer(running, clock),
        "PromiseService": PromiseServicer(running, clock),
        "CollectionReportService": CollectionReportServicer(running, clock),
    }


_ = (grpc, date_to_proto)  # imported for type context of servicer signatures
