"""The contact gate, the contact log, debtor and jurisdiction profiles through a real collection
server and PostgreSQL: caps under 8 concurrent agents, refusals recorded, clearances, invalid
input writing nothing, idempotency, PII encrypted at rest."""

from __future__ import annotations

import asyncio
import datetime as dt

import grpc
import pytest
from contact_harness import START, R, record, refusal, rid, ts
from sqlalchemy import text

from postloan.collection.v1 import collection_pb2

pytestmark = pytest.mark.integration

CONNECTED = R.CONTACT_DECISION_ALLOWED


async def test_eight_agents_racing_get_exactly_three_connected_calls(harness) -> None:
    h = harness
    await h.debtor("b-race")
    phone = await h.point("b-race", "13800001250")

    async def one_agent(n: int) -> R.ContactCheck:
        return await h.check("b-race", phone, agent=f"agent-{n}")

    checks = await asyncio.gather(*(one_agent(n) for n in range(8)))
    allowed = [c for c in checks if c.decision == R.CONTACT_DECISION_ALLOWED]
    refused = [c for c in checks if c.decision == R.CONTACT_DECISION_REFUSED]
    assert len(allowed) == 3
    assert all(
        list(c.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP] for c in refused
    )
    assert {c.agent_id for c in checks} == {f"agent-{n}" for n in range(8)}
    # The three clearances are used for connected calls; the cap still holds afterwards.
    for c in allowed:
        attempt = (await record(h, c.check_id, agent=c.agent_id)).attempt
        assert attempt.connected and attempt.agent_id == c.agent_id
    h.clock.advance(seconds=30)
    late = await h.check("b-race", phone, agent="agent-9")
    assert list(late.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_DAILY_CONNECTED_CAP]
    assert await h.count("contact_attempts", "borrower_id = 'b-race' AND connected") == 3
    # Every refusal is recorded and listed, newest first.
    listed = await h.contacts.ListContactChecks(
        collection_pb2.ListContactChecksRequest(
            borrower_id="b-race", decision=R.CONTACT_DECISION_REFUSED, page_size=4
        ),
        metadata=h.metadata,
    )
    assert len(listed.checks) == 4 and listed.next_page_token
    rest = await h.contacts.ListContactChecks(
        collection_pb2.ListContactChecksRequest(
            borrower_id="b-race", decision=R.CONTACT_DECISION_REFUSED, page_size=4,
            page_token=listed.next_page_token,
        ),
        metadata=h.metadata,
    )
    assert len(rest.checks) == 2 and not rest.next_page_token
    ids = [c.check_id for c in [*listed.checks, *rest.checks]]
    assert late.check_id == ids[0] and len(set(ids)) == 6
    # The next Shanghai day starts afresh (the server's day is irrelevant).
    h.clock.set(START + dt.timedelta(days=1))
    assert (await h.check("b-race", phone)).decision == R.CONTACT_DECISION_ALLOWED


async def test_a_check_waiting_for_a_profile_change_uses_the_new_jurisdiction(harness) -> None:
    """The gate reads the debtor's row under its lock, together with the jurisdiction profile;
    when the row changes while the check waits for the lock, the profile of the debtor's new
    jurisdiction applies (and the new zone)."""
    h = harness
    await h.debtor("b-move")
    phone = await h.point("b-move", "13800001259")
    async with h.engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(text(
            "UPDATE debtor_profiles SET jurisdiction_code = 'US', time_zone = 'America/New_York'"
            " WHERE borrower_id = 'b-move'"
        ))
        pending = asyncio.ensure_future(h.check("b-move", phone, channel=R.CONTACT_CHANNEL_SMS))
        for _ in range(100):  # until the check waits for the debtor's lock
            await asyncio.sleep(0.05)
            async with h.engine.connect() as probe:
                waiting = await probe.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                ))
            if waiting:
                break
        assert waiting and not pending.done()
        await transaction.commit()
    check = await pending
    assert (check.time_zone, check.jurisdiction_profile) == ("America/New_York", "US@1")
    assert list(check.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_QUIET_HOURS]


async def test_unused_clearances_hold_their_slot_until_they_expire(harness) -> None:
    h = harness
    await h.debtor("b-exp")
    phone = await h.point("b-exp", "13800001251")
    held = [await h.check("b-exp", phone, agent=f"a{n}") for n in range(3)]
    assert all(c.decision == R.CONTACT_DECISION_ALLOWED for c in held)
    assert (await h.check("b-exp", phone)).decision == R.CONTACT_DECISION_REFUSED
    h.clock.advance(minutes=11)
    fresh = await h.check("b-exp", phone)
    assert fresh.decision == R.CONTACT_DECISION_ALLOWED
    # An expired clearance cannot be used, a used one not twice, a refusal not at all.
    error = await refusal(record(h, held[0].check_id))
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION, "CLEARANCE_EXPIRED"
    )
    await record(h, fresh.check_id)
    error = await refusal(record(h, fresh.check_id))
    assert error.reason == "CLEARANCE_ALREADY_USED"
    for n in range(2):  # with the used one, the cap is full again
        assert (await h.check("b-exp", phone, agent=f"b{n}")).decision == CONNECTED
    refused = await h.check("b-exp", phone)
    assert refused.decision == R.CONTACT_DECISION_REFUSED
    error = await refusal(record(h, refused.check_id))
    assert error.reason == "CLEARANCE_REFUSED"
    # An SMS clearance cannot log a connected call.
    sms = await h.check("b-exp", phone, channel=R.CONTACT_CHANNEL_SMS)
    error = await refusal(record(h, sms.check_id, connected=True))
    assert error.reason == "CLEARANCE_MISMATCH"
    assert await h.count("contact_attempts", "borrower_id = 'b-exp'") == 1


async def test_quiet_hours_in_the_borrowers_zone_are_refused_and_recorded(harness) -> None:
    h = harness
    await h.debtor("b-ny", zone="America/New_York", code="US")
    phone = await h.point("b-ny", "+12125550150")
    # 02:00 UTC on June 2 is 22:00 on June 1 in New York (10:00 in Shanghai).
    check = await h.check("b-ny", phone, channel=R.CONTACT_CHANNEL_SMS)
    assert check.decision == R.CONTACT_DECISION_REFUSED
    assert list(check.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_QUIET_HOURS]
    assert check.borrower_local_time == "2025-06-01T22:00:00-04:00"
    assert (check.time_zone, check.jurisdiction_profile) == ("America/New_York", "US@1")
    assert not check.HasField("clearance_expires_at")
    listed = await h.contacts.ListContactChecks(
        collection_pb2.ListContactChecksRequest(borrower_id="b-ny"), metadata=h.metadata
    )
    assert [c.check_id for c in listed.checks] == [check.check_id]
    assert listed.checks[0] == check  # the answer is the stored row
    # A Shanghai borrower at the same instant is fine.
    await h.debtor("b-sh")
    sh_phone = await h.point("b-sh", "13800001252")
    assert (await h.check("b-sh", sh_phone)).decision == R.CONTACT_DECISION_ALLOWED


async def test_flags_preferences_and_third_parties_through_the_api(harness) -> None:
    h = harness
    await h.debtor("b-f")
    phone = await h.point("b-f", "13800001253")
    friend = await h.point("b-f", "13900001253", party=R.CONTACT_PARTY_THIRD_PARTY,
                           emergency=True)
    stranger = await h.point("b-f", "13700001253", party=R.CONTACT_PARTY_THIRD_PARTY)
    third = R.CONTACT_PARTY_THIRD_PARTY
    assert (await h.check("b-f", friend, party=third)).decision == CONNECTED
    assert list((await h.check("b-f", stranger, party=third)).refusal_reasons) == [
        R.CONTACT_REFUSAL_REASON_THIRD_PARTY_NOT_LISTED
    ]
    flag = (await h.debtors.SetDoNotContactFlag(
        collection_pb2.SetDoNotContactFlagRequest(
            request_id=rid(), borrower_id="b-f", reason=R.DO_NOT_CONTACT_REASON_CHANNEL_STOP,
            channel=R.CONTACT_CHANNEL_SMS,
        ),
        metadata=h.metadata,
    )).flag
    assert list((await h.check("b-f", phone, channel=R.CONTACT_CHANNEL_SMS)).refusal_reasons) == [
        R.CONTACT_REFUSAL_REASON_CHANNEL_STOPPED
    ]
    await h.debtors.ClearDoNotContactFlag(
        collection_pb2.ClearDoNotContactFlagRequest(request_id=rid(), flag_id=flag.flag_id),
        metadata=h.metadata,
    )
    error = await refusal(h.debtors.ClearDoNotContactFlag(
        collection_pb2.ClearDoNotContactFlagRequest(request_id=rid(), flag_id=flag.flag_id),
        metadata=h.metadata,
    ))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "FLAG_ALREADY_CLEARED")
    assert (await h.check("b-f", phone, channel=R.CONTACT_CHANNEL_SMS)).decision == CONNECTED
    # Preferred window 18:00-20:00 local: 10:00 is refused.
    profile = (await h.debtors.SetContactPreferences(
        collection_pb2.SetContactPreferencesRequest(
            request_id=rid(), borrower_id="b-f",
            preferred_windows=[R.ContactWindow(start_minute=18 * 60, end_minute=20 * 60)],
        ),
        metadata=h.metadata,
    )).profile
    assert len(profile.preferred_windows) == 1 and not profile.do_not_contact_flags
    assert list((await h.check("b-f", phone, channel=R.CONTACT_CHANNEL_SMS)).refusal_reasons) == [
        R.CONTACT_REFUSAL_REASON_OUTSIDE_PREFERRED_WINDOW
    ]


async def test_contact_points_are_encrypted_at_rest_and_masked(harness) -> None:
    h = harness
    await h.debtor("b-pii")
    point_id = await h.point("b-pii", "13812345678")
    again = await h.point("b-pii", "138 1234 5678")  # same number: the same point
    assert again == point_id
    profile = (await h.debtors.GetDebtorProfile(
        collection_pb2.GetDebtorProfileRequest(borrower_id="b-pii"), metadata=h.metadata
    )).profile
    assert [p.masked_value for p in profile.contact_points] == ["138****5678"]
    async with h.engine.connect() as conn:
        raw = (await conn.execute(text(
            "SELECT value_encrypted, value_blind_index, masked_value FROM contact_points"
        ))).one()
    assert b"13812345678" not in bytes(raw[0]) and "13812345678" not in raw[1]


async def test_invalid_requests_write_nothing(harness) -> None:
    h = harness
    await h.debtor("b-bad")
    before = await h.counts()
    error = await refusal(h.contacts.CheckContact(
        collection_pb2.CheckContactRequest(request_id="nope", borrower_id="b bad"),
        metadata=h.agent("agent-1"),
    ))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.fields) == {"request_id", "borrower_id", "channel", "party"}
    error = await refusal(h.debtors.UpdateDebtorProfile(
        collection_pb2.UpdateDebtorProfileRequest(
            request_id=rid(), borrower_id="b-bad", time_zone="Mars/Olympus"
        ),
        metadata=h.metadata,
    ))
    assert error.fields == ["time_zone"]
    error = await refusal(h.debtors.RegisterContactPoint(
        collection_pb2.RegisterContactPointRequest(
            request_id=rid(), borrower_id="b-bad", party=R.CONTACT_PARTY_DEBTOR,
            kind=R.CONTACT_POINT_KIND_EMAIL, value="13812345678",
        ),
        metadata=h.metadata,
    ))
    assert error.fields == ["value"] and "13812345678" not in error.message
    error = await refusal(h.debtors.UpdateDebtorProfile(
        collection_pb2.UpdateDebtorProfileRequest(
            request_id=rid(), borrower_id="b-bad", time_zone="Asia/Shanghai",
            jurisdiction_code="XX",
        ),
        metadata=h.metadata,
    ))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "UNKNOWN_JURISDICTION")
    error = await refusal(h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(
            request_id=rid(),
            profile=R.JurisdictionProfile(
                code="CN", quiet_hours_start_minute=1500, quiet_hours_end_minute=480,
                max_connected_calls_per_day=-1,
            ),
        ),
        metadata=h.metadata,
    ))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.fields) == {
        "profile.quiet_hours_start_minute", "profile.max_connected_calls_per_day"
    }
    error = await refusal(h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(
            request_id=rid(),
            profile=R.JurisdictionProfile(
                code="CN", quiet_hours_start_minute=600, quiet_hours_end_minute=600
            ),
        ),
        metadata=h.metadata,
    ))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "IMPOSSIBLE_HOURS")
    # An unknown debtor or contact point.
    error = await refusal(h.contacts.CheckContact(
        collection_pb2.CheckContactRequest(
            request_id=rid(), borrower_id="b-nobody", channel=R.CONTACT_CHANNEL_APP_PUSH,
            party=R.CONTACT_PARTY_DEBTOR,
        ),
        metadata=h.agent("agent-1"),
    ))
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert await h.counts() == before


async def test_check_is_idempotent_by_request_id(harness) -> None:
    h = harness
    await h.debtor("b-idem")
    phone = await h.point("b-idem", "13800001254")
    request_id = rid()
    first = await h.check("b-idem", phone, request_id=request_id)
    second = await h.check("b-idem", phone, request_id=request_id)
    assert first == second
    assert await h.count("contact_checks", "borrower_id = 'b-idem'") == 1
    error = await refusal(h.check("b-idem", phone, request_id=request_id,
                                  channel=R.CONTACT_CHANNEL_SMS))
    assert error.reason == "REQUEST_ID_REUSED"


async def test_jurisdiction_profiles_are_seeded_and_versioned(harness) -> None:
    h = harness
    cn = (await h.profiles.GetJurisdictionProfile(
        collection_pb2.GetJurisdictionProfileRequest(code="CN"), metadata=h.metadata
    )).profile
    assert (cn.version, cn.quiet_hours_start_minute, cn.quiet_hours_end_minute) == (1, 1320, 480)
    assert (cn.max_connected_calls_per_day, cn.max_unanswered_calls_per_number_per_day) == (3, 6)
    us = (await h.profiles.GetJurisdictionProfile(
        collection_pb2.GetJurisdictionProfileRequest(code="US", version=1), metadata=h.metadata
    )).profile
    assert (us.quiet_hours_start_minute, us.max_calls_per_7_days,
            us.conversation_cool_off_days) == (1260, 7, 7)
    stricter = R.JurisdictionProfile()
    stricter.CopyFrom(cn)
    stricter.max_connected_calls_per_day = 2
    stricter.ClearField("effective_from")
    v2 = (await h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(request_id=rid(), profile=stricter),
        metadata=h.metadata,
    )).profile
    assert (v2.version, v2.max_connected_calls_per_day, v2.created_by) == (2, 2, "supervisor-1")
    # The new numbers apply to the next check, without code.
    await h.debtor("b-v2")
    phone = await h.point("b-v2", "13800001255")
    for _ in range(2):
        assert (await h.check("b-v2", phone)).jurisdiction_profile == "CN@2"
    assert (await h.check("b-v2", phone)).decision == R.CONTACT_DECISION_REFUSED
    stale = R.JurisdictionProfile()
    stale.CopyFrom(stricter)
    stale.effective_from.CopyFrom(ts(START - dt.timedelta(days=1)))
    error = await refusal(h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(request_id=rid(), profile=stale),
        metadata=h.metadata,
    ))
    assert error.reason == "EFFECTIVE_BEFORE_LATEST"
    listed = await h.profiles.ListJurisdictionProfiles(
        collection_pb2.ListJurisdictionProfilesRequest(), metadata=h.metadata
    )
    assert [(p.code, p.version) for p in listed.profiles] == [("CN", 2), ("CN", 1), ("US", 1)]


async def test_attempts_are_append_only_and_emit_events(harness) -> None:
    h = harness
    await h.debtor("b-log")
    phone = await h.point("b-log", "13800001256")
    check = await h.check("b-log", phone)
    attempt = (await record(h, check.check_id, connected=False,
                            outcome=R.CONTACT_OUTCOME_NO_ANSWER)).attempt
    listed = await h.contacts.ListContactAttempts(
        collection_pb2.ListContactAttemptsRequest(borrower_id="b-log"), metadata=h.metadata
    )
    assert [a.attempt_id for a in listed.attempts] == [attempt.attempt_id]
    async with h.engine.connect() as conn:
        types = [r[0] for r in await conn.execute(text("SELECT event_type FROM outbox"))]
    assert types == ["postloan.collection.v1.ContactAttempted"]
    with pytest.raises(Exception, match="append-only"):
        async with h.engine.begin() as conn:
            await conn.execute(text("DELETE FROM contact_attempts"))
