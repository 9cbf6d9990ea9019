"""ListInquiryRecords while records are being appended: appends to different chains can commit
in the other order than their listing sequence, and a client paging meanwhile must still see
every record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from consent_harness import Harness
from sqlalchemy import text

from credit_inquiry.adapters.inquiry_repository import NewRecord, RecordChain
from credit_inquiry.domain.inquiry import RecordKind
from credit_inquiry.domain.record_chain import chain_of
from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc

pytestmark = pytest.mark.integration


def read_by(borrower_id: str) -> NewRecord:
    return NewRecord(
        kind=RecordKind.REPORT_READ, borrower_id=borrower_id, actor="op-7",
        recorded_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), note="audit",
    )


async def waits_on_advisory_lock(h: Harness) -> bool:
    async with h.engine.connect() as conn:
        return bool(await conn.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )))


async def test_paging_never_skips_a_record_that_commits_after_a_higher_one(
    harness: Harness,
) -> None:
    borrowers = ["b-60", "b-61", "b-62"]
    assert len({chain_of(b) for b in borrowers}) == 3
    records = credit_inquiry_pb2_grpc.InquiryRecordServiceStub(harness.channel)
    auditor = harness.as_role("auditor")

    # The slow append takes sequence 1 and stays open; 2 and 3 (other chains) commit.
    slow = await harness.engine.connect()
    slow_tx = await slow.begin()
    try:
        await RecordChain(slow).append([read_by("b-60")])
        for borrower in borrowers[1:]:
            async with harness.engine.begin() as conn:
                await RecordChain(conn).append([read_by(borrower)])

        first = asyncio.ensure_future(records.ListInquiryRecords(
            ci.ListInquiryRecordsRequest(page_size=1), metadata=auditor
        ))
        # Let the listing answer, or wait for the open append, before that append commits.
        for _ in range(200):
            if first.done() or await waits_on_advisory_lock(harness):
                break
            await asyncio.sleep(0.025)
        await slow_tx.commit()
    finally:
        await slow.close()

    page = await asyncio.wait_for(first, 10)
    listed = [r.sequence for r in page.records]
    while page.next_page_token:
        page = await records.ListInquiryRecords(
            ci.ListInquiryRecordsRequest(page_size=1, page_token=page.next_page_token),
            metadata=auditor,
        )
        listed += [r.sequence for r in page.records]
    assert listed == [1, 2, 3]

