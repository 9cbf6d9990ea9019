"""The one place domain errors become gRPC status (AIP-193), and clients decode them again.

Server side: :class:`ErrorMappingInterceptor` wraps every handler. A raised
:class:`~postloan_runtime.errors.DomainError` becomes a ``google.rpc.Status`` with the mapped
code, the error's message, an ``ErrorInfo`` (reason, domain, metadata) and, for bad input, a
``BadRequest`` with one field violation per bad field. A transaction the database aborted for a
concurrent one (deadlock, serialization failure) becomes ABORTED, a database connection that
broke under a statement UNAVAILABLE (both say: retry the same request). Any other exception becomes
INTERNAL with the fixed message ``internal error`` and a correlation id: its text is logged
(with the traceback, at ERROR, under that id) and never sent to the client.

Client side: :func:`decode_error` turns a ``grpc.RpcError`` back into :class:`ErrorDetails`.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import grpc
import grpc.aio
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from postloan_runtime.db import is_connection_lost, is_transaction_conflict
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
)

logger = logging.getLogger(__name__)

STATUS_DETAILS_KEY: Final = "grpc-status-details-bin"
INTERNAL_MESSAGE: Final = "internal error"

STATUS_CODES: Final[dict[type[DomainError], grpc.StatusCode]] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    Aborted: grpc.StatusCode.ABORTED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    DeadlineExceeded: grpc.StatusCode.DEADLINE_EXCEEDED,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    NotImplementedYet: grpc.StatusCode.UNIMPLEMENTED,
}


def error_domain(service_name: str) -> str:
    """``ErrorInfo.domain`` for a service's kebab name (``monitoring`` ->
    ``monitoring.postloan``)."""
    return f"{service_name}.postloan"


def status_code_for(exc: DomainError) -> grpc.StatusCode:
    """The gRPC code of a domain error (subclasses inherit their base's code)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return grpc.StatusCode.INTERNAL


def _numeric(code: grpc.StatusCode) -> int:
    number: int = code.value[0]
    return number


def to_rpc_status(
    exc: BaseException, domain: str, *, correlation_id: str | None = None
) -> status_pb2.Status:
    """The ``google.rpc.Status`` a client receives for ``exc``.

    Domain errors keep their message, reason, metadata and field violations. Anything else is
    INTERNAL with :data:`INTERNAL_MESSAGE` and only ``correlation_id`` in ErrorInfo metadata.
    """
    status = status_pb2.Status()
    info = error_details_pb2.ErrorInfo(domain=domain)
    if isinstance(exc, DomainError) and status_code_for(exc) is not grpc.StatusCode.INTERNAL:
        status.code = _numeric(status_code_for(exc))
        status.message = exc.message
        info.reason = exc.reason
        info.metadata.update(exc.metadata)
        status.details.add().Pack(info)
        if isinstance(exc, InvalidArgument):
            bad_request = error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=v.field, description=v.description
                    )
                    for v in exc.violations
                ]
            )
            status.details.add().Pack(bad_request)
        return status
    status.code = code_pb2.INTERNAL
    status.message = INTERNAL_MESSAGE
    info.reason = Reason.INTERNAL
    if correlation_id:
        info.metadata["correlation_id"] = correlation_id
    status.details.add().Pack(info)
    return status


Handler = Callable[[Any, grpc.aio.ServicerContext], Any]
# Bound on the per-method wrapper cache (a service has a few dozen methods).
MAX_CACHED_METHODS = 1024


class ErrorMappingInterceptor(grpc.aio.ServerInterceptor):
    """Maps exceptions escaping any handler (all four kinds) to a ``google.rpc.Status``.

    Install it first (outermost) so refusals raised by later interceptors (authentication,
    authorization) are mapped too. ``grpc.aio.AbortError`` (a handler already called
    ``context.abort``) and cancellation pass through untouched.
    """

    def __init__(self, domain: str) -> None:
        self._domain = domain
        # method -> (the handler served, its mapped wrapper): registered handlers are fixed
        # objects, so the wrapper is built once per method, not once per call.
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        if isinstance(method, bytes):
            method = method.decode()
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._wrap(handler, method)
        if len(self._wrapped) < MAX_CACHED_METHODS:
            self._wrapped[method] = (handler, wrapped)
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        kwargs = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary_response(handler.unary_unary, method), **kwargs
            )
        if handler.stream_unary is not None:
            return grpc.stream_unary_rpc_method_handler(
                self._wrap_unary_response(handler.stream_unary, method), **kwargs
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream_response(handler.unary_stream, method), **kwargs
            )
        if handler.stream_stream is not None:
            return grpc.stream_stream_rpc_method_handler(
                self._wrap_stream_response(handler.stream_stream, method), **kwargs
            )
        return handler

    def _wrap_unary_response(self, behavior: Handler, method: str) -> Handler:
        async def unary_response(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                result = behavior(request, context)
                if inspect.isawaitable(result):
                    result = await result
                return result
            except grpc.aio.AbortError:
                raise
            except Exception as exc:  # noqa: BLE001 - mapped, never leaked
                await self._abort(exc, context, method)

        return unary_response

    def _wrap_stream_response(self, behavior: Handler, method: str) -> Handler:
        if inspect.isasyncgenfunction(behavior):

            async def stream_response(
                request: Any, context: grpc.aio.ServicerContext
            ) -> AsyncIterator[Any]:
                try:
                    async for response in behavior(request, context):
                        yield response
                except grpc.aio.AbortError:
                    raise
                except Exception as exc:  # noqa: BLE001 - mapped, never leaked
                    await self._abort(exc, context, method)

            return stream_response

        async def written_stream_response(request: Any, context: grpc.aio.ServicerContext) -> None:
            # A coroutine handler that calls context.write(), or anything returning an iterator.
            try:
                result = behavior(request, context)
                if inspect.isawaitable(result):
                    result = await result
                if hasattr(result, "__aiter__"):
                    async for response in result:
                        await context.write(response)
                elif isinstance(result, Iterable):
                    for response in result:
                        await context.write(response)
            except grpc.aio.AbortError:
                raise
            except Exception as exc:  # noqa: BLE001 - mapped, never leaked
                await self._abort(exc, context, method)

        return written_stream_response

    async def _abort(
        self, exc: Exception, context: grpc.aio.ServicerContext, method: str
    ) -> None:
        if type(exc) is NotImplementedError:
            # The generated base servicer raises this for an RPC not built yet: UNIMPLEMENTED.
            exc = NotImplementedYet(method)
        elif is_transaction_conflict(exc):
            # A deadlock or serialization failure rolled the whole transaction back: nothing
            # was written, and a retry with the same request_id is safe (ABORTED, not INTERNAL).
            exc = Aborted("the transaction lost to a concurrent one; retry the same request")
        elif is_connection_lost(exc):
            # The connection broke under a statement: its transaction is gone (or, at COMMIT,
            # its outcome unknown); the request_id makes a retry safe either way.
            exc = Unavailable("database", "the database connection was lost; retry the same "
                              "request")
        if isinstance(exc, DomainError):
            logger.info(
                "%s refused: %s %s",
                method,
                status_code_for(exc).name,
                exc.reason,
                extra={"rpc_method": method, "error_reason": exc.reason},
            )
            status = to_rpc_status(exc, self._domain)
        else:
            correlation_id = uuid.uuid4().hex
            logger.error(
                "unhandled exception in %s (correlation_id=%s)",
                method,
                correlation_id,
                exc_info=exc,
                extra={"rpc_method": method, "correlation_id": correlation_id},
            )
            status = to_rpc_status(exc, self._domain, correlation_id=correlation_id)
        await context.abort_with_status(rpc_status.to_status(status))


@dataclass(frozen=True)
class ErrorDetails:
    """What a client learns from a refused call (decoded ``google.rpc.Status``)."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    field_violations: list[FieldViolation] = field(default_factory=list)

    @property
    def correlation_id(self) -> str | None:
        """Set on INTERNAL errors: quote it to find the server's log line."""
        return self.metadata.get("correlation_id")

    @property
    def fields(self) -> list[str]:
        """The paths of the bad fields, in the server's order."""
        return [v.field for v in self.field_violations]


def _trailing_metadata(exc: grpc.RpcError) -> Iterable[tuple[str, str | bytes]]:
    getter = getattr(exc, "trailing_metadata", None)
    metadata = getter() if callable(getter) else None
    return list(metadata or ())


def decode_error(exc: grpc.RpcError) -> ErrorDetails:
    """Decode a failed call (``grpc.aio.AioRpcError`` or a sync ``grpc.RpcError`` that is also
    a ``grpc.Call``): code, message, and the ErrorInfo and BadRequest details carried in the
    ``grpc-status-details-bin`` trailer. Details whose code disagrees with the call's are
    ignored, as ``grpc_status.rpc_status.from_call`` would refuse them."""
    code_getter = getattr(exc, "code", None)
    code = code_getter() if callable(code_getter) else grpc.StatusCode.UNKNOWN
    details_getter = getattr(exc, "details", None)
    message = (details_getter() if callable(details_getter) else None) or ""
    reason = domain = ""
    metadata: dict[str, str] = {}
    violations: list[FieldViolation] = []
    for key, value in _trailing_metadata(exc):
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        if status.code != _numeric(code):
            continue
        message = status.message or message
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, domain, metadata = info.reason, info.domain, dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad_request = error_details_pb2.BadRequest()
                detail.Unpack(bad_request)
                violations.extend(
                    FieldViolation(v.field, v.description) for v in bad_request.field_violations
                )
    return ErrorDetails(
        code=code,
        message=message,
        reason=reason,
        domain=domain,
        metadata=metadata,
        field_violations=violations,
    )
