"""Authentication and authorization.

Every RPC declares the permission it needs in its proto (``postloan.common.v1.
required_permission``). Callers present ``authorization: Bearer <JWT>`` metadata: an EdDSA
(Ed25519) token signed by a key in the trusted JWKS (``POSTLOAN_AUTH_TRUSTED_KEYS``).

- People and frontends: signed by an issuer key (kid ``issuer`` or ``issuer-…``), ``iss`` =
  ``postloan-issuer``, ``kind`` = ``person``, ``sub`` = the operator id, ``roles`` = business
  roles (never a ``service:`` role).
- Services: signed by the service's own key (kid = its kebab name), ``iss`` = kebab name,
  ``kind`` = ``service``, ``sub`` and the only role = ``service:<kebab>``. A service key can only
  vouch for that service.

``aud`` is ``postloan``; ``exp`` and ``iat`` are required, ``iat`` not in the future and
``exp - iat`` at most ``POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS`` (12 h). Health and
reflection stay open; everything else is default deny: unknown method or no declared
permission -> PERMISSION_DENIED, no valid token -> UNAUTHENTICATED, role lacks the permission
-> PERMISSION_DENIED.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from google.protobuf import descriptor_pool
from jwt.algorithms import OKPAlgorithm

from postloan_runtime._handlers import refusing_handler, wrap_handler
from postloan_runtime.config import SERVICES, SIMULATORS, keys_dir

log = logging.getLogger(__name__)

AUDIENCE = "postloan"
PERSON_ISSUER = "postloan-issuer"
ISSUER_KID = "issuer"
ALGORITHM = "EdDSA"
CLOCK_SKEW_SECONDS = 10
# The longest a token may be valid from its issue (exp - iat): a working shift and a margin. A
# leaked token stops working within this, whatever ``exp`` its minter chose.
MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600
SERVICE_ROLE_PREFIX = "service:"
PERSON = "person"
SERVICE = "service"

# RPCs any caller may use without a credential (Kubernetes probes, grpcurl, buf curl).
OPEN_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)


@dataclass(frozen=True)
class Caller:
    """The verified caller of the current RPC. ``subject`` is an operator id or
    ``service:<kebab>``; it is what audit records name as the requesting operator."""

    subject: str
    roles: tuple[str, ...]
    kind: str  # "person" | "service"


_current_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "postloan_current_caller", default=None
)


def current_caller() -> Caller:
    """The verified caller of the RPC being handled (set by :class:`AuthInterceptor`).
    Raises ``RuntimeError`` outside an authenticated call."""
    caller = _current_caller.get()
    if caller is None:
        raise RuntimeError("no authenticated caller in this context")
    return caller


def current_caller_or_none() -> Caller | None:
    return _current_caller.get()


class _CallerScope:
    # A plain class rather than @contextmanager: it is entered on every authenticated call.
    __slots__ = ("_caller", "_token")

    def __init__(self, caller: Caller) -> None:
        self._caller = caller
        self._token: contextvars.Token[Caller | None] | None = None

    def __enter__(self) -> Caller:
        self._token = _current_caller.set(self._caller)
        return self._caller

    def __exit__(self, *exc_info: object) -> None:
        token, self._token = self._token, None
        try:
            if token is not None:
                _current_caller.reset(token)
        except ValueError:  # left in another context (async generator resumed elsewhere)
            _current_caller.set(None)


def caller_scope(caller: Caller) -> AbstractContextManager[Caller]:
    """Act as ``caller`` inside the ``with`` block (workers acting as their service; tests)."""
    return _CallerScope(caller)


# --- permissions declared in the contract ------------------------------------------------------

_permission_cache: dict[str, str | None] = {}


def method_descriptor_name(full_method: str) -> str:
    """``/pkg.Service/Method`` -> ``pkg.Service.Method``."""
    return full_method.lstrip("/").replace("/", ".")


def required_permission(full_method: str) -> str | None:
    """The permission ``/pkg.Service/Method`` declares, or None when the method is unknown to
    the descriptor pool or declares none. Found methods are cached."""
    if full_method in _permission_cache:
        return _permission_cache[full_method]
    from postloan.common.v1 import options_pb2

    try:
        method = descriptor_pool.Default().FindMethodByName(method_descriptor_name(full_method))
    except KeyError:
        return None  # not cached: its module may be imported later
    options = method.GetOptions()
    permission = options.Extensions[options_pb2.required_permission] or None
    _permission_cache[full_method] = permission
    return permission


def is_open_method(full_method: str) -> bool:
    return full_method.startswith(OPEN_METHOD_PREFIXES)


def is_granted(permission: str, granted: Iterable[str]) -> bool:
    """True when ``granted`` holds ``permission`` exactly, ``*``, or a ``prefix.*`` pattern."""
    for item in granted:
        if item == permission or item == "*":
            return True
        if item.endswith(".*") and permission.startswith(item[:-1]):
            return True
    return False


def _default_policy(roles: Sequence[str]) -> frozenset[str]:
    from postloan_runtime.roles import permissions_for

    return frozenset(permissions_for(roles))


# --- keys ------------------------------------------------------------------------------------


def service_kebab_names() -> list[str]:
    """Every identity that gets its own key: the four services and the simulators."""
    return [name for name, _ in SERVICES.values()] + [name for name, _ in SIMULATORS.values()]


def generate_dev_keys(keys_dir: str | os.PathLike[str]) -> list[Path]:
    """Write local development keys into ``keys_dir`` (mode 0600, existing files kept):
    ``issuer.pem`` (signs people's/frontends' tokens), ``<kebab>.pem`` per service,
    ``trusted.jwks.json`` (their public keys) and ``pii-keys.json`` (field-encryption key ring).
    Returns the files written. Never commit them."""
    from postloan_runtime.pii import new_key_ring, write_key_ring, write_secret

    folder = Path(keys_dir)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    written: list[Path] = []
    for kid in [ISSUER_KID, *service_kebab_names()]:
        path = folder / f"{kid}.pem"
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        if write_secret(path, pem, overwrite=False):
            written.append(path)
    jwks_path = folder / "trusted.jwks.json"
    if written or not jwks_path.exists():
        jwks = build_jwks({p.stem: p for p in sorted(folder.glob("*.pem"))})
        write_secret(jwks_path, json.dumps(jwks, indent=2).encode(), overwrite=True)
        written.append(jwks_path)
    pii_path = folder / "pii-keys.json"
    if write_key_ring(pii_path, new_key_ring()):
        written.append(pii_path)
    return written


def build_jwks(private_keys: Mapping[str, Path]) -> dict[str, Any]:
    """A JWKS holding the public half of each ``kid -> private key PEM``."""
    keys = []
    for kid, path in private_keys.items():
        jwk = OKPAlgorithm.to_jwk(load_private_key(path).public_key(), as_dict=True)
        keys.append({**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def is_issuer_kid(kid: str) -> bool:
    return kid == ISSUER_KID or kid.startswith(ISSUER_KID + "-")


def _ttl_seconds(ttl: timedelta | float) -> float:
    return ttl.total_seconds() if isinstance(ttl, timedelta) else float(ttl)


def mint_token(
    private_key_path: str | os.PathLike[str] | Ed25519PrivateKey,
    kid: str,
    subject: str,
    roles: Sequence[str],
    kind: str,
    ttl: timedelta | float,
    *,
    issuer: str | None = None,
    audience: str = AUDIENCE,
) -> str:
    """Sign a token with the Ed25519 key at ``private_key_path``. ``ttl`` in seconds (or a
    timedelta); negative gives an already expired token (tests). ``issuer`` defaults to
    ``postloan-issuer`` for issuer kids and to ``kid`` for service kids."""
    key = (
        private_key_path
        if isinstance(private_key_path, Ed25519PrivateKey)
        else load_private_key(private_key_path)
    )
    now = int(time.time())
    claims = {
        "iss": issuer or (PERSON_ISSUER if is_issuer_kid(kid) else kid),
        "aud": audience,
        "sub": subject,
        "roles": list(roles),
        "kind": kind,
        "iat": now,
        "exp": now + int(_ttl_seconds(ttl)),
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


def mint_person_token(
    keys_dir: str | os.PathLike[str],
    *,
    subject: str,
    roles: Sequence[str],
    ttl: timedelta | float = timedelta(hours=8),
) -> str:
    """A person's token signed by the local issuer key in ``keys_dir`` (dev and tests)."""
    return mint_token(Path(keys_dir) / f"{ISSUER_KID}.pem", ISSUER_KID, subject, roles, PERSON, ttl)


def mint_service_token(
    keys_dir: str | os.PathLike[str], kebab: str, ttl: timedelta | float = 300
) -> str:
    """A service-identity token for ``kebab`` signed by its key in ``keys_dir``."""
    role = SERVICE_ROLE_PREFIX + kebab
    return mint_token(Path(keys_dir) / f"{kebab}.pem", kebab, role, [role], SERVICE, ttl)


class ServiceIdentity:
    """This service's identity for outgoing calls: a short-lived token signed by its own key,
    cached and re-minted when less than a third of its lifetime is left."""

    def __init__(
        self,
        kebab: str,
        private_key_path: str | os.PathLike[str],
        *,
        ttl: timedelta | float = 300,
    ) -> None:
        self.kebab = kebab
        self._key = load_private_key(private_key_path)
        self._ttl = _ttl_seconds(ttl)
        self._token = ""
        self._refresh_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, service: str) -> ServiceIdentity:
        """``service`` is a package (``credit_inquiry``) or kebab name; the key comes from
        ``POSTLOAN_SERVICE_PRIVATE_KEY`` or ``$POSTLOAN_KEYS_DIR/<kebab>.pem``."""
        kebab = SERVICES[service][0] if service in SERVICES else service
        path = os.environ.get("POSTLOAN_SERVICE_PRIVATE_KEY") or keys_dir() / f"{kebab}.pem"
        return cls(kebab, path)

    @property
    def role(self) -> str:
        return SERVICE_ROLE_PREFIX + self.kebab

    def caller(self) -> Caller:
        return Caller(subject=self.role, roles=(self.role,), kind=SERVICE)

    def token(self) -> str:
        with self._lock:
            now = time.monotonic()
            if not self._token or now >= self._refresh_at:
                self._token = mint_token(
                    self._key, self.kebab, self.role, [self.role], SERVICE, self._ttl
                )
                self._refresh_at = now + self._ttl * 2 / 3
            return self._token

    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token()}"),)


# --- verification ------------------------------------------------------------------------------


class InvalidToken(Exception):
    """The presented token is not acceptable; the message is safe to log (no token content)."""


# Authorization verdicts remembered per (roles, permission) under the static role policy.
DECISION_CACHE_SIZE = 1024
# Verified tokens remembered per verifier (a service caller re-presents one token for minutes).
VERIFIED_TOKEN_CACHE_SIZE = 4096


def max_token_lifetime_seconds() -> float:
    """``POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS`` (default 12 h); a service does not start
    with a value that is not a positive number."""
    raw = os.environ.get("POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS")
    if raw is None:
        return MAX_TOKEN_LIFETIME_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise SystemExit("POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a positive number")
    return value


class TokenVerifier:
    """Verifies tokens against trusted public keys (``kid -> Ed25519PublicKey``).

    A token that verified is remembered (bounded LRU keyed by the token string, so any altered
    byte misses) with its ``exp``: re-presenting it skips the signature check and claim parsing,
    and it is refused from the same moment a full verification would refuse it (``exp`` plus
    the clock-skew leeway). The keys are fixed per verifier, so a cached verdict cannot outlive
    the key that produced it. Refused tokens are never cached.
    """

    def __init__(
        self,
        keys: Mapping[str, Ed25519PublicKey],
        *,
        audience: str = AUDIENCE,
        cache_size: int = VERIFIED_TOKEN_CACHE_SIZE,
        max_lifetime_seconds: float = MAX_TOKEN_LIFETIME_SECONDS,
    ) -> None:
        self._keys = dict(keys)
        self._audience = audience
        self._max_lifetime = max_lifetime_seconds
        self._cache_size = cache_size
        self._verified: OrderedDict[str, tuple[Caller, float]] = OrderedDict()
        self._cache_lock = threading.Lock()

    @classmethod
    def from_jwks(
        cls, jwks: Mapping[str, Any], max_lifetime_seconds: float = MAX_TOKEN_LIFETIME_SECONDS
    ) -> TokenVerifier:
        keys: dict[str, Ed25519PublicKey] = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not jwk.get("kid"):
                continue
            key = OKPAlgorithm.from_jwk(jwk)
            if isinstance(key, Ed25519PublicKey):
                keys[jwk["kid"]] = key
        return cls(keys, max_lifetime_seconds=max_lifetime_seconds)

    @classmethod
    def from_jwks_file(
        cls, path: str | os.PathLike[str], max_lifetime_seconds: float = MAX_TOKEN_LIFETIME_SECONDS
    ) -> TokenVerifier:
        return cls.from_jwks(json.loads(Path(path).read_text()), max_lifetime_seconds)

    @classmethod
    def from_env(cls) -> TokenVerifier:
        """The JWKS named by ``POSTLOAN_AUTH_TRUSTED_KEYS`` (default
        ``$POSTLOAN_KEYS_DIR/trusted.jwks.json``)."""
        path = os.environ.get("POSTLOAN_AUTH_TRUSTED_KEYS") or keys_dir() / "trusted.jwks.json"
        return cls.from_jwks_file(path, max_token_lifetime_seconds())

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def verify(self, token: str) -> Caller:
        """The caller a valid token names; raises :class:`InvalidToken` otherwise."""
        now = time.time()
        with self._cache_lock:
            cached = self._verified.get(token)
            if cached is not None:
                caller, valid_until = cached
                if now < valid_until:
                    self._verified.move_to_end(token)
                    return caller
                del self._verified[token]
        caller, exp = self._verify_fully(token)
        if self._cache_size > 0:
            with self._cache_lock:
                self._verified[token] = (caller, exp + CLOCK_SKEW_SECONDS)
                while len(self._verified) > self._cache_size:
                    self._verified.popitem(last=False)
        return caller

    def _verify_fully(self, token: str) -> tuple[Caller, float]:
        """Signature and claims checked; the caller and the token's ``exp`` (epoch seconds)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not isinstance(kid, str):
            raise InvalidToken("unsupported token algorithm or missing key id")
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("token signed by an untrusted key")
        person = is_issuer_kid(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=PERSON_ISSUER if person else kid,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token refused: {type(exc).__name__}") from None
        subject, roles, kind = claims.get("sub"), claims.get("roles"), claims.get("kind")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("token has no subject")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("token roles must be a list of strings")
        if person:
            if kind != PERSON or any(r.startswith(SERVICE_ROLE_PREFIX) for r in roles):
                raise InvalidToken("an issuer token can only name a person")
        else:
            # A service key vouches for exactly one identity: its own.
            own = SERVICE_ROLE_PREFIX + kid
            if kind != SERVICE or subject != own or roles != [own]:
                raise InvalidToken("a service token can only claim its own identity")
        issued_at, expires_at = claims["iat"], claims["exp"]
        if issued_at > time.time() + CLOCK_SKEW_SECONDS:
            raise InvalidToken("token issued in the future")
        if expires_at - issued_at > self._max_lifetime:
            raise InvalidToken("token lifetime exceeds the maximum")
        # jwt.decode refuses once exp <= now - leeway: the cache keeps that same bound.
        return Caller(subject=subject, roles=tuple(roles), kind=kind), float(expires_at)


def bearer_token(metadata: Iterable[Any] | None) -> str | None:
    """The token in ``authorization: Bearer …`` metadata, if any."""
    for item in metadata or ():
        key, value = item[0], item[1]
        if key.lower() == "authorization":
            if isinstance(value, bytes):
                value = value.decode("ascii", "replace")
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


# --- the interceptor -----------------------------------------------------------------------


def refusal_status(
    error: Exception, domain: str
) -> tuple[grpc.StatusCode, str, tuple[tuple[str, str | bytes], ...]]:
    """(code, details, trailing metadata with google.rpc.Status) for an auth refusal, built by
    :mod:`postloan_runtime.grpc_errors` (the one error mapping)."""
    from postloan_runtime.grpc_errors import to_rpc_status

    status = to_rpc_status(error, domain)
    if not isinstance(status, grpc.Status):  # a google.rpc.status_pb2.Status
        from grpc_status import rpc_status

        status = rpc_status.to_status(status)
    return status.code, status.details, tuple(status.trailing_metadata or ())


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates every call (except health and reflection) and checks the permission its
    method declares; refuses with UNAUTHENTICATED / PERMISSION_DENIED + ``ErrorInfo``. Handlers
    read the verified caller with :func:`current_caller`."""

    def __init__(
        self,
        domain: str,
        verifier: TokenVerifier,
        policy: Callable[[Sequence[str]], frozenset[str]] | None = None,
    ) -> None:
        self._domain = domain
        self._verifier = verifier
        self._policy = policy or _default_policy
        # (roles, permission) -> granted, for the default (static) policy only.
        self._decisions: dict[tuple[tuple[str, ...], str], bool] | None = (
            {} if policy is None else None
        )

    @classmethod
    def from_env(cls, domain: str) -> AuthInterceptor:
        return cls(domain, TokenVerifier.from_env())

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Any],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        if isinstance(method, bytes):
            method = method.decode()
        if is_open_method(method):
            return await continuation(handler_call_details)
        try:
            return await self._authorize(continuation, handler_call_details, method)
        except Exception as exc:  # noqa: BLE001 - fail closed, never leak the text
            log.exception("authorization failed", extra={"rpc": method})
            return await self._refuse(
                continuation, handler_call_details, exc, method, "authorization error"
            )

    async def _authorize(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Any],
        handler_call_details: grpc.HandlerCallDetails,
        method: str,
    ) -> grpc.RpcMethodHandler | None:
        from postloan_runtime.errors import PermissionDenied, Unauthenticated

        token = bearer_token(handler_call_details.invocation_metadata)
        if token is None:
            return await self._refuse(
                continuation, handler_call_details, Unauthenticated(), method, "missing token"
            )
        try:
            caller = self._verifier.verify(token)
        except InvalidToken as exc:
            return await self._refuse(
                continuation, handler_call_details, Unauthenticated(), method, str(exc)
            )
        permission = required_permission(method)
        if permission is None:
            # Default deny: a method the contract does not know, or one declaring nothing.
            return await self._refuse(
                continuation,
                handler_call_details,
                PermissionDenied("(undeclared)", message="this method declares no permission"),
                method,
                "no declared permission",
                caller,
            )
        if not self._is_granted(caller.roles, permission):
            return await self._refuse(
                continuation,
                handler_call_details,
                PermissionDenied(permission),
                method,
                "role lacks permission",
                caller,
            )
        handler = await continuation(handler_call_details)
        if handler is None:
            return None  # not served here: UNIMPLEMENTED

        return wrap_handler(handler, partial(_CallerScope, caller))

    def _is_granted(self, roles: tuple[str, ...], permission: str) -> bool:
        if self._decisions is None:
            return is_granted(permission, self._policy(roles))
        key = (roles, permission)
        granted = self._decisions.get(key)
        if granted is None:
            granted = is_granted(permission, self._policy(roles))
            if len(self._decisions) >= DECISION_CACHE_SIZE:
                self._decisions.clear()
            self._decisions[key] = granted
        return granted

    async def _refuse(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Any],
        details: grpc.HandlerCallDetails,
        error: Exception,
        method: str,
        why: str,
        caller: Caller | None = None,
    ) -> grpc.RpcMethodHandler:
        log.info(
            "rpc refused",
            extra={
                "rpc": method,
                "refusal": why,
                "caller": caller.subject if caller else "",
                "caller_roles": list(caller.roles) if caller else [],
            },
        )
        code, message, trailing = refusal_status(error, self._domain)
        # Same shape as the real handler so streaming clients see a clean status.
        handler = await continuation(details)
        return refusing_handler(handler, code, message, trailing)
