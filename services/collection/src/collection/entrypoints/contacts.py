"""Servicers of the contact gate (ContactService), debtor profiles (DebtorService) and
jurisdiction profiles (JurisdictionProfileService): each request is validated into a command
(INVALID_ARGUMENT naming every bad field, before any database work), the use case runs, the
result is mapped to protobuf. Field descriptions never repeat a value (values may be personal
data)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import grpc

from collection.adapters import contact_protobuf as pb
from collection.adapters.channels import ChannelGateway, ChannelRouter, SimulatorGateway, SmtpMailer
from collection.adapters.contact_repository import AttemptFilter, CheckFilter
from collection.domain.compliance import (
    POINT_OPTIONAL,
    ContactWindow,
    DoNotContactReason,
    Party,
    PointKind,
)
from collection.domain.jurisdiction import (
    DEFAULT_CALL_CHANNELS,
    EPOCH,
    Channel,
    JurisdictionRules,
    range_problems,
)
from collection.service_layer import contacts as contact_use_cases
from collection.service_layer import debtors as debtor_use_cases
from collection.service_layer import jurisdictions as profile_use_cases
from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
from postloan_runtime import page_tokens, proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.auth import current_caller
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.pii import PiiCipher, accept_column_bound_from_env
from postloan_runtime.validation import Violations, has_control_characters

_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_CODE_PATTERN: Final = re.compile(r"[A-Z][A-Z0-9_]{1,15}")
_PHONE_PATTERN: Final = re.compile(r"\+?[0-9]{6,15}")
_EMAIL_PATTERN: Final = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
ID_MAX_LENGTH: Final = 64
NOTE_MAX_LENGTH: Final = 500
REFERENCE_MAX_LENGTH: Final = 200
POSTAL_MAX_LENGTH: Final = 300
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500
# A check may be planned up to this long ahead (a clearance is for a contact about to happen).
MAX_PLAN_AHEAD: Final = dt.timedelta(hours=24)
MAX_PLAN_BEHIND: Final = dt.timedelta(minutes=5)
# Attempts are logged after the fact; not from the future (beyond clock skew).
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
DISPATCH_CHANNELS: Final = frozenset({Channel.SMS, Channel.IVR, Channel.EMAIL})
# Closed set of zone names (avoid loading arbitrary paths through ZoneInfo).
_ZONES: Final = frozenset(available_timezones())


def identifier(v: Violations, value: str, field: str, *, required: bool = True) -> str | None:
    """A pseudonymous id or code: letters, digits and . _ : - only (no free text)."""
    if not value:
        if required:
            v.add(field, "is required")
        return None
    if len(value) > ID_MAX_LENGTH:
        v.add(field, f"must be at most {ID_MAX_LENGTH} characters")
        return None
    if not _ID_PATTERN.fullmatch(value):
        v.add(field, "must be letters, digits and . _ : - only")
        return None
    return value


def _uuid(v: Violations, value: str, field: str, *, required: bool = True) -> uuid.UUID | None:
    return v.uuid(value, field, required=required)


def _text(v: Violations, value: str, field: str, max_length: int) -> str:
    """Text that is not typed about a person (a reference, a filter): bounded, without control
    characters (PostgreSQL refuses NUL in text)."""
    v.optional_text(value, field, max_length=max_length)
    return value


def _free_text(v: Violations, value: str, field: str, max_length: int) -> str:
    """Text a person types (a note, a reason), stored where nobody expects personal data: as
    :func:`_text`, and refused when it holds an ID or mobile number (the violation never repeats
    it). Contact-point values are not free text: they are meant to hold numbers."""
    v.free_text(value, field, max_length=max_length)
    return value


def _enum(v: Violations, value: int, field: str, mapping: dict[int, Any]) -> Any:
    if v.enum_specified(value, field, allowed=mapping):
        return mapping[value]
    return None


def _time_zone(v: Violations, value: str, field: str) -> str | None:
    if not value:
        v.add(field, "is required")
        return None
    if value not in _ZONES:
        v.add(field, "must be an IANA time zone such as Asia/Shanghai")
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        v.add(field, "must be an IANA time zone such as Asia/Shanghai")
        return None
    return value


def _jurisdiction_code(v: Violations, value: str, field: str, *, required: bool) -> str | None:
    if not value:
        if required:
            v.add(field, "is required")
        return None
    if not _CODE_PATTERN.fullmatch(value):
        v.add(field, "must be 2 to 16 upper-case letters, digits or _ , starting with a letter")
        return None
    return value


def _windows(v: Violations, items: Any, field: str) -> tuple[ContactWindow, ...] | None:
    windows: list[ContactWindow] = []
    ok = True
    for index, item in enumerate(items):
        at = v.at(field, index)
        days_ok = True
        for d_index, day in enumerate(item.days_of_week):
            days_ok &= at.int_range(day, f"days_of_week[{d_index}]", minimum=1, maximum=7)
        start_ok = at.int_range(item.start_minute, "start_minute", minimum=0, maximum=1439)
        end_ok = at.int_range(item.end_minute, "end_minute", minimum=1, maximum=1440)
        if start_ok and end_ok and item.end_minute <= item.start_minute:
            at.add("end_minute", "must be after start_minute")
            end_ok = False
        if days_ok and start_ok and end_ok:
            windows.append(
                ContactWindow(frozenset(item.days_of_week), item.start_minute, item.end_minute)
            )
        else:
            ok = False
    return tuple(windows) if ok else None


def _page_position(
    v: Violations, request: Any, *fingerprint_parts: str
) -> tuple[str, tuple[dt.datetime, uuid.UUID] | None]:
    fingerprint = page_tokens.filter_fingerprint(*fingerprint_parts)
    return fingerprint, page_tokens.decode(v, request.page_token, fingerprint)


def _ts_text(request: Any, field: str) -> str:
    """A timestamp filter as text for the page-token fingerprint (raw: it may be out of range,
    which validation reports)."""
    if not request.HasField(field):
        return ""
    value = getattr(request, field)
    return f"{value.seconds}.{value.nanos}"


def _agent_for(channel: Channel) -> str | None:
    """The person making a non-automated contact: the verified caller."""
    if channel in contact_use_cases.AUTOMATED_CHANNELS:
        return None
    return current_caller().subject


class ContactServicer(collection_pb2_grpc.ContactServiceServicer):
    """CheckContact, RecordContactAttempt, ListContactAttempts, ListContactChecks,
    DispatchMessage."""

    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        channels: ChannelGateway | None = None,
        cipher: PiiCipher | None = None,
        policy: contact_use_cases.GatePolicy | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._channels = channels
        self._cipher = cipher
        self._policy = policy or contact_use_cases.GatePolicy()

    def _channel_router(self) -> ChannelGateway:
        # Built on first dispatch: the gateway channel needs the running event loop.
        if self._channels is None:
            self._channels = ChannelRouter(SimulatorGateway.from_env(), SmtpMailer.from_env())
        return self._channels

    def _pii(self) -> PiiCipher:
        if self._cipher is None:
            self._cipher = PiiCipher.from_env()
        return self._cipher

    def _target(
        self, v: Violations, request: Any
    ) -> tuple[str | None, str | None, Channel | None, Party | None, uuid.UUID | None]:
        case_uuid = _uuid(v, request.case_id, "case_id", required=False)
        case_id = str(case_uuid) if case_uuid is not None else None
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        channel = _enum(v, request.channel, "channel", pb.CHANNEL_FROM_PROTO)
        party = _enum(v, request.party, "party", pb.PARTY_FROM_PROTO)
        point_required = channel is not None and channel not in POINT_OPTIONAL
        point_id = _uuid(v, request.contact_point_id, "contact_point_id", required=point_required)
        if channel is Channel.APP_PUSH and point_id is not None:
            v.add("contact_point_id", "must be empty for app push")
        return case_id, borrower_id, channel, party, point_id

    async def CheckContact(  # noqa: N802 - gRPC method name
        self, request: collection_pb2.CheckContactRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.CheckContactResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id, borrower_id, channel, party, point_id = self._target(v, request)
        planned_at = proto_validation.timestamp(v, request, "planned_at", required=False)
        now = self._clock.now()
        if planned_at is not None and not (
            now - MAX_PLAN_BEHIND <= planned_at <= now + MAX_PLAN_AHEAD
        ):
            v.add("planned_at", "must be from 5 minutes ago to 24 hours ahead")
        v.raise_if_any()
        assert request_id and borrower_id and channel and party  # noqa: S101 - checked above
        command = contact_use_cases.CheckCommand(
            request_id=request_id, case_id=case_id, borrower_id=borrower_id, channel=channel,
            party=party, contact_point_id=point_id, planned_at=planned_at,
            agent_id=_agent_for(channel),
        )
        return await contact_use_cases.check(
            self._running.engine, command, request, clock=self._clock, policy=self._policy
        )

    async def RecordContactAttempt(  # noqa: N802
        self,
        request: collection_pb2.RecordContactAttemptRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.RecordContactAttemptResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        check_id = _uuid(v, request.check_id, "check_id")
        outcome = _enum(v, request.outcome, "outcome", pb.OUTCOME_FROM_PROTO)
        if outcome == "NO_ANSWER" and request.connected:
            v.add("connected", "must be false when nobody answered")
        started_at = proto_validation.timestamp(v, request, "started_at")
        ended_at = proto_validation.timestamp(v, request, "ended_at", required=False)
        now = self._clock.now()
        if started_at is not None and started_at > now + CLOCK_SKEW:
            v.add("started_at", "must not be in the future")
        if started_at is not None and ended_at is not None and ended_at < started_at:
            v.add("ended_at", "must not be before started_at")
        reference = _text(
            v, request.recording_reference, "recording_reference", REFERENCE_MAX_LENGTH
        )
        note = _free_text(v, request.note, "note", NOTE_MAX_LENGTH)
        v.raise_if_any()
        assert request_id and check_id and outcome and started_at  # noqa: S101
        command = contact_use_cases.RecordCommand(
            request_id=request_id, check_id=check_id, outcome=outcome,
            connected=request.connected, started_at=started_at, ended_at=ended_at,
            recording_reference=reference, note=note, recorded_by=current_caller().subject,
        )
        return await contact_use_cases.record_attempt(
            self._running.engine, command, request, clock=self._clock
        )

    async def ListContactAttempts(  # noqa: N802
        self, request: collection_pb2.ListContactAttemptsRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.ListContactAttemptsResponse:
        v = Violations()
        where = AttemptFilter(
            case_id=identifier(v, request.case_id, "case_id", required=False),
            borrower_id=identifier(v, request.borrower_id, "borrower_id", required=False),
            agent_id=_text(v, request.agent_id, "agent_id", 128) or None,
            agency_id=identifier(v, request.agency_id, "agency_id", required=False),
            started_from=proto_validation.timestamp(v, request, "started_from", required=False),
            started_until=proto_validation.timestamp(v, request, "started_until", required=False),
        )
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        fingerprint, after = _page_position(
            v, request, "attempts", request.case_id, request.borrower_id, request.agent_id,
            request.agency_id, _ts_text(request, "started_from"),
            _ts_text(request, "started_until"),
        )
        v.raise_if_any()
        rows, more = await contact_use_cases.list_attempts(
            self._running.engine, where, after=after, page_size=page_size
        )
        token = ""
        if more:
            last = rows[-1]
            token = page_tokens.encode((last["started_at"], last["attempt_id"]), fingerprint)
        return collection_pb2.ListContactAttemptsResponse(
            attempts=[pb.attempt_to_proto(r) for r in rows], next_page_token=token
        )

    async def ListContactChecks(  # noqa: N802
        self, request: collection_pb2.ListContactChecksRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.ListContactChecksResponse:
        v = Violations()
        decision = None
        if request.decision:
            decision = pb.DECISION_FROM_PROTO.get(request.decision)
            if decision is None:
                v.add("decision", "is not a known value")
        where = CheckFilter(
            case_id=identifier(v, request.case_id, "case_id", required=False),
            borrower_id=identifier(v, request.borrower_id, "borrower_id", required=False),
            decision=decision,
            checked_from=proto_validation.timestamp(v, request, "checked_from", required=False),
            checked_until=proto_validation.timestamp(v, request, "checked_until", required=False),
        )
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        fingerprint, after = _page_position(
            v, request, "checks", request.case_id, request.borrower_id, str(request.decision),
            _ts_text(request, "checked_from"), _ts_text(request, "checked_until"),
        )
        v.raise_if_any()
        rows, more = await contact_use_cases.list_checks(
            self._running.engine, where, after=after, page_size=page_size
        )
        token = ""
        if more:
            token = page_tokens.encode((rows[-1]["checked_at"], rows[-1]["check_id"]), fingerprint)
        return collection_pb2.ListContactChecksResponse(
            checks=[pb.check_to_proto(r) for r in rows], next_page_token=token
        )

    async def DispatchMessage(  # noqa: N802
        self, request: collection_pb2.DispatchMessageRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.DispatchMessageResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        case_id, borrower_id, channel, party, point_id = self._target(v, request)
        if channel is not None and channel not in DISPATCH_CHANNELS:
            v.add("channel", "must be SMS, IVR or EMAIL (no app push provider in this version)")
        template_code = identifier(v, request.template_code, "template_code")
        v.raise_if_any()
        assert request_id and borrower_id and channel and party and template_code  # noqa: S101
        command = contact_use_cases.DispatchCommand(
            request_id=request_id, case_id=case_id, borrower_id=borrower_id, channel=channel,
            party=party, contact_point_id=point_id, template_code=template_code,
        )
        return await contact_use_cases.dispatch(
            self._running.engine, command, request, clock=self._clock,
            channels=self._channel_router(), cipher=self._pii(), policy=self._policy,
        )


class DebtorServicer(collection_pb2_grpc.DebtorServiceServicer):
    def __init__(
        self, running: RunningService, *, clock: Clock | None = None,
        cipher: PiiCipher | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._cipher = cipher

    def _pii(self) -> PiiCipher:
        if self._cipher is None:
            self._cipher = PiiCipher.from_env()
        return self._cipher

    async def GetDebtorProfile(  # noqa: N802
        self, request: collection_pb2.GetDebtorProfileRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.GetDebtorProfileResponse:
        v = Violations()
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        v.raise_if_any()
        assert borrower_id  # noqa: S101
        profile = await debtor_use_cases.get_profile(
            self._running.engine, borrower_id, clock=self._clock
        )
        return collection_pb2.GetDebtorProfileResponse(profile=profile)

    async def UpdateDebtorProfile(  # noqa: N802
        self, request: collection_pb2.UpdateDebtorProfileRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.UpdateDebtorProfileResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        zone = _time_zone(v, request.time_zone, "time_zone")
        code = _jurisdiction_code(v, request.jurisdiction_code, "jurisdiction_code", required=False)
        v.raise_if_any()
        assert request_id and borrower_id and zone  # noqa: S101
        return await debtor_use_cases.update_profile(
            self._running.engine,
            debtor_use_cases.UpdateProfileCommand(request_id, borrower_id, zone, code),
            request, clock=self._clock,
        )

    async def RegisterContactPoint(  # noqa: N802
        self, request: collection_pb2.RegisterContactPointRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.RegisterContactPointResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        party = _enum(v, request.party, "party", pb.PARTY_FROM_PROTO)
        kind = _enum(v, request.kind, "kind", pb.KIND_FROM_PROTO)
        value = request.value.strip()
        if not value:
            v.add("value", "is required")
        elif has_control_characters(value):
            v.add("value", "must not contain control characters")
        elif kind is PointKind.PHONE and not _PHONE_PATTERN.fullmatch(
            debtor_use_cases.normalized_value(kind, value)
        ):
            v.add("value", "must be a phone number: 6 to 15 digits, optionally after +")
        elif kind is PointKind.EMAIL and not _EMAIL_PATTERN.fullmatch(value):
            v.add("value", "must be an e-mail address")
        elif kind is PointKind.POSTAL_ADDRESS and len(value) > POSTAL_MAX_LENGTH:
            v.add("value", f"must be at most {POSTAL_MAX_LENGTH} characters")
        relationship = None
        if party is Party.THIRD_PARTY:
            relationship = _enum(
                v, request.relationship, "relationship", pb.RELATIONSHIP_FROM_PROTO
            )
        elif party is Party.DEBTOR:
            if request.relationship:
                v.add("relationship", "must be unspecified for the debtor's own contact point")
            if request.emergency_contact:
                v.add("emergency_contact", "applies to third parties only")
        v.raise_if_any()
        assert request_id and borrower_id and party and kind  # noqa: S101
        command = debtor_use_cases.RegisterPointCommand(
            request_id=request_id, borrower_id=borrower_id, party=party, kind=kind, value=value,
            relationship=relationship, emergency_contact=request.emergency_contact,
        )
        return await debtor_use_cases.register_point(
            self._running.engine, command, request, clock=self._clock, cipher=self._pii()
        )

    async def DeactivateContactPoint(  # noqa: N802
        self,
        request: collection_pb2.DeactivateContactPointRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.DeactivateContactPointResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        point_id = _uuid(v, request.contact_point_id, "contact_point_id")
        reason = _free_text(v, request.reason, "reason", 200)
        v.raise_if_any()
        assert request_id and point_id  # noqa: S101
        return await debtor_use_cases.deactivate_point(
            self._running.engine,
            debtor_use_cases.DeactivatePointCommand(request_id, point_id, reason),
            request, clock=self._clock,
        )

    async def SetDoNotContactFlag(  # noqa: N802
        self, request: collection_pb2.SetDoNotContactFlagRequest, context: grpc.aio.ServicerContext
    ) -> collection_pb2.SetDoNotContactFlagResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        reason = _enum(v, request.reason, "reason", pb.DNC_FROM_PROTO)
        channel = None
        if request.channel:
            channel = pb.CHANNEL_FROM_PROTO.get(request.channel)
            if channel is None:
                v.add("channel", "is not a known value")
            elif reason is not None and reason is not DoNotContactReason.CHANNEL_STOP:
                v.add("channel", "applies to CHANNEL_STOP flags only")
        point_id = _uuid(v, request.contact_point_id, "contact_point_id", required=False)
        note = _free_text(v, request.note, "note", NOTE_MAX_LENGTH)
        expires_at = proto_validation.timestamp(v, request, "expires_at", required=False)
        if expires_at is not None and expires_at <= self._clock.now():
            v.add("expires_at", "must be in the future")
        v.raise_if_any()
        assert request_id and borrower_id and reason  # noqa: S101
        command = debtor_use_cases.SetFlagCommand(
            request_id=request_id, borrower_id=borrower_id, reason=reason, channel=channel,
            contact_point_id=point_id, note=note, expires_at=expires_at,
        )
        return await debtor_use_cases.set_flag(
            self._running.engine, command, request, clock=self._clock,
            actor=current_caller().subject,
        )

    async def ClearDoNotContactFlag(  # noqa: N802
        self,
        request: collection_pb2.ClearDoNotContactFlagRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.ClearDoNotContactFlagResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        flag_id = _uuid(v, request.flag_id, "flag_id")
        reason = _free_text(v, request.reason, "reason", NOTE_MAX_LENGTH)
        v.raise_if_any()
        assert request_id and flag_id  # noqa: S101
        return await debtor_use_cases.clear_flag(
            self._running.engine,
            debtor_use_cases.ClearFlagCommand(request_id, flag_id, reason),
            request, clock=self._clock, actor=current_caller().subject,
        )

    async def SetContactPreferences(  # noqa: N802
        self,
        request: collection_pb2.SetContactPreferencesRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.SetContactPreferencesResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        borrower_id = identifier(v, request.borrower_id, "borrower_id")
        windows = _windows(v, request.preferred_windows, "preferred_windows")
        v.raise_if_any()
        assert request_id and borrower_id and windows is not None  # noqa: S101
        return await debtor_use_cases.set_preferences(
            self._running.engine,
            debtor_use_cases.PreferencesCommand(
                request_id, borrower_id, windows, request.quiet_hours_consent
            ),
            request, clock=self._clock,
        )


def _encode_profile_token(code: str, version: int, fingerprint: str) -> str:
    raw = json.dumps({"c": code, "v": version, "f": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_profile_token(v: Violations, token: str, fingerprint: str) -> tuple[str, int] | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        code, version, digest = str(data["c"]), int(data["v"]), data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        v.add("page_token", "is not a page token this RPC issued")
        return None
    if digest != fingerprint:
        v.add("page_token", "was issued for a request with other filters")
        return None
    return code, version


class JurisdictionProfileServicer(collection_pb2_grpc.JurisdictionProfileServiceServicer):
    def __init__(self, running: RunningService, *, clock: Clock | None = None) -> None:
        self._running = running
        self._clock = clock or SystemClock()

    async def CreateJurisdictionProfileVersion(  # noqa: N802
        self,
        request: collection_pb2.CreateJurisdictionProfileVersionRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.CreateJurisdictionProfileVersionResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        rules = None
        effective_from = None
        if proto_validation.present(v, request, "profile"):
            p = request.profile
            at = v.at("profile")
            code = _jurisdiction_code(at, p.code, "code", required=True)
            effective_from = proto_validation.timestamp(at, p, "effective_from", required=False)
            channels: set[Channel] = set()
            for index, value in enumerate(p.call_channels):
                channel = _enum(at, value, f"call_channels[{index}]", pb.CHANNEL_FROM_PROTO)
                if channel is not None:
                    channels.add(channel)
            candidate = JurisdictionRules(
                code=code or "",
                version=1,
                effective_from=effective_from or EPOCH,
                quiet_hours_start_minute=p.quiet_hours_start_minute,
                quiet_hours_end_minute=p.quiet_hours_end_minute,
                quiet_hours_waivable_by_consent=p.quiet_hours_waivable_by_consent,
                max_connected_calls_per_day=p.max_connected_calls_per_day,
                max_unanswered_calls_per_number_per_day=p.max_unanswered_calls_per_number_per_day,
                max_calls_per_7_days=p.max_calls_per_7_days,
                conversation_cool_off_days=p.conversation_cool_off_days,
                call_channels=frozenset(channels) or DEFAULT_CALL_CHANNELS,
                third_party_emergency_contacts_only=p.third_party_emergency_contacts_only,
                max_third_party_contacts_per_7_days=p.max_third_party_contacts_per_7_days,
            )
            for field, problem in range_problems(candidate):
                at.add(field, problem)
            if code is not None:
                rules = candidate
        v.raise_if_any()
        assert request_id and rules  # noqa: S101
        return await profile_use_cases.create_version(
            self._running.engine, rules, request_id, request, effective_from=effective_from,
            clock=self._clock, actor=current_caller().subject,
        )

    async def GetJurisdictionProfile(  # noqa: N802
        self,
        request: collection_pb2.GetJurisdictionProfileRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.GetJurisdictionProfileResponse:
        v = Violations()
        code = _jurisdiction_code(v, request.code, "code", required=True)
        v.int_range(request.version, "version", minimum=0)
        v.raise_if_any()
        assert code  # noqa: S101
        profile = await profile_use_cases.get_profile(
            self._running.engine, code, request.version, clock=self._clock
        )
        return collection_pb2.GetJurisdictionProfileResponse(profile=profile)

    async def ListJurisdictionProfiles(  # noqa: N802
        self,
        request: collection_pb2.ListJurisdictionProfilesRequest,
        context: grpc.aio.ServicerContext,
    ) -> collection_pb2.ListJurisdictionProfilesResponse:
        v = Violations()
        code = _jurisdiction_code(v, request.code, "code", required=False)
        page_size = v.page_size(request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        fingerprint = page_tokens.filter_fingerprint("profiles", request.code)
        after = _decode_profile_token(v, request.page_token, fingerprint)
        v.raise_if_any()
        rows, more = await profile_use_cases.list_profiles(
            self._running.engine, code, after=after, page_size=page_size
        )
        token = ""
        if more:
            token = _encode_profile_token(rows[-1]["code"], rows[-1]["version"], fingerprint)
        return collection_pb2.ListJurisdictionProfilesResponse(
            profiles=[profile_use_cases.profile_to_proto(r) for r in rows], next_page_token=token
        )


def contact_servicers(
    running: RunningService,
    *,
    clock: Clock | None = None,
    channels: ChannelGateway | None = None,
    cipher: PiiCipher | None = None,
    policy: contact_use_cases.GatePolicy | None = None,
) -> dict[str, Any]:
    """The three servicers of this slice by short service name, for ``add_servicers``."""
    # The key ring is read on first use; the PII setting is checked now, so a bad value stops
    # start-up.
    accept_column_bound_from_env()
    return {
        "ContactService": ContactServicer(
            running, clock=clock, channels=channels, cipher=cipher, policy=policy
        ),
        "DebtorService": DebtorServicer(running, clock=clock, cipher=cipher),
        "JurisdictionProfileService": JurisdictionProfileServicer(running, clock=clock),
    }
