"""Jurisdiction profile validation of ``call_channels``: the caps count only the channels a
profile names as calls, so a profile that leaves agent calls out would lift every cap from them."""

from __future__ import annotations

import dataclasses

import pytest

from collection.domain.jurisdiction import CN_V1, US_V1, Channel, range_problems

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "channels", [frozenset({Channel.IVR}), frozenset({Channel.SMS, Channel.EMAIL}), frozenset()]
)
def test_a_profile_must_count_agent_calls_as_calls(channels: frozenset[Channel]) -> None:
    problems = range_problems(dataclasses.replace(CN_V1, call_channels=channels))
    assert [field for field, _ in problems] == ["call_channels"]


def test_agent_calls_with_or_without_ivr_are_valid() -> None:
    for channels in ({Channel.AGENT_CALL}, {Channel.AGENT_CALL, Channel.IVR}):
        assert range_problems(dataclasses.replace(US_V1, call_channels=frozenset(channels))) == []
