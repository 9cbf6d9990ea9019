"""Small helpers for grpc.aio server interceptors: wrap a method handler's behavior in a
context manager, or replace it with a refusal of the same shape."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import grpc

Around = Callable[[], AbstractContextManager[Any]]


def wrap_handler(handler: grpc.RpcMethodHandler, around: Around) -> grpc.RpcMethodHandler:
    """The same handler whose behavior runs inside ``around()`` (entered when the call's
    behavior starts, left when it returns, raises or its response stream ends)."""
    if handler.response_streaming:
        behavior = handler.stream_stream if handler.request_streaming else handler.unary_stream

        async def streaming(request_or_iterator: Any, context: Any) -> Any:
            with around():
                result = behavior(request_or_iterator, context)
                if inspect.isasyncgen(result):
                    async for response in result:
                        yield response
                elif inspect.isawaitable(result):
                    await result  # the handler writes with context.write()
                elif result is not None:
                    for response in result:
                        yield response

        return _rebuild(handler, streaming)

    behavior = handler.stream_unary if handler.request_streaming else handler.unary_unary

    async def unary(request_or_iterator: Any, context: Any) -> Any:
        with around():
            result = behavior(request_or_iterator, context)
            if inspect.isawaitable(result):
                result = await result
            return result

    return _rebuild(handler, unary)


def refusing_handler(
    handler: grpc.RpcMethodHandler | None,
    code: grpc.StatusCode,
    details: str,
    trailing_metadata: tuple[tuple[str, str | bytes], ...] = (),
) -> grpc.RpcMethodHandler:
    """A handler of the same shape as ``handler`` (unary-unary when None) that aborts with
    ``code``; requests are not deserialized."""

    async def abort(context: Any) -> None:
        await context.abort(code, details, trailing_metadata)

    if handler is not None and handler.response_streaming:

        async def refuse_stream(_request: Any, context: Any) -> Any:
            await abort(context)
            yield  # pragma: no cover - makes this an async generator

        behavior: Any = refuse_stream
    else:

        async def refuse(_request: Any, context: Any) -> Any:
            await abort(context)

        behavior = refuse
    request_streaming = handler.request_streaming if handler is not None else False
    response_streaming = handler.response_streaming if handler is not None else False
    factory = _FACTORIES[(request_streaming, response_streaming)]
    return factory(behavior, request_deserializer=None, response_serializer=None)


_FACTORIES: dict[tuple[bool, bool], Callable[..., grpc.RpcMethodHandler]] = {
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
}


def _rebuild(handler: grpc.RpcMethodHandler, behavior: Any) -> grpc.RpcMethodHandler:
    factory = _FACTORIES[(handler.request_streaming, handler.response_streaming)]
    return factory(
        behavior,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )
