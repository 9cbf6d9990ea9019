"""The tamper-evident inquiry record chain.

Plain Python. Every record's hash is SHA-256 over the previous record's hash and the record's
canonical content (sorted-key compact JSON of its fields, UTF-8), so changing, removing or
re-ordering any stored record breaks the chain from that record on. The first record links to
:data:`GENESIS`. Verification walks records in sequence order and reports the first that does
not hash correctly (HASH_MISMATCH), does not link to its predecessor (LINK_MISMATCH) or leaves
a gap in the sequence (SEQUENCE_GAP).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

GENESIS: Final = "0" * 64
HASH_MISMATCH: Final = "HASH_MISMATCH"
LINK_MISMATCH: Final = "LINK_MISMATCH"
SEQUENCE_GAP: Final = "SEQUENCE_GAP"

ContentValue = str | int | None


def canonical_content(content: Mapping[str, ContentValue]) -> bytes:
    return json.dumps(dict(content), sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(previous_hash: str, content: Mapping[str, ContentValue]) -> str:
    """Lowercase hex SHA-256 of ``previous_hash`` and the canonical content."""
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_content(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainLink:
    sequence: int
    content: Mapping[str, ContentValue]
    record_hash: str
    previous_hash: str


@dataclass(frozen=True)
class ChainCheck:
    records_checked: int
    first_broken_sequence: int = 0
    broken_reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_sequence == 0


def verify_chain(
    links: Iterable[ChainLink], *, expected_previous: str, first_sequence: int
) -> ChainCheck:
    """Check ``links`` (ascending sequence) starting at ``first_sequence``, whose predecessor's
    hash is ``expected_previous``; stops at the first broken link."""
    previous = expected_previous
    expected_sequence = first_sequence
    checked = 0
    for link in links:
        checked += 1
        if link.sequence != expected_sequence:
            return ChainCheck(checked, expected_sequence, SEQUENCE_GAP)
        if link.previous_hash != previous:
            return ChainCheck(checked, link.sequence, LINK_MISMATCH)
        if chain_hash(link.previous_hash, link.content) != link.record_hash:
            return ChainCheck(checked, link.sequence, HASH_MISMATCH)
        previous = link.record_hash
        expected_sequence += 1
    return ChainCheck(checked)
