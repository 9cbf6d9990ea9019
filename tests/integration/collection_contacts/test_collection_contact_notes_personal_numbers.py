"""Free text a collector types on the contact and debtor RPCs (an attempt's note, a
do-not-contact flag's note, the reason a flag is cleared or a contact point deactivated) refuses
ID and mobile numbers: INVALID_ARGUMENT naming the field, without repeating the text, and
nothing written. A contact point's value is not free text: it holds a number by design."""

from __future__ import annotations

import grpc
import pytest
from contact_harness import R, record, refusal, rid

from postloan.collection.v1 import collection_pb2

pytestmark = pytest.mark.integration

MOBILE = "13812345678"
RESIDENT_ID = "11010519491231002X"
PERSONAL = [f"called back on {MOBILE}", f"ID {RESIDENT_ID} on file", "138 1234 5678"]


def assert_refused_on(error, field: str, text: str) -> None:
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.field_violations] == [field]
    assert all(text not in v.description for v in error.field_violations)
    assert text not in error.message


@pytest.mark.parametrize("text", PERSONAL)
async def test_an_attempt_note_with_a_personal_number_is_refused(harness, text: str) -> None:
    h = harness
    await h.debtor("b-note")
    phone = await h.point("b-note", "13800001270")  # a contact point's value: a number is fine
    check = await h.check("b-note", phone)
    assert check.decision == R.CONTACT_DECISION_ALLOWED
    before = await h.counts()
    error = await refusal(h.contacts.RecordContactAttempt(
        collection_pb2.RecordContactAttemptRequest(
            request_id=rid(), check_id=check.check_id, outcome=R.CONTACT_OUTCOME_NO_ANSWER,
            started_at=check.planned_at, note=text),
        metadata=h.agent("agent-1"),
    ))
    assert_refused_on(error, "note", text)
    assert await h.counts() == before
    assert await h.count("contact_checks", "used_at IS NOT NULL") == 0
    # The clearance is still there for the same attempt with a clean note.
    attempt = (await record(h, check.check_id, connected=False,
                            outcome=R.CONTACT_OUTCOME_NO_ANSWER)).attempt
    assert attempt.check_id == check.check_id


async def test_flag_and_contact_point_texts_with_a_personal_number_are_refused(harness) -> None:
    h = harness
    await h.debtor("b-flag")
    phone = await h.point("b-flag", "13800001271")
    before = await h.counts()
    error = await refusal(h.debtors.SetDoNotContactFlag(
        collection_pb2.SetDoNotContactFlagRequest(
            request_id=rid(), borrower_id="b-flag", reason=R.DO_NOT_CONTACT_REASON_COMPLAINT,
            note=f"complained from {MOBILE}"),
        metadata=h.metadata,
    ))
    assert_refused_on(error, "note", MOBILE)
    assert await h.counts() == before

    flag = (await h.debtors.SetDoNotContactFlag(
        collection_pb2.SetDoNotContactFlagRequest(
            request_id=rid(), borrower_id="b-flag", reason=R.DO_NOT_CONTACT_REASON_COMPLAINT,
            note="complained about call frequency"),
        metadata=h.metadata,
    )).flag
    before = await h.counts()
    error = await refusal(h.debtors.ClearDoNotContactFlag(
        collection_pb2.ClearDoNotContactFlagRequest(
            request_id=rid(), flag_id=flag.flag_id, reason=f"ID {RESIDENT_ID} verified"),
        metadata=h.metadata,
    ))
    assert_refused_on(error, "reason", RESIDENT_ID)
    error = await refusal(h.debtors.DeactivateContactPoint(
        collection_pb2.DeactivateContactPointRequest(
            request_id=rid(), contact_point_id=phone, reason=f"{MOBILE} is a wrong number"),
        metadata=h.metadata,
    ))
    assert_refused_on(error, "reason", MOBILE)
    assert await h.counts() == before
    assert await h.count("do_not_contact_flags", "cleared_at IS NULL") == 1
    assert await h.count("contact_points", "active") == 1
