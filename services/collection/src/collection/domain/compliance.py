"""The contact-compliance gate: may this contact go out now? Pure: the caller supplies the
jurisdiction rules, what is known about the debtor, the planned contact and the debtor's recent
contacts (attempts made and clearances still holding a slot); the gate answers allowed or
refused with **every** rule that refused.

Local time is the borrower's (``zoneinfo`` with the debtor profile's zone): the server's zone
plays no part. Day caps count the borrower's local calendar day; 7-day caps count 7
consecutive local days ending with the day of the contact (Regulation F's "seven consecutive
days"); the conversation cool-off counts the conversation's local day as day 1.

A clearance (an allowed check not yet used by an attempt and not expired) counts as a call that
connected *and* went unanswered: it holds its place under every cap until used or expired, so
concurrent checks cannot together exceed a cap.

Assignment: a contact made by a person (an agent of ours or of an outside agency) is refused
unless that person holds the case it is made on: an in-house agent must be the case's current
assignee, an agency's agent must work for the agency the case is placed with. A person's contact
is always on a case (the caller names it, or the gate takes the borrower's live case): with no
case there is nothing they hold, and it is refused. Contacts the system sends (no agent: SMS,
push, IVR robocall, e-mail, pre-due reminders) are not subject to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from collection.domain.jurisdiction import Channel, JurisdictionRules


class Party(StrEnum):
    DEBTOR = "DEBTOR"
    THIRD_PARTY = "THIRD_PARTY"


class PointKind(StrEnum):
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    POSTAL_ADDRESS = "POSTAL_ADDRESS"


class DoNotContactReason(StrEnum):
    COMPLAINT = "COMPLAINT"
    REPRESENTED_BY_LAWYER = "REPRESENTED_BY_LAWYER"
    DECEASED = "DECEASED"
    DISPUTE_PENDING = "DISPUTE_PENDING"
    CHANNEL_STOP = "CHANNEL_STOP"


class Refusal(StrEnum):
    """Why the gate refused (names match ``ContactRefusalReason`` without its prefix)."""

    QUIET_HOURS = "QUIET_HOURS"
    DAILY_CONNECTED_CAP = "DAILY_CONNECTED_CAP"
    DAILY_UNANSWERED_CAP = "DAILY_UNANSWERED_CAP"
    WEEKLY_CALL_CAP = "WEEKLY_CALL_CAP"
    CONVERSATION_COOL_OFF = "CONVERSATION_COOL_OFF"
    DO_NOT_CONTACT = "DO_NOT_CONTACT"
    CHANNEL_STOPPED = "CHANNEL_STOPPED"
    OUTSIDE_PREFERRED_WINDOW = "OUTSIDE_PREFERRED_WINDOW"
    THIRD_PARTY_NOT_LISTED = "THIRD_PARTY_NOT_LISTED"
    THIRD_PARTY_CAP = "THIRD_PARTY_CAP"
    CASE_PAUSED = "CASE_PAUSED"
    CASE_CLOSED = "CASE_CLOSED"
    CONTACT_POINT_UNUSABLE = "CONTACT_POINT_UNUSABLE"
    NOT_ASSIGNED = "NOT_ASSIGNED"


# Which kind of contact point each channel needs; None: no contact point (app push) or optional
# (a field visit may go to an address on file or not).
CHANNEL_POINT_KIND: dict[Channel, PointKind | None] = {
    Channel.SMS: PointKind.PHONE,
    Channel.IVR: PointKind.PHONE,
    Channel.AGENT_CALL: PointKind.PHONE,
    Channel.EMAIL: PointKind.EMAIL,
    Channel.LETTER: PointKind.POSTAL_ADDRESS,
    Channel.FIELD_VISIT: PointKind.POSTAL_ADDRESS,
    Channel.APP_PUSH: None,
}
# Channels whose contact point may be omitted.
POINT_OPTIONAL: frozenset[Channel] = frozenset({Channel.APP_PUSH, Channel.FIELD_VISIT})
# A letter is sent, not received, at the time of the check: quiet hours and preferred windows
# concern when the borrower is reached, so they do not apply to it.
TIME_INSENSITIVE: frozenset[Channel] = frozenset({Channel.LETTER})


@dataclass(frozen=True)
class ContactWindow:
    """A weekly window in the borrower's local time: ISO days (1 = Monday; empty = every day),
    start minute inclusive, end minute exclusive."""

    days_of_week: frozenset[int]
    start_minute: int
    end_minute: int

    def contains(self, local: dt.datetime) -> bool:
        minute = local.hour * 60 + local.minute
        day_ok = not self.days_of_week or local.isoweekday() in self.days_of_week
        return day_ok and self.start_minute <= minute < self.end_minute


@dataclass(frozen=True)
class DoNotContactFlag:
    flag_id: str
    reason: DoNotContactReason
    channel: Channel | None  # CHANNEL_STOP: the channel; None = all channels
    contact_point_id: str | None  # None = every contact point
    set_at: dt.datetime
    expires_at: dt.datetime | None = None
    cleared_at: dt.datetime | None = None

    def in_force(self, at: dt.datetime) -> bool:
        if self.cleared_at is not None and self.cleared_at <= at:
            return False
        return self.expires_at is None or at < self.expires_at


@dataclass(frozen=True)
class ContactPointView:
    """What the gate needs of a contact point (never its value)."""

    contact_point_id: str
    party: Party
    kind: PointKind
    active: bool
    emergency_contact: bool = False


@dataclass(frozen=True)
class DebtorContactProfile:
    borrower_id: str
    time_zone: str
    jurisdiction_code: str
    flags: tuple[DoNotContactFlag, ...] = ()
    preferred_windows: tuple[ContactWindow, ...] = ()
    quiet_hours_consent_at: dt.datetime | None = None


@dataclass(frozen=True)
class PastContact:
    """A contact that counts under the caps: an attempt made (``connected`` known) or a clearance
    still holding its slot (``pending``)."""

    channel: Channel
    party: Party
    contact_point_id: str | None
    at: dt.datetime  # UTC: attempt start, or the clearance's planned time
    connected: bool = False
    conversation: bool = False  # a right-party conversation (starts the cool-off)
    pending: bool = False


@dataclass(frozen=True)
class Holder:
    """Who makes a contact, or who holds a case: an agent and/or the agency. For a contact,
    ``agent_id`` is the person (``agency_id`` set when they work for an outside agency); for a
    case, its current assignee (``agent_id``) or placement (``agency_id``); None when nobody."""

    agent_id: str | None = None
    agency_id: str | None = None


NOBODY: Final = Holder()


@dataclass(frozen=True)
class PlannedContact:
    channel: Channel
    party: Party
    contact_point: ContactPointView | None
    planned_at: dt.datetime  # UTC
    # State of the case the contact is for ("OPEN", "PAUSED", "CLOSED"); None without a case
    # (pre-due reminders; a person without a case is refused NOT_ASSIGNED).
    case_state: str | None = None
    # The person making the contact; NOBODY when the system sends it (automated channels).
    contactor: Holder = NOBODY
    # Who holds the case now (assignee or placement); ignored without a case.
    case_holder: Holder = NOBODY


@dataclass(frozen=True)
class GateDecision:
    refusals: tuple[Refusal, ...]
    local_time: dt.datetime  # planned_at in the borrower's zone
    rules_label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.refusals


def local_time(instant: dt.datetime, time_zone: str) -> dt.datetime:
    """``instant`` (aware) in ``time_zone`` (IANA name)."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware (UTC)")
    return instant.astimezone(ZoneInfo(time_zone))


def lookback(rules: JurisdictionRules) -> dt.timedelta:
    """How far back the caller must supply past contacts for :func:`check_contact` (7 local
    days or the cool-off, plus a day of margin for zone offsets)."""
    return dt.timedelta(days=max(7, rules.conversation_cool_off_days) + 2)


def check_contact(
    rules: JurisdictionRules,
    debtor: DebtorContactProfile,
    planned: PlannedContact,
    history: Iterable[PastContact],
) -> GateDecision:
    """Every rule of ``rules`` applied to ``planned`` for ``debtor`` given ``history``; the
    refusals in a fixed order (the enum's), empty when allowed."""
    zone = debtor.time_zone
    local = local_time(planned.planned_at, zone)
    day = local.date()
    refusals: set[Refusal] = set()
    past = list(history)

    if planned.case_state == "PAUSED":  # a restructuring plan paused collection
        refusals.add(Refusal.CASE_PAUSED)
    elif planned.case_state == "CLOSED":
        refusals.add(Refusal.CASE_CLOSED)
    if not holds_case(planned):
        refusals.add(Refusal.NOT_ASSIGNED)
    refusals.update(_point_refusals(rules, planned))
    refusals.update(_flag_refusals(debtor.flags, planned))
    if planned.channel not in TIME_INSENSITIVE:
        refusals.update(_time_refusals(rules, debtor, planned, local))

    counts: dict[str, int] = {}
    is_call = planned.channel in rules.call_channels
    if is_call and planned.party is Party.DEBTOR:
        debtor_calls = [
            c for c in past if c.channel in rules.call_channels and c.party is Party.DEBTOR
        ]
        connected_today = sum(
            1 for c in debtor_calls
            if (c.connected or c.pending) and local_time(c.at, zone).date() == day
        )
        counts["connected_today"] = connected_today
        cap = rules.max_connected_calls_per_day
        if cap and connected_today >= cap:
            refusals.add(Refusal.DAILY_CONNECTED_CAP)
        week_start = day - dt.timedelta(days=6)
        calls_7_days = sum(
            1 for c in debtor_calls if week_start <= local_time(c.at, zone).date() <= day
        )
        counts["calls_7_days"] = calls_7_days
        if rules.max_calls_per_7_days and calls_7_days >= rules.max_calls_per_7_days:
            refusals.add(Refusal.WEEKLY_CALL_CAP)
        if rules.conversation_cool_off_days:
            span = dt.timedelta(days=rules.conversation_cool_off_days - 1)
            for c in debtor_calls:
                talked_on = local_time(c.at, zone).date()
                if c.conversation and c.at <= planned.planned_at and talked_on <= day <= (
                    talked_on + span
                ):
                    refusals.add(Refusal.CONVERSATION_COOL_OFF)
                    break
    if is_call and planned.contact_point is not None:
        point_id = planned.contact_point.contact_point_id
        unanswered_today = sum(
            1 for c in past
            if c.channel in rules.call_channels and c.contact_point_id == point_id
            and (c.pending or not c.connected) and local_time(c.at, zone).date() == day
        )
        counts["unanswered_today"] = unanswered_today
        cap = rules.max_unanswered_calls_per_number_per_day
        if cap and unanswered_today >= cap:
            refusals.add(Refusal.DAILY_UNANSWERED_CAP)
    if planned.party is Party.THIRD_PARTY and planned.contact_point is not None:
        point_id = planned.contact_point.contact_point_id
        week_start = day - dt.timedelta(days=6)
        third_party_7_days = sum(
            1 for c in past
            if c.party is Party.THIRD_PARTY and c.contact_point_id == point_id
            and week_start <= local_time(c.at, zone).date() <= day
        )
        counts["third_party_7_days"] = third_party_7_days
        cap = rules.max_third_party_contacts_per_7_days
        if cap and third_party_7_days >= cap:
            refusals.add(Refusal.THIRD_PARTY_CAP)
    ordered = tuple(r for r in Refusal if r in refusals)
    return GateDecision(refusals=ordered, local_time=local, rules_label=rules.label, counts=counts)


def holds_case(planned: PlannedContact) -> bool:
    """Whether the contactor may contact on the planned contact's case: always without a person
    (the system sending); never for a person without a case (there is no case they hold); an
    agency's agent when the case is placed with that agency; an in-house agent when they are the
    case's current assignee."""
    person = planned.contactor
    if person.agent_id is None:
        return True
    if planned.case_state is None:
        return False
    if person.agency_id is not None:
        return planned.case_holder.agency_id == person.agency_id
    return planned.case_holder.agent_id == person.agent_id


def _point_refusals(rules: JurisdictionRules, planned: PlannedContact) -> list[Refusal]:
    point = planned.contact_point
    needed = CHANNEL_POINT_KIND[planned.channel]
    if point is None:
        if planned.channel in POINT_OPTIONAL and planned.party is Party.DEBTOR:
            return []
        return [Refusal.CONTACT_POINT_UNUSABLE]
    refusals: list[Refusal] = []
    if not point.active or needed is None or point.kind is not needed or point.party is not (
        planned.party
    ):
        refusals.append(Refusal.CONTACT_POINT_UNUSABLE)
    if (
        planned.party is Party.THIRD_PARTY
        and rules.third_party_emergency_contacts_only
        and not point.emergency_contact
    ):
        refusals.append(Refusal.THIRD_PARTY_NOT_LISTED)
    return refusals


def _flag_refusals(
    flags: Sequence[DoNotContactFlag], planned: PlannedContact
) -> list[Refusal]:
    refusals: list[Refusal] = []
    point_id = planned.contact_point.contact_point_id if planned.contact_point else None
    for flag in flags:
        if not flag.in_force(planned.planned_at):
            continue
        if flag.contact_point_id is not None and flag.contact_point_id != point_id:
            continue
        if flag.reason is DoNotContactReason.CHANNEL_STOP:
            if flag.channel is None or flag.channel is planned.channel:
                refusals.append(Refusal.CHANNEL_STOPPED)
        else:
            refusals.append(Refusal.DO_NOT_CONTACT)
    return refusals


def _time_refusals(
    rules: JurisdictionRules,
    debtor: DebtorContactProfile,
    planned: PlannedContact,
    local: dt.datetime,
) -> list[Refusal]:
    refusals: list[Refusal] = []
    minute = local.hour * 60 + local.minute
    if rules.in_quiet_hours(minute):
        consented = (
            rules.quiet_hours_waivable_by_consent
            and planned.party is Party.DEBTOR
            and debtor.quiet_hours_consent_at is not None
            and debtor.quiet_hours_consent_at <= planned.planned_at
        )
        if not consented:
            refusals.append(Refusal.QUIET_HOURS)
    # Preferred windows are the debtor's; a third party is not reached on the debtor's terms
    # (quiet hours still protect them).
    if (
        planned.party is Party.DEBTOR
        and debtor.preferred_windows
        and not any(w.contains(local) for w in debtor.preferred_windows)
    ):
        refusals.append(Refusal.OUTSIDE_PREFERRED_WINDOW)
    return refusals
