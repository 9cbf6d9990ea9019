"""restructuring reads a loan and its schedule from monitoring at one loan version: one GetLoan
with include_schedule; from a monitoring that predates it (no installments in the answer), both
reads go out together, and a pair that straddles a posting (different versions) is read
again."""

from __future__ import annotations

import pytest

from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.errors import Unavailable
from restructuring.adapters.peers import MonitoringClient

pytestmark = pytest.mark.unit


class _Monitoring:
    """Stands in for monitoring's LoanService stub: answers with the loan versions given; the
    schedule with GetLoan only when ``include_schedule`` is honoured (a current monitoring)."""

    def __init__(self, pairs: list[tuple[int, int]], *, honours_include: bool = False) -> None:
        self.pairs = pairs
        self.honours_include = honours_include
        self.loan_reads = 0
        self.schedule_reads = 0

    async def GetLoan(self, request, timeout):  # noqa: N802 - the gRPC method's name
        loan_version = self.pairs[min(self.loan_reads, len(self.pairs) - 1)][0]
        self.loan_reads += 1
        loan = resources_pb2.Loan(loan_id=request.loan_id, version=loan_version)
        loan.current_annual_rate.value = "0.12"
        loan.status.as_of.year, loan.status.as_of.month, loan.status.as_of.day = 2026, 3, 1
        response = monitoring_pb2.GetLoanResponse(loan=loan)
        if request.include_schedule and self.honours_include:
            response.installments.extend(_installments())
        return response

    async def GetLoanSchedule(self, request, timeout):  # noqa: N802
        schedule_version = self.pairs[min(self.schedule_reads, len(self.pairs) - 1)][1]
        self.schedule_reads += 1
        return monitoring_pb2.GetLoanScheduleResponse(
            loan_version=schedule_version, installments=_installments())


def _installments() -> list[resources_pb2.Installment]:
    """One paid, one superseded, one half-paid installment."""
    paid = resources_pb2.Installment(sequence=1, state=resources_pb2.INSTALLMENT_STATE_PAID)
    gone = resources_pb2.Installment(
        sequence=2, state=resources_pb2.INSTALLMENT_STATE_SUPERSEDED)
    open_one = resources_pb2.Installment(sequence=2, state=resources_pb2.INSTALLMENT_STATE_DUE)
    open_one.principal_due.minor_units, open_one.principal_paid.minor_units = 10_000, 4_000
    open_one.interest_due.minor_units = 500
    for month, installment in enumerate((paid, gone, open_one), start=1):
        installment.due_date.year, installment.due_date.month = 2026, month
        installment.due_date.day = 15
    return [paid, gone, open_one]


def _client(monitoring: _Monitoring) -> MonitoringClient:
    client = MonitoringClient.__new__(MonitoringClient)
    client._stub = monitoring  # noqa: SLF001 - the stub is the seam
    return client


async def test_a_current_monitoring_answers_loan_and_schedule_in_one_call() -> None:
    monitoring = _Monitoring([(7, 0)], honours_include=True)
    snapshot = await _client(monitoring).read_loan("L1")
    assert snapshot.version == 7
    assert (monitoring.loan_reads, monitoring.schedule_reads) == (1, 0)
    assert [(i.sequence, i.paid, i.principal_unpaid_fen, i.interest_unpaid_fen)
            for i in snapshot.installments] == [(1, True, 0, 0), (2, False, 6_000, 500)]


async def test_an_older_monitoring_is_read_in_two_halves() -> None:
    monitoring = _Monitoring([(7, 7)])
    snapshot = await _client(monitoring).read_loan("L1")
    assert (monitoring.loan_reads, monitoring.schedule_reads) == (2, 1)
    assert [i.sequence for i in snapshot.installments] == [1, 2]


async def test_a_pair_read_across_a_posting_is_read_again() -> None:
    monitoring = _Monitoring([(7, 6), (7, 7)])
    snapshot = await _client(monitoring).read_loan("L1")
    assert snapshot.version == 7
    assert (monitoring.loan_reads, monitoring.schedule_reads) == (3, 2)


async def test_versions_that_never_agree_answer_unavailable() -> None:
    monitoring = _Monitoring([(8, 7)])
    with pytest.raises(Unavailable):
        await _client(monitoring).read_loan("L1")
    assert monitoring.loan_reads == 4
