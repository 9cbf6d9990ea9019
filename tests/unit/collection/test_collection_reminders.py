"""Pre-due reminders: the channel a reminder goes by, when a quiet-hours refusal may be retried
(in the borrower's zone, across midnight and daylight-saving changes), which refusals are
final, and expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from collection.domain.compliance import ContactPointView, Party, PointKind, Refusal
from collection.domain.jurisdiction import CN_V1, US_V1, Channel
from collection.domain.reminders import (
    expired,
    next_attempt_after_refusal,
    quiet_hours_end,
    reminder_channel,
)

pytestmark = pytest.mark.unit

PHONE = ContactPointView("p-phone", Party.DEBTOR, PointKind.PHONE, active=True)
OLD_PHONE = ContactPointView("p-old", Party.DEBTOR, PointKind.PHONE, active=False)
MAIL = ContactPointView("p-mail", Party.DEBTOR, PointKind.EMAIL, active=True)
SISTER = ContactPointView("p-sister", Party.THIRD_PARTY, PointKind.PHONE, active=True,
                          emergency_contact=True)
WAIT = dt.timedelta(hours=1)
NOW = dt.datetime(2025, 6, 2, 14, 0, tzinfo=dt.UTC)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def test_the_first_treatment_with_an_adapter_and_an_active_debtor_point() -> None:
    # The default strategy's pre-due treatments: SMS, then APP_PUSH (no adapter).
    assert reminder_channel(["SMS", "APP_PUSH"], [OLD_PHONE, MAIL, PHONE]) == (
        Channel.SMS, PHONE)
    assert reminder_channel(["APP_PUSH", "EMAIL", "SMS"], [PHONE, MAIL]) == (
        Channel.EMAIL, MAIL)
    # No active phone of the debtor's own: e-mail when the strategy has it, else nothing; a
    # third party never gets a reminder.
    assert reminder_channel(["SMS", "EMAIL"], [OLD_PHONE, SISTER, MAIL]) == (
        Channel.EMAIL, MAIL)
    assert reminder_channel(["SMS", "APP_PUSH"], [OLD_PHONE, SISTER, MAIL]) is None
    assert reminder_channel(["APP_PUSH", "LITIGATION"], [PHONE]) is None


@pytest.mark.parametrize(("rules", "zone", "instant", "over_at"), [
    # CN 22:00–08:00 in Shanghai: late evening → next morning; small hours → same morning.
    (CN_V1, "Asia/Shanghai", "2025-06-02T23:30:00+08:00", "2025-06-03T08:00:00+08:00"),
    (CN_V1, "Asia/Shanghai", "2025-06-03T03:10:00+08:00", "2025-06-03T08:00:00+08:00"),
    (CN_V1, "Asia/Shanghai", "2025-06-02T22:00:00+08:00", "2025-06-03T08:00:00+08:00"),
    # Not in quiet hours: now.
    (CN_V1, "Asia/Shanghai", "2025-06-02T08:00:00+08:00", "2025-06-02T08:00:00+08:00"),
    # A CN-profile borrower living in Berlin: Berlin's 08:00, not Shanghai's.
    (CN_V1, "Europe/Berlin", "2025-06-02T23:00:00+02:00", "2025-06-03T08:00:00+02:00"),
    # US 21:00–08:00 in New York across spring forward (9 March 2025, 02:00 EST → 03:00
    # EDT): 21:30 EST on the 8th ends at 08:00 EDT on the 9th, 11 hours of clock later.
    (US_V1, "America/New_York", "2025-03-08T21:30:00-05:00", "2025-03-09T08:00:00-04:00"),
    # ... and across fall back (2 November 2025, 02:00 EDT → 01:00 EST).
    (US_V1, "America/New_York", "2025-11-01T22:00:00-04:00", "2025-11-02T08:00:00-05:00"),
])
def test_quiet_hours_end_in_the_borrowers_zone(
    rules, zone: str, instant: str, over_at: str
) -> None:
    assert quiet_hours_end(rules, zone, at(instant)) == at(over_at)


def test_passing_refusals_defer_and_the_others_are_final() -> None:
    morning = at("2025-06-03T08:00:00+08:00")
    assert next_attempt_after_refusal(
        [Refusal.QUIET_HOURS], now=NOW, quiet_hours_over_at=morning, wait=WAIT) == morning
    # Quiet hours and a preferred window: tried when the quiet hours end (then the window).
    assert next_attempt_after_refusal(
        [Refusal.QUIET_HOURS, Refusal.OUTSIDE_PREFERRED_WINDOW], now=NOW,
        quiet_hours_over_at=morning, wait=WAIT) == morning
    assert next_attempt_after_refusal(
        [Refusal.OUTSIDE_PREFERRED_WINDOW], now=NOW, quiet_hours_over_at=None,
        wait=WAIT) == NOW + WAIT
    assert next_attempt_after_refusal(
        [Refusal.DAILY_CONNECTED_CAP], now=NOW, quiet_hours_over_at=None,
        wait=WAIT) == NOW + WAIT
    for final in (Refusal.DO_NOT_CONTACT, Refusal.CHANNEL_STOPPED,
                  Refusal.CONTACT_POINT_UNUSABLE):
        assert next_attempt_after_refusal(
            [final], now=NOW, quiet_hours_over_at=None, wait=WAIT) is None
        # A final reason with a passing one is still final.
        assert next_attempt_after_refusal(
            [Refusal.QUIET_HOURS, final], now=NOW, quiet_hours_over_at=morning,
            wait=WAIT) is None


def test_a_reminder_expires_after_the_due_date() -> None:
    due = dt.date(2025, 6, 5)
    assert not expired(due, dt.date(2025, 6, 4))
    assert not expired(due, due)
    assert expired(due, dt.date(2025, 6, 6))
