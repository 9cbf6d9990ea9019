"""Pre-due reminders (T-3/T-1 before an installment falls due): which channel a reminder goes
by, what a gate refusal means for it, and when it expires. Plain Python.

A refusal for a reason that passes with time (quiet hours, the debtor's preferred windows,
caps, the cool-off) defers the reminder: it is tried again when the quiet hours end in the
borrower's zone, or after a fixed wait for the other reasons. Any other reason (do-not-contact,
channel stopped, contact point unusable …) is final: the reminder is not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from collection.domain.compliance import (
    CHANNEL_POINT_KIND,
    ContactPointView,
    Party,
    Refusal,
    local_time,
)
from collection.domain.jurisdiction import Channel, JurisdictionRules

TEMPLATE_CODE: Final = "PRE_DUE_REMINDER"
# Treatments a reminder can be sent by (those with a channel adapter), in the strategy's order.
DISPATCHABLE: Final = (Channel.SMS, Channel.EMAIL, Channel.IVR)
# Refusals that pass with time.
PASSING_REFUSALS: Final = frozenset({
    Refusal.QUIET_HOURS,
    Refusal.OUTSIDE_PREFERRED_WINDOW,
    Refusal.DAILY_CONNECTED_CAP,
    Refusal.DAILY_UNANSWERED_CAP,
    Refusal.WEEKLY_CALL_CAP,
    Refusal.CONVERSATION_COOL_OFF,
})


class ReminderOutcome(StrEnum):
    """What became of a reminder (``pre_due_reminders.outcome``). Only DEFERRED is pending."""

    SENT = "SENT"  # went out through the channel (the attempt is in the contact log)
    REFUSED = "REFUSED"  # the gate refused for a reason that does not pass
    DEFERRED = "DEFERRED"  # the gate refused for now; tried again at next_attempt_at
    NO_CONTACT_POINT = "NO_CONTACT_POINT"  # no active debtor point for a dispatchable treatment
    EXPIRED = "EXPIRED"  # the installment's due date passed before it could go out


def reminder_channel(
    treatments: Iterable[str], points: Sequence[ContactPointView]
) -> tuple[Channel, ContactPointView] | None:
    """The first of the strategy's pre-due ``treatments`` that has a channel adapter and an
    active contact point of the debtor's own of the kind it needs (the oldest such point), with
    that point; None when there is none. Third parties never get a reminder."""
    for treatment in treatments:
        if treatment not in Channel.__members__:
            continue  # APP_PUSH has no adapter yet; legal treatments are not messages
        channel = Channel(treatment)
        if channel not in DISPATCHABLE:
            continue
        kind = CHANNEL_POINT_KIND[channel]
        for point in points:
            if point.active and point.party is Party.DEBTOR and point.kind is kind:
                return channel, point
    return None


def quiet_hours_end(rules: JurisdictionRules, time_zone: str, instant: dt.datetime) -> dt.datetime:
    """The first instant (UTC) at or after ``instant`` outside the quiet hours of ``rules`` in
    ``time_zone``: ``instant`` itself when it is not in them."""
    local = local_time(instant, time_zone)
    minute = local.hour * 60 + local.minute
    if not rules.in_quiet_hours(minute):
        return instant
    end = rules.quiet_hours_end_minute
    # Quiet hours wrapping midnight and entered in the evening end tomorrow morning.
    day = local.date() if minute < end else local.date() + dt.timedelta(days=1)
    opening = dt.datetime(day.year, day.month, day.day, end // 60, end % 60,
                          tzinfo=ZoneInfo(time_zone))
    return max(opening.astimezone(dt.UTC), instant)


def next_attempt_after_refusal(
    refusals: Iterable[Refusal],
    *,
    now: dt.datetime,
    quiet_hours_over_at: dt.datetime | None,
    wait: dt.timedelta,
) -> dt.datetime | None:
    """When to try a refused reminder again (UTC); None when the refusal is final.
    ``quiet_hours_over_at``: when the borrower's quiet hours end (needed when refused for
    them); ``wait``: how long other passing refusals wait."""
    reasons = set(refusals)
    if not reasons or not reasons <= PASSING_REFUSALS:
        return None
    if Refusal.QUIET_HOURS in reasons and quiet_hours_over_at is not None:
        return max(quiet_hours_over_at, now)
    return now + wait


def expired(due_date: dt.date, today: dt.date) -> bool:
    """A reminder of an installment due before ``today`` (business date) is no use any more."""
    return due_date < today
