"""Start the whole suite as separate processes: PostgreSQL (embedded unless a server URL is
given), one database per service, migrations, the simulators of external systems (credit bureau,
SMS/IVR gateway; see docs/simulators.md), the services, and wait until every health check says
SERVING. ``postloan run`` and the end-to-end tests both use this."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from postloan_runtime.config import SERVICES, SIMULATORS
from postloan_runtime.embedded_pg import PostgresServer, start_embedded

Progress = Callable[[str], None]
# Where `make run` listens for collection's e-mail (a local aiosmtpd sink).
SMTP_SINK_PORT = 2525


@dataclass
class ServiceProcess:
    package: str
    name: str
    address: str
    database_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None


@dataclass
class Suite:
    """The four services and the simulators running as child processes."""

    state_dir: Path
    pg_url: str | None = None  # admin URL of an existing server; None = embedded
    database_prefix: str = "postloan"
    host: str = "127.0.0.1"
    free_ports: bool = False  # tests: pick unused ports so a suite can run beside `make run`
    extra_env: dict[str, str] = field(default_factory=dict)
    packages: Sequence[str] = tuple(SERVICES)
    pg: PostgresServer | None = None
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    # Simulators of external systems, keyed like SIMULATORS ("bureau", "channels"); started
    # before the services, which find them through POSTLOAN_<KEY>_ADDRESS.
    simulator_keys: Sequence[str] = tuple(SIMULATORS)
    simulators: dict[str, ServiceProcess] = field(default_factory=dict)
    # A local SMTP sink (aiosmtpd, discarding every message) for collection's e-mail channel;
    # the services find it through POSTLOAN_SMTP_HOST / POSTLOAN_SMTP_PORT.
    smtp_sink: bool = True
    smtp: ServiceProcess | None = None

    def env_for(self, svc: ServiceProcess) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.extra_env)
        env.update(
            DATABASE_URL=svc.database_url,
            POSTLOAN_GRPC_HOST=self.host,
            POSTLOAN_GRPC_PORT=svc.address.rsplit(":", 1)[1],
            POSTLOAN_KEYS_DIR=str(self.keys_dir),
            OTEL_SERVICE_NAME=svc.name,
            POSTLOAN_CLOCK_OFFSET_FILE=str(self.clock_offset_file),
        )
        for other in [*self.services.values(), *self.simulators.values()]:
            env[f"POSTLOAN_{other.package.upper()}_ADDRESS"] = other.address
        if self.smtp is not None:
            host, port = self.smtp.address.rsplit(":", 1)
            env.update(POSTLOAN_SMTP_HOST=host, POSTLOAN_SMTP_PORT=port)
        return env

    @property
    def keys_dir(self) -> Path:
        return self.state_dir / "keys"

    @property
    def clock_offset_file(self) -> Path:
        """The shift of the system clock every process of the suite reads (zero but while the
        demo replays past business days; ``postloan_runtime.clock.ClockOffsetFile``)."""
        from postloan_runtime.clock import CLOCK_OFFSET_FILE_NAME

        return self.state_dir / CLOCK_OFFSET_FILE_NAME

    async def start(self, progress: Progress = lambda _: None, timeout: float = 120) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        import datetime as dt

        from postloan_runtime.clock import ClockOffsetFile

        # A demo killed mid-run may have left the clock shifted: the suite starts on real time.
        ClockOffsetFile(self.clock_offset_file).set_offset(dt.timedelta(0))
        from postloan_runtime.auth import generate_dev_keys

        generate_dev_keys(self.keys_dir)
        progress("keys ready")
        for key in self.simulator_keys:
            name, port = SIMULATORS[key]
            port = unused_port(self.host) if self.free_ports else port
            self.simulators[key] = ServiceProcess(
                package=key, name=name, address=f"{self.host}:{port}", database_url=""
            )
        for key in self.simulators:
            self.start_simulator(key)
            progress(f"started {self.simulators[key].name} on {self.simulators[key].address}")
        if self.smtp_sink:
            self.start_smtp_sink()
            progress(f"started smtp-sink on {self.smtp.address}")  # type: ignore[union-attr]
        if self.pg_url:
            self.pg = PostgresServer(admin_url=self.pg_url)
        else:
            progress("starting embedded PostgreSQL")
            self.pg = await asyncio.to_thread(start_embedded, self.state_dir / "pgdata")
        for package in self.packages:
            name, port = SERVICES[package]
            url = await self.pg.ensure_database(f"{self.database_prefix}_{package}")
            if self.free_ports:
                port = unused_port(self.host)
            self.services[package] = ServiceProcess(
                package=package,
                name=name,
                address=f"{self.host}:{port}",
                database_url=url,
            )
        progress("migrating databases")
        await asyncio.gather(*(self._migrate(svc) for svc in self.services.values()))
        await self.wait_serving(timeout=timeout, progress=progress, processes=self.simulators)
        for svc in self.services.values():
            self.start_service(svc.package)
            progress(f"started {svc.name} on {svc.address}")
        await self.wait_serving(timeout=timeout, progress=progress)

    async def _migrate(self, svc: ServiceProcess) -> None:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            svc.package,
            "migrate",
            env=self.env_for(svc),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"migration of {svc.name} failed:\n{out.decode(errors='replace')}")

    def start_service(self, package: str) -> None:
        """Start (or restart) one service process; its output goes to a log file."""
        svc = self.services[package]
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        svc.log_path = log_dir / f"{svc.name}.log"
        with open(svc.log_path, "ab") as log:
            svc.process = subprocess.Popen(
                [sys.executable, "-m", package],
                env=self.env_for(svc),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C at the terminal reaches only the supervisor
            )

    def start_simulator(self, key: str) -> None:
        """Start (or restart) one simulator (``python -m postloan_simulators.<key>``)."""
        sim = self.simulators[key]
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        sim.log_path = log_dir / f"{sim.name}.log"
        env = self.env_for(sim)
        del env["DATABASE_URL"]  # simulators keep no database
        with open(sim.log_path, "ab") as log:
            sim.process = subprocess.Popen(
                [sys.executable, "-m", f"postloan_simulators.{key}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_smtp_sink(self) -> None:
        """Start an aiosmtpd sink (``python -m aiosmtpd``, messages discarded) for e-mail."""
        port = unused_port(self.host) if self.free_ports else SMTP_SINK_PORT
        self.smtp = ServiceProcess(
            package="smtp", name="smtp-sink", address=f"{self.host}:{port}", database_url=""
        )
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.smtp.log_path = log_dir / "smtp-sink.log"
        with open(self.smtp.log_path, "ab") as log:
            self.smtp.process = subprocess.Popen(
                [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                 "-l", self.smtp.address],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def process_of(self, name: str) -> ServiceProcess:
        """A service (by package, e.g. ``monitoring``) or a simulator (by key, ``bureau``)."""
        if name in self.services:
            return self.services[name]
        if name in self.simulators:
            return self.simulators[name]
        raise KeyError(f"no service or simulator {name!r} in this suite")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> bool:
        """Send ``sig`` (SIGKILL: no drain, no cleanup; the relay and consumers inside the
        service die with it) to one service or simulator and wait until it has exited; False
        when it was not running."""
        proc = self.process_of(name).process
        if proc is None or proc.poll() is not None:
            return False
        proc.send_signal(sig)
        proc.wait(timeout=60)
        return True

    async def restart(self, name: str, timeout: float = 60) -> None:
        """Start a killed service or simulator again on the same address (and database), and
        wait until it answers SERVING."""
        target = self.process_of(name)
        if target.process is not None and target.process.poll() is None:
            raise RuntimeError(f"{target.name} is still running")
        if name in self.services:
            self.start_service(name)
        else:
            self.start_simulator(name)
        await self.wait_serving(timeout=timeout, processes={name: target})

    async def wait_serving(
        self,
        timeout: float = 120,
        progress: Progress = lambda _: None,
        processes: dict[str, ServiceProcess] | None = None,
    ) -> None:
        """Wait until every one of ``processes`` (default: the services) answers SERVING."""
        group = self.services if processes is None else processes
        deadline = time.monotonic() + timeout
        pending = set(group)
        while pending:
            for package in list(pending):
                svc = group[package]
                if svc.process and svc.process.poll() is not None:
                    raise RuntimeError(
                        f"{svc.name} exited with {svc.process.returncode}; see {svc.log_path}"
                    )
                if await health_status(svc.address) == health_pb2.HealthCheckResponse.SERVING:
                    pending.discard(package)
                    progress(f"{svc.name} SERVING")
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not SERVING after {timeout}s: {sorted(pending)}")
            if pending:
                await asyncio.sleep(0.2)

    def stop(self, grace: float = 30) -> None:
        """SIGTERM every service, wait for each to drain, then the simulators (services may
        still be calling them while they drain), then stop the embedded server."""
        smtp = {"smtp": self.smtp} if self.smtp is not None else {}
        for group in (self.services, self.simulators, smtp):
            for svc in group.values():
                if svc.process and svc.process.poll() is None:
                    svc.process.send_signal(signal.SIGTERM)
            for svc in group.values():
                if svc.process:
                    try:
                        svc.process.wait(timeout=grace)
                    except subprocess.TimeoutExpired:
                        svc.process.kill()
                        svc.process.wait()
        if self.pg is not None:
            self.pg.stop()


def unused_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def health_status(address: str, service: str = "", timeout: float = 1.0) -> int:
    """The grpc.health.v1 status of ``service`` at ``address`` (UNKNOWN when unreachable)."""
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            reply = await stub.Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout
            )
            return int(reply.status)
    except grpc.aio.AioRpcError:
        return int(health_pb2.HealthCheckResponse.UNKNOWN)
