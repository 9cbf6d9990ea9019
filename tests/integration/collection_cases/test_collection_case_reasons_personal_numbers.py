"""Reasons and notes a person types on a case (reassignment, placement, recall, escalation),
kept in the case history, refuse ID and mobile numbers: INVALID_ARGUMENT naming the field,
without repeating the text, and nothing written."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from cases_harness import Harness, request_id

from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import money_pb2
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)
MOBILE = "13812345678"
RESIDENT_ID = "11010519491231002X"
ALL_TIERS = [r.CASE_TIER_EARLY, r.CASE_TIER_MIDDLE, r.CASE_TIER_LATE, r.CASE_TIER_WRITE_OFF]
TABLES = ("cases", "case_events", "case_assignments", "idempotency_keys", "outbox")


async def refused_on(call, field: str, text: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call
    error = decode_error(refused.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.field_violations] == [field]
    assert all(text not in v.description for v in error.field_violations)
    assert text not in error.message


async def test_case_reasons_and_notes_with_a_personal_number_are_refused(
    harness: Harness,
) -> None:
    h = harness
    case = await h.open_delinquent_case("L-21", "B-21")
    await h.agents.CreateAgency(c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
        agency_id="AG-1", name="Agency AG-1", tiers=ALL_TIERS, capacity=10, active=True,
        commission_rate=money_pb2.DecimalValue(value="0.2000"))), metadata=h.metadata)
    await h.agents.CreateAgent(c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
        agent_id="ann", display_name="Ann", tiers=ALL_TIERS, capacity=10, active=True)),
        metadata=h.metadata)
    before = await h.table_counts(*TABLES)

    await refused_on(h.assignment.ReassignCase(c.ReassignCaseRequest(
        request_id=request_id(), case_id=case.case_id, agent_id="ann",
        reason=f"borrower asked for ann, call {MOBILE}"), metadata=h.metadata), "reason", MOBILE)
    await refused_on(h.assignment.PlaceCaseWithAgency(c.PlaceCaseWithAgencyRequest(
        request_id=request_id(), case_id=case.case_id, agency_id="AG-1",
        reason=f"ID {RESIDENT_ID} skipped"), metadata=h.metadata), "reason", RESIDENT_ID)
    await refused_on(h.cases.EscalateCase(c.EscalateCaseRequest(
        request_id=request_id(), case_id=case.case_id, reason=f"no answer on {MOBILE}"),
        metadata=h.metadata), "reason", MOBILE)
    assert await h.table_counts(*TABLES) == before

    await h.assignment.PlaceCaseWithAgency(c.PlaceCaseWithAgencyRequest(
        request_id=request_id(), case_id=case.case_id, agency_id="AG-1",
        reason="no progress"), metadata=h.metadata)
    before = await h.table_counts(*TABLES)
    await refused_on(h.assignment.RecallCaseFromAgency(c.RecallCaseFromAgencyRequest(
        request_id=request_id(), case_id=case.case_id, reason=c.RECALL_REASON_PERFORMANCE,
        note=f"agency used {MOBILE}"), metadata=h.metadata), "note", MOBILE)
    assert await h.table_counts(*TABLES) == before
    placed = (await h.cases.GetCase(c.GetCaseRequest(case_id=case.case_id),
                                    metadata=h.metadata)).collection_case
    assert (placed.agent_id, placed.agency_id) == ("", "AG-1")
