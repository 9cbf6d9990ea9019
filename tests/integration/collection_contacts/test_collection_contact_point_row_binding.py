"""A contact point's encrypted value is bound to its row: someone who can write the database
and swaps two borrowers' encrypted values (or moves a point to another borrower) does not get a
message dispatched to another person's address. DispatchMessage is refused INTERNAL, nothing is
sent and no check or claim is left behind."""

from __future__ import annotations

import grpc
import pytest
from contact_harness import R, mail, refusal, swap_points

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "swapped", [("value_encrypted",), ("borrower_id",)], ids=["values", "borrower-ids"]
)
async def test_a_swapped_contact_value_is_refused_before_sending(
    dispatch_harness, smtp_sink, swapped: tuple[str, ...]
) -> None:
    h = dispatch_harness
    await h.debtor("b-ann")
    await h.debtor("b-bob")
    ann = await h.point("b-ann", "ann@example.com", kind=R.CONTACT_POINT_KIND_EMAIL)
    bob = await h.point("b-bob", "bob@example.com", kind=R.CONTACT_POINT_KIND_EMAIL)

    await swap_points(h, swapped, ann, bob)
    before = await h.counts()
    # A moved point is dispatched under the borrower it now names.
    borrower = "b-bob" if swapped == ("borrower_id",) else "b-ann"
    error = await refusal(mail(h, borrower, ann))
    assert error.code == grpc.StatusCode.INTERNAL
    assert "example.com" not in f"{error.message} {error.metadata}"
    assert smtp_sink.handler.messages == []
    assert await h.counts() == before  # no claim, no check, no attempt

    await swap_points(h, swapped, ann, bob)
    sent = await mail(h, "b-ann", ann)
    assert sent.attempt.outcome == R.CONTACT_OUTCOME_DELIVERED
    assert [recipients for recipients, _ in smtp_sink.handler.messages] == [["ann@example.com"]]
