"""The embedded PostgreSQL default: a real PostgreSQL server from the ``pgserver`` wheel,
started in a data folder when no database URL is configured (``make run``, tests on a machine
without a server). Connections go over its Unix socket."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import asyncpg

log = logging.getLogger(__name__)


@dataclass
class PostgresServer:
    """A PostgreSQL server reachable at ``admin_url`` (a ``postgresql://`` URL)."""

    admin_url: str
    _handle: object | None = None

    def database_url(self, database: str) -> str:
        """URL of another database on the same server (``postgresql://`` form)."""
        base, sep, query = self.admin_url.partition("?")
        head, _, _ = base.rpartition("/")
        return f"{head}/{database}{sep}{query}"

    async def ensure_database(self, database: str) -> str:
        """Create ``database`` if it does not exist; return its URL."""
        conn = await connect(self.admin_url)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{database}"')
        finally:
            await conn.close()
        return self.database_url(database)

    async def drop_database(self, database: str) -> None:
        conn = await connect(self.admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await conn.close()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cleanup()  # type: ignore[attr-defined]
            self._handle = None


def start_embedded(data_dir: Path, cleanup_mode: str = "stop") -> PostgresServer:
    """Start (or join) the embedded PostgreSQL server whose data lives in ``data_dir``.

    ``cleanup_mode`` is pgserver's: "stop" keeps the data for next time (``make run``),
    "delete" removes it when the last user exits (tests)."""
    import pgserver  # imported lazily: only the embedded default needs the binaries

    data_dir.mkdir(parents=True, exist_ok=True)
    handle = pgserver.get_server(str(data_dir.resolve()), cleanup_mode=cleanup_mode)
    socket_dir = data_dir.resolve()
    url = f"postgresql://postgres@/postgres?host={quote(str(socket_dir))}"
    log.info("embedded PostgreSQL ready", extra={"data_dir": str(socket_dir)})
    return PostgresServer(admin_url=url, _handle=handle)


async def connect(url: str) -> asyncpg.Connection:
    """An asyncpg connection from a ``postgresql://`` URL (including ``?host=/socket/dir``)."""
    url = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    for attempt in range(50):
        try:
            return await asyncpg.connect(url)
        except (OSError, asyncpg.CannotConnectNowError):
            if attempt == 49:
                raise
            await asyncio.sleep(0.1)
    raise AssertionError("unreachable")
