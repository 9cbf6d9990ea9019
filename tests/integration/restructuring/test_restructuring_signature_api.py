"""RecordSignature through the real API: a signing time before the agreement was generated is
INVALID_ARGUMENT on ``signed_at`` and writes nothing."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from restructuring_flow import (
    FRONTEND,
    approve,
    generate_agreement,
    get_plan,
    quoted_plan,
    register_loan,
    signature_request,
)

from postloan.restructuring.v1 import resources_pb2 as res
from postloan_runtime.grpc_errors import decode_error

pytestmark = pytest.mark.integration


async def test_a_signature_dated_before_the_agreement_is_invalid(suite) -> None:  # noqa: ANN001
    plan = await approve(suite, await quoted_plan(suite, await register_loan(suite)))
    agreement = await generate_agreement(suite, plan.plan_id)
    generated_at = agreement.generated_at.ToDatetime(tzinfo=dt.UTC)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await suite.plans.RecordSignature(
            signature_request(plan.plan_id, agreement, generated_at - dt.timedelta(hours=2)),
            metadata=suite.as_role(*FRONTEND))
    details = decode_error(error.value)
    assert details.code is grpc.StatusCode.INVALID_ARGUMENT
    assert details.fields == ["signed_at"]
    assert (await get_plan(suite, plan.plan_id)).state == res.PLAN_STATE_APPROVED
