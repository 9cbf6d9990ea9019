"""A small circuit breaker (closed → open → half-open → closed) for calls to the bureau.

Plain Python with an injectable monotonic clock, so its timing is tested deterministically.
Written here rather than taken from PyPI: ``pybreaker`` is synchronous, and ``aiobreaker`` /
``purgatory`` read the wall clock directly (no way to move time in tests) and count failures
we must not count (a bureau *refusal* is an answer, not a failure).

- CLOSED: calls pass; ``failure_threshold`` consecutive failures open the circuit.
- OPEN: calls are refused at once (the caller answers UNAVAILABLE without waiting on a dead
  peer) until ``reset_timeout`` seconds have passed since it opened.
- HALF_OPEN: exactly one probe call passes; its success closes the circuit, its failure opens
  it again for another ``reset_timeout``. Other calls are refused while the probe is out.

Every call :meth:`allow` let through must end in :meth:`record_success`,
:meth:`record_failure` or (cancelled: no verdict on the peer) :meth:`release`; otherwise a
half-open probe is never handed back and the circuit refuses every call until restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_timeout <= 0:
            raise ValueError("failure_threshold >= 1 and reset_timeout > 0 are required")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            self._maybe_half_open()
            return self._state

    def _maybe_half_open(self) -> None:
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.reset_timeout
        ):
            self._state = BreakerState.HALF_OPEN
            self._probe_out = False

    def allow(self) -> bool:
        """May a call go out now? In HALF_OPEN, True once (the probe) until it reports."""
        with self._lock:
            self._maybe_half_open()
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.HALF_OPEN and not self._probe_out:
                self._probe_out = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_out = False

    def release(self) -> None:
        """The call ended without a verdict (cancelled by its caller): a half-open probe is
        handed back so the next call may probe; nothing is counted."""
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._probe_out = False

    def record_failure(self) -> None:
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._open()
                return
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._open()

    def _open(self) -> None:
        self._state = BreakerState.OPEN
        self._opened_at = self._clock()
        self._failures = 0
        self._probe_out = False
