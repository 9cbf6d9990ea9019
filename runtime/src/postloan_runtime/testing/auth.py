"""Test helpers for authn/authz: enumerate a service's RPCs with their declared permissions,
and mint tokens from a generated keys folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from google.protobuf import descriptor_pool

from postloan_runtime.auth import (
    SERVICE_ROLE_PREFIX,
    mint_person_token,
    mint_service_token,
    required_permission,
)


@dataclass(frozen=True)
class MethodPermission:
    """One RPC: ``/pkg.Service/Method`` path, streaming shape and declared permission."""

    path: str
    client_streaming: bool
    server_streaming: bool
    permission: str | None
    input_type: str
    output_type: str


def all_methods(service_full_name: str) -> list[MethodPermission]:
    """Every method of ``service_full_name`` (its generated ``*_pb2`` module must be imported)
    with the permission it declares (None when it declares none: the server refuses it)."""
    service = descriptor_pool.Default().FindServiceByName(service_full_name)
    methods = []
    for method in service.methods:
        path = f"/{service.full_name}/{method.name}"
        methods.append(
            MethodPermission(
                path=path,
                client_streaming=method.client_streaming,
                server_streaming=method.server_streaming,
                permission=required_permission(path),
                input_type=method.input_type.full_name,
                output_type=method.output_type.full_name,
            )
        )
    return methods


def token_for(
    keys_dir: str | os.PathLike[str],
    roles: Sequence[str],
    *,
    subject: str = "test-operator",
    ttl: timedelta | float = timedelta(minutes=10),
) -> str:
    """A valid token for ``roles``: a single ``service:<kebab>`` role gets that service's own
    identity token; anything else a person's token from the issuer key."""
    if len(roles) == 1 and roles[0].startswith(SERVICE_ROLE_PREFIX):
        return mint_service_token(keys_dir, roles[0][len(SERVICE_ROLE_PREFIX):], ttl)
    return mint_person_token(keys_dir, subject=subject, roles=roles, ttl=ttl)


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata carrying ``token``."""
    return (("authorization", f"Bearer {token}"),)
