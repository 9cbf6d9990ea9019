"""The contact log against the clearance it uses, through a real collection server and
PostgreSQL: an attempt must start within its clearance (from the check's planned time, less a
small clock skew, to the clearance's expiry), a long call that started while cleared is logged,
and a conversation on a call must have connected. Refused requests write nothing."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contact_harness import R, record, refusal, rid, ts

from postloan.collection.v1 import collection_pb2

pytestmark = pytest.mark.integration

ALLOWED = R.CONTACT_DECISION_ALLOWED


async def planned_check(h, borrower_id: str, point_id: str, planned_at: dt.datetime,
                        *, agent: str = "agent-1") -> R.ContactCheck:
    await h.hold(borrower_id, agent)
    response = await h.contacts.CheckContact(
        collection_pb2.CheckContactRequest(
            request_id=rid(), borrower_id=borrower_id, channel=R.CONTACT_CHANNEL_AGENT_CALL,
            party=R.CONTACT_PARTY_DEBTOR, contact_point_id=point_id, planned_at=ts(planned_at),
        ),
        metadata=h.agent(agent),
    )
    return response.check


async def test_an_attempt_backdated_before_its_check_is_refused_and_the_cap_holds(
    harness,
) -> None:
    """Backdating a connected call to another day would take it out of today's count."""
    h = harness
    await h.debtor("b-back")
    phone = await h.point("b-back", "13800002001")
    checks = [await h.check("b-back", phone, agent=f"a{n}") for n in range(3)]
    assert all(c.decision == ALLOWED for c in checks)
    before = await h.counts()
    error = await refusal(
        record(h, checks[0].check_id, agent="a0", started=h.clock.now() - dt.timedelta(days=2))
    )
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "CLEARANCE_MISMATCH")
    assert error.metadata["check_id"] == checks[0].check_id
    error = await refusal(
        record(h, checks[0].check_id, agent="a0", started=h.clock.now() - dt.timedelta(minutes=6))
    )
    assert error.reason == "CLEARANCE_MISMATCH"
    assert await h.counts() == before
    # Within the clock skew (5 minutes) the attempt is the check's own.
    await record(h, checks[0].check_id, agent="a0",
                 started=h.clock.now() - dt.timedelta(minutes=4))
    for n in (1, 2):
        await record(h, checks[n].check_id, agent=f"a{n}")
    fourth = await h.check("b-back", phone, agent="a9")
    assert list(fourth.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP]


async def test_a_clearance_planned_for_later_cannot_be_used_earlier(harness) -> None:
    """Tomorrow 10:00 in New York, used at 22:00 today, would be a call in quiet hours."""
    h = harness
    await h.debtor("b-later", zone="America/New_York", code="US")
    phone = await h.point("b-later", "+12125550201")
    planned_at = h.clock.now() + dt.timedelta(hours=12)  # 10:00 on June 2 in New York
    check = await planned_check(h, "b-later", phone, planned_at)
    assert check.decision == ALLOWED, list(check.refusal_reasons)
    before = await h.counts()
    error = await refusal(record(h, check.check_id))  # 22:00 on June 1 in New York
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "CLEARANCE_MISMATCH")
    assert await h.counts() == before
    # At the planned time it is a valid clearance.
    h.clock.set(planned_at + dt.timedelta(minutes=4))
    attempt = (await record(h, check.check_id, started=planned_at)).attempt
    assert attempt.started_at.ToDatetime(tzinfo=dt.UTC) == planned_at


async def test_tomorrows_clearance_cannot_add_a_fourth_connected_call_today(harness) -> None:
    h = harness
    await h.debtor("b-cap")
    phone = await h.point("b-cap", "13800002002")
    for n in range(3):
        await record(h, (await h.check("b-cap", phone, agent=f"a{n}")).check_id, agent=f"a{n}")
    tomorrow = await planned_check(h, "b-cap", phone, h.clock.now() + dt.timedelta(hours=23))
    assert tomorrow.decision == ALLOWED, list(tomorrow.refusal_reasons)
    error = await refusal(record(h, tomorrow.check_id))
    assert error.reason == "CLEARANCE_MISMATCH"
    assert await h.count("contact_attempts", "borrower_id = 'b-cap' AND connected") == 3


async def test_a_call_longer_than_the_clearance_is_logged(harness) -> None:
    """Expiry is judged on when the call began, not on when it is logged."""
    h = harness
    await h.debtor("b-long")
    phone = await h.point("b-long", "13800002003")
    check = await h.check("b-long", phone)
    start = h.clock.now() + dt.timedelta(minutes=9)
    h.clock.advance(minutes=21)  # a 12-minute conversation that began in minute 9
    attempt = (await record(h, check.check_id, started=start, ended=h.clock.now())).attempt
    assert attempt.connected and attempt.check_id == check.check_id
    assert await h.count("contact_attempts", "borrower_id = 'b-long'") == 1
    # A call that began once the clearance had expired is not covered by it.
    late = await h.check("b-long", phone)
    h.clock.advance(minutes=11)
    before = await h.counts()
    error = await refusal(record(h, late.check_id, started=h.clock.now()))
    assert error.reason == "CLEARANCE_EXPIRED"
    assert await h.counts() == before


@pytest.mark.parametrize(
    ("channel", "party", "outcome"),
    [
        (R.CONTACT_CHANNEL_AGENT_CALL, R.CONTACT_PARTY_DEBTOR,
         R.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT),
        (R.CONTACT_CHANNEL_AGENT_CALL, R.CONTACT_PARTY_DEBTOR, R.CONTACT_OUTCOME_PROMISE_TO_PAY),
        (R.CONTACT_CHANNEL_IVR, R.CONTACT_PARTY_DEBTOR, R.CONTACT_OUTCOME_REFUSED_TO_PAY),
        (R.CONTACT_CHANNEL_AGENT_CALL, R.CONTACT_PARTY_THIRD_PARTY,
         R.CONTACT_OUTCOME_THIRD_PARTY_CONTACT),
    ],
)
async def test_a_conversation_on_a_call_must_have_connected(
    harness, channel: int, party: int, outcome: int
) -> None:
    """Logged as not connected, a conversation would count as unanswered and start no
    cool-off."""
    h = harness
    await h.debtor("b-conv")
    if party == R.CONTACT_PARTY_THIRD_PARTY:
        point = await h.point("b-conv", "13900002004", party=party, emergency=True)
    else:
        point = await h.point("b-conv", "13800002004")
    check = await h.check("b-conv", point, channel=channel, party=party)
    assert check.decision == ALLOWED, list(check.refusal_reasons)
    before = await h.counts()
    error = await refusal(record(h, check.check_id, connected=False, outcome=outcome))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.fields == ["connected"]
    assert await h.counts() == before
    attempt = (await record(h, check.check_id, connected=True, outcome=outcome)).attempt
    assert attempt.connected and attempt.outcome == outcome


async def test_a_conversation_off_the_phone_needs_no_connection(harness) -> None:
    """A field visit is not a call: it never "connects", yet can be a conversation."""
    h = harness
    await h.debtor("b-visit")
    await h.hold("b-visit", "agent-1")
    response = await h.contacts.CheckContact(
        collection_pb2.CheckContactRequest(
            request_id=rid(), borrower_id="b-visit", channel=R.CONTACT_CHANNEL_FIELD_VISIT,
            party=R.CONTACT_PARTY_DEBTOR,
        ),
        metadata=h.agent("agent-1"),
    )
    assert response.check.decision == ALLOWED, list(response.check.refusal_reasons)
    attempt = (await record(h, response.check.check_id, connected=False,
                            outcome=R.CONTACT_OUTCOME_PROMISE_TO_PAY)).attempt
    assert not attempt.connected
    assert await h.count("contact_attempts", "borrower_id = 'b-visit' AND conversation") == 1


async def test_another_agents_clearance_cannot_be_used(harness) -> None:
    """ann's clearance, used by bob, would log bob's call under ann's name and take her slot."""
    h = harness
    await h.debtor("b-owner")
    phone = await h.point("b-owner", "13800002009")
    check = await h.check("b-owner", phone, agent="ann")
    assert check.decision == ALLOWED
    before = await h.counts()
    error = await refusal(record(h, check.check_id, agent="bob"))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "CLEARANCE_MISMATCH")
    assert error.metadata["field"] == "agent"
    assert await h.counts() == before
    attempt = (await record(h, check.check_id, agent="ann")).attempt
    assert attempt.agent_id == "ann"
