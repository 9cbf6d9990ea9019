"""Test helpers for field encryption: a key ring after a rotation, refusing column-bound
blobs, as the services run once the re-encryption pass is done."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Final

from postloan_runtime.pii import PiiCipher

RETIRED_KEY_ID: Final = "k0"


def strict_cipher_with_retired_key(ring_path: Path, retired_key: bytes) -> PiiCipher:
    """The ring at ``ring_path`` (its active key stays active) plus ``retired_key`` under
    :data:`RETIRED_KEY_ID`, refusing version-1 blobs (``POSTLOAN_PII_ACCEPT_COLUMN_BOUND_BLOBS
    =false``)."""
    ring = PiiCipher.from_file(ring_path)
    return PiiCipher(
        keys={**ring.keys, RETIRED_KEY_ID: retired_key}, active_key_id=ring.active_key_id,
        hash_key=ring.hash_key, accept_column_bound=False,
    )


def retired_cipher(strict: PiiCipher) -> PiiCipher:
    """A cipher writing with the retired key of :func:`strict_cipher_with_retired_key`, as the
    services did before the rotation."""
    return PiiCipher(
        keys={RETIRED_KEY_ID: strict.keys[RETIRED_KEY_ID]}, active_key_id=RETIRED_KEY_ID,
        hash_key=strict.hash_key,
    )


def new_retired_key() -> bytes:
    return secrets.token_bytes(32)
