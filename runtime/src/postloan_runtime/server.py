"""The shared gRPC server every service runs (``python -m <pkg>`` -> :func:`run_service`).

Start-up: telemetry and JSON logs, the engine, the service's servicers, ``grpc.health.v1``
(SERVING only while the database answers), reflection, the interceptor chain
[telemetry, drain, auth, error mapping], background workers (restarted with backoff when they
crash).

Shutdown (SIGTERM/SIGINT, or :meth:`RunningServer.stop`): health goes NOT_SERVING and new
application calls are refused with UNAVAILABLE (probes and reflection still answer) while
in-flight calls finish, for at most ``POSTLOAN_SHUTDOWN_GRACE_SECONDS``; then the listener
stops (open streams such as event subscriptions are cancelled; consumers resume from their own
position), workers are cancelled, the engine is disposed and telemetry is flushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from postloan_runtime import db, event_loop
from postloan_runtime._handlers import refusing_handler, wrap_handler
from postloan_runtime.app import RunningService, ServiceApp, Worker
from postloan_runtime.auth import AuthInterceptor, ServiceIdentity, is_open_method
from postloan_runtime.config import ServiceSettings
from postloan_runtime.telemetry import (
    TelemetryHandle,
    client_interceptors,
    configure_telemetry,
    instrument_engine,
    server_interceptor,
)

log = logging.getLogger(__name__)

HEALTH_INTERVAL_SECONDS = 1.0
HEALTH_PROBE_TIMEOUT_SECONDS = 1.5
WORKER_BACKOFF_INITIAL_SECONDS = 1.0
WORKER_BACKOFF_MAX_SECONDS = 30.0
# A worker that ran this long before crashing starts its backoff afresh.
WORKER_HEALTHY_RUN_SECONDS = 60.0
# After in-flight unary calls drained: how long open streams get before they are cancelled.
STREAM_CANCEL_GRACE_SECONDS = 1.0
# Upper bound for each clean-up step after the listener stopped (workers, engine).
SHUTDOWN_STEP_SECONDS = 5.0

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def error_domain(service_name: str) -> str:
    try:
        from postloan_runtime.grpc_errors import error_domain as domain_of
    except ImportError:  # pragma: no cover - grpc_errors lands with the error model
        return f"{service_name}.postloan"
    return domain_of(service_name)


def _error_mapping_interceptor(domain: str) -> grpc.aio.ServerInterceptor | None:
    try:
        from postloan_runtime.grpc_errors import ErrorMappingInterceptor
    except ImportError:  # pragma: no cover - grpc_errors lands with the error model
        log.warning("postloan_runtime.grpc_errors missing: exceptions are not mapped")
        return None
    return ErrorMappingInterceptor(domain)


class DrainInterceptor(grpc.aio.ServerInterceptor):
    """Counts in-flight unary-response calls; once draining, refuses new application calls with
    UNAVAILABLE so clients retry elsewhere, while health and reflection keep answering."""

    def __init__(self, domain: str, service_name: str) -> None:
        self._domain = domain
        self._service_name = service_name
        self.draining = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Any],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        if isinstance(method, bytes):
            method = method.decode()
        handler = await continuation(handler_call_details)
        if handler is None or is_open_method(method):
            return handler
        if self.draining:
            return self._refusal(handler)
        if handler.response_streaming:
            return handler  # long-lived subscriptions are cancelled at stop, not waited for
        return wrap_handler(handler, self._in_flight_call)

    def _refusal(self, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        from postloan_runtime.auth import refusal_status
        from postloan_runtime.errors import Unavailable

        error = Unavailable(self._service_name, f"{self._service_name} is shutting down; retry")
        code, details, trailing = refusal_status(error, self._domain)
        return refusing_handler(handler, code, details, trailing)

    def _in_flight_call(self) -> DrainInterceptor:
        return self  # entered once per call: __enter__/__exit__ count it (no per-call object)

    def __enter__(self) -> None:
        self.in_flight += 1
        self._idle.clear()

    def __exit__(self, *exc_info: object) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()


@dataclass
class RunningServer:
    """A started server: its bound ``port`` (useful with port 0), health, engine and tasks."""

    app: ServiceApp
    settings: ServiceSettings
    server: grpc.aio.Server
    port: int
    health: HealthServicer
    running: RunningService
    telemetry: TelemetryHandle
    owns_telemetry: bool
    drain: DrainInterceptor
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _health_task: asyncio.Task[None] | None = None
    _stopping: asyncio.Task[None] | None = None

    @property
    def address(self) -> str:
        return f"{self.settings.grpc_host}:{self.port}"

    @property
    def health_names(self) -> list[str]:
        return ["", *self.app.service_names]

    async def stop(self, grace: float | None = None) -> None:
        """Shut down gracefully (idempotent; concurrent callers wait for the same shutdown).
        ``grace`` in seconds defaults to ``settings.shutdown_grace_seconds``."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop(grace))
        await asyncio.shield(self._stopping)

    async def _stop(self, grace: float | None) -> None:
        loop = asyncio.get_running_loop()
        grace = self.settings.shutdown_grace_seconds if grace is None else grace
        deadline = loop.time() + grace
        log.info(
            "stopping: health NOT_SERVING, draining in-flight calls",
            extra={
                "address": self.address,
                "grace_seconds": grace,
                "in_flight": self.drain.in_flight,
            },
        )
        if self._health_task is not None:
            self._health_task.cancel()
            await _bounded("health watcher", asyncio.gather(self._health_task,
                                                            return_exceptions=True))
        await self.health.enter_graceful_shutdown()
        self.drain.draining = True
        try:
            await asyncio.wait_for(self.drain.wait_idle(), timeout=max(0.0, grace))
        except TimeoutError:
            log.warning(
                "grace period over; cancelling calls still in flight",
                extra={"in_flight": self.drain.in_flight},
            )
        remaining = max(0.0, deadline - loop.time())
        stream_grace = min(remaining, STREAM_CANCEL_GRACE_SECONDS)
        await _bounded("listener stop", self.server.stop(stream_grace),
                       stream_grace + SHUTDOWN_STEP_SECONDS)
        for task in self._tasks:
            task.cancel()
        await _bounded("workers", asyncio.gather(*self._tasks, return_exceptions=True))
        await _bounded("engine dispose", self.running.engine.dispose())
        log.info("stopped", extra={"address": self.address})
        if self.owns_telemetry:
            self.telemetry.shutdown()
        else:
            self.telemetry.force_flush()

    async def wait_for_termination(self) -> None:
        await self.server.wait_for_termination()

    async def _watch_database(self) -> None:
        """SERVING while the database answers, NOT_SERVING while it does not."""
        serving: bool | None = None
        while True:
            answers = await db.database_answers(
                self.running.engine, timeout=HEALTH_PROBE_TIMEOUT_SECONDS
            )
            if answers != serving:
                status = SERVING if answers else NOT_SERVING
                for name in self.health_names:
                    await self.health.set(name, status)
                if answers:
                    log.info("database answers: SERVING")
                elif serving is None:
                    log.warning("database does not answer yet: NOT_SERVING")
                else:
                    log.error("database lost: NOT_SERVING")
                serving = answers
            await asyncio.sleep(HEALTH_INTERVAL_SECONDS)


async def _bounded(step: str, awaitable: Any, seconds: float = SHUTDOWN_STEP_SECONDS) -> None:
    """Await one shutdown step, but never let it hold the process: log and move on."""
    try:
        await asyncio.wait_for(awaitable, seconds)
    except TimeoutError:
        log.error("shutdown step timed out", extra={"step": step, "seconds": seconds})


async def _supervise(worker: Worker, running: RunningService) -> None:
    """Run ``worker``; when it crashes, log it and restart it after an exponential backoff."""
    name = getattr(worker, "__qualname__", None) or repr(worker)
    loop = asyncio.get_running_loop()
    backoff = WORKER_BACKOFF_INITIAL_SECONDS
    while True:
        started = loop.time()
        try:
            await worker(running)
        except asyncio.CancelledError:
            raise
        except Exception:
            if loop.time() - started > WORKER_HEALTHY_RUN_SECONDS:
                backoff = WORKER_BACKOFF_INITIAL_SECONDS
            log.exception(
                "worker crashed; restarting", extra={"worker": name, "restart_in_seconds": backoff}
            )
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, WORKER_BACKOFF_MAX_SECONDS)
        else:
            log.info("worker finished", extra={"worker": name})
            return


async def start(
    app: ServiceApp,
    settings: ServiceSettings | None = None,
    *,
    telemetry: TelemetryHandle | None = None,
    auth: AuthInterceptor | None = None,
) -> RunningServer:
    """Build and start the server; returns once it listens (health NOT_SERVING until the
    database answers). ``telemetry`` given by the caller is flushed, not shut down, at stop;
    ``auth`` defaults to the trusted keys named by the environment."""
    settings = settings or ServiceSettings.from_env(app.package)
    owns_telemetry = telemetry is None
    if telemetry is None:
        telemetry = configure_telemetry(settings.name)
    domain = error_domain(settings.name)
    auth = auth or AuthInterceptor.from_env(domain)

    engine = db.create_engine(settings.database_url)
    instrument_engine(engine, telemetry.tracer_provider)
    running = RunningService(settings=settings, engine=engine)
    drain = DrainInterceptor(domain, settings.name)
    interceptors: list[grpc.aio.ServerInterceptor] = [
        server_interceptor(telemetry.tracer_provider),
        drain,
        auth,
    ]
    error_mapping = _error_mapping_interceptor(domain)
    if error_mapping is not None:
        interceptors.append(error_mapping)
    server = grpc.aio.server(interceptors=interceptors)
    try:
        app.register(server, running)
        health = HealthServicer()
        for name in ["", *app.service_names]:
            await health.set(name, NOT_SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
        reflection.enable_server_reflection(
            [*app.service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
             reflection.SERVICE_NAME],
            server,
        )
        port = server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
        if port == 0:
            raise RuntimeError(f"cannot listen on {settings.grpc_host}:{settings.grpc_port}")
        await server.start()
    except BaseException:
        await engine.dispose()
        raise
    running_server = RunningServer(
        app=app,
        settings=settings,
        server=server,
        port=port,
        health=health,
        running=running,
        telemetry=telemetry,
        owns_telemetry=owns_telemetry,
        drain=drain,
    )
    log.info(
        "listening",
        extra={
            "address": running_server.address,
            "port": port,
            "services": list(app.service_names),
            "workers": len(app.workers),
            "event_loop": event_loop.running_loop_name(),
        },
    )
    running_server._health_task = asyncio.create_task(
        running_server._watch_database(), name=f"{settings.name}-health"
    )
    running_server._tasks = [
        asyncio.create_task(_supervise(worker, running), name=f"{settings.name}-worker-{i}")
        for i, worker in enumerate(app.workers)
    ]
    return running_server


class Ready(asyncio.Event):
    """A ready event that also carries the started server (its bound port, health)."""

    server: RunningServer | None = None


async def serve(
    app: ServiceApp,
    settings: ServiceSettings | None = None,
    *,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    telemetry: TelemetryHandle | None = None,
    auth: AuthInterceptor | None = None,
    handle_signals: bool = True,
    freeze_heap: bool = False,
) -> None:
    """Serve ``app`` until SIGTERM/SIGINT (or ``stop`` is set), then shut down gracefully.

    ``ready`` is set once the server listens; a :class:`Ready` also gets ``.server`` (bound
    port with ``grpc_port=0``). Signal handlers are installed only on the main thread.
    ``freeze_heap``: the service's own process, not a test serving in-process (see
    :func:`freeze_start_up_heap`).
    """
    stop = stop or asyncio.Event()
    running_server = await start(app, settings, telemetry=telemetry, auth=auth)
    if freeze_heap:
        freeze_start_up_heap()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if handle_signals and threading.current_thread() is threading.main_thread():

        def on_signal(sig: signal.Signals) -> None:
            if stop.is_set():
                log.warning("%s again: already stopping", sig.name)
                return
            log.info("%s received", sig.name)
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
    try:
        if isinstance(ready, Ready):
            ready.server = running_server
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        try:
            await running_server.stop()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)


def freeze_start_up_heap() -> None:
    """Move everything alive once the server listens (modules, protobuf descriptors, table
    metadata, the engine, the grpc server: objects that live as long as the process) out of
    the cyclic garbage collector's reach (``gc.freeze``). Otherwise every full collection walks
    all of them, stalling the event loop and every call queued on it. Measured in the
    credit-inquiry process: a full collection went from 69 ms to 1.7 ms, young collections from
    about 1 ms to 0.45 ms on average, and RequestInquiry's open-loop p99 from 128–154 ms to
    59–67 ms (docs/performance.md). Nothing frozen is ever freed, as start-up objects never
    are anyway."""
    gc.collect()
    gc.freeze()


def run_service(app: ServiceApp, settings: ServiceSettings | None = None) -> None:
    """``python -m <pkg>``: serve ``app`` with settings from the environment until SIGTERM or
    SIGINT, then exit 0 after a graceful shutdown."""
    from postloan_runtime.logs import configure_logging

    settings = settings or ServiceSettings.from_env(app.package)
    configure_logging(settings.name)
    event_loop.run(serve(app, settings, freeze_heap=True))


# --- calling peers ---------------------------------------------------------------------------


class _IdentityMetadata:
    def __init__(self, identity: ServiceIdentity) -> None:
        self._identity = identity

    def _with_identity(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        if "authorization" not in metadata:
            metadata.add("authorization", f"Bearer {self._identity.token()}")
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )


class _UnaryUnaryIdentity(_IdentityMetadata, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._with_identity(details), request)


class _UnaryStreamIdentity(_IdentityMetadata, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._with_identity(details), request)


class _StreamUnaryIdentity(_IdentityMetadata, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(
        self, continuation: Any, details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(self._with_identity(details), request_iterator)


class _StreamStreamIdentity(_IdentityMetadata, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(
        self, continuation: Any, details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(self._with_identity(details), request_iterator)


def identity_interceptors(identity: ServiceIdentity) -> list[grpc.aio.ClientInterceptor]:
    """Client interceptors adding ``authorization: Bearer <service token>`` to every call."""
    return [
        _UnaryUnaryIdentity(identity),
        _UnaryStreamIdentity(identity),
        _StreamUnaryIdentity(identity),
        _StreamStreamIdentity(identity),
    ]


def peer_channel(
    target: str,
    *,
    service_identity: ServiceIdentity,
    options: Sequence[tuple[str, Any]] = (),
) -> grpc.aio.Channel:
    """A channel to a peer service (``POSTLOAN_<PEER>_ADDRESS``): W3C trace context propagated
    by the OpenTelemetry client interceptors, this service's identity token on every call."""
    return grpc.aio.insecure_channel(
        target,
        options=list(options),
        interceptors=[*client_interceptors(), *identity_interceptors(service_identity)],
    )


# --- servers without a database (the simulators) -------------------------------------------


@dataclass
class StandaloneServer:
    """A started server that owns no database (the simulators): the same interceptor chain,
    health and reflection as :func:`start`, health SERVING as soon as it listens."""

    name: str
    server: grpc.aio.Server
    host: str
    port: int
    service_names: Sequence[str]
    health: HealthServicer
    drain: DrainInterceptor
    telemetry: TelemetryHandle
    owns_telemetry: bool
    shutdown_grace_seconds: float
    _stopping: asyncio.Task[None] | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def stop(self, grace: float | None = None) -> None:
        """Health NOT_SERVING, refuse new calls, drain in-flight ones for at most ``grace``
        seconds (default ``shutdown_grace_seconds``), then stop. Idempotent."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop(grace))
        await asyncio.shield(self._stopping)

    async def _stop(self, grace: float | None) -> None:
        grace = self.shutdown_grace_seconds if grace is None else grace
        log.info("stopping: draining in-flight calls", extra={"address": self.address})
        await self.health.enter_graceful_shutdown()
        self.drain.draining = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain.wait_idle(), timeout=max(0.0, grace))
        await self.server.stop(STREAM_CANCEL_GRACE_SECONDS)
        log.info("stopped", extra={"address": self.address})
        if self.owns_telemetry:
            self.telemetry.shutdown()
        else:
            self.telemetry.force_flush()


async def start_standalone(
    name: str,
    service_names: Sequence[str],
    register: Callable[[grpc.aio.Server], None],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    shutdown_grace_seconds: float = 15.0,
    telemetry: TelemetryHandle | None = None,
    auth: AuthInterceptor | None = None,
) -> StandaloneServer:
    """Start a server without a database for ``name`` (kebab): ``register`` adds the
    servicers; interceptors [telemetry, drain, auth, error mapping]; health and reflection.
    ``port`` 0 picks a free port (see ``.port``)."""
    owns_telemetry = telemetry is None
    if telemetry is None:
        telemetry = configure_telemetry(name)
    domain = error_domain(name)
    drain = DrainInterceptor(domain, name)
    interceptors: list[grpc.aio.ServerInterceptor] = [
        server_interceptor(telemetry.tracer_provider),
        drain,
        auth or AuthInterceptor.from_env(domain),
    ]
    error_mapping = _error_mapping_interceptor(domain)
    if error_mapping is not None:
        interceptors.append(error_mapping)
    server = grpc.aio.server(interceptors=interceptors)
    register(server)
    health = HealthServicer()
    for service in ["", *service_names]:
        await health.set(service, SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    reflection.enable_server_reflection(
        [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
         reflection.SERVICE_NAME],
        server,
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"cannot listen on {host}:{port}")
    await server.start()
    log.info("listening", extra={"address": f"{host}:{bound}", "services": list(service_names),
                                 "event_loop": event_loop.running_loop_name()})
    return StandaloneServer(
        name=name,
        server=server,
        host=host,
        port=bound,
        service_names=service_names,
        health=health,
        drain=drain,
        telemetry=telemetry,
        owns_telemetry=owns_telemetry,
        shutdown_grace_seconds=shutdown_grace_seconds,
    )


async def serve_standalone(
    name: str,
    service_names: Sequence[str],
    register: Callable[[grpc.aio.Server], None],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    shutdown_grace_seconds: float = 15.0,
    stop: asyncio.Event | None = None,
) -> None:
    """:func:`start_standalone`, then serve until SIGTERM/SIGINT (or ``stop``) and shut down
    gracefully."""
    stop = stop or asyncio.Event()
    running = await start_standalone(
        name, service_names, register, host=host, port=port,
        shutdown_grace_seconds=shutdown_grace_seconds,
    )
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        await stop.wait()
        log.info("stop requested")
    finally:
        try:
            await running.stop()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
