"""The domain error model and its google.rpc.Status form."""

from __future__ import annotations

import pytest
from google.rpc import code_pb2, error_details_pb2

from postloan.common.v1 import errors_pb2
from postloan_runtime.errors import (
    Aborted,
    AlreadyExists,
    DeadlineExceeded,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    NotImplementedYet,
    PermissionDenied,
    Reason,
    Unauthenticated,
    Unavailable,
    error_from_dict,
)
from postloan_runtime.grpc_errors import INTERNAL_MESSAGE, to_rpc_status

pytestmark = pytest.mark.unit

EVERY_KIND: list[tuple[DomainError, int]] = [
    (InvalidArgument([FieldViolation("amount.minor_units", "must be positive")]),
     code_pb2.INVALID_ARGUMENT),
    (FailedPrecondition("LOAN_SETTLED", "the loan is settled", {"loan_id": "L-1"}),
     code_pb2.FAILED_PRECONDITION),
    (NotFound("loan", "L-1"), code_pb2.NOT_FOUND),
    (AlreadyExists("case", "C-1"), code_pb2.ALREADY_EXISTS),
    (Aborted(metadata={"version": "3"}), code_pb2.ABORTED),
    (Unavailable("bureau-simulator"), code_pb2.UNAVAILABLE),
    (DeadlineExceeded(dependency="monitoring"), code_pb2.DEADLINE_EXCEEDED),
    (Unauthenticated(), code_pb2.UNAUTHENTICATED),
    (PermissionDenied("monitoring.repayments.post"), code_pb2.PERMISSION_DENIED),
    (NotImplementedYet("/postloan.monitoring.v1.MonitoringService/GetLoan"),
     code_pb2.UNIMPLEMENTED),
]


def test_shared_reasons_are_the_proto_enum_names() -> None:
    enum_names = {
        name.removeprefix("ERROR_REASON_")
        for name in errors_pb2.ErrorReason.keys()  # noqa: SIM118 - an enum wrapper, not a dict
        if name != "ERROR_REASON_UNSPECIFIED"
    }
    ours = {value for key, value in vars(Reason).items() if key.isupper()}
    assert enum_names <= ours


def test_reasons_must_be_upper_snake() -> None:
    with pytest.raises(ValueError):
        FailedPrecondition("loanSettled", "x")
    with pytest.raises(ValueError):
        FailedPrecondition("LOAN__SETTLED", "x")
    with pytest.raises(ValueError):
        InvalidArgument([])


@pytest.mark.parametrize(("error", "code"), EVERY_KIND, ids=lambda e: type(e).__name__)
def test_status_carries_code_message_and_error_info(error: DomainError, code: int) -> None:
    status = to_rpc_status(error, "monitoring.postloan")
    assert status.code == code
    assert status.message == error.message
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.domain == "monitoring.postloan"
    assert info.reason == error.reason
    assert dict(info.metadata) == error.metadata


@pytest.mark.parametrize(("error", "code"), EVERY_KIND, ids=lambda e: type(e).__name__)
def test_to_dict_round_trips(error: DomainError, code: int) -> None:
    again = error_from_dict(error.to_dict())
    assert type(again) is type(error)
    assert again.to_dict() == error.to_dict()
    assert str(again) == str(error)


def test_invalid_argument_lists_every_field_in_bad_request() -> None:
    error = InvalidArgument(
        [
            FieldViolation("amount.minor_units", "must be positive"),
            FieldViolation("installments[3].due_date", "must be a valid calendar date"),
        ]
    )
    assert error.message == "invalid request: amount.minor_units, installments[3].due_date"
    status = to_rpc_status(error, "collection.postloan")
    bad_request = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("amount.minor_units", "must be positive"),
        ("installments[3].due_date", "must be a valid calendar date"),
    ]


def test_unknown_exceptions_become_internal_without_their_text() -> None:
    status = to_rpc_status(
        RuntimeError("secret 110101199003074514"), "monitoring.postloan", correlation_id="abc"
    )
    assert status.code == code_pb2.INTERNAL
    assert status.message == INTERNAL_MESSAGE
    assert b"secret" not in status.SerializeToString()
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    assert info.reason == "INTERNAL"
    assert dict(info.metadata) == {"correlation_id": "abc"}


def test_subclasses_keep_their_base_code() -> None:
    class LoanSettled(FailedPrecondition):
        def __init__(self) -> None:
            super().__init__("LOAN_SETTLED", "the loan is settled")

    assert to_rpc_status(LoanSettled(), "d").code == code_pb2.FAILED_PRECONDITION
