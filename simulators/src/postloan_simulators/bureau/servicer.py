"""``BureauSimulatorService``: a SIMULATED credit bureau (not the PBOC Credit Reference Center).

Identity rule (documented in docs/simulators.md):

- A malformed ID number (shape, birth date or GB 11643 check character) is INVALID_ARGUMENT.
- ID numbers whose order code (digits 15-17) is 990-999 have no file: MatchIdentity says
  NOT_FOUND, QueryCreditReport says ``found = false``.
- Every other valid ID number has a file. Its identity section is the first identity any
  caller presented for that ID in this process (name and, from MatchIdentity, mobile), the way
  a bureau learns a person from the first institution reporting them. Later calls match
  against it: another name gives NAME_MISMATCH (QueryCreditReport: FAILED_PRECONDITION
  ``IDENTITY_NOT_MATCHED``), another mobile MOBILE_MISMATCH. The identity section is held in
  memory only and forgotten at restart; the credit history is not (it is derived from the ID
  number, see :mod:`postloan_simulators.bureau.synthetic`).

Personal data is returned in clear, as a real bureau returns it, and never logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import grpc

from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.errors import FailedPrecondition
from postloan_runtime.proto_convert import date_to_proto, decimal_to_proto, timestamp_to_proto
from postloan_runtime.validation import Violations
from postloan_simulators.bureau.resident_id import ResidentId, parse_resident_id
from postloan_simulators.bureau.synthetic import SyntheticFile, has_file, summarize
from postloan_simulators.common import (
    FaultInjector,
    FaultProfile,
    IdempotentAnswers,
    keyed_digest,
    keyed_seed,
)

log = logging.getLogger(__name__)

DEPENDENCY = "bureau-simulator"
IDENTITY_NOT_MATCHED = "IDENTITY_NOT_MATCHED"
MAX_LATENCY_MS = 600_000
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_REASONS = frozenset(bureau_pb2.BureauQueryReason.values()) - {0}


@dataclass
class IdentityOnFile:
    """The identity section of one simulated file (process memory only)."""

    name: str
    mobile_number: str | None


@dataclass(frozen=True)
class RecordedInquiry:
    inquired_on: dt.date
    institution_code: str
    reason: int


def normalize_mobile(text: str) -> str:
    """11-digit mainland number from ``13812345678``, ``+8613812345678`` or ``8613812345678``."""
    digits = text.strip().replace(" ", "").replace("-", "")
    for prefix in ("+86", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def _check_resident_id(v: Violations, text: str, field: str) -> ResidentId | None:
    if not v.non_empty(text, field):
        return None
    parsed = parse_resident_id(text)
    if parsed is None:
        v.add(field, "must be an 18-character resident ID number with a valid check character")
    return parsed


class BureauSimulator(bureau_pb2_grpc.BureauSimulatorServiceServicer):
    """The simulated bureau. ``data_key`` keys the hash that seeds every synthetic file."""

    def __init__(
        self,
        data_key: bytes,
        faults: FaultProfile | None = None,
        *,
        clock: Clock | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        self._data_key = data_key
        self._clock = clock or SystemClock()
        self._as_of = as_of
        self.faults = FaultInjector(DEPENDENCY, faults)
        self._identities: dict[bytes, IdentityOnFile] = {}
        self._inquiries: defaultdict[bytes, list[RecordedInquiry]] = defaultdict(list)
        self._reports: IdempotentAnswers[bureau_pb2.QueryCreditReportResponse] = (
            IdempotentAnswers()
        )
        self._fault_changes: IdempotentAnswers[bureau_pb2.SetBureauFaultsResponse] = (
            IdempotentAnswers()
        )

    def _person_key(self, resident_id: ResidentId) -> bytes:
        # The in-memory maps are keyed by a keyed hash, not by the ID number itself.
        return keyed_digest(self._data_key, "file", resident_id.number)

    def _today(self) -> dt.date:
        return self._as_of or self._clock.today()

    # --- MatchIdentity -----------------------------------------------------------------------

    async def MatchIdentity(  # noqa: N802 - gRPC method name
        self, request: bureau_pb2.MatchIdentityRequest, context: grpc.aio.ServicerContext
    ) -> bureau_pb2.MatchIdentityResponse:
        await self.faults.before_call(context)
        v = Violations()
        v.non_empty(request.name, "name", max_length=64)
        resident_id = _check_resident_id(v, request.resident_id_number, "resident_id_number")
        mobile = normalize_mobile(request.mobile_number)
        if v.non_empty(request.mobile_number, "mobile_number"):
            v.require(bool(_MOBILE.match(mobile)), "mobile_number", "must be an 11-digit mobile")
        v.raise_if_any()
        assert resident_id is not None
        outcome = self._match(resident_id, request.name.strip(), mobile)
        reference = f"SIMM{uuid.uuid4().hex[:20].upper()}"
        log.info(
            "identity match answered",
            extra={
                "outcome": bureau_pb2.BureauIdentityMatch.Name(outcome),
                "bureau_reference": reference,
            },
        )
        return bureau_pb2.MatchIdentityResponse(outcome=outcome, bureau_reference=reference)

    def _match(self, resident_id: ResidentId, name: str, mobile: str) -> int:
        if not has_file(resident_id):
            return bureau_pb2.BUREAU_IDENTITY_MATCH_NOT_FOUND
        key = self._person_key(resident_id)
        on_file = self._identities.get(key)
        if on_file is None:
            self._identities[key] = IdentityOnFile(name=name, mobile_number=mobile)
            return bureau_pb2.BUREAU_IDENTITY_MATCH_MATCHED
        if on_file.name != name:
            return bureau_pb2.BUREAU_IDENTITY_MATCH_NAME_MISMATCH
        if on_file.mobile_number is None:
            on_file.mobile_number = mobile
        elif on_file.mobile_number != mobile:
            return bureau_pb2.BUREAU_IDENTITY_MATCH_MOBILE_MISMATCH
        return bureau_pb2.BUREAU_IDENTITY_MATCH_MATCHED

    # --- QueryCreditReport -------------------------------------------------------------------

    async def QueryCreditReport(  # noqa: N802 - gRPC method name
        self, request: bureau_pb2.QueryCreditReportRequest, context: grpc.aio.ServicerContext
    ) -> bureau_pb2.QueryCreditReportResponse:
        await self.faults.before_call(context)
        v = Violations()
        request_id = v.request_id(request.request_id)
        v.non_empty(request.name, "name", max_length=64)
        resident_id = _check_resident_id(v, request.resident_id_number, "resident_id_number")
        v.enum_specified(request.reason, "reason", allowed=_REASONS)
        v.non_empty(request.institution_code, "institution_code", max_length=64)
        v.raise_if_any()
        assert request_id is not None and resident_id is not None
        async with self._reports.claim(request_id):
            answered = self._reports.answered(request_id, request)
            if answered is not None:
                log.info("credit report query retried: same answer, billed once")
                return answered
            response = self._query(request_id, request, resident_id)
            self._reports.remember(request_id, request, response)
        log.info(
            "credit report query answered",
            extra={
                "found": response.found,
                "report_number": response.report.report_number,
                "query_reason": bureau_pb2.BureauQueryReason.Name(request.reason),
                "institution_code": request.institution_code,
                "credit_accounts": len(response.report.credit_accounts),
            },
        )
        return response

    def _query(
        self,
        request_id: str,
        request: bureau_pb2.QueryCreditReportRequest,
        resident_id: ResidentId,
    ) -> bureau_pb2.QueryCreditReportResponse:
        if not has_file(resident_id):
            return bureau_pb2.QueryCreditReportResponse(found=False)
        key = self._person_key(resident_id)
        name = request.name.strip()
        on_file = self._identities.setdefault(key, IdentityOnFile(name=name, mobile_number=None))
        if on_file.name != name:
            raise FailedPrecondition(
                IDENTITY_NOT_MATCHED, "name and ID number do not match the bureau's file"
            )
        today = self._today()
        synthetic = SyntheticFile(self._data_key, resident_id, today)
        accounts = synthetic.credit_accounts()
        report = bureau_pb2.BureauCreditReport(
            report_number=self._report_number(request_id, today),
            reported_at=timestamp_to_proto(self._clock.now()),
            basic_info=synthetic.basic_info(
                name, on_file.mobile_number or synthetic.synthetic_mobile()
            ),
            summary=summarize(accounts, keyed_seed(self._data_key, "summary", key.hex())),
            credit_accounts=accounts,
            public_records=synthetic.public_records(),
        )
        # Queries made through this simulator come first (newest), then the synthetic history.
        for inquiry in reversed(self._inquiries[key]):
            report.inquiry_records.add(
                inquired_on=date_to_proto(inquiry.inquired_on),
                institution_name=f"Institution {inquiry.institution_code}",
                institution_type="unknown",
                reason=inquiry.reason,
            )
        report.inquiry_records.extend(synthetic.inquiry_records())
        # Recorded after the report is built: this query shows in later reports, not in its own.
        self._inquiries[key].append(
            RecordedInquiry(today, request.institution_code, request.reason)
        )
        return bureau_pb2.QueryCreditReportResponse(found=True, report=report)

    def _report_number(self, request_id: str, today: dt.date) -> str:
        digest = keyed_digest(self._data_key, "report", request_id).hex()[:12].upper()
        return f"SIM{today:%Y%m%d}{digest}"

    # --- SetBureauFaults ---------------------------------------------------------------------

    async def SetBureauFaults(  # noqa: N802 - gRPC method name
        self, request: bureau_pb2.SetBureauFaultsRequest, context: grpc.aio.ServicerContext
    ) -> bureau_pb2.SetBureauFaultsResponse:
        # Not subject to the faults it sets: an outage must be clearable.
        v = Violations()
        request_id = v.request_id(request.request_id)
        v.int_range(request.latency_ms, "latency_ms", minimum=0, maximum=MAX_LATENCY_MS)
        error_rate = (
            v.rate(request.error_rate.value, "error_rate.value")
            if request.error_rate.value
            else Decimal(0)
        )
        v.raise_if_any()
        assert request_id is not None and error_rate is not None
        async with self._fault_changes.claim(request_id):
            answered = self._fault_changes.answered(request_id, request)
            if answered is not None:
                return answered
            # Replaces the whole profile: jitter and timeout rate (start-up options the
            # contract does not carry) go back to zero.
            profile = self.faults.configure(
                FaultProfile(
                    latency_ms=request.latency_ms,
                    error_rate=error_rate,
                    outage=request.outage,
                    seed=request.seed,
                )
            )
            response = bureau_pb2.SetBureauFaultsResponse(
                latency_ms=profile.latency_ms,
                error_rate=decimal_to_proto(profile.error_rate),
                outage=profile.outage,
            )
            self._fault_changes.remember(request_id, request, response)
        return response
