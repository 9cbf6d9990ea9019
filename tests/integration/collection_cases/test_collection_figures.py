"""GetCollectionFigures (and ``postloan report collection``) against a small worked example run
through the real server: five cases opened by monitoring's DelinquencyChanged on the event
feed, three under the built-in strategy (default@1) and two under a second one ("rival@1",
activated as champion after the first three: an arm is drawn at random, a champion is not);
calls through the gate with different outcomes, in and outside the date range; promises to pay
kept by a repayment event or broken when their date passes; recoveries from RepaymentPosted.
Every figure is worked out by hand below.

Range: business dates D1..D9 (Shanghai). Worked example, by case:

| case | strategy | tier | overdue | in range (D1) | D0 | promise (due D3) | paid |
|---|---|---|---|---|---|---|---|
| A | default | EARLY | 10 000 | promise to pay | — | 6 000, kept D2 | 6 000 D2 |
| B | default | MIDDLE | 20 000 | no answer; bob refused | right party | — | — |
| C | default | EARLY | 30 000 | right party | — | 30 000 (D1 07:30), broken D6 | — |
| D | rival | MIDDLE | 40 000 | promise to pay | — | 40 000, broken D6 | 10 000 D2 |
| E | rival | MIDDLE | 50 000 | — | wrong number | — | 50 000 D6 |

C's promise is taken at 07:30 in Shanghai on D1, which is still D0 in UTC: it belongs to D1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from cases_harness import Harness, cny, day, request_id
from rich.console import Console

from postloan.collection.v1 import collection_pb2 as c
from postloan.collection.v1 import collection_pb2_grpc
from postloan.collection.v1 import resources_pb2 as r
from postloan.common.v1 import money_pb2
from postloan.monitoring.v1 import events_pb2 as mon
from postloan.monitoring.v1 import resources_pb2 as mres
from postloan_runtime import cli_collection
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D0 = dt.date(2025, 6, 2)


def d(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def shanghai(n: int, hour: int, minute: int = 0) -> dt.datetime:
    """``hour``:``minute`` in Shanghai on D``n``, as a UTC instant."""
    return dt.datetime.combine(d(n), dt.time(hour, minute), SHANGHAI).astimezone(dt.UTC)


def four_places(value: Fraction) -> str:
    """A rate as the API writes it: 4 places, half up."""
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.0001"), rounding="ROUND_HALF_UP"))


ALL_TIERS = [r.CASE_TIER_EARLY, r.CASE_TIER_MIDDLE, r.CASE_TIER_LATE, r.CASE_TIER_WRITE_OFF]


async def open_case(h: Harness, name: str, dpd: int, overdue: int) -> r.Case:
    await h.publish_and_wait(h.monitoring, "monitoring", mon.DelinquencyChanged(
        loan_id=f"L-{name}", borrower_id=f"B-{name}", business_date=day(D0),
        from_bucket="M0", to_bucket="M1" if dpd <= 30 else "M2", days_past_due=dpd,
        overdue=mres.ComponentAmounts(total=cny(overdue)), outstanding_principal=cny(900_000)))
    [case] = (await h.cases.ListCases(c.ListCasesRequest(borrower_id=f"B-{name}"),
                                      metadata=h.metadata)).cases
    return case


async def test_figures_of_a_worked_example(harness: Harness, monkeypatch) -> None:  # noqa: PLR0915
    h = harness
    contacts = collection_pb2_grpc.ContactServiceStub(h.channel)
    ann = bearer(token_for(h.keys_dir, ["collector"], subject="ann"))
    bob = bearer(token_for(h.keys_dir, ["collector"], subject="bob"))

    # --- cases: three under default@1, then rival@1 becomes the champion for new cases --------
    cases = {"A": await open_case(h, "A", 5, 10_000), "B": await open_case(h, "B", 40, 20_000),
             "C": await open_case(h, "C", 10, 30_000)}
    rival = (await h.strategies.CreateStrategyVersion(c.CreateStrategyVersionRequest(
        request_id=request_id(), name="rival",
        risk_segments=[r.RiskSegment(code="ALL", priority=1)],
        tier_rules=[r.TierRule(min_days_past_due=1, max_days_past_due=0, risk_segment="ALL",
                               tier=r.CASE_TIER_MIDDLE, treatments=[r.TREATMENT_AGENT_CALL])],
        pre_due_treatments=[r.TREATMENT_SMS]), metadata=h.metadata)).strategy_version
    await h.strategies.ActivateStrategyVersion(c.ActivateStrategyVersionRequest(
        request_id=request_id(), strategy_version_id=rival.strategy_version_id),
        metadata=h.metadata)
    cases["D"] = await open_case(h, "D", 3, 40_000)
    cases["E"] = await open_case(h, "E", 50, 50_000)
    default_id = cases["A"].strategy_version_id
    assert {k: (x.strategy_version_id, x.tier) for k, x in cases.items()} == {
        "A": (default_id, r.CASE_TIER_EARLY),
        "B": (default_id, r.CASE_TIER_MIDDLE),
        "C": (default_id, r.CASE_TIER_EARLY),
        "D": (rival.strategy_version_id, r.CASE_TIER_MIDDLE),
        "E": (rival.strategy_version_id, r.CASE_TIER_MIDDLE),
    }
    await h.agents.CreateAgent(c.CreateAgentRequest(request_id=request_id(), agent=r.Agent(
        agent_id="ann", display_name="Ann", tiers=ALL_TIERS, capacity=10, active=True)),
        metadata=h.metadata)
    phones = {}
    for n, (name, case) in enumerate(cases.items()):
        await h.assignment.ReassignCase(c.ReassignCaseRequest(
            request_id=request_id(), case_id=case.case_id, agent_id="ann", reason="desk"),
            metadata=h.metadata)
        phones[name] = await h.debtor_with_phone(f"B-{name}", f"1391234{5610 + n}")

    async def call(name: str, outcome: int, *, connected: bool,
                   who=ann) -> r.ContactCheck | r.ContactAttempt:
        check = (await contacts.CheckContact(c.CheckContactRequest(
            request_id=request_id(), case_id=cases[name].case_id, borrower_id=f"B-{name}",
            channel=r.CONTACT_CHANNEL_AGENT_CALL, party=r.CONTACT_PARTY_DEBTOR,
            contact_point_id=phones[name]), metadata=who)).check
        if check.decision != r.CONTACT_DECISION_ALLOWED:
            return check
        record = c.RecordContactAttemptRequest(
            request_id=request_id(), check_id=check.check_id, outcome=outcome,
            connected=connected)
        record.started_at.FromDatetime(h.clock.now() - dt.timedelta(minutes=2))
        return (await contacts.RecordContactAttempt(record, metadata=who)).attempt

    async def promise(name: str, amount: int, *, grace: int,
                      attempt_id: str = "") -> r.PromiseToPay:
        return (await h.promises.RecordPromiseToPay(c.RecordPromiseToPayRequest(
            request_id=request_id(), case_id=cases[name].case_id, loan_id=f"L-{name}",
            amount=cny(amount), promised_date=day(d(3)), grace_days=grace,
            threshold_percentage=money_pb2.DecimalValue(value="1"),
            contact_attempt_id=attempt_id), metadata=ann)).promise

    # --- D0 (outside the range): a conversation with B, a wrong number for E, bob refused ---
    assert h.clock.now() == shanghai(0, 10)
    await call("B", r.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT, connected=True)
    await call("E", r.CONTACT_OUTCOME_WRONG_NUMBER, connected=True)
    refused_d0 = await call("A", r.CONTACT_OUTCOME_NO_ANSWER, connected=False, who=bob)
    assert list(refused_d0.refusal_reasons) == [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED]

    # --- D1 ---------------------------------------------------------------------------------
    h.clock.set(shanghai(1, 7, 30))  # C calls in before the office opens: 23:30 UTC on D0
    promised_c = await promise("C", 30_000, grace=1)
    h.clock.set(shanghai(1, 10))
    a_call = await call("A", r.CONTACT_OUTCOME_PROMISE_TO_PAY, connected=True)
    promised_a = await promise("A", 6_000, grace=0, attempt_id=a_call.attempt_id)
    await call("B", r.CONTACT_OUTCOME_NO_ANSWER, connected=False)
    refused_d1 = await call("B", r.CONTACT_OUTCOME_NO_ANSWER, connected=False, who=bob)
    assert list(refused_d1.refusal_reasons) == [r.CONTACT_REFUSAL_REASON_NOT_ASSIGNED]
    await call("C", r.CONTACT_OUTCOME_RIGHT_PARTY_CONTACT, connected=True)
    d_call = await call("D", r.CONTACT_OUTCOME_PROMISE_TO_PAY, connected=True)
    promised_d = await promise("D", 40_000, grace=1, attempt_id=d_call.attempt_id)

    # --- repayments (monitoring's events); D6's InstallmentDueSoon breaks lapsed promises ---
    def repaid(name: str, amount: int, on: dt.date) -> mon.RepaymentPosted:
        return mon.RepaymentPosted(
            repayment_id=f"R-{name}", loan_id=f"L-{name}", borrower_id=f"B-{name}",
            amount=cny(amount), value_date=day(on), bucket="M1", days_past_due=5,
            overdue_amount=cny(1))

    h.clock.set(shanghai(2, 12))
    await h.publish_and_wait(h.monitoring, "monitoring", repaid("A", 6_000, d(2)),
                             repaid("D", 10_000, d(2)))
    h.clock.set(shanghai(6, 12))
    await h.publish_and_wait(h.monitoring, "monitoring", repaid("E", 50_000, d(6)),
                             mon.InstallmentDueSoon(
                                 loan_id="L-Z", borrower_id="B-Z", business_date=day(d(6)),
                                 installment_sequence=1, due_date=day(d(9)),
                                 amount_due=cny(1), days_until_due=3))
    states = {}
    for name, made in (("A", promised_a), ("C", promised_c), ("D", promised_d)):
        got = (await h.promises.GetPromiseToPay(c.GetPromiseToPayRequest(
            promise_id=made.promise_id), metadata=h.metadata)).promise
        states[name] = got.state
    assert states == {"A": r.PROMISE_STATE_KEPT, "C": r.PROMISE_STATE_BROKEN,
                      "D": r.PROMISE_STATE_BROKEN}

    # --- the figures, by hand -------------------------------------------------------------
    # default@1: cases A B C; attempts in range on A, B, C (3); right party: A (promise to pay),
    # C (B's conversation was on D0); promises made in range: A, C (C's at 07:30 D1 Shanghai);
    # resolved in range: A kept, C broken; recovered 6 000 of 10 000 + 20 000 + 30 000;
    # refused in range: bob on B (bob on A was on D0).
    default = {"cases": 3, "contact": Fraction(3, 3), "rpc": Fraction(2, 3),
                "promise": Fraction(2, 2), "kept": Fraction(1, 2),
                "overdue": 60_000, "recovered": 6_000, "refused": 1}
    # rival@1: cases D E; attempts in range: D only (E's wrong number was on D0); right
    # party: D; promise: D; resolved: D broken; recovered 10 000 + 50 000 of 90 000.
    rival_row = {"cases": 2, "contact": Fraction(1, 2), "rpc": Fraction(1, 2),
                      "promise": Fraction(1, 1), "kept": Fraction(0, 1),
                      "overdue": 90_000, "recovered": 60_000, "refused": 0}

    def as_reported(row: c.StrategyFigures) -> dict:
        return {"cases": row.cases, "contact": row.contact_rate.value,
                "rpc": row.right_party_contact_rate.value, "promise": row.promise_rate.value,
                "kept": row.kept_promise_rate.value, "overdue": row.overdue_at_opening.minor_units,
                "recovered": row.recovered.minor_units, "recovery": row.recovery_rate.value,
                "refused": row.refused_contacts}

    def expected(row: dict) -> dict:
        return {**row, **{k: four_places(row[k]) for k in ("contact", "rpc", "promise", "kept")},
                "recovery": four_places(Fraction(row["recovered"], row["overdue"]))}

    figures = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(d(1)), to_date=day(d(9))),
        metadata=h.metadata)
    assert [(s.strategy_label, s.arm) for s in figures.strategies] == [
        ("default@1", r.STRATEGY_ARM_CHAMPION), ("rival@1", r.STRATEGY_ARM_CHAMPION)]
    reported = {s.strategy_label: as_reported(s) for s in figures.strategies}
    assert reported == {"default@1": expected(default), "rival@1": expected(rival_row)}
    assert reported["default@1"]["rpc"] == "0.6667"  # 2/3, half up
    # Cases per tier at the end of the range: the broken promises moved C and D up a tier.
    assert [(t.tier, t.open_cases, t.paused_cases) for t in figures.tiers] == [
        (r.CASE_TIER_EARLY, 1, 0), (r.CASE_TIER_MIDDLE, 3, 0), (r.CASE_TIER_LATE, 1, 0)]

    # One strategy only.
    only = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(d(1)), to_date=day(d(9)),
                                      strategy_version_id=rival.strategy_version_id),
        metadata=h.metadata)
    assert [as_reported(s) for s in only.strategies] == [expected(rival_row)]
    assert [(t.tier, t.open_cases) for t in only.tiers] == [
        (r.CASE_TIER_MIDDLE, 1), (r.CASE_TIER_LATE, 1)]

    # The CLI report prints the same figures (money in yuan).
    out = io.StringIO()
    monkeypatch.setattr(cli_collection, "console", Console(file=out, width=200))
    await asyncio.to_thread(
        cli_collection.collection_report, from_date=d(1).isoformat(), to_date=d(9).isoformat(),
        strategy_version_id="", address=h.address,
        token=h.metadata[0][1].removeprefix("Bearer "), keys_dir=h.keys_dir)
    rows = {cells[0]: cells[1:] for cells in (
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in out.getvalue().splitlines() if "@1" in line)}
    assert rows == {
        "default@1": ["champion", "3", "1.0000", "0.6667", "1.0000", "0.5000", "600.00",
                      "60.00", "0.1000", "1"],
        "rival@1": ["champion", "2", "0.5000", "0.5000", "1.0000", "0.0000", "900.00",
                         "600.00", "0.6667", "0"],
    }

    # --- a past range counts cases by the tier and state they had then -----------------------
    # D2, before the broken promises escalated C and D: A and C early, B, D and E middle.
    then = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(d(1)), to_date=day(d(2))),
        metadata=h.metadata)
    assert [(t.tier, t.open_cases, t.paused_cases) for t in then.tiers] == [
        (r.CASE_TIER_EARLY, 2, 0), (r.CASE_TIER_MIDDLE, 3, 0)]
    # E is cured on D10 and its case closes: the range ending D9 still counts it, in MIDDLE.
    h.clock.set(shanghai(10, 9))
    await h.publish_and_wait(h.monitoring, "monitoring", mon.LoanCured(
        loan_id="L-E", borrower_id="B-E", business_date=day(d(10)), from_bucket="M1",
        previous_days_past_due=45))
    [e_case] = (await h.cases.ListCases(c.ListCasesRequest(borrower_id="B-E"),
                                        metadata=h.metadata)).cases
    assert e_case.state == r.CASE_STATE_CLOSED
    again = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(d(1)), to_date=day(d(9))),
        metadata=h.metadata)
    assert [(t.tier, t.open_cases, t.paused_cases) for t in again.tiers] == [
        (r.CASE_TIER_EARLY, 1, 0), (r.CASE_TIER_MIDDLE, 3, 0), (r.CASE_TIER_LATE, 1, 0)]
    now = await h.reports.GetCollectionFigures(
        c.GetCollectionFiguresRequest(from_date=day(d(1)), to_date=day(d(10))),
        metadata=h.metadata)
    assert [(t.tier, t.open_cases) for t in now.tiers] == [
        (r.CASE_TIER_EARLY, 1), (r.CASE_TIER_MIDDLE, 2), (r.CASE_TIER_LATE, 1)]
