"""Encrypted identity fields are bound to their row: someone who can write the database and
swaps two borrowers' encrypted identities (or points one borrower's verification at another
borrower) does not get an inquiry sent to the bureau with another person's identity. The
inquiry is refused INTERNAL, with nothing recorded and no bureau call."""

from __future__ import annotations

import grpc
import pytest
from inquiry_harness import InquiryHarness, Person, new_person
from sqlalchemy import text

from postloan.credit_inquiry.v1 import resources_pb2 as res

pytestmark = pytest.mark.integration

PRE_LOAN = res.CONSENT_PURPOSE_PRE_LOAN_APPROVAL
ENCRYPTED = ("name_encrypted", "resident_id_encrypted", "mobile_encrypted")


async def swap_identity_columns(h: InquiryHarness, columns: tuple[str, ...]) -> None:
    """Exchange ``columns`` between the identity rows of b-1 and b-2 (one statement: the FROM
    side reads the rows as they were)."""
    assignments = ", ".join(f"{c} = other.{c}" for c in columns)
    async with h.engine.begin() as conn:
        await conn.execute(text(
            f"UPDATE identity_verifications AS mine SET {assignments}"  # noqa: S608 - names
            " FROM identity_verifications AS other"
            " WHERE mine.borrower_id IN ('b-1', 'b-2') AND other.borrower_id IN ('b-1', 'b-2')"
            " AND mine.verification_id <> other.verification_id"
        ))


async def refused_safely(h: InquiryHarness, consent_id: str, people: list[Person]) -> None:
    before, queries = await h.counts(), h.bureau.queries
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await h.inquire("b-1", consent_id, purpose=PRE_LOAN)
    error = caught.value
    assert error.code() == grpc.StatusCode.INTERNAL
    said = (error.details() or "") + repr(error.trailing_metadata())
    for person in people:
        for value in (person.name, person.resident_id_number, person.mobile_number):
            assert value not in said
    assert h.bureau.queries == queries  # the bureau never saw the swapped identity
    assert await h.counts() == before


@pytest.mark.parametrize(
    "swapped", [ENCRYPTED, ("borrower_id",)], ids=["encrypted-columns", "borrower-ids"]
)
async def test_a_swapped_identity_is_refused_before_the_bureau_call(
    inquiry_harness: InquiryHarness, swapped: tuple[str, ...]
) -> None:
    h = inquiry_harness
    people = [new_person(), new_person()]
    consent = await h.onboard("b-1", people[0])
    await h.onboard("b-2", people[1])

    await swap_identity_columns(h, swapped)
    await refused_safely(h, consent.consent_id, people)

    # Swapped back, the same inquiry goes through: the refusal was the swap's.
    await swap_identity_columns(h, swapped)
    inquiry = await h.inquire("b-1", consent.consent_id, purpose=PRE_LOAN)
    assert inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED
