"""Time as the domain sees it: instants in UTC and business dates in the lender's zone.

Code that needs "now" or "today" takes a :class:`Clock` instead of calling ``datetime.now()``,
so tests and the demo can fix or move time (:class:`ManualClock`). A business date is the
calendar date in the business zone (default ``Asia/Shanghai``): a repayment at 23:30 UTC on
1 March counts on 2 March in Shanghai.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

DEFAULT_BUSINESS_ZONE: Final = "Asia/Shanghai"
# Set only by the development suite (``postloan run``): a file holding a shift of the system
# clock that the demo moves to replay past business days. No deployment sets it.
CLOCK_OFFSET_FILE_VARIABLE: Final = "POSTLOAN_CLOCK_OFFSET_FILE"
CLOCK_OFFSET_FILE_NAME: Final = "clock-offset"  # in the suite's state folder


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be timezone-aware (UTC)")
    return instant.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """Where the current instant and business date come from."""

    @property
    def zone(self) -> tzinfo:
        """The business zone ``today()`` is computed in."""
        ...

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """The current business date in :attr:`zone`."""
        ...


class ClockOffsetFile:
    """A shift of the system clock shared by processes: a file of 8 bytes (signed microseconds,
    little-endian) mapped into memory, so reading it on every ``now()`` costs no system call.
    The development suite gives one to its services; the demo writes it to replay past business
    days (promises lapse and plans break on their simulated dates), then sets it back to zero."""

    SIZE: Final = 8

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size < self.SIZE:
                os.ftruncate(descriptor, self.SIZE)
            self._map = mmap.mmap(descriptor, self.SIZE)
        finally:
            os.close(descriptor)

    def offset(self) -> timedelta:
        return timedelta(microseconds=struct.unpack_from("<q", self._map)[0])

    def set_offset(self, offset: timedelta) -> None:
        struct.pack_into("<q", self._map, 0, offset // timedelta(microseconds=1))


@cache
def _environment_offset() -> ClockOffsetFile | None:
    path = os.environ.get(CLOCK_OFFSET_FILE_VARIABLE)
    return ClockOffsetFile(path) if path else None


class SystemClock:
    """The real clock; shifted by the :class:`ClockOffsetFile` named in
    ``POSTLOAN_CLOCK_OFFSET_FILE`` when that is set (the development suite's demo only)."""

    def __init__(self, zone: str | tzinfo = DEFAULT_BUSINESS_ZONE) -> None:
        self._zone = _zone(zone)
        self._shift = _environment_offset()

    @property
    def zone(self) -> tzinfo:
        return self._zone

    def now(self) -> datetime:
        if self._shift is None:
            return datetime.now(UTC)
        return datetime.now(UTC) + self._shift.offset()

    def today(self) -> date:
        return self.now().astimezone(self._zone).date()


class FixedClock:
    """A clock stopped at one instant (UTC-aware)."""

    def __init__(self, instant: datetime, zone: str | tzinfo = DEFAULT_BUSINESS_ZONE) -> None:
        self._instant = _require_aware(instant)
        self._zone = _zone(zone)

    @property
    def zone(self) -> tzinfo:
        return self._zone

    def now(self) -> datetime:
        return self._instant

    def today(self) -> date:
        return self._instant.astimezone(self._zone).date()


class ManualClock(FixedClock):
    """A clock that moves only when told: ``advance(days=1)``, ``set(instant)`` or
    ``set_business_date(date)``. Thread-safe, so a demo driver may move it while servers read."""

    def __init__(self, instant: datetime, zone: str | tzinfo = DEFAULT_BUSINESS_ZONE) -> None:
        super().__init__(instant, zone)
        self._lock = threading.Lock()

    @classmethod
    def at_business_date(
        cls, day: date, *, hour: int = 9, zone: str | tzinfo = DEFAULT_BUSINESS_ZONE
    ) -> ManualClock:
        """A clock at ``hour`` o'clock local time on business date ``day``."""
        local = datetime(day.year, day.month, day.day, hour, tzinfo=_zone(zone))
        return cls(local, zone)

    def now(self) -> datetime:
        with self._lock:
            return self._instant

    def advance(
        self, *, days: int = 0, hours: int = 0, minutes: int = 0, seconds: float = 0
    ) -> datetime:
        """Move forward (never back) and return the new instant."""
        step = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._instant += step
            return self._instant

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (UTC-aware); backwards is allowed for tests that need it."""
        with self._lock:
            self._instant = _require_aware(instant)

    def set_business_date(self, day: date, *, hour: int = 9) -> None:
        """Jump to ``hour`` o'clock local time on business date ``day``."""
        self.set(datetime(day.year, day.month, day.day, hour, tzinfo=self._zone))


@dataclass(frozen=True)
class BusinessCalendar:
    """Which dates are working days: Monday to Friday, minus ``holidays``, plus
    ``extra_working_days`` (China's make-up working weekends, 调休). Load both per year from
    the State Council's published schedule; nothing is hard-coded here."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, holidays: Iterable[date] = (), extra_working_days: Iterable[date] = ()
    ) -> BusinessCalendar:
        return cls(frozenset(holidays), frozenset(extra_working_days))

    def is_business_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        candidate = day + timedelta(days=1)
        while not self.is_business_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def roll_forward(self, day: date) -> date:
        """``day`` itself if a business day, else the next one (e.g. a due date on a holiday)."""
        return day if self.is_business_day(day) else self.next_business_day(day)
