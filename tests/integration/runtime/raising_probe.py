"""What a client gets from a real grpc.aio server (loopback port, the runtime's error mapping)
whose handler raises a given exception: the refusal, for the tests of how database failures
are answered."""

from __future__ import annotations

from typing import Any

import grpc
import grpc.aio

from postloan.common.v1.events_pb2 import GetFeedHeadRequest, GetFeedHeadResponse
from postloan_runtime.grpc_errors import ErrorMappingInterceptor

SERVICE = "postloan.test.v1.RaisingProbe"


async def refusal_for(raised: BaseException) -> grpc.aio.AioRpcError:
    """Serve one RPC that raises ``raised``, call it once, return the client's error."""

    async def handler(request: GetFeedHeadRequest, context: Any) -> GetFeedHeadResponse:
        raise raised

    server = grpc.aio.server(interceptors=[ErrorMappingInterceptor("probe.postloan")])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, {
        "Raise": grpc.unary_unary_rpc_method_handler(
            handler,
            request_deserializer=GetFeedHeadRequest.FromString,
            response_serializer=GetFeedHeadResponse.SerializeToString,
        ),
    }),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary(
                f"/{SERVICE}/Raise",
                request_serializer=GetFeedHeadRequest.SerializeToString,
                response_deserializer=GetFeedHeadResponse.FromString,
            )
            try:
                await call(GetFeedHeadRequest())
            except grpc.aio.AioRpcError as refused:
                return refused
    finally:
        await server.stop(grace=None)
    raise AssertionError("the probe answered instead of refusing")
