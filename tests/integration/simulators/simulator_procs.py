"""Run a simulator as a real process (``python -m postloan_simulators.<kind>``) on a free port,
its output captured to a file; call helpers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from postloan_runtime.suite import health_status, unused_port
from postloan_runtime.testing.auth import bearer, token_for

START_TIMEOUT_SECONDS = 20


@dataclass
class SimulatorProcess:
    """One simulator process; ``output`` is everything it wrote (stdout and stderr)."""

    kind: str  # "bureau" | "channels"
    keys_dir: Path
    log_path: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def spawn(self) -> None:
        """Start the process (returns at once)."""
        self.port = self.port or unused_port()
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            POSTLOAN_KEYS_DIR=str(self.keys_dir),
            POSTLOAN_SHUTDOWN_GRACE_SECONDS="2",
            **self.env,
        )
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"postloan_simulators.{self.kind}",
                 "--host", "127.0.0.1", "--port", str(self.port), *self.args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> SimulatorProcess:
        """Spawn and wait until health says SERVING."""
        self.spawn()
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while await health_status(self.address) != health_pb2.HealthCheckResponse.SERVING:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.output}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.kind} not SERVING:\n{self.output}")
            await asyncio.sleep(0.1)
        return self

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def auth(keys_dir: Path, role: str) -> tuple[tuple[str, str], ...]:
    """Call metadata with a valid token for ``role``."""
    return bearer(token_for(keys_dir, [role]))


async def rpc_code(call: object) -> grpc.StatusCode:
    """The status code an awaited call ends with."""
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK
