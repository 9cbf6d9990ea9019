"""What the fault campaign needs around a running suite: client calls that retry UNAVAILABLE
with the same request (the request_id makes that safe), and a chaos task that SIGKILLs a process
at a chosen step of the story and restarts it."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc

from postloan_runtime.suite import Suite

# What a caller may retry with the same request: the server (or the peer it needed) was away,
# or a concurrent attempt of the same daily cycle still held its lock.
RETRIED_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
RETRIED_REASONS = ("DAILY_CYCLE_ALREADY_RUNNING",)
ATTEMPT_TIMEOUT_SECONDS = 20.0
RETRY_BUDGET_SECONDS = 120.0

# What the chaos task may kill: the four services (with their relays and consumers) and the
# bureau simulator (credit-inquiry's external dependency). The channel simulator is not on the
# story's path.
VICTIMS = ("credit_inquiry", "monitoring", "collection", "restructuring", "bureau")


def retryable(error: grpc.aio.AioRpcError) -> bool:
    if error.code() in RETRIED_CODES:
        return True
    from postloan_runtime.grpc_errors import decode_error

    return decode_error(error).reason in RETRIED_REASONS


@dataclass
class Mutation:
    """A unary call with a request_id and the answer it finally got."""

    name: str
    call: Callable[..., Awaitable[Any]]
    request: Any
    kwargs: dict[str, Any]
    response: Any


@dataclass
class CallLog:
    """Retries made by one trial, by RPC name, and every mutation it made."""

    retries: Counter[str] = field(default_factory=Counter)
    mutations: list[Mutation] = field(default_factory=list)

    async def replay_mutations(self) -> list[str]:
        """Send every mutation again with its request_id: each must answer exactly what it
        answered the first time (AIP-155) and, as the checks afterwards show, change nothing.
        Returns the RPCs whose answer differed."""
        differed = []
        for m in self.mutations:
            again = await with_retries(m.name, lambda m=m: m.call(m.request, **m.kwargs), self)
            if again.SerializeToString(deterministic=True) != m.response.SerializeToString(
                    deterministic=True):
                differed.append(m.name)
        return differed


async def with_retries(name: str, attempt: Callable[[], Awaitable[Any]], log: CallLog,
                       ) -> Any:
    """``attempt()`` until it answers or fails with a non-retryable error; each retry is the
    same request (same request_id)."""
    deadline = time.monotonic() + RETRY_BUDGET_SECONDS
    pause = 0.1
    while True:
        try:
            return await attempt()
        except grpc.aio.AioRpcError as error:
            if not retryable(error) or time.monotonic() > deadline:
                raise
            log.retries[name] += 1
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


class RetryingStub:
    """A stub whose unary calls retry UNAVAILABLE with the same request."""

    def __init__(self, stub: Any, log: CallLog) -> None:
        self._stub = stub
        self._log = log

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = getattr(self._stub, name)

        async def call(request: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("timeout", ATTEMPT_TIMEOUT_SECONDS)
            response = await with_retries(name, lambda: method(request, **kwargs), self._log)
            if getattr(request, "request_id", ""):
                self._log.mutations.append(Mutation(name, method, request, kwargs, response))
            return response

        return call

    async def drain(self, name: str, request: Any, **kwargs: Any) -> list[Any]:
        """A server-streaming call read to its end, the whole stream retried on UNAVAILABLE."""
        method = getattr(self._stub, name)

        async def read() -> list[Any]:
            return [m async for m in method(request, timeout=ATTEMPT_TIMEOUT_SECONDS, **kwargs)]

        return await with_retries(name, read, self._log)


class RetryingClients:
    """story_support.Clients with every stub wrapped in :class:`RetryingStub`."""

    def __init__(self, clients: Any, log: CallLog) -> None:
        self._clients = clients
        self._log = log

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._clients, name)
        if type(value).__name__.endswith("Stub"):
            return RetryingStub(value, self._log)
        return value


# --- chaos ------------------------------------------------------------------------------------


@dataclass
class Kill:
    victim: str
    at_step: str
    downtime_seconds: float  # from SIGKILL until SERVING again


@dataclass
class Chaos:
    """Kills planned for one trial: each at the start of its step of the story, after a random
    delay (so it lands inside a call or between calls), SIGKILLs its victim (distinct victims
    in a trial), keeps it down for a random while, restarts it and waits for SERVING. Kills run
    independently: a restart in progress does not hold back the next kill."""

    suite: Suite
    rng: random.Random
    plan: list[tuple[int, str, float, float]]  # (step, victim, delay, downtime) per kill
    kills: list[Kill] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _step = 0
    _step_name = ""
    _reached: asyncio.Condition = field(default_factory=asyncio.Condition)

    @classmethod
    def planned(cls, suite: Suite, rng: random.Random, steps: int, kills: int) -> Chaos:
        at = sorted(rng.sample(range(1, steps), kills))
        victims = rng.sample(VICTIMS, kills)
        return cls(suite, rng, [(step, victim, rng.uniform(0.0, 0.6), rng.uniform(0.0, 2.0))
                                for step, victim in zip(at, victims, strict=True)])

    async def step(self, name: str) -> None:
        """The story is about to start step ``name``."""
        async with self._reached:
            self._step += 1
            self._step_name = name
            self._reached.notify_all()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._kill(*planned)) for planned in self.plan]

    async def _kill(self, at: int, victim: str, delay: float, down: float) -> None:
        async with self._reached:
            await self._reached.wait_for(lambda: self._step >= at)
        await asyncio.sleep(delay)
        step = self._step_name
        started = time.monotonic()
        await asyncio.to_thread(self.suite.kill, victim)
        await asyncio.sleep(down)
        await self.suite.restart(victim, timeout=90)
        self.kills.append(Kill(victim, step, round(time.monotonic() - started, 2)))

    async def finish(self) -> None:
        """Let every kill the story reached restart its victim; drop the ones it never
        reached (the story failed before them)."""
        for (at, *_), task in zip(self.plan, self._tasks, strict=True):
            if self._step >= at:
                await task
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.suite.wait_serving(timeout=90)
        await self.suite.wait_serving(timeout=90, processes=self.suite.simulators)
