"""The simulators never write personal data (names, ID numbers, mobile numbers) to their
output, whatever happens: answers, refusals, faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import grpc
import pytest
from simulator_procs import auth, rpc_code

from postloan.common.v1 import money_pb2
from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc, channels_pb2, channels_pb2_grpc
from postloan_simulators.bureau.resident_id import make_resident_id

pytestmark = pytest.mark.integration

NAMES = ["欧阳娜娜", "司马相如"]
ID_NUMBERS = [
    make_resident_id("440305", dt.date(1988, 8, 8), 123),
    make_resident_id("440305", dt.date(1992, 2, 29), 994),  # no file
]
MOBILES = ["13612345670", "15987654321"]


async def test_no_personal_data_in_the_output(bureau, channels, keys_dir: Path) -> None:
    credit_inquiry = auth(keys_dir, "service:credit-inquiry")
    async with grpc.aio.insecure_channel(bureau.address) as channel:
        stub = bureau_pb2_grpc.BureauSimulatorServiceStub(channel)
        for name in NAMES:
            for id_number in ID_NUMBERS:
                for mobile in MOBILES:
                    await stub.MatchIdentity(
                        bureau_pb2.MatchIdentityRequest(
                            name=name, resident_id_number=id_number, mobile_number=mobile
                        ),
                        metadata=credit_inquiry,
                        timeout=5,
                    )
                query = bureau_pb2.QueryCreditReportRequest(
                    request_id=str(uuid.uuid4()),
                    name=name,
                    resident_id_number=id_number,
                    reason=bureau_pb2.BUREAU_QUERY_REASON_LOAN_APPROVAL,
                    institution_code="PL0001",
                )
                # Answers and refusals (the second name does not match the file).
                await rpc_code(stub.QueryCreditReport(query, metadata=credit_inquiry, timeout=5))
        malformed = bureau_pb2.MatchIdentityRequest(
            name=NAMES[0], resident_id_number=ID_NUMBERS[0][:17] + "0", mobile_number=MOBILES[0]
        )
        await rpc_code(stub.MatchIdentity(malformed, metadata=credit_inquiry, timeout=5))
        await stub.SetBureauFaults(
            bureau_pb2.SetBureauFaultsRequest(
                request_id=str(uuid.uuid4()), error_rate=money_pb2.DecimalValue(value="1")
            ),
            metadata=auth(keys_dir, "operator"),
            timeout=5,
        )
        try:
            query.request_id = str(uuid.uuid4())
            assert await rpc_code(
                stub.QueryCreditReport(query, metadata=credit_inquiry, timeout=5)
            ) == grpc.StatusCode.UNAVAILABLE
        finally:
            await stub.SetBureauFaults(
                bureau_pb2.SetBureauFaultsRequest(request_id=str(uuid.uuid4())),
                metadata=auth(keys_dir, "operator"),
                timeout=5,
            )
    async with grpc.aio.insecure_channel(channels.address) as channel:
        stub_c = channels_pb2_grpc.ChannelSimulatorServiceStub(channel)
        collection = auth(keys_dir, "service:collection")
        for mobile in MOBILES:
            await stub_c.SendSms(
                channels_pb2.SendSmsRequest(
                    request_id=str(uuid.uuid4()), mobile_number=mobile,
                    text=f"{NAMES[0]}您好，请还款。", sender_signature="【模拟】",
                ),
                metadata=collection,
                timeout=5,
            )
            await stub_c.PlaceIvrCall(
                channels_pb2.PlaceIvrCallRequest(
                    request_id=str(uuid.uuid4()), mobile_number=mobile, script=NAMES[1]
                ),
                metadata=collection,
                timeout=5,
            )
    await asyncio.sleep(0.2)  # let the last lines reach the files
    output = bureau.output + channels.output
    assert "credit report query answered" in output and "simulated dispatch" in output
    for secret in [*NAMES, *ID_NUMBERS, *MOBILES]:
        assert secret not in output, "personal data in the simulator output"
        escaped = secret.encode("unicode_escape").decode()
        assert escaped not in output
