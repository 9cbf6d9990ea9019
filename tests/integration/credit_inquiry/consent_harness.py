"""The handle the credit-inquiry integration tests drive the server with (a module of its own so
test files can import it; conftest modules cannot be imported reliably)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc
from postloan_runtime.clock import ManualClock
from postloan_runtime.testing.auth import bearer, token_for

START = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class Harness:
    channel: grpc.aio.Channel
    stub: credit_inquiry_pb2_grpc.ConsentServiceStub
    clock: ManualClock
    engine: AsyncEngine
    keys_dir: Path
    metadata: tuple[tuple[str, str], ...]

    def as_role(self, role: str, subject: str = "op-7") -> tuple[tuple[str, str], ...]:
        return bearer(token_for(self.keys_dir, [role], subject=subject))

    async def count(self, table: str) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)

    async def counts(self) -> dict[str, int]:
        return {t: await self.count(t) for t in ("consents", "outbox", "idempotency_keys")}

    async def outbox_types(self) -> list[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT event_type FROM outbox ORDER BY id"))
            return [r[0] for r in rows]
