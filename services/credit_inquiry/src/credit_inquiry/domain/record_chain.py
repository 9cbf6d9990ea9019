"""The tamper-evident inquiry record chains.

Plain Python. Records are partitioned by borrower into :data:`RECORD_CHAINS` independent hash
chains (:func:`chain_of`), so inquiries of different borrowers do not queue behind one lock. In
a chain, every record's hash is SHA-256 over the previous record's hash and the record's
canonical content (sorted-key compact JSON of its fields, UTF-8, its position in the chain
included), so changing, removing or re-ordering any stored record breaks its chain from that
record on; moving a record to another chain breaks both. The first record of a chain links to
:data:`GENESIS`. Verification walks a chain in position order and reports the first record that
does not hash correctly (HASH_MISMATCH), does not link to its predecessor (LINK_MISMATCH) or
leaves a gap in the positions (SEQUENCE_GAP).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

GENESIS: Final = "0" * 64
# Number of chains borrowers are spread over. Stored with each record, so changing it later only
# redistributes new records; verification walks the chains the records name.
RECORD_CHAINS: Final = 64
HASH_MISMATCH: Final = "HASH_MISMATCH"
LINK_MISMATCH: Final = "LINK_MISMATCH"
SEQUENCE_GAP: Final = "SEQUENCE_GAP"

ContentValue = str | int | None


def chain_of(borrower_id: str) -> int:
    """The chain a borrower's records go to: a stable hash of the borrower id."""
    digest = hashlib.sha256(borrower_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % RECORD_CHAINS


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
    sequence: int  # position in its chain
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
