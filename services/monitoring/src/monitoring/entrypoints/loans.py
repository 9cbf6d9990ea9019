"""The LoanService servicer: validates each request into a command (INVALID_ARGUMENT with every
bad field, before any database work), calls the use case and maps the result to protobuf.

RPCs not implemented here (ListBucketHistory) fall through to the generated
base servicer and answer UNIMPLEMENTED."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from typing import Any, Final

import grpc

from monitoring.adapters import protobuf
from monitoring.adapters.repository import LoanFilter
from monitoring.domain.loans import LoanState, LoanTerms, PrepaymentRule, RepaymentMethod
from monitoring.service_layer import loans as use_cases
from monitoring.service_layer.loans import LoanPolicy, RegisterLoanCommand
from monitoring.service_layer.repayments import RepaymentPolicy
from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
from postloan_runtime import page_tokens, proto_validation
from postloan_runtime.app import RunningService
from postloan_runtime.clock import Clock, SystemClock
from postloan_runtime.lending import Installment as EngineInstallment
from postloan_runtime.money import CNY
from postloan_runtime.proto_convert import decimal_to_proto, fen_to_proto
from postloan_runtime.validation import Violations

# Pseudonymous ids and codes: letters, digits and . _ : - only, so no free text (and no
# personal data typed by a person) can be stored as an id.
_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
ID_MAX_LENGTH: Final = 64
BUCKET_MAX_LENGTH: Final = 16
MAX_TERM_PERIODS: Final = 600
MAX_GRACE_DAYS: Final = 365
RATE_MAX_PLACES: Final = 10
EARLIEST_DATE: Final = dt.date(2000, 1, 1)
LATEST_SCHEDULE_DATE: Final = dt.date(2100, 12, 31)
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500


def _identifier(v: Violations, value: str, field: str, *, required: bool = True) -> str | None:
    if not value:
        if required:
            v.add(field, "is required")
        return None
    if len(value) > ID_MAX_LENGTH:
        v.add(field, f"must be at most {ID_MAX_LENGTH} characters")
        return None
    if not _ID_PATTERN.fullmatch(value):
        v.add(field, "must be letters, digits and . _ : - only")
        return None
    return value


def _rate(v: Violations, parent: Any, field: str) -> Decimal | None:
    return proto_validation.decimal(
        v, parent, field, minimum=Decimal(0), maximum=Decimal(1), max_places=RATE_MAX_PLACES
    )


def _method(v: Violations, value: int, field: str) -> RepaymentMethod | None:
    if not v.enum_specified(value, field, allowed=protobuf.REPAYMENT_METHOD_FROM_PROTO):
        return None
    return protobuf.REPAYMENT_METHOD_FROM_PROTO[value]  # type: ignore[index]


def _terms(v: Violations, terms: resources_pb2.LoanTerms, today: dt.date) -> LoanTerms | None:
    """LoanTerms; ``v`` is positioned at ``terms``."""
    product_code = _identifier(v, terms.product_code, "product_code")
    principal = proto_validation.money(v, terms, "principal")
    annual_rate = _rate(v, terms, "annual_rate")
    term_ok = v.int_range(terms.term_periods, "term_periods", minimum=1, maximum=MAX_TERM_PERIODS)
    method = _method(v, terms.repayment_method, "repayment_method")
    disbursement = proto_validation.date(
        v, terms, "disbursement_date", earliest=EARLIEST_DATE, latest=today
    )
    due_day_ok = v.int_range(terms.due_day, "due_day", minimum=1, maximum=31)
    grace_ok = v.int_range(terms.grace_days, "grace_days", minimum=0, maximum=MAX_GRACE_DAYS)
    penalty_rate = _rate(v, terms, "penalty_annual_rate")
    prepayment_rule: PrepaymentRule | None = PrepaymentRule.SHORTEN_TERM
    if terms.prepayment_rule:  # unspecified: the default rule, shorten the term
        prepayment_rule = protobuf.PREPAYMENT_RULE_FROM_PROTO.get(terms.prepayment_rule)
        if prepayment_rule is None:
            v.add("prepayment_rule", "is not a known value")
    if (
        product_code is None or principal is None or annual_rate is None or not term_ok
        or method is None or disbursement is None or not due_day_ok or not grace_ok
        or penalty_rate is None or prepayment_rule is None
    ):
        return None
    return LoanTerms(
        product_code=product_code,
        principal_fen=principal.fen,
        currency=principal.currency,
        annual_rate=annual_rate,
        term_periods=terms.term_periods,
        repayment_method=method,
        disbursement_date=disbursement,
        due_day=terms.due_day,
        grace_days=terms.grace_days,
        penalty_annual_rate=penalty_rate,
        prepayment_rule=prepayment_rule,
    )


def _supplied_schedule(
    v: Violations, items: Any, principal_fen: int | None
) -> tuple[EngineInstallment, ...]:
    """The supplied schedule as engine installments, each field checked on its own (amounts not
    negative, totals adding up, valid dates); consistency across installments (principal sum,
    balances, increasing dates) is the domain's FAILED_PRECONDITION check."""
    result: list[EngineInstallment] = []
    opening = principal_fen or 0
    ok = True
    for index, item in enumerate(items):
        at = v.at("supplied_schedule", index)
        sequence_ok = at.int_range(item.sequence, "sequence", minimum=1)
        due = proto_validation.date(
            at, item, "due_date", earliest=EARLIEST_DATE, latest=LATEST_SCHEDULE_DATE
        )
        amounts = {}
        for name in ("principal", "interest", "total", "remaining_principal"):
            money = proto_validation.money(at, item, name, allow_zero=True)
            amounts[name] = money.fen if money is not None else None
        penalty = proto_validation.money(at, item, "penalty", required=False, allow_zero=True)
        if penalty is not None and penalty.fen != 0:
            at.add("penalty.minor_units", "must be zero when registering a loan")
        parts = (amounts["principal"], amounts["interest"], amounts["total"])
        if None not in parts and parts[2] != parts[0] + parts[1]:  # type: ignore[operator]
            at.add("total.minor_units", "must equal principal + interest + penalty")
            ok = False
        if not sequence_ok or due is None or None in amounts.values():
            ok = False
            continue
        principal, interest, total, remaining = (
            amounts["principal"], amounts["interest"], amounts["total"],
            amounts["remaining_principal"],
        )
        result.append(
            EngineInstallment(
                sequence=item.sequence,
                due_date=due,
                principal_fen=principal,  # type: ignore[arg-type]
                interest_fen=interest,  # type: ignore[arg-type]
                total_fen=total,  # type: ignore[arg-type]
                opening_balance_fen=opening,
                closing_balance_fen=remaining,  # type: ignore[arg-type]
            )
        )
        opening = remaining  # type: ignore[assignment]
    return tuple(result) if ok else ()


# --- page tokens ----------------------------------------------------------------------------


def _filter_digest(request: monitoring_pb2.ListLoansRequest) -> str:
    copy = monitoring_pb2.ListLoansRequest()
    copy.CopyFrom(request)
    copy.ClearField("page_token")
    copy.ClearField("page_size")
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()[:16]


def encode_page_token(after_loan_id: str, digest: str) -> str:
    """An opaque token: the last loan id of the page and a digest of the filters it is valid
    for (AIP-158: a token only continues the listing it came from)."""
    raw = json.dumps({"a": after_loan_id, "f": digest}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(v: Violations, token: str, digest: str) -> str | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        after, token_digest = data["a"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        v.add("page_token", "is not a token this service issued")
        return None
    if not isinstance(after, str) or token_digest != digest:
        v.add("page_token", "does not belong to a listing with these filters")
        return None
    return after


def encode_position_token(position: int, digest: str) -> str:
    """A token holding an integer position (a sequence key or an offset) and the digest of the
    filters it is valid for, in the shared runtime's sequence-token shape."""
    return page_tokens.encode_sequence(position, digest)


def decode_position_token(v: Violations, token: str, digest: str) -> int | None:
    """The position in ``token``: None for an empty token; a bad one is recorded on ``v`` (the
    shared decoder takes only JSON integers within BIGINT: no '²', which ``str.isdigit`` let
    through, and nothing that would overflow in SQL)."""
    if not token:
        return None
    return page_tokens.decode_sequence(v, token, digest)


class LoanServicer(monitoring_pb2_grpc.LoanServiceServicer):
    """RegisterLoan, GetLoan, ListLoans, GetLoanSchedule, ComputeSchedule."""

    def __init__(
        self,
        running: RunningService,
        *,
        clock: Clock | None = None,
        policy: LoanPolicy | None = None,
        repayment_policy: RepaymentPolicy | None = None,
    ) -> None:
        self._running = running
        self._clock = clock or SystemClock()
        self._policy = policy or LoanPolicy()
        # ReplaceSchedule ages the loan as postings do.
        self._repayment_policy = repayment_policy or RepaymentPolicy()

    async def RegisterLoan(  # noqa: N802 - gRPC method name
        self, request: monitoring_pb2.RegisterLoanRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.RegisterLoanResponse:
        v = Violations()
        request_id = v.request_id(request.request_id)
        loan_id = _identifier(v, request.loan_id, "loan_id")
        borrower_id = _identifier(v, request.borrower_id, "borrower_id")
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id", required=False)
        terms = None
        if proto_validation.present(v, request, "terms"):
            terms = _terms(v.at("terms"), request.terms, self._clock.today())
        supplied = _supplied_schedule(
            v, request.supplied_schedule, terms.principal_fen if terms else None
        )
        v.raise_if_any()
        assert request_id and loan_id and borrower_id and terms  # noqa: S101 - checked above
        command = RegisterLoanCommand(
            request_id=request_id,
            loan_id=loan_id,
            borrower_id=borrower_id,
            credit_line_id=credit_line_id,
            terms=terms,
            supplied_schedule=supplied,
        )
        return await use_cases.register(
            self._running.engine, command, request, clock=self._clock, policy=self._policy
        )

    async def GetLoan(  # noqa: N802
        self, request: monitoring_pb2.GetLoanRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetLoanResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        v.raise_if_any()
        loan = await use_cases.get_loan(self._running.engine, loan_id)  # type: ignore[arg-type]
        response = monitoring_pb2.GetLoanResponse(loan=protobuf.loan_to_proto(loan))
        if request.include_schedule:
            response.installments.extend(protobuf.installments_to_proto(
                use_cases.schedule_view(loan, include_superseded=False), loan.terms.currency))
        return response

    async def ListLoans(  # noqa: N802
        self, request: monitoring_pb2.ListLoansRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListLoansResponse:
        v = Violations()
        borrower_id = _identifier(v, request.borrower_id, "borrower_id", required=False)
        credit_line_id = _identifier(v, request.credit_line_id, "credit_line_id", required=False)
        states: list[LoanState] = []
        for index, state in enumerate(request.states):
            if v.enum_specified(
                state, f"states[{index}]", allowed=protobuf.LOAN_STATE_FROM_PROTO
            ):
                states.append(protobuf.LOAN_STATE_FROM_PROTO[state])  # type: ignore[index]
        for index, bucket in enumerate(request.buckets):
            v.non_empty(bucket, f"buckets[{index}]", max_length=BUCKET_MAX_LENGTH)
        page_size = v.page_size(
            request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE
        )
        digest = _filter_digest(request)
        after = decode_page_token(v, request.page_token, digest)
        v.raise_if_any()
        where = LoanFilter(
            borrower_id=borrower_id,
            credit_line_id=credit_line_id,
            states=tuple(states),
            buckets=tuple(request.buckets),
        )
        page, more = await use_cases.list_loans(
            self._running.engine, where, after_loan_id=after, page_size=page_size
        )
        return monitoring_pb2.ListLoansResponse(
            loans=[protobuf.loan_to_proto(loan) for loan in page],
            next_page_token=encode_page_token(page[-1].loan_id, digest) if more else "",
        )

    async def GetLoanSchedule(  # noqa: N802
        self, request: monitoring_pb2.GetLoanScheduleRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetLoanScheduleResponse:
        v = Violations()
        loan_id = _identifier(v, request.loan_id, "loan_id")
        v.raise_if_any()
        loan = await use_cases.get_loan(self._running.engine, loan_id)  # type: ignore[arg-type]
        items = use_cases.schedule_view(loan, include_superseded=request.include_superseded)
        return monitoring_pb2.GetLoanScheduleResponse(
            installments=protobuf.installments_to_proto(items, loan.terms.currency),
            loan_version=loan.version,
        )

    async def ComputeSchedule(  # noqa: N802
        self, request: monitoring_pb2.ComputeScheduleRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ComputeScheduleResponse:
        v = Violations()
        principal = proto_validation.money(v, request, "principal")
        annual_rate = _rate(v, request, "annual_rate")
        term_ok = v.int_range(
            request.term_periods, "term_periods", minimum=1, maximum=MAX_TERM_PERIODS
        )
        method = _method(v, request.repayment_method, "repayment_method")
        start = proto_validation.date(
            v, request, "start_date", earliest=EARLIEST_DATE, latest=LATEST_SCHEDULE_DATE
        )
        due_day_ok = v.int_range(request.due_day, "due_day", minimum=1, maximum=31)
        v.raise_if_any()
        assert principal and annual_rate is not None and term_ok and method and start  # noqa: S101
        assert due_day_ok  # noqa: S101
        terms = LoanTerms(
            product_code="",
            principal_fen=principal.fen,
            currency=principal.currency or CNY,
            annual_rate=annual_rate,
            term_periods=request.term_periods,
            repayment_method=method,
            disbursement_date=start,
            due_day=request.due_day,
            grace_days=0,
            penalty_annual_rate=Decimal(0),
        )
        computed = use_cases.compute_schedule(terms, policy=self._policy)
        return monitoring_pb2.ComputeScheduleResponse(
            installments=protobuf.scheduled_to_proto(computed.installments, terms.currency),
            total_interest=fen_to_proto(computed.total_interest_fen, terms.currency),
            annualized_cost=decimal_to_proto(computed.annualized_cost),
        )

    async def ReplaceSchedule(  # noqa: N802
        self, request: monitoring_pb2.ReplaceScheduleRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ReplaceScheduleResponse:
        # Imported here: the validation module reuses this module's field helpers.
        from monitoring.entrypoints.schedule_replacement import replace_schedule_command
        from monitoring.service_layer.schedule_replacement import replace_schedule

        command = replace_schedule_command(request)
        return await replace_schedule(
            self._running.engine, command, request, clock=self._clock,
            rate_cap=self._policy.rate_cap, policy=self._repayment_policy,
        )
