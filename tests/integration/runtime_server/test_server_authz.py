"""Default-deny authorization over real sockets: who may call what, and what stays open."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from server_test_app import FEED_SERVICE, UNDECLARED_SERVICE

from postloan.common.v1 import events_pb2
from postloan_runtime.auth import generate_dev_keys, mint_token
from postloan_runtime.grpc_errors import decode_error
from postloan_runtime.testing.auth import bearer, token_for

pytestmark = pytest.mark.integration

GET_FEED_HEAD = f"/{FEED_SERVICE}/GetFeedHead"
SUBSCRIBE = f"/{FEED_SERVICE}/SubscribeEvents"


@pytest.fixture
async def channel(feed_database, start_feed_server):
    server = await start_feed_server(feed_database)
    async with grpc.aio.insecure_channel(server.address) as channel:
        yield channel


async def get_feed_head(channel, metadata=()):
    call = channel.unary_unary(
        GET_FEED_HEAD,
        request_serializer=events_pb2.GetFeedHeadRequest.SerializeToString,
        response_deserializer=events_pb2.GetFeedHeadResponse.FromString,
    )(events_pb2.GetFeedHeadRequest(), metadata=metadata, timeout=10)
    response = await call
    return response, await call.trailing_metadata()


async def refused(coro):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await coro
    return caught.value


async def test_right_role_passes_and_handler_sees_the_caller(channel, keys_dir,
                                                            granted_roles):
    token = token_for(keys_dir, granted_roles, subject="op-42")
    response, trailing = await get_feed_head(channel, bearer(token))
    assert response.head_position == 0
    subject = granted_roles[0] if granted_roles[0].startswith("service:") else "op-42"
    assert ("x-test-caller", subject) in list(trailing)


async def test_service_identity_passes(channel, keys_dir, granted_service):
    token = token_for(keys_dir, [f"service:{granted_service}"])
    _, trailing = await get_feed_head(channel, bearer(token))
    assert ("x-test-caller", f"service:{granted_service}") in list(trailing)


async def test_missing_token_is_unauthenticated_with_error_info(channel):
    error = await refused(get_feed_head(channel))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    details = decode_error(error)
    assert details.reason == "UNAUTHENTICATED" and details.domain == "feed-test.postloan"


async def test_wrong_role_is_permission_denied(channel, keys_dir, denied_role):
    error = await refused(get_feed_head(channel, bearer(token_for(keys_dir, [denied_role]))))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    details = decode_error(error)
    assert details.reason == "PERMISSION_DENIED"
    assert details.metadata.get("permission") == "events.subscribe"


@pytest.mark.parametrize(
    "case", ["expired", "bad_signature", "untrusted_key", "other_service_role",
             "service_key_as_other_kid", "person_claims_service", "garbage"]
)
async def test_invalid_tokens_are_unauthenticated(channel, keys_dir, granted_roles,
                                                 granted_service, tmp_path, case):
    other = "collection" if granted_service != "collection" else "monitoring"
    if case == "expired":
        token = token_for(keys_dir, granted_roles, ttl=-120)
    elif case == "bad_signature":
        good = token_for(keys_dir, granted_roles)
        head, payload, signature = good.split(".")
        token = f"{head}.{payload}.{signature[::-1]}"
    elif case == "untrusted_key":
        generate_dev_keys(tmp_path)
        token = token_for(tmp_path, granted_roles)
    elif case == "other_service_role":
        # A service key vouching for a service allowed to read the feed: not its own identity.
        token = mint_token(keys_dir / f"{other}.pem", other, f"service:{granted_service}",
                           [f"service:{granted_service}"], "service", 60)
    elif case == "service_key_as_other_kid":
        token = mint_token(keys_dir / f"{other}.pem", granted_service,
                           f"service:{granted_service}", [f"service:{granted_service}"],
                           "service", 60)
    elif case == "person_claims_service":
        token = mint_token(keys_dir / "issuer.pem", "issuer", f"service:{granted_service}",
                           [f"service:{granted_service}"], "person", 60)
    else:
        token = "not-a-jwt"
    error = await refused(get_feed_head(channel, bearer(token)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_undeclared_and_unknown_methods_are_denied(channel, keys_dir, granted_roles):
    metadata = bearer(token_for(keys_dir, granted_roles))
    for path in (f"/{UNDECLARED_SERVICE}/Ping", "/postloan.nowhere.v1.Nothing/Call"):
        error = await refused(channel.unary_unary(path)(b"", metadata=metadata, timeout=10))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, path
    # Without a token the answer is UNAUTHENTICATED (nothing is learned about the method).
    error = await refused(channel.unary_unary(f"/{UNDECLARED_SERVICE}/Ping")(b"", timeout=10))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_streaming_rpc_is_guarded_too(channel, keys_dir, granted_roles):
    subscribe = channel.unary_stream(
        SUBSCRIBE,
        request_serializer=events_pb2.SubscribeEventsRequest.SerializeToString,
        response_deserializer=events_pb2.SubscribeEventsResponse.FromString,
    )

    async def first(metadata=()):
        async for message in subscribe(events_pb2.SubscribeEventsRequest(), metadata=metadata,
                                       timeout=10):
            return message

    error = await refused(first())
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    message = await first(bearer(token_for(keys_dir, granted_roles)))
    assert message.head_position == 0


async def test_health_and_reflection_are_open(channel):
    health = health_pb2_grpc.HealthStub(channel)
    response = await health.Check(health_pb2.HealthCheckRequest(service=FEED_SERVICE), timeout=10)
    assert response.status in (health_pb2.HealthCheckResponse.SERVING,
                               health_pb2.HealthCheckResponse.NOT_SERVING)
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    requests = [reflection_pb2.ServerReflectionRequest(list_services="")]
    names = set()
    async for reply in stub.ServerReflectionInfo(iter(requests), timeout=10):
        names = {s.name for s in reply.list_services_response.service}
    assert {FEED_SERVICE, "grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection"} <= names
