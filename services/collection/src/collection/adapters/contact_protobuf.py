"""Mapping between the contact slice's rows/domain values and protobuf messages
(``postloan.collection.v1``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from collection.domain.compliance import DoNotContactReason, Party, PointKind, Refusal
from collection.domain.jurisdiction import Channel, JurisdictionRules
from postloan.collection.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import timestamp_to_proto

R = resources_pb2

CHANNEL_FROM_PROTO: dict[int, Channel] = {
    R.CONTACT_CHANNEL_SMS: Channel.SMS,
    R.CONTACT_CHANNEL_APP_PUSH: Channel.APP_PUSH,
    R.CONTACT_CHANNEL_IVR: Channel.IVR,
    R.CONTACT_CHANNEL_AGENT_CALL: Channel.AGENT_CALL,
    R.CONTACT_CHANNEL_EMAIL: Channel.EMAIL,
    R.CONTACT_CHANNEL_LETTER: Channel.LETTER,
    R.CONTACT_CHANNEL_FIELD_VISIT: Channel.FIELD_VISIT,
}
CHANNEL_TO_PROTO = {v: k for k, v in CHANNEL_FROM_PROTO.items()}
PARTY_FROM_PROTO: dict[int, Party] = {
    R.CONTACT_PARTY_DEBTOR: Party.DEBTOR,
    R.CONTACT_PARTY_THIRD_PARTY: Party.THIRD_PARTY,
}
PARTY_TO_PROTO = {v: k for k, v in PARTY_FROM_PROTO.items()}
KIND_FROM_PROTO: dict[int, PointKind] = {
    R.CONTACT_POINT_KIND_PHONE: PointKind.PHONE,
    R.CONTACT_POINT_KIND_EMAIL: PointKind.EMAIL,
    R.CONTACT_POINT_KIND_POSTAL_ADDRESS: PointKind.POSTAL_ADDRESS,
}
KIND_TO_PROTO = {v: k for k, v in KIND_FROM_PROTO.items()}
DNC_FROM_PROTO: dict[int, DoNotContactReason] = {
    R.DO_NOT_CONTACT_REASON_COMPLAINT: DoNotContactReason.COMPLAINT,
    R.DO_NOT_CONTACT_REASON_REPRESENTED_BY_LAWYER: DoNotContactReason.REPRESENTED_BY_LAWYER,
    R.DO_NOT_CONTACT_REASON_DECEASED: DoNotContactReason.DECEASED,
    R.DO_NOT_CONTACT_REASON_DISPUTE_PENDING: DoNotContactReason.DISPUTE_PENDING,
    R.DO_NOT_CONTACT_REASON_CHANNEL_STOP: DoNotContactReason.CHANNEL_STOP,
}
DNC_TO_PROTO = {v: k for k, v in DNC_FROM_PROTO.items()}
RELATIONSHIP_FROM_PROTO: dict[int, str] = {
    value: name.removeprefix("THIRD_PARTY_RELATIONSHIP_")
    for name, value in R.ThirdPartyRelationship.items()
    if value
}
RELATIONSHIP_TO_PROTO = {v: k for k, v in RELATIONSHIP_FROM_PROTO.items()}
OUTCOME_FROM_PROTO: dict[int, str] = {
    value: name.removeprefix("CONTACT_OUTCOME_")
    for name, value in R.ContactOutcome.items()
    if value
}
OUTCOME_TO_PROTO = {v: k for k, v in OUTCOME_FROM_PROTO.items()}
DECISION_TO_PROTO = {
    "ALLOWED": R.CONTACT_DECISION_ALLOWED,
    "REFUSED": R.CONTACT_DECISION_REFUSED,
}
DECISION_FROM_PROTO = {v: k for k, v in DECISION_TO_PROTO.items()}
REFUSAL_TO_PROTO: dict[str, int] = {
    r.value: R.ContactRefusalReason.Value(f"CONTACT_REFUSAL_REASON_{r.value}") for r in Refusal
}


def _ts(value: dt.datetime | None) -> Any:
    return timestamp_to_proto(value) if value is not None else None


def _id(value: Any) -> str:
    return str(value) if value is not None else ""


def rules_to_proto(
    rules: JurisdictionRules, *, profile_id: str, created_at: dt.datetime, created_by: str
) -> resources_pb2.JurisdictionProfile:
    return resources_pb2.JurisdictionProfile(
        profile_id=profile_id,
        code=rules.code,
        version=rules.version,
        effective_from=timestamp_to_proto(rules.effective_from),
        quiet_hours_start_minute=rules.quiet_hours_start_minute,
        quiet_hours_end_minute=rules.quiet_hours_end_minute,
        quiet_hours_waivable_by_consent=rules.quiet_hours_waivable_by_consent,
        max_connected_calls_per_day=rules.max_connected_calls_per_day,
        max_unanswered_calls_per_number_per_day=rules.max_unanswered_calls_per_number_per_day,
        max_calls_per_7_days=rules.max_calls_per_7_days,
        conversation_cool_off_days=rules.conversation_cool_off_days,
        call_channels=sorted(CHANNEL_TO_PROTO[c] for c in rules.call_channels),
        third_party_emergency_contacts_only=rules.third_party_emergency_contacts_only,
        max_third_party_contacts_per_7_days=rules.max_third_party_contacts_per_7_days,
        created_at=timestamp_to_proto(created_at),
        created_by=created_by,
    )


def contact_point_to_proto(row: Mapping[str, Any]) -> resources_pb2.ContactPoint:
    return resources_pb2.ContactPoint(
        contact_point_id=str(row["contact_point_id"]),
        borrower_id=row["borrower_id"],
        party=PARTY_TO_PROTO[Party(row["party"])],
        kind=KIND_TO_PROTO[PointKind(row["kind"])],
        masked_value=row["masked_value"],
        relationship=RELATIONSHIP_TO_PROTO.get(row["relationship"] or "", 0),
        emergency_contact=row["emergency_contact"],
        active=row["active"],
    )


def flag_to_proto(row: Mapping[str, Any]) -> resources_pb2.DoNotContactFlag:
    return resources_pb2.DoNotContactFlag(
        flag_id=str(row["flag_id"]),
        borrower_id=row["borrower_id"],
        reason=DNC_TO_PROTO[DoNotContactReason(row["reason"])],
        channel=CHANNEL_TO_PROTO[Channel(row["channel"])] if row["channel"] else 0,
        contact_point_id=_id(row["contact_point_id"]),
        note=row["note"],
        set_at=timestamp_to_proto(row["set_at"]),
        set_by=row["set_by"],
        expires_at=_ts(row["expires_at"]),
        cleared_at=_ts(row["cleared_at"]),
        cleared_by=row["cleared_by"] or "",
    )


def windows_to_proto(windows: Iterable[Mapping[str, Any]]) -> list[resources_pb2.ContactWindow]:
    return [
        resources_pb2.ContactWindow(
            days_of_week=w["days_of_week"],
            start_minute=w["start_minute"],
            end_minute=w["end_minute"],
        )
        for w in windows
    ]


def debtor_profile_to_proto(
    profile: Mapping[str, Any],
    points: Iterable[Mapping[str, Any]],
    flags: Iterable[Mapping[str, Any]],
) -> resources_pb2.DebtorProfile:
    return resources_pb2.DebtorProfile(
        borrower_id=profile["borrower_id"],
        time_zone=profile["time_zone"],
        jurisdiction_code=profile["jurisdiction_code"],
        contact_points=[contact_point_to_proto(p) for p in points],
        do_not_contact_flags=[flag_to_proto(f) for f in flags],
        preferred_windows=windows_to_proto(profile["preferred_windows"]),
        quiet_hours_consent_at=_ts(profile["quiet_hours_consent_at"]),
    )


def check_to_proto(row: Mapping[str, Any]) -> resources_pb2.ContactCheck:
    return resources_pb2.ContactCheck(
        check_id=str(row["check_id"]),
        decision=DECISION_TO_PROTO[row["decision"]],
        refusal_reasons=[REFUSAL_TO_PROTO[r] for r in row["refusal_reasons"]],
        case_id=row["case_id"] or "",
        borrower_id=row["borrower_id"],
        channel=CHANNEL_TO_PROTO[Channel(row["channel"])],
        party=PARTY_TO_PROTO[Party(row["party"])],
        contact_point_id=_id(row["contact_point_id"]),
        agent_id=row["agent_id"] or "",
        agency_id=row["agency_id"] or "",
        planned_at=timestamp_to_proto(row["planned_at"]),
        borrower_local_time=row["borrower_local_time"],
        time_zone=row["time_zone"],
        jurisdiction_profile=row["jurisdiction_profile"],
        checked_at=timestamp_to_proto(row["checked_at"]),
        clearance_expires_at=_ts(row["clearance_expires_at"]),
    )


def attempt_to_proto(row: Mapping[str, Any]) -> resources_pb2.ContactAttempt:
    return resources_pb2.ContactAttempt(
        attempt_id=str(row["attempt_id"]),
        check_id=str(row["check_id"]),
        case_id=row["case_id"] or "",
        borrower_id=row["borrower_id"],
        contact_point_id=_id(row["contact_point_id"]),
        channel=CHANNEL_TO_PROTO[Channel(row["channel"])],
        party=PARTY_TO_PROTO[Party(row["party"])],
        outcome=OUTCOME_TO_PROTO[row["outcome"]],
        connected=row["connected"],
        agent_id=row["agent_id"] or "",
        agency_id=row["agency_id"] or "",
        started_at=timestamp_to_proto(row["started_at"]),
        ended_at=_ts(row["ended_at"]),
        recording_reference=row["recording_reference"],
        note=row["note"],
        recorded_at=timestamp_to_proto(row["recorded_at"]),
    )


def contact_attempted_event(row: Mapping[str, Any]) -> events_pb2.ContactAttempted:
    return events_pb2.ContactAttempted(
        attempt_id=str(row["attempt_id"]),
        case_id=row["case_id"] or "",
        borrower_id=row["borrower_id"],
        channel=CHANNEL_TO_PROTO[Channel(row["channel"])],
        party=PARTY_TO_PROTO[Party(row["party"])],
        outcome=OUTCOME_TO_PROTO[row["outcome"]],
        connected=row["connected"],
        agent_id=row["agent_id"] or "",
        agency_id=row["agency_id"] or "",
        started_at=timestamp_to_proto(row["started_at"]),
    )
