"""Settings read from the environment once at start-up (see docs/conventions.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Service catalogue: Python package -> (kebab name, default gRPC port).
SERVICES: dict[str, tuple[str, int]] = {
    "credit_inquiry": ("credit-inquiry", 50051),
    "monitoring": ("monitoring", 50052),
    "collection": ("collection", 50053),
    "restructuring": ("restructuring", 50054),
}
SIMULATORS: dict[str, tuple[str, int]] = {
    "bureau": ("bureau-simulator", 50061),
    "channels": ("channel-simulator", 50062),
}


def kebab_name(package: str) -> str:
    """The kebab-case name of a service package (``credit_inquiry`` -> ``credit-inquiry``)."""
    return SERVICES[package][0]


def keys_dir() -> Path:
    return Path(os.environ.get("POSTLOAN_KEYS_DIR", ".postloan/keys"))


def peer_address(package: str) -> str:
    """Where a peer service or simulator (``bureau``, ``channels``) listens:
    ``POSTLOAN_<PACKAGE>_ADDRESS`` or loopback + its default port."""
    env = f"POSTLOAN_{package.upper()}_ADDRESS"
    port = SERVICES[package][1] if package in SERVICES else SIMULATORS[package][1]
    return os.environ.get(env, f"127.0.0.1:{port}")


@dataclass(frozen=True)
class ServiceSettings:
    """What a service process needs to start."""

    package: str
    name: str
    database_url: str
    grpc_host: str
    grpc_port: int
    shutdown_grace_seconds: float

    @classmethod
    def from_env(cls, package: str) -> ServiceSettings:
        name, port = SERVICES[package]
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            raise SystemExit(
                f"{name}: DATABASE_URL is not set; start the suite with `make run` "
                "(embedded PostgreSQL) or set it to postgresql+asyncpg://…"
            )
        return cls(
            package=package,
            name=name,
            database_url=async_database_url(url),
            grpc_host=os.environ.get("POSTLOAN_GRPC_HOST", "127.0.0.1"),
            grpc_port=int(os.environ.get("POSTLOAN_GRPC_PORT", port)),
            shutdown_grace_seconds=float(os.environ.get("POSTLOAN_SHUTDOWN_GRACE_SECONDS", "15")),
        )


def async_database_url(url: str) -> str:
    """Accept ``postgresql://`` URLs and use the asyncpg driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url
