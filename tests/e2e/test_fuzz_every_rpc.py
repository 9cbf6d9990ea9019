"""Random and malformed requests, built from the protobuf descriptors, against every RPC of
every service over real sockets, with a role allowed to call it: the answer is always a clean
status (OK or a refusal with a reason), never INTERNAL or UNKNOWN, and no process dies."""

from __future__ import annotations

import os

import grpc
import pytest
from google.protobuf import descriptor_pool
from hypothesis import HealthCheck, given, settings
from rpc_catalogue import SERVICE_PROTOS, methods_of, role_with

from postloan_runtime.suite import Suite
from postloan_runtime.testing.auth import MethodPermission, bearer, token_for
from postloan_runtime.testing.proto_strategies import message_strategy

pytestmark = pytest.mark.e2e

# Eight per RPC keeps `make test` short; POSTLOAN_FUZZ_EXAMPLES=50 runs a deeper campaign.
EXAMPLES_PER_RPC = int(os.environ.get("POSTLOAN_FUZZ_EXAMPLES", "8"))
UNCLEAN = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)


def call_code(
    channel: grpc.Channel, method: MethodPermission, request: bytes, metadata
) -> grpc.StatusCode:
    try:
        if method.server_streaming:
            call = channel.unary_stream(method.path)(request, metadata=metadata, timeout=5)
            for _ in call:
                call.cancel()  # the first message shows the request was accepted
                break
        else:
            channel.unary_unary(method.path)(request, metadata=metadata, timeout=5)
        return grpc.StatusCode.OK
    except grpc.RpcError as exc:
        code = exc.code()
        return grpc.StatusCode.OK if code == grpc.StatusCode.CANCELLED else code


def fuzz_one_rpc(channel: grpc.Channel, method: MethodPermission, metadata, request_type) -> None:
    @settings(
        max_examples=EXAMPLES_PER_RPC,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(message_strategy(request_type))
    def rpc_answers_cleanly(request) -> None:
        code = call_code(channel, method, request.SerializeToString(), metadata)
        assert code not in UNCLEAN, (method.path, code, request)

    rpc_answers_cleanly()


@pytest.mark.parametrize("package", sorted(SERVICE_PROTOS))
def test_random_requests_never_break_an_rpc(suite: Suite, package: str) -> None:
    address = suite.services[package].address
    pool = descriptor_pool.Default()
    with grpc.insecure_channel(address) as channel:
        for method in methods_of(package):
            assert method.permission
            metadata = bearer(
                token_for(suite.keys_dir, [role_with(method.permission)], subject="fuzzer")
            )
            request_type = pool.FindMessageTypeByName(method.input_type)

            fuzz_one_rpc(channel, method, metadata, request_type)
    for svc in suite.services.values():
        assert svc.process is not None and svc.process.poll() is None, f"{svc.name} died"
