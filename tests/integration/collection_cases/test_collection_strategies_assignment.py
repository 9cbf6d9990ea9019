"""Strategies (validation worked examples, champion/challenger share and stability), bulk
assignment (balance, capacity, continuity), promises to pay (kept and broken from repayment
events and the date check), and the figures per strategy — through the real server."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import grpc
import pytest
from cases_harness import Harness, cny, day, request_id
from google.protobuf.field_mask_pb2 import FieldMask

from collection.domain.strategies import Arm, choose_arm
from collection.entrypoints.events import CollectionEventHandlers
from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import events_pb2, money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration

D0 = dt.date(2025, 6, 2)


def band(lo: int, hi: int, tier: int, segment: str = "ALL") -> r.TierRule:
    return r.TierRule(min_days_past_due=lo, max_days_past_due=hi, risk_segment=segment,
                      tier=tier, treatments=[r.TREATMENT_SMS])


def strategy_request(*rules: r.TierRule, name: str = "test") -> c.CreateStrategyVersionRequest:
    return c.CreateStrategyVersionRequest(
        request_id=request_id(), name=name,
        risk_segments=[r.RiskSegment(code="ALL", priority=1)], tier_rules=list(rules),
        pre_due_treatments=[r.TREATMENT_SMS],
    )


async def refusal(call) -> tuple[grpc.StatusCode, object]:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value.code(), decode_error(error.value)


async def seed_cases(h: Harness, count: int, *, dpd: int = 5, prefix: str = "S") -> list[str]:
    """Open ``count`` cases by applying real DelinquencyChanged payloads with the consumer's
    handler (one transaction each, as the consumer does)."""
    handlers = CollectionEventHandlers(h.clock)
    for i in range(count):
        event = mon.DelinquencyChanged(
            loan_id=f"{prefix}L-{i}", borrower_id=f"{prefix}B-{i}", business_date=day(D0),
            from_bucket="M0", to_bucket="M1", days_past_due=dpd,
            overdue=mres.ComponentAmounts(total=cny(10_000)), outstanding_principal=cny(90_000),
        )
        async with h.engine.begin() as conn:
            await handlers.delinquency_changed(
                conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())), event
            )
    listed = await h.cases.ListCases(c.ListCasesRequest(page_size=500), metadata=h.metadata)
    return [x.case_id for x in listed.cases if x.borrower_id.startswith(f"{prefix}B-")]


async def test_strategy_validation_worked_examples(harness: Harness) -> None:
    h = harness
    before = await h.table_counts("strategy_versions", "strategy_tier_rules", "idempotency_keys")
    code, error = await refusal(h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 30, r.CASE_TIER_EARLY), band(25, 0, r.CASE_TIER_MIDDLE)),
        metadata=h.metadata))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.reason == "BANDS_OVERLAP"
    assert "1-30" in str(error.message) and "25-" in str(error.message)
    code, error = await refusal(h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 30, r.CASE_TIER_EARLY), band(41, 0, r.CASE_TIER_MIDDLE)),
        metadata=h.metadata))
    assert error.reason == "BANDS_GAP" and "31-40" in str(error.message)
    code, error = await refusal(h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 30, r.CASE_TIER_EARLY)), metadata=h.metadata))
    assert error.reason == "BANDS_GAP" and "31-" in str(error.message)
    code, error = await refusal(h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 0, r.CASE_TIER_EARLY, segment="NOPE")), metadata=h.metadata))
    assert error.reason == "UNKNOWN_RISK_SEGMENT"
    code, error = await refusal(h.strategies.CreateStrategyVersion(
        c.CreateStrategyVersionRequest(request_id=request_id()), metadata=h.metadata))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert {"name", "risk_segments", "tier_rules"} <= {v.field for v in error.field_violations}
    assert await h.table_counts(
        "strategy_versions", "strategy_tier_rules", "idempotency_keys"
    ) == before
    made = await h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 30, r.CASE_TIER_EARLY), band(31, 0, r.CASE_TIER_LATE)),
        metadata=h.metadata)
    assert made.strategy_version.version == 1 and not made.strategy_version.champion


async def test_champion_challenger_share_is_close_and_stable(harness: Harness) -> None:
    h = harness
    made = await h.strategies.CreateStrategyVersion(
        strategy_request(band(1, 0, r.CASE_TIER_MIDDLE), name="challenger"), metadata=h.metadata)
    challenger_id = made.strategy_version.strategy_version_id
    code, error = await refusal(h.strategies.SetChallengerStrategy(
        c.SetChallengerStrategyRequest(request_id=request_id(),
                                       strategy_version_id=challenger_id,
                                       challenger_share=money_pb2.DecimalValue(value="1.5")),
        metadata=h.metadata))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    await h.strategies.SetChallengerStrategy(
        c.SetChallengerStrategyRequest(request_id=request_id(), strategy_version_id=challenger_id,
                                       challenger_share=money_pb2.DecimalValue(value="0.3")),
        metadata=h.metadata)
    case_ids = await seed_cases(h, 200)
    listed = await h.cases.ListCases(
        c.ListCasesRequest(strategy_version_id=challenger_id, page_size=500), metadata=h.metadata)
    share = len(listed.cases) / len(case_ids)
    assert 0.2 <= share <= 0.4, share  # 200 draws at 30%: outside 20–40% is < 0.2% likely
    assert all(x.strategy_arm == r.STRATEGY_ARM_CHALLENGER for x in listed.cases)
    assert all(x.tier == r.CASE_TIER_MIDDLE for x in listed.cases)  # the challenger's rules
    # The draw depends on the case id only: recomputing it gives the same arms.
    for x in listed.cases:
        assert choose_arm(uuid.UUID(x.case_id), Decimal("0.3")) is Arm.CHALLENGER
    code, error = await refusal(h.strategies.ActivateStrategyVersion(
        c.ActivateStrategyVersionRequest(request_id=request_id(),
                                         strategy_version_id=challenger_id),
        metadata=h.metadata))
    assert error.reason == "IS_CHALLENGER"


async def _agent(h: Harness, agent_id: str, capacity: int, tiers=(r.CASE_TIER_EARLY,)) -> None:
    await h.agents.CreateAgent(
        c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
            agent_id=agent_id, display_name=f"Agent {agent_id}", tiers=list(tiers),
            capacity=capacity, active=True)),
        metadata=h.metadata)


async def test_bulk_assignment_balances_and_keeps_continuity(harness: Harness) -> None:
    h = harness
    for agent_id, capacity in (("A-1", 100), ("A-2", 100), ("A-3", 100), ("A-4", 5)):
        await _agent(h, agent_id, capacity)
    case_ids = await seed_cases(h, 40)
    result = await h.assignment.AssignCases(
        c.AssignCasesRequest(request_id=request_id(), tiers=[r.CASE_TIER_EARLY]),
        metadata=h.metadata)
    assert result.assigned_cases == 40 and result.unassigned_cases == 0
    loads = {x.agent_id: x.open_cases for x in result.agent_loads}
    assert loads["A-4"] == 5  # at capacity
    assert sorted(loads[a] for a in ("A-1", "A-2", "A-3")) == [11, 12, 12]  # balanced
    # Every case has exactly one ASSIGNED entry and one assignment record.
    assert await h.scalar("SELECT count(*) FROM case_events WHERE kind = 'ASSIGNED'") == 40
    # A borrower whose case closed and reopened at the same tier gets the same agent back.
    first = await h.cases.GetCase(c.GetCaseRequest(case_id=case_ids[0]), metadata=h.metadata)
    handlers = CollectionEventHandlers(h.clock)
    async with h.engine.begin() as conn:
        await handlers.loan_cured(conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())),
                                  mon.LoanCured(loan_id=first.collection_case.loans[0].loan_id,
                                                borrower_id=first.collection_case.borrower_id,
                                                business_date=day(D0)))
        await handlers.delinquency_changed(
            conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())),
            mon.DelinquencyChanged(
                loan_id=first.collection_case.loans[0].loan_id,
                borrower_id=first.collection_case.borrower_id, business_date=day(D0),
                from_bucket="M0", to_bucket="M1", days_past_due=1,
                overdue=mres.ComponentAmounts(total=cny(500)), outstanding_principal=cny(90_000)))
    await _agent(h, "A-5", 100)  # the least loaded now: balance alone would pick A-5
    again = await h.assignment.AssignCases(
        c.AssignCasesRequest(request_id=request_id()), metadata=h.metadata)
    assert again.assigned_cases == 1 and again.continuity_cases == 1
    reopened = await h.cases.ListCases(
        c.ListCasesRequest(borrower_id=first.collection_case.borrower_id,
                           states=[r.CASE_STATE_OPEN]), metadata=h.metadata)
    assert reopened.cases[0].agent_id == first.collection_case.agent_id
    # Manual moves are checked.
    not_a4 = next(
        x for x in (await h.cases.ListCases(c.ListCasesRequest(agent_id="A-1"),
                                            metadata=h.metadata)).cases
    )
    code, error = await refusal(h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=not_a4.case_id, agent_id="A-4",
                              reason="load"), metadata=h.metadata))
    assert error.reason == "AGENT_AT_CAPACITY"
    moved = await h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=not_a4.case_id, agent_id="A-2",
                              reason="load"), metadata=h.metadata)
    assert moved.collection_case.agent_id == "A-2"
    await h.agents.UpdateAgent(
        c.UpdateAgentRequest(request_id=request_id(), agent=r.Agent(agent_id="A-5",
                             active=False), update_mask=FieldMask(paths=["active"])),
        metadata=h.metadata)
    code, error = await refusal(h.assignment.ReassignCase(
        c.ReassignCaseRequest(request_id=request_id(), case_id=case_ids[2], agent_id="A-5",
                              reason="load"), metadata=h.metadata))
    assert error.reason == "AGENT_INACTIVE"


async def test_agency_placement_and_recall(harness: Harness) -> None:
    h = harness
    await h.agents.CreateAgency(
        c.CreateAgencyRequest(request_id=request_id(), agency=r.Agency(
            agency_id="AG-1", name="Outside", tiers=[r.CASE_TIER_EARLY], capacity=1, active=True,
            commission_rate=money_pb2.DecimalValue(value="0.2500"))),
        metadata=h.metadata)
    case_ids = await seed_cases(h, 2, prefix="P")
    placed = await h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case_ids[0],
                                     agency_id="AG-1", reason="no contact"), metadata=h.metadata)
    assert placed.collection_case.agency_id == "AG-1"
    code, error = await refusal(h.assignment.PlaceCaseWithAgency(
        c.PlaceCaseWithAgencyRequest(request_id=request_id(), case_id=case_ids[1],
                                     agency_id="AG-1", reason="x"), metadata=h.metadata))
    assert error.reason == "AGENCY_AT_CAPACITY"
    recalled = await h.assignment.RecallCaseFromAgency(
        c.RecallCaseFromAgencyRequest(request_id=request_id(), case_id=case_ids[0],
                                      reason=c.RECALL_REASON_PERFORMANCE, note="slow"),
        metadata=h.metadata)
    assert recalled.collection_case.agency_id == ""
    code, error = await refusal(h.assignment.RecallCaseFromAgency(
        c.RecallCaseFromAgencyRequest(request_id=request_id(), case_id=case_ids[0],
                                      reason=c.RECALL_REASON_OTHER), metadata=h.metadata))
    assert error.reason == "NOT_PLACED"


async def test_promises_kept_broken_and_figures(harness: Harness) -> None:
    h = harness
    case_ids = await seed_cases(h, 2, prefix="Q")
    kept_case, broken_case = case_ids
    before = await h.table_counts("promises_to_pay", "idempotency_keys", "outbox")
    for amount, when, reason in ((0, D0, "INVALID_ARGUMENT"),
                                 (1_000, D0 - dt.timedelta(days=1), "PROMISE_DATE_IN_PAST")):
        code, error = await refusal(h.promises.RecordPromiseToPay(
            c.RecordPromiseToPayRequest(request_id=request_id(), case_id=kept_case,
                                        amount=cny(amount), promised_date=day(when)),
            metadata=h.metadata))
        assert reason in (code.name, error.reason)
    assert await h.table_counts("promises_to_pay", "idempotency_keys", "outbox") == before
    promised = {}
    for case_id in case_ids:
        made = await h.promises.RecordPromiseToPay(
            c.RecordPromiseToPayRequest(
                request_id=request_id(), case_id=case_id, amount=cny(10_000),
                promised_date=day(D0 + dt.timedelta(days=3)), grace_days=2,
                threshold_percentage=money_pb2.DecimalValue(value="0.9000")),
            metadata=h.metadata)
        promised[case_id] = made.promise
    code, error = await refusal(h.promises.RecordPromiseToPay(
        c.RecordPromiseToPayRequest(request_id=request_id(), case_id=kept_case,
                                    amount=cny(5), promised_date=day(D0)), metadata=h.metadata))
    assert error.reason == "OPEN_PROMISE_EXISTS"
    handlers = CollectionEventHandlers(h.clock)
    kept_loan = promised[kept_case].borrower_id.replace("B-", "L-")
    async with h.engine.begin() as conn:
        # 9 000 fen of 10 000 at a 90% threshold, within the window: kept.
        await handlers.repayment_posted(
            conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())),
            mon.RepaymentPosted(repayment_id="R-1", loan_id=kept_loan,
                                borrower_id=promised[kept_case].borrower_id, amount=cny(9_000),
                                value_date=day(D0 + dt.timedelta(days=4)), bucket="M1",
                                days_past_due=5, overdue_amount=cny(1_000)))
        # Six days later the other promise's date plus grace has passed: broken.
        await handlers.installment_due_soon(
            conn, events_pb2.EventEnvelope(event_id=str(uuid.uuid4())),
            mon.InstallmentDueSoon(loan_id="Z", borrower_id="Z",
                                   business_date=day(D0 + dt.timedelta(days=6)),
                                   installment_sequence=1, due_date=day(D0 + dt.timedelta(9)),
                                   amount_due=cny(1), days_until_due=3))
    kept = await h.promises.GetPromiseToPay(
        c.GetPromiseToPayRequest(promise_id=promised[kept_case].promise_id), metadata=h.metadata)
    assert kept.promise.state == r.PROMISE_STATE_KEPT
    assert kept.promise.paid_amount.minor_units == 9000
    broken = await h.promises.GetPromiseToPay(
        c.GetPromiseToPayRequest(promise_id=promised[broken_case].promise_id),
        metadata=h.metadata)
    assert broken.promise.state == r.PROMISE_STATE_BROKEN
    escalated = await h.cases.GetCase(c.GetCaseRequest(case_id=broken_case), metadata=h.metadata)
    assert escalated.collection_case.tier == r.CASE_TIER_MIDDLE
    assert escalated.collection_case.escalation_count == 1
    figures = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(D0), to_date=day(D0 + dt.timedelta(days=10))),
        metadata=h.metadata)
    [row] = figures.strategies
    assert row.strategy_label == "default@1" and row.cases == 2
    assert row.kept_promise_rate.value == "0.5000"
    assert row.recovered.minor_units == 9_000 and row.overdue_at_opening.minor_units == 20_000
    assert row.recovery_rate.value == "0.4500"
    assert {t.tier: t.open_cases for t in figures.tiers} == {
        r.CASE_TIER_EARLY: 1, r.CASE_TIER_MIDDLE: 1
    }
