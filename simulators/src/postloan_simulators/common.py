"""What both simulators share: fault injection, keyed hashing, request idempotency held in
process memory, command-line/environment settings and the serve entry point.

The simulators keep no database: whatever they remember (identity files, sent messages,
idempotent answers) lives in process memory and is gone when the process stops. That is the
simulated external system's own state, never a postloan store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import random
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import grpc
from google.protobuf.message import Message

from postloan_runtime import event_loop
from postloan_runtime.config import SIMULATORS
from postloan_runtime.errors import DeadlineExceeded, FieldViolation, InvalidArgument, Reason
from postloan_runtime.errors import Unavailable as DependencyUnavailable

log = logging.getLogger(__name__)

# A simulated hang without a caller deadline ends after this long (seconds).
HANG_WITHOUT_DEADLINE_SECONDS = 30.0
# How many idempotent answers each simulator remembers (oldest forgotten first).
IDEMPOTENCY_CAPACITY = 100_000


# --- faults ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultProfile:
    """Simulated faults. Latencies in milliseconds; rates are shares of calls, 0..1.

    - ``outage``: every call is answered UNAVAILABLE at once.
    - ``latency_ms`` + a uniform ``0..jitter_ms``: added before answering. A latency longer
      than the caller's deadline gives the caller DEADLINE_EXCEEDED.
    - ``timeout_rate``: share of calls that hang until just past the caller's deadline.
    - ``error_rate``: share of calls answered UNAVAILABLE (after the latency).
    - ``seed``: seed of the fault random generator, so a run's faults repeat.
    """

    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: Decimal = Decimal(0)
    timeout_rate: Decimal = Decimal(0)
    outage: bool = False
    seed: int = 0


class FaultInjector:
    """Applies a :class:`FaultProfile` before each simulated call; the profile can be replaced
    while the process runs."""

    def __init__(self, dependency: str, profile: FaultProfile | None = None) -> None:
        self.dependency = dependency
        self.profile = profile or FaultProfile()
        self._random = random.Random(self.profile.seed)

    def configure(self, profile: FaultProfile) -> FaultProfile:
        """Replace the profile (and restart the fault random generator from its seed)."""
        self.profile = profile
        self._random = random.Random(profile.seed)
        log.info(
            "faults configured",
            extra={
                "latency_ms": profile.latency_ms,
                "jitter_ms": profile.jitter_ms,
                "error_rate": str(profile.error_rate),
                "timeout_rate": str(profile.timeout_rate),
                "outage": profile.outage,
                "fault_seed": profile.seed,
            },
        )
        return profile

    async def before_call(self, context: grpc.aio.ServicerContext) -> None:
        """Sleep and/or raise as the profile says; returns when the call may be answered."""
        profile = self.profile
        if profile.outage:
            raise DependencyUnavailable(self.dependency, f"{self.dependency}: simulated outage")
        # Draw every number up front so a call consumes the same draws whatever happens.
        jitter = self._random.uniform(0, profile.jitter_ms) if profile.jitter_ms else 0.0
        hang = self._random.random() < profile.timeout_rate
        fail = self._random.random() < profile.error_rate
        if hang:
            remaining = context.time_remaining()
            wait = HANG_WITHOUT_DEADLINE_SECONDS if remaining is None else remaining + 0.05
            await asyncio.sleep(max(0.0, min(wait, HANG_WITHOUT_DEADLINE_SECONDS)))
            raise DeadlineExceeded(
                f"{self.dependency}: simulated timeout", dependency=self.dependency
            )
        delay = (profile.latency_ms + jitter) / 1000
        if delay > 0:
            await asyncio.sleep(delay)
        if fail:
            raise DependencyUnavailable(
                self.dependency, f"{self.dependency}: simulated transient error"
            )


# --- keyed hashing -----------------------------------------------------------------------------


def keyed_digest(key: bytes, *parts: str) -> bytes:
    """HMAC-SHA256 of ``parts`` (joined unambiguously) under ``key``."""
    message = b"\x1f".join(part.encode() for part in parts)
    return hmac.new(key, message, hashlib.sha256).digest()


def keyed_seed(key: bytes, *parts: str) -> int:
    """A 64-bit seed derived from ``parts`` under ``key`` (same parts, same seed)."""
    return int.from_bytes(keyed_digest(key, *parts)[:8], "big")


# --- idempotency in memory ---------------------------------------------------------------------

ResponseT = TypeVar("ResponseT", bound=Message)


def request_fingerprint(request: Message) -> bytes:
    """SHA-256 of the request's deterministic serialization with ``request_id`` cleared."""
    copy = type(request)()
    copy.CopyFrom(request)
    copy.ClearField("request_id")  # type: ignore[arg-type]
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).digest()


class IdempotentAnswers(Generic[ResponseT]):
    """``request_id`` -> the answer given, for the process lifetime (bounded, oldest first
    out). A retry gets the same answer; the same id with another request is refused."""

    def __init__(self, capacity: int = IDEMPOTENCY_CAPACITY) -> None:
        self._answers: OrderedDict[str, tuple[bytes, ResponseT]] = OrderedDict()
        self._capacity = capacity
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def claim(self, request_id: str) -> Any:
        """Serialize concurrent calls with the same ``request_id``."""
        lock = self._locks.setdefault(request_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._locks.get(request_id) is lock:
                del self._locks[request_id]

    def answered(self, request_id: str, request: Message) -> ResponseT | None:
        stored = self._answers.get(request_id)
        if stored is None:
            return None
        fingerprint, response = stored
        if fingerprint != request_fingerprint(request):
            raise InvalidArgument(
                [FieldViolation("request_id", "was already used for a different request")],
                message="request_id was already used for a different request",
                reason=Reason.REQUEST_ID_REUSED,
            )
        return response

    def remember(self, request_id: str, request: Message, response: ResponseT) -> None:
        self._answers[request_id] = (request_fingerprint(request), response)
        while len(self._answers) > self._capacity:
            self._answers.popitem(last=False)


# --- settings ----------------------------------------------------------------------------------


def _env_decimal(value: str, name: str) -> Decimal:
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        raise SystemExit(f"{name}: not a decimal number") from None
    if not (Decimal(0) <= parsed <= Decimal(1)):
        raise SystemExit(f"{name}: must be between 0 and 1")
    return parsed


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SimulatorSettings:
    """Where a simulator listens, its start-up faults and its extra options."""

    name: str  # kebab, e.g. bureau-simulator
    host: str
    port: int
    shutdown_grace_seconds: float
    faults: FaultProfile
    options: argparse.Namespace


def parse_settings(
    simulator: str,
    argv: Sequence[str] | None = None,
    *,
    add_options: Callable[[argparse.ArgumentParser, Callable[[str, str], str]], None] = (
        lambda parser, env: None
    ),
    description: str = "",
) -> SimulatorSettings:
    """Settings from the command line, defaulting to environment variables
    ``POSTLOAN_<SIMULATOR>_SIMULATOR_*`` (e.g. ``POSTLOAN_BUREAU_SIMULATOR_LATENCY_MS``) and the
    shared ``POSTLOAN_GRPC_HOST`` / ``POSTLOAN_GRPC_PORT`` / ``POSTLOAN_SHUTDOWN_GRACE_SECONDS``.
    ``simulator`` is a key of ``postloan_runtime.config.SIMULATORS`` (``bureau``,
    ``channels``)."""
    name, default_port = SIMULATORS[simulator]
    prefix = "POSTLOAN_" + name.removesuffix("-simulator").upper().replace("-", "_")
    prefix += "_SIMULATOR_"

    def env(key: str, default: str) -> str:
        return os.environ.get(prefix + key, default)

    parser = argparse.ArgumentParser(
        prog=f"python -m postloan_simulators.{simulator}", description=description
    )
    parser.add_argument("--host", default=os.environ.get("POSTLOAN_GRPC_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("POSTLOAN_GRPC_PORT", default_port))
    )
    parser.add_argument(
        "--latency-ms", type=int, default=int(env("LATENCY_MS", "0")),
        help=f"fixed latency added to every call, ms (env {prefix}LATENCY_MS)",
    )
    parser.add_argument(
        "--jitter-ms", type=int, default=int(env("JITTER_MS", "0")),
        help=f"plus a uniform random 0..N ms (env {prefix}JITTER_MS)",
    )
    parser.add_argument(
        "--error-rate", default=env("ERROR_RATE", "0"),
        help=f"share of calls answered UNAVAILABLE, 0..1 (env {prefix}ERROR_RATE)",
    )
    parser.add_argument(
        "--timeout-rate", default=env("TIMEOUT_RATE", "0"),
        help=f"share of calls hanging past the caller's deadline, 0..1 (env {prefix}TIMEOUT_RATE)",
    )
    parser.add_argument(
        "--outage", action="store_true", default=_truthy(env("OUTAGE", "false")),
        help=f"answer every call UNAVAILABLE (env {prefix}OUTAGE=true)",
    )
    parser.add_argument(
        "--fault-seed", type=int, default=int(env("FAULT_SEED", "0")),
        help=f"seed of the fault random generator (env {prefix}FAULT_SEED)",
    )
    add_options(parser, env)
    args = parser.parse_args(argv)
    if args.latency_ms < 0 or args.jitter_ms < 0:
        raise SystemExit("--latency-ms and --jitter-ms must not be negative")
    faults = FaultProfile(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=_env_decimal(args.error_rate, "--error-rate"),
        timeout_rate=_env_decimal(args.timeout_rate, "--timeout-rate"),
        outage=args.outage,
        seed=args.fault_seed,
    )
    return SimulatorSettings(
        name=name,
        host=args.host,
        port=args.port,
        shutdown_grace_seconds=float(os.environ.get("POSTLOAN_SHUTDOWN_GRACE_SECONDS", "15")),
        faults=faults,
        options=args,
    )


def run_simulator(
    settings: SimulatorSettings,
    service_names: Sequence[str],
    register: Callable[[grpc.aio.Server], None],
) -> None:
    """Serve with the shared runtime's server (health, reflection, auth, error mapping,
    telemetry and JSON logs) until SIGTERM/SIGINT, then drain and exit 0."""
    from postloan_runtime.logs import configure_logging
    from postloan_runtime.server import serve_standalone

    configure_logging(settings.name)
    log.info(
        "starting: this is a SIMULATOR of an external system, serving synthetic data",
        extra={"simulator": settings.name, "faults": _describe(settings.faults)},
    )
    event_loop.run(
        serve_standalone(
            settings.name,
            service_names,
            register,
            host=settings.host,
            port=settings.port,
            shutdown_grace_seconds=settings.shutdown_grace_seconds,
        )
    )


def _describe(profile: FaultProfile) -> dict[str, Any]:
    return {
        "latency_ms": profile.latency_ms,
        "jitter_ms": profile.jitter_ms,
        "error_rate": str(profile.error_rate),
        "timeout_rate": str(profile.timeout_rate),
        "outage": profile.outage,
        "seed": profile.seed,
    }


__all__ = [
    "FaultInjector",
    "FaultProfile",
    "IdempotentAnswers",
    "SimulatorSettings",
    "keyed_digest",
    "keyed_seed",
    "parse_settings",
    "request_fingerprint",
    "run_simulator",
]
