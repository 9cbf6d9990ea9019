"""Monitoring's integer page-token positions (sequence keys, offsets): the shared runtime token
shape, refused unless a non-negative JSON integer within bigint."""

from __future__ import annotations

import base64
import json

import pytest

from monitoring.entrypoints.loans import decode_position_token, encode_position_token
from postloan_runtime.validation import Violations

pytestmark = pytest.mark.unit

MAX_TOKEN_POSITION = 2**63 - 1  # PostgreSQL BIGINT


def _token(position: object, digest: str = "d") -> str:
    raw = json.dumps({"v": 1, "f": digest, "s": position}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_positions_round_trip_up_to_bigint() -> None:
    for position in (0, 1, MAX_TOKEN_POSITION):
        v = Violations()
        assert decode_position_token(v, encode_position_token(position, "d"), "d") == position
        assert not v
    assert decode_position_token(Violations(), "", "d") is None


@pytest.mark.parametrize(
    "position", [MAX_TOKEN_POSITION + 1, 10**30, -1, "\u00b2", "7", 1.5, True]
)
def test_out_of_range_or_non_integer_positions_are_refused(position: object) -> None:
    v = Violations()
    decode_position_token(v, _token(position), "d")
    assert [f.field for f in v.items] == ["page_token"]


def test_a_token_of_other_filters_is_refused() -> None:
    v = Violations()
    decode_position_token(v, encode_position_token(5, "other"), "d")
    assert [f.field for f in v.items] == ["page_token"]
