"""Every RPC of every service, called over real sockets on the running suite: refused without a
credential, refused for a role that lacks its permission, let through for one that has it."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from rpc_catalogue import EVENT_FEED, SERVICE_PROTOS, methods_of, role_with, role_without

from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import MethodPermission, bearer, token_for

pytestmark = pytest.mark.e2e


async def call_code(
    channel: grpc.aio.Channel, method: MethodPermission, token: str | None
) -> grpc.StatusCode:
    """Call ``method`` with an empty request; return the status code it ends with."""
    metadata = bearer(token) if token else None
    try:
        if method.server_streaming:
            call = channel.unary_stream(method.path)(b"", metadata=metadata, timeout=5)
            # One message is enough to know the call passed authorization.
            async for _ in call:
                call.cancel()
                return grpc.StatusCode.OK
            return grpc.StatusCode.OK
        await channel.unary_unary(method.path)(b"", metadata=metadata, timeout=5)
        return grpc.StatusCode.OK
    except grpc.aio.AioRpcError as exc:
        return exc.code()


@pytest.mark.parametrize("package", sorted(SERVICE_PROTOS))
async def test_every_rpc_requires_a_credential_and_the_right_role(
    suite: Suite, package: str
) -> None:
    address = suite.services[package].address
    methods = methods_of(package)
    assert len(methods) >= 5
    async with grpc.aio.insecure_channel(address) as channel:
        for method in methods:
            assert method.permission, f"{method.path} declares no permission"
            assert await call_code(channel, method, None) == grpc.StatusCode.UNAUTHENTICATED, (
                method.path
            )
            wrong = token_for(suite.keys_dir, [role_without(method.permission)])
            assert await call_code(channel, method, wrong) == grpc.StatusCode.PERMISSION_DENIED, (
                method.path
            )
            forged = wrong[:-4] + ("AAAA" if not wrong.endswith("AAAA") else "BBBB")
            assert await call_code(channel, method, forged) == grpc.StatusCode.UNAUTHENTICATED, (
                method.path
            )
            right = token_for(suite.keys_dir, [role_with(method.permission)])
            code = await call_code(channel, method, right)
            assert code not in (
                grpc.StatusCode.UNAUTHENTICATED,
                grpc.StatusCode.PERMISSION_DENIED,
                grpc.StatusCode.INTERNAL,
            ), (method.path, code)


async def test_health_and_reflection_stay_open(suite: Suite) -> None:
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    for svc in suite.services.values():
        async with grpc.aio.insecure_channel(svc.address) as channel:
            reply = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=5
            )
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            responses = stub.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            )
            names = [s.name async for r in responses for s in r.list_services_response.service]
            assert EVENT_FEED in names
            assert any(n.startswith(f"postloan.{svc.package}.v1.") for n in names)
