"""Error mapping over a real grpc.aio server on a loopback port, decoded by real clients."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import grpc.aio
import pytest

from postloan.common.v1.events_pb2 import (
    GetFeedHeadRequest,
    GetFeedHeadResponse,
    SubscribeEventsRequest,
)
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
    Unauthenticated,
    Unavailable,
)
from postloan_runtime.grpc_errors import ErrorMappingInterceptor, decode_error

pytestmark = pytest.mark.integration

DOMAIN = "probe.postloan"
SERVICE = "postloan.test.v1.ErrorProbe"
SECRET = "secret: 张三 110101199003074514 13800138000"

ERRORS: dict[str, Callable[[], DomainError]] = {
    "InvalidArgument": lambda: InvalidArgument(
        [
            FieldViolation("amount.minor_units", "must be a positive amount in fen"),
            FieldViolation("installments[3].due_date", "must be a valid calendar date"),
        ]
    ),
    "FailedPrecondition": lambda: FailedPrecondition(
        "LOAN_SETTLED", "the loan is settled", {"loan_id": "L-1"}
    ),
    "NotFound": lambda: NotFound("loan", "L-404"),
    "AlreadyExists": lambda: AlreadyExists("case", "C-1"),
    "Aborted": lambda: Aborted(),
    "Unavailable": lambda: Unavailable("bureau-simulator"),
    "DeadlineExceeded": lambda: DeadlineExceeded(dependency="monitoring"),
    "Unauthenticated": lambda: Unauthenticated(),
    "PermissionDenied": lambda: PermissionDenied("monitoring.repayments.post"),
    "NotImplementedYet": lambda: NotImplementedYet(f"/{SERVICE}/Raise"),
}
CODES = {
    "InvalidArgument": grpc.StatusCode.INVALID_ARGUMENT,
    "FailedPrecondition": grpc.StatusCode.FAILED_PRECONDITION,
    "NotFound": grpc.StatusCode.NOT_FOUND,
    "AlreadyExists": grpc.StatusCode.ALREADY_EXISTS,
    "Aborted": grpc.StatusCode.ABORTED,
    "Unavailable": grpc.StatusCode.UNAVAILABLE,
    "DeadlineExceeded": grpc.StatusCode.DEADLINE_EXCEEDED,
    "Unauthenticated": grpc.StatusCode.UNAUTHENTICATED,
    "PermissionDenied": grpc.StatusCode.PERMISSION_DENIED,
    "NotImplementedYet": grpc.StatusCode.UNIMPLEMENTED,
}


def fail(kind: str) -> None:
    """Raise the error ``kind`` names: a DomainError, an unexpected crash, or nothing."""
    if kind == "Crash":
        raise RuntimeError(SECRET)
    if kind in ERRORS:
        raise ERRORS[kind]()


# The test servicer: the request's first event_type says what to raise.
async def raise_unary(request: SubscribeEventsRequest, context: Any) -> GetFeedHeadResponse:
    if request.event_types[0] == "Abort":
        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down")
    fail(request.event_types[0])
    return GetFeedHeadResponse(head_position=request.after_position)


async def stream_generator(
    request: SubscribeEventsRequest, context: Any
) -> AsyncIterator[GetFeedHeadResponse]:
    for position in range(1, 3):
        yield GetFeedHeadResponse(head_position=position)
    fail(request.event_types[0])


async def stream_written(request: SubscribeEventsRequest, context: Any) -> None:
    await context.write(GetFeedHeadResponse(head_position=1))
    fail(request.event_types[0])


async def client_stream(requests: AsyncIterator[SubscribeEventsRequest], context: Any) -> Any:
    kinds = [r.event_types[0] async for r in requests]
    fail(kinds[-1])
    return GetFeedHeadResponse(head_position=len(kinds))


async def bidi_stream(
    requests: AsyncIterator[SubscribeEventsRequest], context: Any
) -> AsyncIterator[GetFeedHeadResponse]:
    async for request in requests:
        fail(request.event_types[0])
        yield GetFeedHeadResponse(head_position=request.after_position)


async def plain_crash(request: GetFeedHeadRequest, context: Any) -> GetFeedHeadResponse:
    raise ValueError(SECRET)


def _handlers() -> grpc.GenericRpcHandler:
    kwargs = {
        "request_deserializer": SubscribeEventsRequest.FromString,
        "response_serializer": GetFeedHeadResponse.SerializeToString,
    }
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Raise": grpc.unary_unary_rpc_method_handler(raise_unary, **kwargs),
            "StreamGenerator": grpc.unary_stream_rpc_method_handler(stream_generator, **kwargs),
            "StreamWritten": grpc.unary_stream_rpc_method_handler(stream_written, **kwargs),
            "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream, **kwargs),
            "Bidi": grpc.stream_stream_rpc_method_handler(bidi_stream, **kwargs),
            "PlainCrash": grpc.unary_unary_rpc_method_handler(
                plain_crash,
                request_deserializer=GetFeedHeadRequest.FromString,
                response_serializer=GetFeedHeadResponse.SerializeToString,
            ),
        },
    )


@pytest.fixture
async def target() -> AsyncIterator[str]:
    server = grpc.aio.server(interceptors=[ErrorMappingInterceptor(DOMAIN)])
    server.add_generic_rpc_handlers((_handlers(),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(grace=None)


@pytest.fixture
async def channel(target: str) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(target) as channel:
        yield channel


def _method(channel: grpc.aio.Channel, kind: str, name: str) -> Any:
    factory = getattr(channel, kind)
    return factory(
        f"/{SERVICE}/{name}",
        request_serializer=SubscribeEventsRequest.SerializeToString,
        response_deserializer=GetFeedHeadResponse.FromString,
    )


def request(kind: str, position: int = 0) -> SubscribeEventsRequest:
    return SubscribeEventsRequest(event_types=[kind], after_position=position)


def assert_nothing_leaked(error: grpc.aio.AioRpcError) -> None:
    exposed = [str(error), error.details() or "", repr(error.debug_error_string())]
    for key, value in error.trailing_metadata() or ():
        exposed.append(key)
        exposed.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    for text in exposed:
        for fragment in ("secret", "张三", "110101199003074514", "13800138000", "RuntimeError",
                         "ValueError", "Traceback"):
            assert fragment not in text


async def test_success_passes_through(channel: grpc.aio.Channel) -> None:
    response = await _method(channel, "unary_unary", "Raise")(request("None", 42))
    assert response.head_position == 42


async def test_invalid_argument_names_each_field(channel: grpc.aio.Channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _method(channel, "unary_unary", "Raise")(request("InvalidArgument"))
    details = decode_error(raised.value)
    assert details.code is grpc.StatusCode.INVALID_ARGUMENT
    assert details.reason == "INVALID_REQUEST"
    assert details.domain == DOMAIN
    assert details.field_violations == [
        FieldViolation("amount.minor_units", "must be a positive amount in fen"),
        FieldViolation("installments[3].due_date", "must be a valid calendar date"),
    ]
    assert details.fields == ["amount.minor_units", "installments[3].due_date"]


async def test_failed_precondition_carries_reason_and_metadata(channel: grpc.aio.Channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _method(channel, "unary_unary", "Raise")(request("FailedPrecondition"))
    details = decode_error(raised.value)
    assert details.code is grpc.StatusCode.FAILED_PRECONDITION
    assert details.message == "the loan is settled"
    assert details.reason == "LOAN_SETTLED"
    assert details.metadata == {"loan_id": "L-1"}
    assert details.field_violations == []


@pytest.mark.parametrize("kind", sorted(ERRORS))
async def test_every_domain_error_maps_to_its_code(channel: grpc.aio.Channel, kind: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _method(channel, "unary_unary", "Raise")(request(kind))
    expected = ERRORS[kind]()
    details = decode_error(raised.value)
    assert raised.value.code() is CODES[kind]
    assert (details.code, details.reason, details.metadata, details.message) == (
        CODES[kind],
        expected.reason,
        expected.metadata,
        expected.message,
    )


async def test_unknown_exception_is_internal_and_leaks_nothing(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="postloan_runtime.grpc_errors")
    for name, message in [("Raise", request("Crash")), ("PlainCrash", GetFeedHeadRequest())]:
        call = channel.unary_unary(
            f"/{SERVICE}/{name}",
            request_serializer=type(message).SerializeToString,
            response_deserializer=GetFeedHeadResponse.FromString,
        )
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(message)
        assert raised.value.code() is grpc.StatusCode.INTERNAL
        assert raised.value.details() == "internal error"
        assert_nothing_leaked(raised.value)
        details = decode_error(raised.value)
        assert details.reason == "INTERNAL"
        assert details.correlation_id
        assert set(details.metadata) == {"correlation_id"}
        # The server logged the exception, with its traceback, under the same id.
        logged = [
            r for r in caplog.records
            if r.levelno == logging.ERROR and details.correlation_id in r.getMessage()
        ]
        assert len(logged) == 1
        assert logged[0].exc_info is not None
        assert SECRET in str(logged[0].exc_info[1])


async def test_context_abort_passes_through_untouched(channel: grpc.aio.Channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _method(channel, "unary_unary", "Raise")(request("Abort"))
    assert raised.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert raised.value.details() == "slow down"
    assert decode_error(raised.value).reason == ""


@pytest.mark.parametrize("name", ["StreamGenerator", "StreamWritten"])
async def test_server_streaming_handlers_are_mapped(
    channel: grpc.aio.Channel, name: str
) -> None:
    received: list[int] = []
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for response in _method(channel, "unary_stream", name)(
            request("FailedPrecondition")
        ):
            received.append(response.head_position)
    assert received == ([1, 2] if name == "StreamGenerator" else [1])
    details = decode_error(raised.value)
    assert (details.code, details.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "LOAN_SETTLED")

    with pytest.raises(grpc.aio.AioRpcError) as crashed:
        async for _ in _method(channel, "unary_stream", name)(request("Crash")):
            pass
    assert crashed.value.code() is grpc.StatusCode.INTERNAL
    assert_nothing_leaked(crashed.value)

    finished = [r.head_position async for r in _method(channel, "unary_stream", name)(
        request("None"))]
    assert finished == ([1, 2] if name == "StreamGenerator" else [1])


async def test_client_streaming_handler_is_mapped(channel: grpc.aio.Channel) -> None:
    async def requests() -> AsyncIterator[SubscribeEventsRequest]:
        yield request("None")
        yield request("InvalidArgument")

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _method(channel, "stream_unary", "ClientStream")(requests())
    details = decode_error(raised.value)
    assert details.code is grpc.StatusCode.INVALID_ARGUMENT
    assert len(details.field_violations) == 2


async def test_bidi_streaming_handler_is_mapped(channel: grpc.aio.Channel) -> None:
    async def requests() -> AsyncIterator[SubscribeEventsRequest]:
        yield request("None", 5)
        yield request("Crash")

    received: list[int] = []
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for response in _method(channel, "stream_stream", "Bidi")(requests()):
            received.append(response.head_position)
    assert received == [5]
    assert raised.value.code() is grpc.StatusCode.INTERNAL
    assert_nothing_leaked(raised.value)


async def test_sync_client_errors_decode_too(target: str) -> None:
    def call() -> grpc.RpcError:
        with grpc.insecure_channel(target) as channel:
            stub = channel.unary_unary(
                f"/{SERVICE}/Raise",
                request_serializer=SubscribeEventsRequest.SerializeToString,
                response_deserializer=GetFeedHeadResponse.FromString,
            )
            try:
                stub(request("NotFound"), timeout=10)
            except grpc.RpcError as error:
                return error
        raise AssertionError("the call should have failed")

    error = await asyncio.to_thread(call)
    details = decode_error(error)
    assert details.code is grpc.StatusCode.NOT_FOUND
    assert details.metadata == {"resource": "loan", "id": "L-404"}
    assert details.domain == DOMAIN
