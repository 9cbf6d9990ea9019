"""Registering a service's gRPC servicers. RPCs whose implementation has not landed yet are
served by the generated base servicer, which answers UNIMPLEMENTED: nothing pretends to work."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import grpc


def service_full_names(pb2_module: ModuleType) -> list[str]:
    """Fully-qualified names of the gRPC services a ``*_pb2`` module declares."""
    return [svc.full_name for svc in pb2_module.DESCRIPTOR.services_by_name.values()]


def add_servicers(
    server: grpc.aio.Server,
    pb2_module: ModuleType,
    pb2_grpc_module: ModuleType,
    implementations: dict[str, Any] | None = None,
) -> None:
    """Add one servicer per service declared in ``pb2_module``: the implementation given by
    short service name (e.g. ``"LoanService"``), else the generated UNIMPLEMENTED base."""
    implementations = dict(implementations or {})
    for name in pb2_module.DESCRIPTOR.services_by_name:
        servicer = implementations.pop(name, None)
        if servicer is None:
            servicer = getattr(pb2_grpc_module, f"{name}Servicer")()
        getattr(pb2_grpc_module, f"add_{name}Servicer_to_server")(servicer, server)
    if implementations:
        raise ValueError(f"no such services in {pb2_module.__name__}: {sorted(implementations)}")
