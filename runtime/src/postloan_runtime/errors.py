"""The domain error model: refusals a use case raises, independent of gRPC.

Pure Python on purpose (no grpc, no protobuf, no sqlalchemy): domain and service-layer code
raise these, and :mod:`postloan_runtime.grpc_errors` is the one place that turns them into a
``google.rpc.Status`` (AIP-193: ``ErrorInfo`` reason/domain/metadata, ``BadRequest`` field
violations).

**No personal data in errors.** Every message, field description, reason and metadata value
defined here travels to the caller and into logs. They must never contain a borrower's name,
ID number, phone number, address, bank card or any free text a person typed. Name the field
and the rule it broke ("must be 18 digits"), never the value; identify resources by opaque ids
(loan id, case id), never by a national ID number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")


class Reason:
    """Shared ``ErrorInfo.reason`` values: ``postloan.common.v1.ErrorReason`` names without the
    ``ERROR_REASON_`` prefix. Services add their own UPPER_SNAKE reasons for FailedPrecondition
    refusals and document them on the RPC."""

    INVALID_REQUEST = "INVALID_REQUEST"
    REQUEST_ID_REUSED = "REQUEST_ID_REUSED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    CONCURRENT_MODIFICATION = "CONCURRENT_MODIFICATION"
    DEPENDENCY_UNAVAILABLE = "DEPENDENCY_UNAVAILABLE"
    NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
    # Not in the shared enum: these codes' reasons are fixed by the error kind.
    ALREADY_EXISTS = "ALREADY_EXISTS"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    INTERNAL = "INTERNAL"


def is_upper_snake(reason: str) -> bool:
    """True for ``UPPER_SNAKE`` names such as ``LOAN_ALREADY_SETTLED``."""
    return bool(_UPPER_SNAKE.match(reason))


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request (AIP-193 ``BadRequest.FieldViolation``).

    ``field`` is a path in the request as the client wrote it, e.g. ``amount.minor_units`` or
    ``installments[3].due_date``; ``description`` says which rule it broke, never its value.
    """

    field: str
    description: str


class DomainError(Exception):
    """A refusal the caller can act on. Subclasses fix the gRPC code (see grpc_errors.py).

    Attributes travel to the client: ``message`` (human-readable, English), ``reason``
    (``ErrorInfo.reason``, UPPER_SNAKE, machine-readable) and ``metadata`` (``ErrorInfo``
    metadata, string to string). None of them may contain personal data (see module docstring).
    """

    default_reason: ClassVar[str] = Reason.INVALID_REQUEST

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        reason = reason or self.default_reason
        if not is_upper_snake(reason):
            raise ValueError(f"error reason must be UPPER_SNAKE, got {reason!r}")
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in (metadata or {}).items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, message={self.message!r})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form (stored with an idempotency key so a retry gets the same refusal)."""
        data: dict[str, Any] = {
            "kind": type(self).__name__,
            "message": self.message,
            "reason": self.reason,
            "metadata": dict(self.metadata),
        }
        if isinstance(self, InvalidArgument):
            data["violations"] = [
                {"field": v.field, "description": v.description} for v in self.violations
            ]
        return data


class InvalidArgument(DomainError):
    """The request itself is wrong; ``violations`` names each bad field (INVALID_ARGUMENT)."""

    default_reason = Reason.INVALID_REQUEST

    def __init__(
        self,
        violations: Iterable[FieldViolation],
        *,
        message: str | None = None,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        self.violations: list[FieldViolation] = list(violations)
        if not self.violations:
            raise ValueError("InvalidArgument needs at least one field violation")
        if message is None:
            fields = ", ".join(dict.fromkeys(v.field for v in self.violations))
            message = f"invalid request: {fields}"
        super().__init__(message, reason=reason, metadata=metadata)


class FailedPrecondition(DomainError):
    """The request is well-formed but the system's state refuses it, e.g. repaying a settled
    loan (FAILED_PRECONDITION). ``reason`` is a service-specific UPPER_SNAKE name the caller
    can branch on; ``metadata`` carries the facts (ids, states, amounts in fen), never PII."""

    def __init__(
        self, reason: str, message: str, metadata: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message, reason=reason, metadata=metadata)


class NotFound(DomainError):
    """The named resource does not exist (NOT_FOUND). ``id`` must be an opaque id."""

    default_reason = Reason.NOT_FOUND

    def __init__(self, resource: str, id: str, *, message: str | None = None) -> None:  # noqa: A002
        self.resource = resource
        self.id = id
        super().__init__(
            message or f"{resource} {id} not found",
            metadata={"resource": resource, "id": id},
        )


class AlreadyExists(DomainError):
    """Creating a resource whose id is taken (ALREADY_EXISTS). ``id`` must be an opaque id."""

    default_reason = Reason.ALREADY_EXISTS

    def __init__(self, resource: str, id: str, *, message: str | None = None) -> None:  # noqa: A002
        self.resource = resource
        self.id = id
        super().__init__(
            message or f"{resource} {id} already exists",
            metadata={"resource": resource, "id": id},
        )


class Aborted(DomainError):
    """A concurrent modification won (optimistic concurrency); the caller may re-read and
    retry (ABORTED)."""

    default_reason = Reason.CONCURRENT_MODIFICATION

    def __init__(
        self,
        message: str = "concurrent modification; re-read and retry",
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message, metadata=metadata)


class Unavailable(DomainError):
    """A dependency (database, peer service, credit bureau) cannot be reached; retry later
    (UNAVAILABLE). ``dependency`` is a kebab-case name such as ``bureau-simulator``."""

    default_reason = Reason.DEPENDENCY_UNAVAILABLE

    def __init__(self, dependency: str, message: str | None = None) -> None:
        self.dependency = dependency
        super().__init__(
            message or f"{dependency} is unavailable; retry later",
            metadata={"dependency": dependency},
        )


class DeadlineExceeded(DomainError):
    """The work could not finish in time, typically a dependency too slow (DEADLINE_EXCEEDED)."""

    default_reason = Reason.DEADLINE_EXCEEDED

    def __init__(
        self, message: str = "deadline exceeded", *, dependency: str | None = None
    ) -> None:
        self.dependency = dependency
        super().__init__(message, metadata={"dependency": dependency} if dependency else None)


class Unauthenticated(DomainError):
    """No valid credential was presented (UNAUTHENTICATED). Never say why a token failed in a
    way that helps an attacker beyond "missing", "expired" or "invalid"."""

    default_reason = Reason.UNAUTHENTICATED

    def __init__(self, message: str = "a valid credential is required") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    """The caller is known but lacks ``permission`` (PERMISSION_DENIED)."""

    default_reason = Reason.PERMISSION_DENIED

    def __init__(self, permission: str, message: str | None = None) -> None:
        self.permission = permission
        super().__init__(
            message or f"permission {permission} is required",
            metadata={"permission": permission},
        )


class NotImplementedYet(DomainError):
    """The RPC is part of the v1 contract but not built in this version (UNIMPLEMENTED)."""

    default_reason = Reason.NOT_IMPLEMENTED

    def __init__(self, method: str, message: str | None = None) -> None:
        self.method = method
        super().__init__(
            message or f"{method} is not implemented yet", metadata={"method": method}
        )


def error_from_dict(data: Mapping[str, Any]) -> DomainError:
    """Rebuild a refusal written by :meth:`DomainError.to_dict` (same kind, reason, metadata,
    message and violations)."""
    kinds: dict[str, type[DomainError]] = {
        cls.__name__: cls
        for cls in (
            InvalidArgument,
            FailedPrecondition,
            NotFound,
            AlreadyExists,
            Aborted,
            Unavailable,
            DeadlineExceeded,
            Unauthenticated,
            PermissionDenied,
            NotImplementedYet,
        )
    }
    cls = kinds.get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"unknown domain error kind {data.get('kind')!r}")
    error: DomainError
    if cls is InvalidArgument:
        error = InvalidArgument(
            [FieldViolation(v["field"], v["description"]) for v in data["violations"]],
            message=data["message"],
        )
    else:
        # Bypass the per-kind constructors: the stored fields are already final.
        error = cls.__new__(cls)
        DomainError.__init__(error, data["message"])
    error.reason = data["reason"]
    error.metadata = dict(data.get("metadata") or {})
    attributes = {
        NotFound: ("resource", "id"),
        AlreadyExists: ("resource", "id"),
        Unavailable: ("dependency",),
        DeadlineExceeded: ("dependency",),
        PermissionDenied: ("permission",),
        NotImplementedYet: ("method",),
    }
    for attribute in attributes.get(cls, ()):
        setattr(error, attribute, error.metadata.get(attribute))
    return error
