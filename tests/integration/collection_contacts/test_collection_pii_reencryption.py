"""The re-encryption pass on collection's database: contact point values written column-bound
(version 1) or under an old key become row-bound under the active key; a second run rewrites
nothing; the service, refusing version-1 blobs, then dispatches to them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import grpc
import pytest
from contact_harness import R, mail, refusal
from sqlalchemy import text
from typer.testing import CliRunner

from collection.service_layer.contacts import POINT_CONTEXT, point_row
from collection.service_layer.sealed_columns import SEALED_TABLES
from postloan_runtime.cli import app
from postloan_runtime.pii import PiiCipher
from postloan_runtime.pii_reencryption import reencrypt_tables
from postloan_runtime.testing.pii import (
    new_retired_key,
    retired_cipher,
    strict_cipher_with_retired_key,
)

pytestmark = pytest.mark.integration

@pytest.fixture
def contact_cipher(contact_keys_dir: Path) -> PiiCipher:
    """The server's cipher: after a rotation, refusing version-1 blobs."""
    return strict_cipher_with_retired_key(contact_keys_dir / "pii-keys.json", new_retired_key())


async def set_value(h, point_id: str, blob: bytes) -> None:
    async with h.engine.begin() as conn:
        await conn.execute(
            text("UPDATE contact_points SET value_encrypted = :blob WHERE contact_point_id = :id"),
            {"blob": blob, "id": uuid.UUID(point_id)},
        )


async def values(h) -> dict[str, bytes]:
    async with h.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT contact_point_id, value_encrypted FROM contact_points")
        )
        return {str(point): blob for point, blob in rows}


async def test_contact_values_are_rewritten_row_bound_and_the_strict_service_sends(
    dispatch_harness, smtp_sink, contact_cipher: PiiCipher
) -> None:
    h = dispatch_harness
    addresses = {"b-old": "old@example.com", "b-k0": "k0@example.com", "b-new": "new@example.com"}
    points = {}
    for borrower, address in addresses.items():
        await h.debtor(borrower)
        points[borrower] = await h.point(borrower, address, kind=R.CONTACT_POINT_KIND_EMAIL)
    await set_value(h, points["b-old"],
                    contact_cipher.encrypt_column_bound("old@example.com", context=POINT_CONTEXT))
    await set_value(h, points["b-k0"], retired_cipher(contact_cipher).encrypt(
        "k0@example.com", context=POINT_CONTEXT,
        row=point_row(uuid.UUID(points["b-k0"]), "b-k0"),
    ))
    before = await values(h)

    error = await refusal(mail(h, "b-old", points["b-old"]))
    assert error.code == grpc.StatusCode.INTERNAL
    assert smtp_sink.handler.messages == []

    assert await reencrypt_tables(h.engine, SEALED_TABLES, contact_cipher) == 2
    assert await reencrypt_tables(h.engine, SEALED_TABLES, contact_cipher) == 0
    after = await values(h)
    assert after[points["b-new"]] == before[points["b-new"]]
    for borrower, point in points.items():
        assert contact_cipher.is_current(after[point])
        assert contact_cipher.decrypt(
            after[point], context=POINT_CONTEXT, row=point_row(uuid.UUID(point), borrower)
        ) == addresses[borrower]

    for borrower, point in points.items():
        sent = await mail(h, borrower, point)
        assert sent.attempt.outcome == R.CONTACT_OUTCOME_DELIVERED
    assert [r for r, _ in smtp_sink.handler.messages] == [[a] for a in addresses.values()]


async def test_the_reencrypt_pii_command_rewrites_and_says_how_many(
    harness, contact_keys_dir: Path
) -> None:
    h = harness
    await h.debtor("b-cli")
    point = await h.point("b-cli", "13800001250")
    ring = contact_keys_dir / "pii-keys.json"
    await set_value(h, point, PiiCipher.from_file(ring).encrypt_column_bound(
        "13800001250", context=POINT_CONTEXT
    ))
    env = {
        "DATABASE_URL": h.engine.url.render_as_string(hide_password=False),
        "POSTLOAN_PII_KEYS": str(ring),
    }
    command = ["reencrypt-pii", "--service", "collection", "--batch-size", "1"]
    # In a thread: the command runs its own event loop.
    first = await asyncio.to_thread(CliRunner().invoke, app, command, env=env)
    assert first.exit_code == 0, first.output
    assert "rewrote 1 rows" in first.output
    again = await asyncio.to_thread(CliRunner().invoke, app, command, env=env)
    assert "rewrote 0 rows" in again.output
    assert PiiCipher.from_file(ring).is_current((await values(h))[point])
