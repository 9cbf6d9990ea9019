"""The gate's assignment rule through the real server: on a case, a person's contact (agent call,
field visit, letter) is allowed only for the case's current assignee, or, once the case is placed
with an outside agency, only for that agency's agents; everyone else is refused NOT_ASSIGNED and
the refusal is recorded. Messages the system sends (SMS) are not held to it. The case comes from
a real DelinquencyChanged on monitoring's event feed."""

from __future__ import annotations

import datetime as dt

import pytest
from cases_harness import Harness, request_id

from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import collection_pb2_grpc
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import money_pb2
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)
ALL_TIERS = [r.CASE_TIER_EARLY, r.CASE_TIER_MIDDLE, r.CASE_TIER_LATE, r.CASE_TIER_WRITE_OFF]
REFUSED_NOT_ASSIGNED = (r.CONTACT_DECISION_REFUSED, [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED])
ALLOWED = (r.CONTACT_DECISION_ALLOWED, [])


async def test_only_the_assignee_or_the_placed_agency_may_contact(harness: Harness) -> None:
    h = harness
    agents = h.agents
    contacts = collection_pb2_grpc.ContactServiceStub(h.channel)
    case = await h.open_delinquent_case("L-9", "B-9")
    assert (case.agent_id, case.agency_id) == ("", "")
    phone = await h.debtor_with_phone("B-9", "13912345698")
    for agency_id in ("AG-1", "AG-2"):
        await agents.CreateAgency(c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
            agency_id=agency_id, name=f"Agency {agency_id}", tiers=ALL_TIERS, capacity=10,
            active=True, commission_rate=money_pb2.DecimalValue(value="0.2000"))),
            metadata=h.metadata)
    for agent_id, agency_id in (("ann", ""), ("bob", ""), ("carol", "AG-1"), ("dan", "AG-2")):
        await agents.CreateAgent(c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id=agent_id, display_name=agent_id, agency_id=agency_id, tiers=ALL_TIERS,
            capacity=10, active=True)), metadata=h.metadata)

    async def check(who: str, channel: int = r.CONTACT_CHANNEL_AGENT_CALL) -> r.ContactCheck:
        return (await contacts.CheckContact(
            c.CheckContactRequest(
                request_id=request_id(), case_id=case.case_id, borrower_id="B-9",
                channel=channel, party=r.CONTACT_PARTY_DEBTOR,
                contact_point_id=phone if channel != r.CONTACT_CHANNEL_FIELD_VISIT else ""),
            metadata=bearer(token_for(h.keys_dir, ["collector"], subject=who)))).check

    def verdict(check_row: r.ContactCheck) -> tuple[int, list[int]]:
        return check_row.decision, list(check_row.refusal_reasons)

    # Nobody holds the case: every person is refused, the system's SMS goes.
    assert verdict(await check("ann")) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("carol")) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("scheduler", r.CONTACT_CHANNEL_SMS)) == ALLOWED

    await h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=case.case_id, agent_id="ann",
                              reason="owner"), metadata=h.metadata)
    ann_call = await check("ann")
    assert verdict(ann_call) == ALLOWED
    assert (ann_call.agent_id, ann_call.agency_id) == ("ann", "")
    assert verdict(await check("ann", r.CONTACT_CHANNEL_FIELD_VISIT)) == ALLOWED
    assert verdict(await check("bob")) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("bob", r.CONTACT_CHANNEL_FIELD_VISIT)) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("carol")) == REFUSED_NOT_ASSIGNED

    # Placed with AG-1: the placement releases ann; AG-1's agents may contact, AG-2's may not.
    await h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case.case_id,
                                     agency_id="AG-1", reason="no progress"),
        metadata=h.metadata)
    carol_call = await check("carol")
    assert verdict(carol_call) == ALLOWED
    assert (carol_call.agent_id, carol_call.agency_id) == ("carol", "AG-1")
    assert verdict(await check("dan")) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("ann")) == REFUSED_NOT_ASSIGNED

    # Recalled: the agency's agents lose the case.
    await h.assignment.RecallCaseFromAgency(
        c.RecallCaseFromAgencyRequest(request_id=request_id(), case_id=case.case_id,
                                      reason=c.RECALL_REASON_PERFORMANCE),
        metadata=h.metadata)
    assert verdict(await check("carol")) == REFUSED_NOT_ASSIGNED

    # Every refusal is recorded with who asked (and the agency they work for).
    refused = (await contacts.ListContactChecks(
        c.ListContactChecksRequest(case_id=case.case_id, decision=r.CONTACT_DECISION_REFUSED),
        metadata=h.metadata)).checks
    assert sorted((x.agent_id, x.agency_id) for x in refused) == [
        ("ann", ""), ("ann", ""), ("bob", ""), ("bob", ""), ("carol", "AG-1"),
        ("carol", "AG-1"), ("carol", "AG-1"), ("dan", "AG-2"),
    ]
    assert all(list(x.refusal_reasons) == [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED]
               for x in refused)


async def test_a_person_naming_no_case_is_judged_on_the_borrowers_live_case(
    harness: Harness,
) -> None:
    """Omitting case_id does not escape the assignment rule: a person's contact is judged on
    the borrower's live case (recorded on the check); with no live case there is nothing the
    person holds. The system's messages without a case stay outside the rule."""
    h = harness
    agents = h.agents
    contacts = collection_pb2_grpc.ContactServiceStub(h.channel)
    case = await h.open_delinquent_case("L-7", "B-7")
    phones = {"B-7": await h.debtor_with_phone("B-7", "13912345697"),
              "B-8": await h.debtor_with_phone("B-8", "13912345696")}  # B-8: no case at all
    await agents.CreateAgency(c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
        agency_id="AG-1", name="Agency AG-1", tiers=ALL_TIERS, capacity=10, active=True,
        commission_rate=money_pb2.DecimalValue(value="0.2000"))), metadata=h.metadata)
    for agent_id, agency_id in (("ann", ""), ("bob", ""), ("carol", "AG-1")):
        await agents.CreateAgent(c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id=agent_id, display_name=agent_id, agency_id=agency_id, tiers=ALL_TIERS,
            capacity=10, active=True)), metadata=h.metadata)
    await h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=case.case_id, agent_id="ann",
                              reason="owner"), metadata=h.metadata)

    async def check(who: str, borrower_id: str = "B-7",
                    channel: int = r.CONTACT_CHANNEL_AGENT_CALL) -> r.ContactCheck:
        return (await contacts.CheckContact(
            c.CheckContactRequest(
                request_id=request_id(), borrower_id=borrower_id, channel=channel,
                party=r.CONTACT_PARTY_DEBTOR,
                contact_point_id=phones[borrower_id]
                if channel != r.CONTACT_CHANNEL_FIELD_VISIT else ""),
            metadata=bearer(token_for(h.keys_dir, ["collector"], subject=who)))).check

    def verdict(check_row: r.ContactCheck) -> tuple[int, list[int]]:
        return check_row.decision, list(check_row.refusal_reasons)

    # (a) Another agent's case: refused, and the refusal is recorded against the live case.
    bob_call = await check("bob")
    assert verdict(bob_call) == REFUSED_NOT_ASSIGNED
    assert bob_call.case_id == case.case_id
    assert verdict(await check("bob", channel=r.CONTACT_CHANNEL_FIELD_VISIT)) == (
        REFUSED_NOT_ASSIGNED)
    assert verdict(await check("carol")) == REFUSED_NOT_ASSIGNED
    # (b) The assignee may contact without naming the case; the check names it.
    ann_call = await check("ann")
    assert verdict(ann_call) == ALLOWED
    assert (ann_call.case_id, ann_call.agent_id) == (case.case_id, "ann")
    # (c) A borrower with no live case: no person holds anything there.
    assert verdict(await check("ann", "B-8")) == REFUSED_NOT_ASSIGNED
    assert verdict(await check("ann", "B-8", r.CONTACT_CHANNEL_FIELD_VISIT)) == (
        REFUSED_NOT_ASSIGNED)
    # The system's message without a case is not held to the rule, nor tied to a case.
    for borrower_id in ("B-7", "B-8"):
        sms = await check("scheduler", borrower_id, r.CONTACT_CHANNEL_SMS)
        assert verdict(sms) == ALLOWED
        assert (sms.case_id, sms.agent_id) == ("", "")

    # (d) Placed with AG-1: AG-1's agent may contact without naming the case, ann no longer.
    await h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case.case_id,
                                     agency_id="AG-1", reason="no progress"),
        metadata=h.metadata)
    carol_call = await check("carol", channel=r.CONTACT_CHANNEL_FIELD_VISIT)
    assert verdict(carol_call) == ALLOWED
    assert (carol_call.case_id, carol_call.agency_id) == (case.case_id, "AG-1")
    assert verdict(await check("ann", channel=r.CONTACT_CHANNEL_FIELD_VISIT)) == (
        REFUSED_NOT_ASSIGNED)

    # Every refusal is recorded, on the live case or (B-8) on none.
    refused = (await contacts.ListContactChecks(
        c.ListContactChecksRequest(decision=r.CONTACT_DECISION_REFUSED), metadata=h.metadata
    )).checks
    assert sorted((x.borrower_id, x.case_id, x.agent_id) for x in refused) == sorted([
        ("B-7", case.case_id, "bob"), ("B-7", case.case_id, "bob"),
        ("B-7", case.case_id, "carol"), ("B-7", case.case_id, "ann"),
        ("B-8", "", "ann"), ("B-8", "", "ann"),
    ])
    assert all(list(x.refusal_reasons) == [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED]
               for x in refused)
