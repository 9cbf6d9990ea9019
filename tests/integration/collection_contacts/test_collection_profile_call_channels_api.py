"""CreateJurisdictionProfileVersion refuses a profile whose call channels leave out agent calls
(the caps would no longer apply to them), through a real collection server; nothing written."""

from __future__ import annotations

import grpc
import pytest
from contact_harness import R, refusal, rid

from postloan.collection.v1 import collection_pb2

pytestmark = pytest.mark.integration


async def test_a_profile_without_agent_calls_among_its_calls_is_refused(harness) -> None:
    h = harness
    cn = (await h.profiles.GetJurisdictionProfile(
        collection_pb2.GetJurisdictionProfileRequest(code="CN"), metadata=h.metadata
    )).profile
    profile = R.JurisdictionProfile()
    profile.CopyFrom(cn)
    profile.ClearField("effective_from")
    del profile.call_channels[:]
    profile.call_channels.append(R.CONTACT_CHANNEL_IVR)
    before = await h.counts()
    error = await refusal(h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(request_id=rid(), profile=profile),
        metadata=h.metadata,
    ))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.fields == ["profile.call_channels"]
    assert await h.counts() == before
    # Left empty, the default call channels (IVR and agent calls) apply.
    del profile.call_channels[:]
    created = (await h.profiles.CreateJurisdictionProfileVersion(
        collection_pb2.CreateJurisdictionProfileVersionRequest(request_id=rid(), profile=profile),
        metadata=h.metadata,
    )).profile
    assert set(created.call_channels) == {R.CONTACT_CHANNEL_IVR, R.CONTACT_CHANNEL_AGENT_CALL}
