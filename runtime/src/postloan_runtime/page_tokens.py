"""Opaque AIP-158 page tokens for keyset pagination.

A token carries the keyset position of the last item served and a fingerprint of the request's
filters: a token used with other filters is refused (INVALID_ARGUMENT on ``page_token``), as
AIP-158 requires. Tokens are not secret (base64url JSON); they only have to be opaque.
Two key shapes: newest-first by (instant, uuid) (consents, contact log, gate checks) and an
ascending integer sequence (the inquiry record chain).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from datetime import datetime

from postloan_runtime.validation import Violations

_MAX_SEQUENCE = 2**63 - 1  # PostgreSQL BIGINT


def filter_fingerprint(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return digest[:16]


def encode(position: tuple[datetime, uuid.UUID], fingerprint: str) -> str:
    instant, item_id = position
    payload = {"v": 1, "f": fingerprint, "t": instant.isoformat(), "i": str(item_id)}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(
    v: Violations, token: str, fingerprint: str, field: str = "page_token"
) -> tuple[datetime, uuid.UUID] | None:
    """The keyset position in ``token`` (None for an empty token or a bad one, which is
    recorded on ``v``)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        if payload.get("v") != 1:
            raise ValueError("unknown token version")
        instant = datetime.fromisoformat(payload["t"])
        item_id = uuid.UUID(payload["i"])
        matches = payload["f"] == fingerprint
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        v.add(field, "is not a page token this RPC issued")
        return None
    if instant.tzinfo is None:
        v.add(field, "is not a page token this RPC issued")
        return None
    if not matches:
        v.add(field, "was issued for a request with other filters")
        return None
    return instant, item_id


def encode_sequence(sequence: int, fingerprint: str) -> str:
    """A token for keyset pagination on an ascending integer key (chain sequence)."""
    raw = json.dumps({"v": 1, "f": fingerprint, "s": sequence}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_sequence(v: Violations, token: str, fingerprint: str, field: str = "page_token") -> int:
    """The sequence in ``token`` (0 for an empty or bad token; a bad one is recorded on ``v``)."""
    if not token:
        return 0
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        sequence_value = payload["s"]
        # bool is an int subclass; a sequence past BIGINT would overflow in SQL (INTERNAL).
        if (
            payload.get("v") != 1
            or type(sequence_value) is not int
            or not 0 <= sequence_value <= _MAX_SEQUENCE
        ):
            raise ValueError("bad token")
        sequence, matches = int(payload["s"]), payload["f"] == fingerprint
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        v.add(field, "is not a page token this RPC issued")
        return 0
    if not matches:
        v.add(field, "was issued for a request with other filters")
        return 0
    return sequence
