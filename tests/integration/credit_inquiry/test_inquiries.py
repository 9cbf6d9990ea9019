"""Identity verification, inquiries, reuse, reports, scores and the record chain through a
real server, PostgreSQL and the bureau SIMULATOR running as its own process."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, timedelta

import grpc
import pytest
from inquiry_harness import InquiryHarness, new_person
from sqlalchemy import text

from credit_inquiry.adapters.repository import ConsentRepository
from credit_inquiry.domain.consent import ConsentState
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import events_pb2, report_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

POST_LOAN = res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT
PRE_LOAN = res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL


async def refused(coro) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await coro
    return caught.value


def reason(error: grpc.aio.AioRpcError) -> str:
    return decode_error(error).reason


async def test_verify_identity_records_masked_outcome_encrypted(h: InquiryHarness) -> None:
    person = new_person()
    consent = await h.grant("b-1")
    verification = await h.verify("b-1", consent.consent_id, person)
    assert verification.outcome == res.IDENTITY_MATCH_OUTCOME_MATCHED
    assert verification.masked_name == person.name[0] + "**"
    assert verification.masked_resident_id_number.endswith(person.resident_id_number[-4:])
    assert "*" in verification.masked_resident_id_number
    assert verification.requested_by == "op-7" and verification.bureau_reference
    got = await h.identities.GetIdentityVerification(
        ci.GetIdentityVerificationRequest(verification_id=verification.verification_id),
        metadata=h.metadata,
    )
    assert got.verification == verification
    # At rest: only ciphertext, blind index and masks; no clear value anywhere in the row.
    async with h.engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM identity_verifications"))).one()
    dump = repr(tuple(row))
    for secret in (person.name, person.resident_id_number, person.mobile_number):
        assert secret not in dump
    # A second, different name for the same ID number is a mismatch, recorded too.
    other = type(person)("赵六六", person.resident_id_number, person.mobile_number)
    mismatch = await h.verify("b-1", consent.consent_id, other)
    assert mismatch.outcome == res.IDENTITY_MATCH_OUTCOME_NAME_MISMATCH
    assert await h.count("identity_verifications") == 2


@pytest.fixture
def h(inquiry_harness: InquiryHarness) -> InquiryHarness:
    return inquiry_harness


async def test_inquiry_retrieves_scores_and_emits(h: InquiryHarness) -> None:
    consent = await h.onboard("b-2")
    inquiry = await h.inquire("b-2", consent.consent_id, purpose=PRE_LOAN)
    assert inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    assert inquiry.inquiry_type == res.INQUIRY_TYPE_HARD
    assert inquiry.requested_by == "op-7" and inquiry.report_id
    assert inquiry.score.model_version == "scorecard-2025.1"
    assert 300 < inquiry.score.score < 900
    assert h.bureau.queries == 1
    explanation = (
        await h.inquiries.GetScoreExplanation(
            ci.GetScoreExplanationRequest(inquiry_id=inquiry.inquiry_id), metadata=h.metadata
        )
    ).explanation
    total = explanation.base_score + sum(c.points for c in explanation.contributions)
    assert total == inquiry.score.score
    lost = sorted(
        (c for c in explanation.contributions if c.best_points > c.points),
        key=lambda c: c.points - c.best_points,
    )
    assert list(inquiry.score.reason_codes) == [c.reason_code for c in lost][:4]
    async with h.engine.connect() as conn:
        payload = await conn.scalar(
            text("SELECT payload FROM outbox WHERE event_type LIKE '%InquiryCompleted'")
        )
    event = events_pb2.InquiryCompleted.FromString(payload)
    assert event.inquiry_id == inquiry.inquiry_id and event.score == inquiry.score
    assert event.risk_features == inquiry.risk_features
    got = await h.inquiries.GetInquiry(
        ci.GetInquiryRequest(inquiry_id=inquiry.inquiry_id), metadata=h.metadata
    )
    assert got.inquiry == inquiry


async def test_post_loan_reuse_within_window_then_new_query(h: InquiryHarness) -> None:
    consent = await h.onboard("b-3")
    first = await h.inquire("b-3", consent.consent_id)
    assert first.inquiry_type == res.INQUIRY_TYPE_SOFT
    h.clock.advance(days=6)
    reused = await h.inquire("b-3", consent.consent_id)
    assert reused.outcome == res.INQUIRY_OUTCOME_REPORT_REUSED
    assert reused.reused_inquiry_id == first.inquiry_id and reused.report_id == first.report_id
    assert reused.score == first.score
    assert h.bureau.queries == 1  # the reuse made no bureau call
    # The answer is built from the values written: it equals the stored row as read back.
    for answered in (first, reused):
        got = await h.inquiries.GetInquiry(
            ci.GetInquiryRequest(inquiry_id=answered.inquiry_id), metadata=h.metadata
        )
        assert got.inquiry == answered
    # Pre-loan inquiries never reuse; past the window post-loan queries the bureau again.
    h.clock.advance(minutes=1)
    await h.inquire("b-3", consent.consent_id, purpose=PRE_LOAN)
    assert h.bureau.queries == 2
    h.clock.advance(days=8)
    fresh = await h.inquire("b-3", consent.consent_id)
    assert fresh.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED and h.bureau.queries == 3
    history = await h.records.ListBorrowerInquiryHistory(
        ci.ListBorrowerInquiryHistoryRequest(borrower_id="b-3", page_size=2), metadata=h.metadata
    )
    assert [e.outcome for e in history.entries] == [
        res.INQUIRY_OUTCOME_REPORT_RETRIEVED, res.INQUIRY_OUTCOME_REPORT_RETRIEVED,
    ]
    rest = await h.records.ListBorrowerInquiryHistory(
        ci.ListBorrowerInquiryHistoryRequest(
            borrower_id="b-3", page_size=2, page_token=history.next_page_token
        ),
        metadata=h.metadata,
    )
    assert [e.outcome for e in rest.entries] == [
        res.INQUIRY_OUTCOME_REPORT_REUSED, res.INQUIRY_OUTCOME_REPORT_RETRIEVED,
    ]
    assert not rest.next_page_token


async def test_no_bureau_file_is_recorded_without_score(h: InquiryHarness) -> None:
    consent = await h.grant("b-4")
    await h.verify("b-4", consent.consent_id, new_person(has_file=False))
    # A NOT_FOUND verification is not MATCHED: inquiries are refused.
    error = await refused(h.inquire("b-4", consent.consent_id))
    assert reason(error) == "IDENTITY_NOT_VERIFIED" and h.bureau.queries == 0


async def test_consent_refusals_write_nothing_and_call_nothing(h: InquiryHarness) -> None:
    consent = await h.onboard("b-5")
    narrow = await h.grant(
        "b-5", purposes=[res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT],
        sections=[res.REPORT_SECTION_SUMMARY],
    )
    other = await h.onboard("b-6")
    before = await h.counts()
    cases = [
        (h.inquiry_request("b-5", str(uuid.uuid4())), "CONSENT_MISSING"),
        (h.inquiry_request("b-5", other.consent_id), "CONSENT_BORROWER_MISMATCH"),
        (h.inquiry_request("b-5", narrow.consent_id, purpose=PRE_LOAN), "PURPOSE_NOT_COVERED"),
        (h.inquiry_request("b-5", narrow.consent_id,
                           sections=[res.REPORT_SECTION_PUBLIC_RECORDS]), "SCOPE_NOT_COVERED"),
    ]
    for request, expected in cases:
        error = await refused(h.inquiries.RequestInquiry(request, metadata=h.metadata))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert reason(error) == expected
    await h.revoke(consent.consent_id)
    error = await refused(h.inquire("b-5", consent.consent_id))
    assert reason(error) == "CONSENT_REVOKED"
    h.clock.advance(days=400)
    error = await refused(h.inquire("b-6", other.consent_id))
    assert reason(error) == "CONSENT_EXPIRED"
    after = await h.counts()
    after["outbox"] -= 1  # ConsentRevoked
    after["idempotency_keys"] -= 1  # the revocation's key
    assert after == before
    assert h.bureau.queries == 0


async def test_bad_input_writes_nothing_and_calls_nothing(h: InquiryHarness) -> None:
    consent = await h.onboard("b-7")
    person = new_person()
    before = await h.counts()
    matches_before = h.bureau.matches
    bad_ids = [
        person.resident_id_number[:-1] + ("0" if person.resident_id_number[-1] != "0" else "1"),
        "11010119991340001X",  # month 13
        "990101199001010011",  # no such region
        "12345",
    ]
    for bad in bad_ids:
        error = await refused(
            h.identities.VerifyIdentity(
                ci.VerifyIdentityRequest(
                    request_id=str(uuid.uuid4()), borrower_id="b-7", name=person.name,
                    resident_id_number=bad, mobile_number=person.mobile_number,
                    consent_id=consent.consent_id,
                ),
                metadata=h.metadata,
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields = [v.field for v in decode_error(error).field_violations]
        assert fields == ["resident_id_number"]
        assert bad not in (error.details() or "")
    for purpose in (res.CONSENT_PURPOSE_IDENTITY_VERIFICATION, 99):
        error = await refused(
            h.inquiries.RequestInquiry(
                h.inquiry_request("b-7", consent.consent_id, purpose=purpose, loan_id=""),
                metadata=h.metadata,
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    # A reused request_id with another payload.
    request = h.inquiry_request("b-7", consent.consent_id)
    first = (await h.inquiries.RequestInquiry(request, metadata=h.metadata)).inquiry
    retry = (await h.inquiries.RequestInquiry(request, metadata=h.metadata)).inquiry
    assert retry == first and h.bureau.queries == 1
    middle = await h.counts()
    changed = ci.RequestInquiryRequest()
    changed.CopyFrom(request)
    changed.loan_id = "L-2"
    error = await refused(h.inquiries.RequestInquiry(changed, metadata=h.metadata))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert reason(error) == "REQUEST_ID_REUSED"
    assert await h.counts() == middle and h.bureau.queries == 1
    assert h.bureau.matches == matches_before
    assert before["inquiries"] == 0


async def test_bureau_failures_are_clean_and_leave_nothing(h: InquiryHarness) -> None:
    consent = await h.onboard("b-8")
    before = await h.counts()
    try:
        await h.set_faults(outage=True)
        error = await refused(h.inquire("b-8", consent.consent_id, purpose=PRE_LOAN))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert decode_error(error).metadata.get("dependency") == "credit-bureau"
        await h.set_faults(latency_ms=4500)  # longer than the adapter's 3 s deadline
        error = await refused(h.inquire("b-8", consent.consent_id, purpose=PRE_LOAN))
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        await h.set_faults(error_rate="1")
        error = await refused(h.inquire("b-8", consent.consent_id, purpose=PRE_LOAN))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        # Three failed calls opened the breaker: the next is refused without a bureau call.
        calls = h.bureau.queries
        error = await refused(h.inquire("b-8", consent.consent_id, purpose=PRE_LOAN))
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert "circuit open" in (error.details() or "")
        assert await h.counts() == before  # never a half-written inquiry
        assert calls == h.bureau.queries - 1  # counted at the port; refused inside the adapter
    finally:
        await h.set_faults()
    import asyncio

    await asyncio.sleep(0.6)  # breaker reset timeout: half-open, the probe succeeds
    inquiry = await h.inquire("b-8", consent.consent_id, purpose=PRE_LOAN)
    assert inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED


async def test_report_read_is_recorded_and_purge_after_retention(h: InquiryHarness) -> None:
    consent = await h.onboard("b-9")
    inquiry = await h.inquire(
        "b-9", consent.consent_id, sections=[res.REPORT_SECTION_BASIC_INFO,
                                             res.REPORT_SECTION_CREDIT_TRANSACTIONS],
    )
    report = (
        await h.inquiries.GetReport(
            ci.GetReportRequest(report_id=inquiry.report_id, access_reason="quarterly review"),
            metadata=h.metadata,
        )
    ).report
    assert report.report_id == inquiry.report_id and report.borrower_id == "b-9"
    assert "*" in report.basic_info.masked_name
    assert not report.public_records and not report.inquiry_entries  # out of scope
    reads = await h.records.ListInquiryRecords(
        ci.ListInquiryRecordsRequest(kinds=[res.INQUIRY_RECORD_KIND_REPORT_READ]),
        metadata=h.as_role("auditor"),
    )
    assert [(r.actor, r.report_id) for r in reads.records] == [("op-7", inquiry.report_id)]
    async with h.engine.connect() as conn:
        body = await conn.scalar(text("SELECT body_encrypted FROM credit_reports"))
    assert report.basic_info.masked_name.encode() not in body
    h.clock.advance(days=91)
    purge = ci.PurgeExpiredReportsRequest(request_id=str(uuid.uuid4()))
    purged = await h.inquiries.PurgeExpiredReports(purge, metadata=h.as_role("operator"))
    assert (purged.purged_reports, purged.remaining_reports) == (1, 0)
    again = await h.inquiries.PurgeExpiredReports(
        ci.PurgeExpiredReportsRequest(request_id=str(uuid.uuid4())),
        metadata=h.as_role("operator"),
    )
    assert again.purged_reports == 0
    error = await refused(
        h.inquiries.GetReport(
            ci.GetReportRequest(report_id=inquiry.report_id, access_reason="x"),
            metadata=h.metadata,
        )
    )
    assert reason(error) == "REPORT_PURGED"
    # A purged report is not reused: the next post-loan inquiry queries the bureau.
    await h.inquire("b-9", consent.consent_id)
    assert h.bureau.queries == 2


async def test_a_report_read_reason_with_a_personal_number_is_refused_unrecorded(
    h: InquiryHarness,
) -> None:
    consent = await h.onboard("b-19")
    inquiry = await h.inquire("b-19", consent.consent_id)
    before = await h.counts()
    for access_reason in ("call back on 13812345678", "ID 110101199003074578 review"):
        error = await refused(h.inquiries.GetReport(
            ci.GetReportRequest(report_id=inquiry.report_id, access_reason=access_reason),
            metadata=h.metadata,
        ))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        violations = decode_error(error).field_violations
        assert [v.field for v in violations] == ["access_reason"]
        assert access_reason not in (error.details() or "")
        assert all(access_reason not in v.description for v in violations)
    assert await h.counts() == before  # no REPORT_READ record


async def test_chain_verifies_and_detects_tampering(h: InquiryHarness) -> None:
    consent = await h.onboard("b-10")
    for _ in range(3):
        await h.inquire("b-10", consent.consent_id, purpose=PRE_LOAN)
    auditor = h.as_role("auditor")
    check = await h.records.VerifyRecordChain(ci.VerifyRecordChainRequest(), metadata=auditor)
    assert check.intact and check.records_checked == 4  # identity match + 3 queries
    listed = await h.records.ListInquiryRecords(
        ci.ListInquiryRecordsRequest(borrower_id="b-10", page_size=2), metadata=auditor
    )
    assert [r.sequence for r in listed.records] == [1, 2]
    assert listed.records[0].previous_hash == "0" * 64
    assert listed.records[1].previous_hash == listed.records[0].record_hash
    # The table refuses updates; an administrator who disables the trigger is still caught.
    async with h.engine.begin() as conn:
        with pytest.raises(Exception, match="append-only"):
            async with conn.begin_nested():
                await conn.execute(text("UPDATE inquiry_records SET actor = 'x'"))
    async with h.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE inquiry_records DISABLE TRIGGER USER"))
        await conn.execute(text("UPDATE inquiry_records SET actor = 'intruder' WHERE sequence = 3"))
        await conn.execute(text("ALTER TABLE inquiry_records ENABLE TRIGGER USER"))
    check = await h.records.VerifyRecordChain(ci.VerifyRecordChainRequest(), metadata=auditor)
    assert not check.intact
    assert (check.first_broken_sequence, check.broken_reason) == (3, "HASH_MISMATCH")
    check = await h.records.VerifyRecordChain(
        ci.VerifyRecordChainRequest(from_sequence=1, to_sequence=2), metadata=auditor
    )
    assert check.intact and check.records_checked == 2


async def test_chains_per_borrower_verify_independently(h: InquiryHarness) -> None:
    """Records of borrowers in different chains interleave in listing order; each chain links
    only its own records; a range is anchored per chain; a removed record is found."""
    from credit_inquiry.domain.record_chain import chain_of

    borrowers = ["b-20", "b-21", "b-22"]
    assert len({chain_of(b) for b in borrowers}) == 3
    consents = {b: await h.onboard(b) for b in borrowers}
    for _ in range(2):
        for b in borrowers:
            await h.inquire(b, consents[b].consent_id, purpose=PRE_LOAN)
    auditor = h.as_role("auditor")
    check = await h.records.VerifyRecordChain(ci.VerifyRecordChainRequest(), metadata=auditor)
    assert check.intact and check.records_checked == 9  # 3 identity matches + 6 queries
    async with h.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT sequence, chain, chain_sequence, borrower_id, record_hash, previous_hash"
            " FROM inquiry_records ORDER BY sequence"
        ))).all()
    assert [r.sequence for r in rows] == list(range(1, 10))
    for b in borrowers:
        own = [r for r in rows if r.borrower_id == b]
        assert {r.chain for r in own} == {chain_of(b)}
        assert [r.chain_sequence for r in own] == [1, 2, 3]
        assert own[0].previous_hash == "0" * 64
        assert [r.previous_hash for r in own[1:]] == [r.record_hash for r in own[:-1]]
    # A range starting mid-chain is anchored at each chain's stored predecessor.
    check = await h.records.VerifyRecordChain(
        ci.VerifyRecordChainRequest(from_sequence=5, to_sequence=9), metadata=auditor
    )
    assert check.intact and check.records_checked == 5
    # Remove b-21's middle record: its chain reports the gap at the record after it.
    middle = [r for r in rows if r.borrower_id == "b-21"][1]
    after = [r for r in rows if r.borrower_id == "b-21"][2]
    async with h.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE inquiry_records DISABLE TRIGGER USER"))
        await conn.execute(text("DELETE FROM inquiry_records WHERE sequence = :s"),
                           {"s": middle.sequence})
        await conn.execute(text("ALTER TABLE inquiry_records ENABLE TRIGGER USER"))
    check = await h.records.VerifyRecordChain(ci.VerifyRecordChainRequest(), metadata=auditor)
    assert (check.first_broken_sequence, check.broken_reason) == (after.sequence, "SEQUENCE_GAP")
    # The other chains alone are still intact.
    check = await h.records.VerifyRecordChain(
        ci.VerifyRecordChainRequest(from_sequence=1, to_sequence=middle.sequence - 1),
        metadata=auditor,
    )
    assert check.intact


async def test_concurrent_appends_to_one_chain_stay_linked(h: InquiryHarness) -> None:
    """Inquiries of borrowers sharing a chain, all at once: each append reads the head only
    under the chain's lock, so the chain stays gap-free and linked to committed records."""
    from credit_inquiry.domain.record_chain import chain_of

    chain = chain_of("b-40")
    borrowers = [b for b in (f"b-4{i}" for i in range(200)) if chain_of(b) == chain][:3]
    assert len(borrowers) == 3
    consents = {b: await h.onboard(b) for b in borrowers}
    for b in borrowers:  # a stored report each: the concurrent ones below reuse it
        await h.inquire(b, consents[b].consent_id)
    answers = await asyncio.gather(
        *(h.inquire(b, consents[b].consent_id) for b in borrowers for _ in range(4))
    )
    assert {a.outcome for a in answers} == {res.INQUIRY_OUTCOME_REPORT_REUSED}
    async with h.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT chain_sequence, record_hash, previous_hash FROM inquiry_records"
            " WHERE chain = :chain ORDER BY chain_sequence"
        ), {"chain": chain})).all()
    assert [r.chain_sequence for r in rows] == list(range(1, 3 + 3 + 12 + 1))
    assert rows[0].previous_hash == "0" * 64
    assert [r.previous_hash for r in rows[1:]] == [r.record_hash for r in rows[:-1]]
    check = await h.records.VerifyRecordChain(
        ci.VerifyRecordChainRequest(), metadata=h.as_role("auditor")
    )
    assert check.intact


async def test_grant_consent_checks_signer_verification(h: InquiryHarness) -> None:
    consent = await h.grant("b-11")
    matched = await h.verify("b-11", consent.consent_id, new_person())
    unmatched = await h.verify("b-11", consent.consent_id, new_person(has_file=False))
    assert unmatched.outcome == res.IDENTITY_MATCH_OUTCOME_NOT_FOUND
    await h.grant("b-11", reference=matched.verification_id)
    error = await refused(h.grant("b-12", reference=matched.verification_id))
    assert reason(error) == "IDENTITY_BORROWER_MISMATCH"
    error = await refused(h.grant("b-11", reference=unmatched.verification_id))
    assert reason(error) == "IDENTITY_NOT_VERIFIED"


async def test_scoring_model_is_readable(h: InquiryHarness) -> None:
    model = (
        await h.inquiries.GetScoringModel(ci.GetScoringModelRequest(), metadata=h.metadata)
    ).model
    assert model.model_version == "scorecard-2025.1" and model.base_score == 600
    assert {f.feature for f in model.features} >= {"inquiries_last_3_months", "public_records"}
    error = await refused(
        h.inquiries.GetScoringModel(
            ci.GetScoringModelRequest(model_version="nope"), metadata=h.metadata
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_expired_consent_between_steps(h: InquiryHarness) -> None:
    consent = await h.onboard("b-13")
    h.clock.advance(days=365)
    error = await refused(h.inquire("b-13", consent.consent_id))
    assert reason(error) == "CONSENT_EXPIRED"
    later = await h.grant("b-13", valid_from=h.clock.now() + timedelta(days=1))
    error = await refused(h.inquire("b-13", later.consent_id))
    assert reason(error) == "CONSENT_NOT_YET_VALID"


async def _wait_for_a_lock_wait(h: InquiryHarness) -> None:
    """Until a statement of this database waits on a row lock (the revocation's FOR UPDATE)."""
    for _ in range(500):
        async with h.engine.connect() as conn:
            waiting = await conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ))
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the revocation never waited on the consent's lock")


async def test_a_revocation_waiting_on_an_inquiry_takes_effect_after_it(
    h: InquiryHarness,
) -> None:
    """The inquiry holds the consent's share lock through its bureau call; a revocation issued
    meanwhile waits for it and must take its instant only then, so the recorded history never
    shows the inquiry relying on a revoked consent."""
    consent = await h.onboard("b-50")
    at_bureau, release = asyncio.Event(), asyncio.Event()

    async def hold_the_bureau_call() -> None:
        at_bureau.set()
        await release.wait()

    h.bureau.before_query = hold_the_bureau_call
    inquiry_call = asyncio.create_task(h.inquire("b-50", consent.consent_id, purpose=PRE_LOAN))
    await asyncio.wait_for(at_bureau.wait(), 10)
    revocation = asyncio.create_task(h.revoke(consent.consent_id))
    await _wait_for_a_lock_wait(h)
    h.clock.advance(seconds=5)  # time passes while the revocation waits
    release.set()
    inquiry = await inquiry_call
    await revocation
    assert inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    async with h.engine.connect() as conn:
        stored = await ConsentRepository(conn).get(uuid.UUID(consent.consent_id))
    assert stored is not None and stored.revocation is not None
    completed_at = inquiry.completed_at.ToDatetime(tzinfo=UTC)
    assert stored.revocation.revoked_at > completed_at
    assert stored.state_at(completed_at) is ConsentState.ACTIVE


async def test_reuse_never_serves_sections_the_current_consent_does_not_cover(
    h: InquiryHarness,
) -> None:
    """A full-scope pre-loan retrieval, then a post-loan inquiry under a SUMMARY-only consent:
    the bureau is asked afresh for SUMMARY, and the score and features come from it alone."""
    wide = await h.onboard("b-51")
    first = await h.inquire("b-51", wide.consent_id, purpose=PRE_LOAN)
    assert first.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    # Full scope: nothing is unavailable for want of authorization. Revolving utilization is
    # when this synthetic file holds no open revolving credit (no limit, nothing owed).
    full = (
        await h.inquiries.GetReport(
            ci.GetReportRequest(report_id=first.report_id, access_reason="review"),
            metadata=h.metadata,
        )
    ).report
    revolving = [
        a for a in full.credit_accounts
        if a.account_type in (report_pb2.CREDIT_ACCOUNT_TYPE_REVOLVING_LINE,
                              report_pb2.CREDIT_ACCOUNT_TYPE_REVOLVING_LOAN,
                              report_pb2.CREDIT_ACCOUNT_TYPE_CREDIT_CARD)
        and a.status not in (report_pb2.CREDIT_ACCOUNT_STATUS_CLOSED,
                             report_pb2.CREDIT_ACCOUNT_STATUS_TRANSFERRED)
    ]
    no_revolving_credit = not any(
        a.credit_limit_or_principal.minor_units or a.balance.minor_units for a in revolving
    )
    await h.revoke(wide.consent_id)
    h.clock.advance(days=1)
    narrow = await h.grant("b-51", purposes=[POST_LOAN], sections=[res.REPORT_SECTION_SUMMARY])
    second = await h.inquire("b-51", narrow.consent_id)
    assert second.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
    assert not second.reused_inquiry_id and second.report_id != first.report_id
    assert list(second.sections) == [res.REPORT_SECTION_SUMMARY]
    assert h.bureau.queries == 2
    async with h.engine.connect() as conn:
        features = await conn.scalar(
            text("SELECT risk_features FROM inquiries WHERE inquiry_id = :i"),
            {"i": uuid.UUID(second.inquiry_id)},
        )
    # SUMMARY carries none of the scorecard's facts: every feature is unavailable, and the
    # message says so (its int32 fields read 0, which is not a genuine 0).
    assert features and set(features.values()) == {None}
    every = [f.name for f in res.RiskFeatures.DESCRIPTOR.fields][:-1]
    assert list(second.risk_features.unavailable_features) == every
    assert list(first.risk_features.unavailable_features) == (
        ["revolving_utilization"] if no_revolving_credit else []
    )
    assert list(second.score.reason_codes) == []
    report = (
        await h.inquiries.GetReport(
            ci.GetReportRequest(report_id=second.report_id, access_reason="review"),
            metadata=h.metadata,
        )
    ).report
    assert report.HasField("summary")
    assert not report.credit_accounts and not report.public_records
    assert not report.HasField("basic_info")
    # The same scope again inside the window is reused.
    again = await h.inquire("b-51", narrow.consent_id)
    assert again.outcome == res.INQUIRY_OUTCOME_REPORT_REUSED
    assert again.reused_inquiry_id == second.inquiry_id and h.bureau.queries == 2


@pytest.mark.parametrize("name", ["\x00张三", "张\n三"])
async def test_a_name_with_control_characters_is_refused_before_the_bureau(
    h: InquiryHarness, name: str,
) -> None:
    consent = await h.grant("b-52")
    person = new_person()
    before = await h.counts()
    error = await refused(
        h.identities.VerifyIdentity(
            ci.VerifyIdentityRequest(
                request_id=str(uuid.uuid4()), borrower_id="b-52", name=name,
                resident_id_number=person.resident_id_number,
                mobile_number=person.mobile_number, consent_id=consent.consent_id,
            ),
            metadata=h.metadata,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in decode_error(error).field_violations] == ["name"]
    shown = (error.details() or "") + repr(decode_error(error))
    assert "张" not in shown and "三" not in shown
    assert h.bureau.matches == 0
    assert await h.counts() == before
