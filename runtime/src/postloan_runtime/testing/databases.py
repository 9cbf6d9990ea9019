"""Test database factory: a fresh database per test scope, on the PostgreSQL server named by
``POSTLOAN_TEST_DATABASE_URL`` or, when unset, on an embedded PostgreSQL."""

from __future__ import annotations

import atexit
import os
import tempfile
import uuid
from pathlib import Path

from postloan_runtime.embedded_pg import PostgresServer, start_embedded

_server: PostgresServer | None = None


def test_server() -> PostgresServer:
    """The PostgreSQL server tests use (started once per process when embedded)."""
    global _server
    if _server is None:
        url = os.environ.get("POSTLOAN_TEST_DATABASE_URL")
        if url:
            _server = PostgresServer(admin_url=url)
        else:
            # A fresh data folder per test process, deleted at exit: concurrent test runs never
            # share (and stop) each other's server.
            data_dir = Path(tempfile.mkdtemp(prefix="postloan-test-pg-"))
            _server = start_embedded(data_dir, cleanup_mode="delete")
            atexit.register(_server.stop)
    return _server


def unique_database_name(prefix: str) -> str:
    return f"t_{prefix}_{uuid.uuid4().hex[:10]}"
