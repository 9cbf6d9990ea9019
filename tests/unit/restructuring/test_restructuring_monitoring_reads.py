"""restructuring reads a loan and its schedule from monitoring at one loan version: both reads
go out together, and a pair that straddles a posting (different versions) is read again."""

from __future__ import annotations

import pytest

from postloan.monitoring.v1 import monitoring_pb2, resources_pb2
from postloan_runtime.errors import Unavailable
from restructuring.adapters.peers import MonitoringClient

pytestmark = pytest.mark.unit


class _Monitoring:
    """Stands in for monitoring's LoanService stub: answers with the loan versions given."""

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        self.pairs = pairs
        self.loan_reads = 0
        self.schedule_reads = 0

    async def GetLoan(self, request, timeout):  # noqa: N802 - the gRPC method's name
        loan_version = self.pairs[min(self.loan_reads, len(self.pairs) - 1)][0]
        self.loan_reads += 1
        loan = resources_pb2.Loan(loan_id=request.loan_id, version=loan_version)
        loan.current_annual_rate.value = "0.12"
        loan.status.as_of.year, loan.status.as_of.month, loan.status.as_of.day = 2026, 3, 1
        return monitoring_pb2.GetLoanResponse(loan=loan)

    async def GetLoanSchedule(self, request, timeout):  # noqa: N802
        schedule_version = self.pairs[min(self.schedule_reads, len(self.pairs) - 1)][1]
        self.schedule_reads += 1
        return monitoring_pb2.GetLoanScheduleResponse(loan_version=schedule_version)


def _client(monitoring: _Monitoring) -> MonitoringClient:
    client = MonitoringClient.__new__(MonitoringClient)
    client._stub = monitoring  # noqa: SLF001 - the stub is the seam
    return client


async def test_a_pair_read_across_a_posting_is_read_again() -> None:
    monitoring = _Monitoring([(7, 6), (7, 7)])
    snapshot = await _client(monitoring).read_loan("L1")
    assert snapshot.version == 7
    assert (monitoring.loan_reads, monitoring.schedule_reads) == (2, 2)


async def test_versions_that_never_agree_answer_unavailable() -> None:
    monitoring = _Monitoring([(8, 7)])
    with pytest.raises(Unavailable):
        await _client(monitoring).read_loan("L1")
    assert monitoring.loan_reads == 3
