"""The contact-compliance gate against worked examples of every rule, in the CN and US profiles,
with the borrower's local time doing the work (borrowers in other zones than the server and
Shanghai, US daylight-saving changes, local-day boundaries of the caps)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from collection.domain.compliance import (
    ContactPointView,
    ContactWindow,
    DebtorContactProfile,
    DoNotContactFlag,
    DoNotContactReason,
    Holder,
    Party,
    PastContact,
    PlannedContact,
    PointKind,
    Refusal,
    check_contact,
)
from collection.domain.jurisdiction import (
    CN_V1,
    US_V1,
    Channel,
    JurisdictionRules,
    hours_are_impossible,
    range_problems,
)
from collection.domain.templates import TEMPLATES, discloses_debt, render

pytestmark = pytest.mark.unit

UTC = dt.UTC
PHONE = ContactPointView("p-phone", Party.DEBTOR, PointKind.PHONE, active=True)
PHONE_2 = ContactPointView("p-phone-2", Party.DEBTOR, PointKind.PHONE, active=True)
EMAIL = ContactPointView("p-mail", Party.DEBTOR, PointKind.EMAIL, active=True)
FRIEND = ContactPointView(
    "p-friend", Party.THIRD_PARTY, PointKind.PHONE, active=True, emergency_contact=True
)
STRANGER = ContactPointView("p-stranger", Party.THIRD_PARTY, PointKind.PHONE, active=True)


def debtor(zone: str = "Asia/Shanghai", code: str = "CN", **kw: object) -> DebtorContactProfile:
    return DebtorContactProfile("b-1", zone, code, **kw)  # type: ignore[arg-type]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def gate(
    rules: JurisdictionRules,
    when: str,
    *,
    channel: Channel = Channel.AGENT_CALL,
    party: Party = Party.DEBTOR,
    point: ContactPointView | None = PHONE,
    profile: DebtorContactProfile | None = None,
    history: tuple[PastContact, ...] = (),
) -> tuple[Refusal, ...]:
    zone = "Asia/Shanghai" if rules.code == "CN" else "America/New_York"
    planned = PlannedContact(channel, party, point, at(when))
    decision = check_contact(rules, profile or debtor(zone, rules.code), planned, history)
    return decision.refusals


def call(when: str, *, connected: bool, point: str = "p-phone", conversation: bool = False,
         pending: bool = False, party: Party = Party.DEBTOR,
         channel: Channel = Channel.AGENT_CALL) -> PastContact:
    return PastContact(channel, party, point, at(when), connected=connected,
                       conversation=conversation, pending=pending)


# --- quiet hours in the borrower's zone ------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "refused"),
    [
        ("2025-06-02T21:59:00+08:00", False),
        ("2025-06-02T22:00:00+08:00", True),
        ("2025-06-03T03:00:00+08:00", True),
        ("2025-06-03T07:59:00+08:00", True),
        ("2025-06-03T08:00:00+08:00", False),
    ],
)
def test_cn_quiet_hours_22_to_8_local(when: str, refused: bool) -> None:
    assert (Refusal.QUIET_HOURS in gate(CN_V1, when)) is refused


def test_cn_quiet_hours_use_the_borrowers_zone_not_shanghai_or_the_servers() -> None:
    # 03:00 UTC is 11:00 in Shanghai and 20:00 the day before in Los Angeles (PDT).
    la = debtor("America/Los_Angeles")
    planned = PlannedContact(Channel.AGENT_CALL, Party.DEBTOR, PHONE, at("2025-06-02T03:00:00Z"))
    decision = check_contact(CN_V1, la, planned, ())
    assert decision.allowed
    assert decision.local_time.isoformat() == "2025-06-01T20:00:00-07:00"
    # 15:00 UTC is 23:00 in Shanghai (quiet) but 08:00 in Los Angeles (allowed).
    late_in_shanghai = PlannedContact(
        Channel.AGENT_CALL, Party.DEBTOR, PHONE, at("2025-06-02T15:00:00Z")
    )
    assert check_contact(CN_V1, la, late_in_shanghai, ()).allowed
    assert not check_contact(CN_V1, debtor(), late_in_shanghai, ()).allowed


def test_cn_consent_lifts_quiet_hours_for_the_debtor_but_not_a_third_party() -> None:
    consenting = debtor(quiet_hours_consent_at=at("2025-05-01T00:00:00Z"))
    when = "2025-06-02T23:00:00+08:00"
    assert gate(CN_V1, when, profile=consenting) == ()
    assert Refusal.QUIET_HOURS in gate(
        CN_V1, when, party=Party.THIRD_PARTY, point=FRIEND, profile=consenting
    )
    # Consent given after the planned time does not count.
    later = debtor(quiet_hours_consent_at=at("2025-06-03T00:00:00Z"))
    assert gate(CN_V1, when, profile=later) == (Refusal.QUIET_HOURS,)


def test_profile_not_waivable_ignores_consent() -> None:
    strict = dataclasses.replace(CN_V1, quiet_hours_waivable_by_consent=False)
    consenting = debtor(quiet_hours_consent_at=at("2025-05-01T00:00:00Z"))
    assert gate(strict, "2025-06-02T23:00:00+08:00", profile=consenting) == (
        Refusal.QUIET_HOURS,
    )


@pytest.mark.parametrize(
    ("when", "refused"),
    [
        # The evening before spring forward: 01:30Z is 20:30 EST.
        ("2025-03-09T01:30:00Z", False),
        # The evening after: 01:30Z is 21:30 EDT (a fixed -05:00 offset would say 20:30).
        ("2025-03-10T01:30:00Z", True),
        # The morning of fall back: 12:30Z is 07:30 EST (a fixed -04:00 would say 08:30).
        ("2025-11-02T12:30:00Z", True),
        # The morning before: 12:30Z is 08:30 EDT.
        ("2025-11-01T12:30:00Z", False),
    ],
)
def test_us_quiet_hours_follow_daylight_saving(when: str, refused: bool) -> None:
    assert (Refusal.QUIET_HOURS in gate(US_V1, when)) is refused


def test_us_local_time_recorded_with_the_offset_in_force() -> None:
    planned = PlannedContact(Channel.SMS, Party.DEBTOR, PHONE, at("2025-03-10T01:30:00Z"))
    decision = check_contact(US_V1, debtor("America/New_York", "US"), planned, ())
    assert decision.local_time.isoformat() == "2025-03-09T21:30:00-04:00"
    assert decision.refusals == (Refusal.QUIET_HOURS,)


def test_letters_are_not_held_to_quiet_hours() -> None:
    address = ContactPointView("p-addr", Party.DEBTOR, PointKind.POSTAL_ADDRESS, active=True)
    assert gate(CN_V1, "2025-06-02T23:00:00+08:00", channel=Channel.LETTER, point=address) == ()


# --- frequency caps ---------------------------------------------------------------------------


def test_cn_three_connected_calls_a_local_day_across_agents() -> None:
    history = tuple(
        call(f"2025-06-02T{h}:00:00+08:00", connected=True) for h in ("09", "10", "11")
    )
    assert gate(CN_V1, "2025-06-02T15:00:00+08:00", history=history) == (
        Refusal.DAILY_CONNECTED_CAP,
    )
    assert gate(CN_V1, "2025-06-02T15:00:00+08:00", history=history[:2]) == ()
    # The next local day starts afresh.
    assert gate(CN_V1, "2025-06-03T09:00:00+08:00", history=history) == ()


def test_cn_day_is_the_borrowers_local_day() -> None:
    # 16:30Z on June 1 is 00:30 on June 2 in Shanghai: counts for June 2.
    history = (
        call("2025-06-01T16:30:00Z", connected=True),
        call("2025-06-02T02:00:00Z", connected=True),
        call("2025-06-02T03:00:00Z", connected=True),
    )
    assert Refusal.DAILY_CONNECTED_CAP in gate(CN_V1, "2025-06-02T15:00:00+08:00",
                                                 history=history)
    # 15:30Z on June 1 is 23:30 on June 1 local: not June 2.
    earlier = (call("2025-06-01T15:30:00Z", connected=True), *history[1:])
    assert gate(CN_V1, "2025-06-02T15:00:00+08:00", history=earlier) == ()


def test_clearances_hold_a_place_under_the_connected_cap() -> None:
    history = (
        call("2025-06-02T09:00:00+08:00", connected=True),
        call("2025-06-02T10:00:00+08:00", connected=False, pending=True),
        call("2025-06-02T10:01:00+08:00", connected=False, pending=True),
    )
    assert gate(CN_V1, "2025-06-02T10:02:00+08:00", history=history) == (
        Refusal.DAILY_CONNECTED_CAP,
    )


def test_cn_six_unanswered_attempts_per_number_per_day() -> None:
    history = tuple(
        call(f"2025-06-02T{9 + i:02d}:00:00+08:00", connected=False) for i in range(6)
    )
    assert gate(CN_V1, "2025-06-02T16:00:00+08:00", history=history) == (
        Refusal.DAILY_UNANSWERED_CAP,
    )
    # Another number of the same debtor is still allowed.
    assert gate(CN_V1, "2025-06-02T16:00:00+08:00", history=history, point=PHONE_2) == ()
    # An SMS is not a call: no call cap applies.
    assert gate(CN_V1, "2025-06-02T16:00:00+08:00", history=history, channel=Channel.SMS) == ()


def test_cn_has_no_weekly_cap_or_cool_off() -> None:
    history = tuple(
        call(f"2025-06-0{d}T10:00:00+08:00", connected=True, conversation=True)
        for d in range(1, 8)
    )
    assert gate(CN_V1, "2025-06-08T10:00:00+08:00", history=history) == ()


def test_us_more_than_seven_calls_in_seven_days() -> None:
    # Seven calls on June 2..8 (New York days); the eighth on June 8 is refused.
    history = tuple(
        call(f"2025-06-0{d}T10:00:00-04:00", connected=False) for d in range(2, 9)
    )
    assert gate(US_V1, "2025-06-08T15:00:00-04:00", history=history) == (
        Refusal.WEEKLY_CALL_CAP,
    )
    # On June 9 the June 2 call has left the seven-day window.
    assert gate(US_V1, "2025-06-09T10:00:00-04:00", history=history) == ()


def test_us_seven_day_window_counts_new_york_days_across_spring_forward() -> None:
    # Seven calls March 3..9 at noon New York time; March 9 is the day clocks jump.
    noon = [dt.datetime(2025, 3, d, 12, tzinfo=ZoneInfo("America/New_York")) for d in range(3, 10)]
    history = tuple(
        PastContact(Channel.AGENT_CALL, Party.DEBTOR, "p-phone", t.astimezone(UTC)) for t in noon
    )
    assert gate(US_V1, "2025-03-09T18:00:00-04:00", history=history) == (
        Refusal.WEEKLY_CALL_CAP,
    )
    assert gate(US_V1, "2025-03-10T09:00:00-04:00", history=history) == ()


def test_us_no_call_within_seven_days_after_a_conversation() -> None:
    talked = (call("2025-06-01T11:00:00-04:00", connected=True, conversation=True),)
    # The conversation's day is day 1: June 1..7 are closed to calls, June 8 is open.
    assert gate(US_V1, "2025-06-07T20:00:00-04:00", history=talked) == (
        Refusal.CONVERSATION_COOL_OFF,
    )
    assert gate(US_V1, "2025-06-08T09:00:00-04:00", history=talked) == ()
    # The cool-off concerns calls; an e-mail may go out.
    assert gate(
        US_V1, "2025-06-03T10:00:00-04:00", history=talked, channel=Channel.EMAIL, point=EMAIL
    ) == ()
    # An unanswered call is not a conversation.
    missed = (call("2025-06-01T11:00:00-04:00", connected=False),)
    assert gate(US_V1, "2025-06-02T10:00:00-04:00", history=missed) == ()


def test_us_has_no_daily_connected_cap() -> None:
    history = tuple(
        call(f"2025-06-02T{h}:00:00-04:00", connected=True) for h in ("09", "10", "11", "12")
    )
    assert gate(US_V1, "2025-06-02T15:00:00-04:00", history=history) == ()


# --- do-not-contact flags, preferred windows ------------------------------------------------


def flag(reason: DoNotContactReason, **kw: object) -> DoNotContactFlag:
    return DoNotContactFlag("f-1", reason, set_at=at("2025-05-01T00:00:00Z"),
                            channel=kw.pop("channel", None),  # type: ignore[arg-type]
                            contact_point_id=kw.pop("contact_point_id", None),  # type: ignore[arg-type]
                            **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "reason",
    [
        DoNotContactReason.COMPLAINT,
        DoNotContactReason.REPRESENTED_BY_LAWYER,
        DoNotContactReason.DECEASED,
        DoNotContactReason.DISPUTE_PENDING,
    ],
)
def test_do_not_contact_flags_refuse_every_channel(reason: DoNotContactReason) -> None:
    profile = debtor(flags=(flag(reason),))
    when = "2025-06-02T10:00:00+08:00"
    assert gate(CN_V1, when, profile=profile) == (Refusal.DO_NOT_CONTACT,)
    assert gate(CN_V1, when, profile=profile, channel=Channel.EMAIL, point=EMAIL) == (
        Refusal.DO_NOT_CONTACT,
    )


def test_flags_expire_and_clear() -> None:
    when = "2025-06-02T10:00:00+08:00"
    expired = debtor(flags=(flag(DoNotContactReason.COMPLAINT,
                                 expires_at=at("2025-06-01T00:00:00Z")),))
    cleared = debtor(flags=(flag(DoNotContactReason.COMPLAINT,
                                 cleared_at=at("2025-06-01T00:00:00Z")),))
    assert gate(CN_V1, when, profile=expired) == ()
    assert gate(CN_V1, when, profile=cleared) == ()


def test_channel_stop_refuses_only_that_channel_and_point() -> None:
    when = "2025-06-02T10:00:00+08:00"
    stop_sms = debtor(flags=(flag(DoNotContactReason.CHANNEL_STOP, channel=Channel.SMS),))
    assert gate(CN_V1, when, profile=stop_sms, channel=Channel.SMS) == (Refusal.CHANNEL_STOPPED,)
    assert gate(CN_V1, when, profile=stop_sms, channel=Channel.AGENT_CALL) == ()
    one_number = debtor(flags=(flag(DoNotContactReason.CHANNEL_STOP, contact_point_id="p-phone"),))
    assert gate(CN_V1, when, profile=one_number) == (Refusal.CHANNEL_STOPPED,)
    assert gate(CN_V1, when, profile=one_number, point=PHONE_2) == ()


def test_preferred_windows_in_local_time_and_days() -> None:
    evenings = debtor(
        preferred_windows=(ContactWindow(frozenset({1, 2, 3, 4, 5}), 18 * 60, 20 * 60),)
    )
    # 2025-06-02 is a Monday.
    assert gate(CN_V1, "2025-06-02T19:00:00+08:00", profile=evenings) == ()
    assert gate(CN_V1, "2025-06-02T10:00:00+08:00", profile=evenings) == (
        Refusal.OUTSIDE_PREFERRED_WINDOW,
    )
    assert gate(CN_V1, "2025-06-07T19:00:00+08:00", profile=evenings) == (
        Refusal.OUTSIDE_PREFERRED_WINDOW,
    )


# --- third parties, contact points ---------------------------------------------------------


def test_third_party_only_listed_emergency_contacts() -> None:
    when = "2025-06-02T10:00:00+08:00"
    assert gate(CN_V1, when, party=Party.THIRD_PARTY, point=FRIEND) == ()
    assert gate(CN_V1, when, party=Party.THIRD_PARTY, point=STRANGER) == (
        Refusal.THIRD_PARTY_NOT_LISTED,
    )


def test_us_third_party_once_in_seven_days() -> None:
    history = (call("2025-06-02T10:00:00-04:00", connected=True, point="p-friend",
                    party=Party.THIRD_PARTY),)
    assert gate(US_V1, "2025-06-05T10:00:00-04:00", party=Party.THIRD_PARTY, point=FRIEND,
                history=history) == (Refusal.THIRD_PARTY_CAP,)
    assert gate(US_V1, "2025-06-09T10:00:00-04:00", party=Party.THIRD_PARTY, point=FRIEND,
                history=history) == ()


def test_contact_point_must_fit_channel_party_and_be_active() -> None:
    when = "2025-06-02T10:00:00+08:00"
    assert gate(CN_V1, when, channel=Channel.SMS, point=EMAIL) == (
        Refusal.CONTACT_POINT_UNUSABLE,
    )
    assert gate(CN_V1, when, point=FRIEND) == (Refusal.CONTACT_POINT_UNUSABLE,)
    inactive = dataclasses.replace(PHONE, active=False)
    assert gate(CN_V1, when, point=inactive) == (Refusal.CONTACT_POINT_UNUSABLE,)
    assert gate(CN_V1, when, channel=Channel.APP_PUSH, point=None) == ()
    assert gate(CN_V1, when, channel=Channel.SMS, point=None) == (
        Refusal.CONTACT_POINT_UNUSABLE,
    )


def test_every_refusing_rule_is_listed() -> None:
    profile = debtor(flags=(flag(DoNotContactReason.COMPLAINT),))
    history = tuple(
        call(f"2025-06-02T{h}:00:00+08:00", connected=True) for h in ("09", "10", "11")
    )
    assert gate(CN_V1, "2025-06-02T23:00:00+08:00", profile=profile, history=history) == (
        Refusal.QUIET_HOURS, Refusal.DAILY_CONNECTED_CAP, Refusal.DO_NOT_CONTACT,
    )


# --- profiles and templates ----------------------------------------------------------------


def test_profile_validation() -> None:
    bad = dataclasses.replace(
        CN_V1, quiet_hours_start_minute=1440, max_connected_calls_per_day=-1,
        conversation_cool_off_days=-2,
    )
    fields = {f for f, _ in range_problems(bad)}
    assert fields == {
        "quiet_hours_start_minute", "max_connected_calls_per_day", "conversation_cool_off_days",
    }
    assert range_problems(CN_V1) == [] and range_problems(US_V1) == []
    assert hours_are_impossible(dataclasses.replace(CN_V1, quiet_hours_end_minute=1320))


def test_third_party_templates_never_disclose_the_debt() -> None:
    third_party = [t for t in TEMPLATES.values() if t.party is Party.THIRD_PARTY]
    assert third_party
    for template in third_party:
        for channel in (Channel.SMS, Channel.IVR, Channel.EMAIL):
            message = render(template, channel)
            assert not discloses_debt(
                f"{message.subject} {message.text} {message.sender_signature}"
            )
    # The detector itself catches the words a debtor template uses.
    debtor_templates = [t for t in TEMPLATES.values() if t.party is Party.DEBTOR]
    assert all(discloses_debt(t.text) for t in debtor_templates)


@pytest.mark.parametrize(("state", "expected"), [
    (None, ()), ("OPEN", ()), ("PAUSED", (Refusal.CASE_PAUSED,)),
    ("CLOSED", (Refusal.CASE_CLOSED,)),
])
def test_a_paused_or_closed_case_refuses_every_contact(
    state: str | None, expected: tuple[Refusal, ...]
) -> None:
    planned = PlannedContact(Channel.AGENT_CALL, Party.DEBTOR, PHONE,
                             at("2025-06-02T11:00:00+08:00"), case_state=state)
    assert check_contact(CN_V1, debtor(), planned, ()).refusals == expected
    # Reported with the other rules that refuse, in the enum's order.
    quiet = dataclasses.replace(planned, planned_at=at("2025-06-02T23:00:00+08:00"))
    assert check_contact(CN_V1, debtor(), quiet, ()).refusals == (Refusal.QUIET_HOURS, *expected)


# --- assignment: a person contacts only on cases they hold -----------------------------------

ANN = Holder(agent_id="agent-ann")  # in-house
BOB = Holder(agent_id="agent-bob")  # in-house
ACME_CAROL = Holder(agent_id="acme-carol", agency_id="acme")  # works for the agency ACME
BETA_DAN = Holder(agent_id="beta-dan", agency_id="beta")


@pytest.mark.parametrize(("contactor", "holder", "refused"), [
    (ANN, Holder(agent_id="agent-ann"), False),  # the assignee
    (BOB, Holder(agent_id="agent-ann"), True),  # another agent's case
    (ANN, Holder(), True),  # an unassigned case
    (ANN, Holder(agency_id="acme"), True),  # placed with an agency: in-house hands off
    (ACME_CAROL, Holder(agency_id="acme"), False),  # the agency holding the placement
    (BETA_DAN, Holder(agency_id="acme"), True),  # another agency
    (ACME_CAROL, Holder(agent_id="agent-ann"), True),  # in-house case, agency not placed
    (ACME_CAROL, Holder(), True),
    # An agency's agent id equal to the in-house assignee's does not make them the assignee.
    (Holder(agent_id="agent-ann", agency_id="acme"), Holder(agent_id="agent-ann"), True),
])
@pytest.mark.parametrize("channel", [Channel.AGENT_CALL, Channel.FIELD_VISIT, Channel.LETTER])
def test_a_person_contacts_only_on_a_case_they_hold(
    contactor: Holder, holder: Holder, refused: bool, channel: Channel
) -> None:
    points = {Channel.AGENT_CALL: PHONE, Channel.FIELD_VISIT: None,
              Channel.LETTER: ContactPointView("p-home", Party.DEBTOR, PointKind.POSTAL_ADDRESS,
                                               active=True)}
    planned = PlannedContact(channel, Party.DEBTOR, points[channel],
                             at("2025-06-02T11:00:00+08:00"), case_state="OPEN",
                             contactor=contactor, case_holder=holder)
    expected = (Refusal.NOT_ASSIGNED,) if refused else ()
    assert check_contact(CN_V1, debtor(), planned, ()).refusals == expected


def test_the_system_sending_is_not_held_to_assignment() -> None:
    sms = PlannedContact(Channel.SMS, Party.DEBTOR, PHONE, at("2025-06-02T11:00:00+08:00"),
                         case_state="OPEN", case_holder=Holder(agent_id="agent-ann"))
    assert check_contact(CN_V1, debtor(), sms, ()).refusals == ()
    robocall = dataclasses.replace(sms, channel=Channel.IVR, case_holder=Holder())
    assert check_contact(CN_V1, debtor(), robocall, ()).refusals == ()
    # The system sending without a case (a pre-due reminder).
    reminder = dataclasses.replace(sms, case_state=None, case_holder=Holder())
    assert check_contact(CN_V1, debtor(), reminder, ()).refusals == ()


@pytest.mark.parametrize("contactor", [ANN, BOB, ACME_CAROL])
@pytest.mark.parametrize("channel", [Channel.AGENT_CALL, Channel.FIELD_VISIT])
def test_a_person_without_a_case_holds_nothing(contactor: Holder, channel: Channel) -> None:
    # A person's contact with no case (the borrower has no live case): nothing they hold.
    caseless = PlannedContact(channel, Party.DEBTOR,
                              PHONE if channel is Channel.AGENT_CALL else None,
                              at("2025-06-02T11:00:00+08:00"), case_state=None,
                              contactor=contactor)
    assert check_contact(CN_V1, debtor(), caseless, ()).refusals == (Refusal.NOT_ASSIGNED,)


def test_not_assigned_is_listed_with_the_other_refusals() -> None:
    planned = PlannedContact(Channel.AGENT_CALL, Party.DEBTOR, PHONE,
                             at("2025-06-02T23:30:00+08:00"), case_state="PAUSED",
                             contactor=BOB, case_holder=Holder())
    assert check_contact(CN_V1, debtor(), planned, ()).refusals == (
        Refusal.QUIET_HOURS, Refusal.CASE_PAUSED, Refusal.NOT_ASSIGNED)
