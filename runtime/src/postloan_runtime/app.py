"""What a service hands the shared server: its servicers, background workers and schema.

Each service's ``entrypoints/app.py`` builds a :class:`ServiceApp`; ``python -m <pkg>`` passes it
to :func:`postloan_runtime.server.serve`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import grpc
    from sqlalchemy import MetaData
    from sqlalchemy.ext.asyncio import AsyncEngine

    from postloan_runtime.config import ServiceSettings


@dataclass
class RunningService:
    """Handles a running service's servicers and workers share (built by the server)."""

    settings: ServiceSettings
    engine: AsyncEngine
    # Free-form slots for service-specific singletons (clients of peers, adapters).
    extras: dict[str, Any] = field(default_factory=dict)


# Adds the service's servicers to the server.
Registrar = Callable[["grpc.aio.Server", RunningService], None]
# A background loop (event consumer, relay, expiry sweeper); cancelled on shutdown.
Worker = Callable[[RunningService], Awaitable[None]]


@dataclass
class ServiceApp:
    """A service as the shared server sees it."""

    package: str  # Python package, e.g. "monitoring"
    metadata: MetaData  # the service's schema, runtime tables included
    service_names: Sequence[str]  # fully-qualified gRPC service names it serves
    register: Registrar
    workers: Sequence[Worker] = ()
