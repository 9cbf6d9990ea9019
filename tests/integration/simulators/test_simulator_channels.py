"""The channel simulator as a real process: deterministic outcomes per destination, idempotent
sends, faults, and the shared authentication."""

from __future__ import annotations

import uuid
from pathlib import Path

import grpc
import pytest
from simulator_procs import auth, rpc_code

from postloan.simulators.v1 import channels_pb2, channels_pb2_grpc

pytestmark = pytest.mark.integration

COLLECTION = "service:collection"


def sms(mobile: str, request_id: str | None = None) -> channels_pb2.SendSmsRequest:
    return channels_pb2.SendSmsRequest(
        request_id=request_id or str(uuid.uuid4()),
        mobile_number=mobile,
        text="您的账单已到期，请及时还款。",
        sender_signature="【模拟消费金融】",
    )


def ivr(mobile: str) -> channels_pb2.PlaceIvrCallRequest:
    return channels_pb2.PlaceIvrCallRequest(
        request_id=str(uuid.uuid4()),
        mobile_number=mobile,
        script="您好，这是一条还款提醒。按1确认。",
    )


async def test_outcomes_follow_the_destination(channels, keys_dir: Path) -> None:
    async with grpc.aio.insecure_channel(channels.address) as channel:
        stub = channels_pb2_grpc.ChannelSimulatorServiceStub(channel)
        metadata = auth(keys_dir, COLLECTION)
        expected_sms = {
            "13800000001": channels_pb2.SMS_DELIVERY_OUTCOME_INVALID_NUMBER,
            "13800000005": channels_pb2.SMS_DELIVERY_OUTCOME_UNREACHABLE,
            "13800000009": channels_pb2.SMS_DELIVERY_OUTCOME_REJECTED,
            "13800000042": channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED,
            "+8613800000042": channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED,
        }
        for mobile, outcome in expected_sms.items():
            for _ in range(2):  # same number, same outcome
                reply = await stub.SendSms(sms(mobile), metadata=metadata, timeout=5)
                assert reply.outcome == outcome, mobile
                assert reply.message_id.startswith("SIMSMS")
                assert reply.HasField("delivered_at") == (
                    outcome == channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED
                )
        expected_ivr = {
            "13900000020": (channels_pb2.IVR_CALL_OUTCOME_NO_ANSWER, ""),
            "13900000030": (channels_pb2.IVR_CALL_OUTCOME_BUSY, ""),
            "13900000040": (channels_pb2.IVR_CALL_OUTCOME_VOICEMAIL, ""),
            "13900000047": (channels_pb2.IVR_CALL_OUTCOME_HUNG_UP, ""),
            "13900000060": (channels_pb2.IVR_CALL_OUTCOME_ANSWERED, "1"),
            "13900000095": (channels_pb2.IVR_CALL_OUTCOME_ANSWERED, ""),
        }
        for mobile, (outcome, keypad) in expected_ivr.items():
            call = await stub.PlaceIvrCall(ivr(mobile), metadata=metadata, timeout=5)
            assert (call.outcome, call.keypad_input) == (outcome, keypad), mobile
            assert call.ended_at.ToDatetime() >= call.started_at.ToDatetime()
            answered = outcome in (
                channels_pb2.IVR_CALL_OUTCOME_ANSWERED, channels_pb2.IVR_CALL_OUTCOME_HUNG_UP
            )
            assert (call.connected_seconds > 0) == answered


async def test_sends_are_idempotent_by_request_id(channels, keys_dir: Path) -> None:
    async with grpc.aio.insecure_channel(channels.address) as channel:
        stub = channels_pb2_grpc.ChannelSimulatorServiceStub(channel)
        metadata = auth(keys_dir, COLLECTION)
        request = sms("13800000042")
        first = await stub.SendSms(request, metadata=metadata, timeout=5)
        again = await stub.SendSms(request, metadata=metadata, timeout=5)
        assert again == first
        other = sms("13800000043", request_id=request.request_id)
        code = await rpc_code(stub.SendSms(other, metadata=metadata, timeout=5))
        assert code == grpc.StatusCode.INVALID_ARGUMENT
        bad = sms("12345")
        assert await rpc_code(stub.SendSms(bad, metadata=metadata, timeout=5)) == (
            grpc.StatusCode.INVALID_ARGUMENT
        )


async def test_callers_need_a_token_and_the_permission(channels, keys_dir: Path) -> None:
    async with grpc.aio.insecure_channel(channels.address) as channel:
        stub = channels_pb2_grpc.ChannelSimulatorServiceStub(channel)
        assert await rpc_code(stub.SendSms(sms("13800000042"), timeout=5)) == (
            grpc.StatusCode.UNAUTHENTICATED
        )
        assert await rpc_code(
            stub.PlaceIvrCall(
                ivr("13900000060"), metadata=auth(keys_dir, "service:credit-inquiry"), timeout=5
            )
        ) == grpc.StatusCode.PERMISSION_DENIED


async def test_error_rate_and_latency_knobs(launch, keys_dir: Path) -> None:
    flaky = await launch(
        "channels", "--error-rate", "1", env={"POSTLOAN_CHANNEL_SIMULATOR_LATENCY_MS": "50"}
    )
    async with grpc.aio.insecure_channel(flaky.address) as channel:
        stub = channels_pb2_grpc.ChannelSimulatorServiceStub(channel)
        metadata = auth(keys_dir, COLLECTION)
        assert await rpc_code(stub.SendSms(sms("13800000042"), metadata=metadata, timeout=5)) == (
            grpc.StatusCode.UNAVAILABLE
        )
        slow = stub.PlaceIvrCall(ivr("13900000060"), metadata=metadata, timeout=0.01)
        assert await rpc_code(slow) == grpc.StatusCode.DEADLINE_EXCEEDED
