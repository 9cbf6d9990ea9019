"""Clocks that tests can move, and conversions between common protos and Python values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postloan.common.v1 import money_pb2
from postloan_runtime.clock import BusinessCalendar, Clock, FixedClock, ManualClock, SystemClock
from postloan_runtime.money import Money
from postloan_runtime.proto_convert import (
    date_from_proto,
    date_to_proto,
    decimal_from_proto,
    decimal_to_proto,
    decimal_to_text,
    money_from_proto,
    money_to_proto,
    timestamp_from_proto,
    timestamp_to_proto,
)

pytestmark = pytest.mark.unit


def test_business_date_is_taken_in_shanghai() -> None:
    late_utc = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)
    clock = FixedClock(late_utc)
    assert clock.now() == late_utc
    assert clock.today() == dt.date(2025, 3, 2)
    assert FixedClock(late_utc, zone="UTC").today() == dt.date(2025, 3, 1)


def test_manual_clock_moves_forward_only() -> None:
    clock = ManualClock.at_business_date(dt.date(2025, 1, 31))
    assert isinstance(clock, Clock)
    assert clock.today() == dt.date(2025, 1, 31)
    assert clock.now().tzinfo is dt.UTC
    clock.advance(days=1)
    assert clock.today() == dt.date(2025, 2, 1)
    clock.advance(hours=24 * 28)
    assert clock.today() == dt.date(2025, 3, 1)
    with pytest.raises(ValueError):
        clock.advance(days=-1)
    clock.set_business_date(dt.date(2024, 12, 31))
    assert clock.today() == dt.date(2024, 12, 31)
    with pytest.raises(ValueError):
        clock.set(dt.datetime(2025, 1, 1))  # naive


def test_system_clock_is_utc_aware() -> None:
    clock = SystemClock()
    assert clock.now().utcoffset() == dt.timedelta(0)
    assert isinstance(clock.today(), dt.date)


def test_business_calendar_with_make_up_working_days() -> None:
    # 2025 Spring Festival: 28 Jan - 4 Feb off; Sunday 26 Jan and Saturday 8 Feb worked.
    holidays = [dt.date(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)]
    calendar = BusinessCalendar.of(holidays, [dt.date(2025, 1, 26), dt.date(2025, 2, 8)])
    assert calendar.is_business_day(dt.date(2025, 1, 26))
    assert not calendar.is_business_day(dt.date(2025, 1, 29))
    assert calendar.next_business_day(dt.date(2025, 1, 27)) == dt.date(2025, 2, 5)
    assert calendar.roll_forward(dt.date(2025, 2, 1)) == dt.date(2025, 2, 5)
    assert calendar.roll_forward(dt.date(2025, 2, 8)) == dt.date(2025, 2, 8)


def test_proto_round_trips() -> None:
    assert money_from_proto(money_to_proto(Money(12345))) == Money(12345)
    assert money_to_proto(Money(5)) == money_pb2.Money(currency_code="CNY", minor_units=5)
    with pytest.raises(ValueError):
        money_from_proto(money_pb2.Money(minor_units=5))  # no currency
    assert decimal_to_proto(Decimal("0.2400")).value == "0.2400"
    assert decimal_to_text(Decimal("1E+2")) == "100"
    assert decimal_to_text(Decimal("1E-7")) == "0.0000001"
    assert decimal_from_proto(money_pb2.DecimalValue(value="0.2400")) == Decimal("0.24")
    with pytest.raises(ValueError):
        decimal_from_proto(money_pb2.DecimalValue(value="2.4E-1"))
    with pytest.raises(ValueError):
        decimal_to_text(Decimal("NaN"))
    day = dt.date(2024, 2, 29)
    assert date_from_proto(date_to_proto(day)) == day
    with pytest.raises(ValueError):
        date_from_proto(money_pb2.Date())
    instant = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert timestamp_from_proto(timestamp_to_proto(instant)) == instant
    assert timestamp_from_proto(timestamp_to_proto(instant)).tzinfo is dt.UTC
    with pytest.raises(ValueError):
        timestamp_to_proto(dt.datetime(2025, 1, 1))


def test_system_clock_follows_the_offset_file_another_process_writes(tmp_path) -> None:  # noqa: ANN001
    """The development suite's clock: each service process maps the same offset file, and a
    shift written by the demo (another process) moves their ``SystemClock`` at once, both ways;
    without the variable the clock is the real one."""
    import os
    import subprocess
    import sys

    from postloan_runtime.clock import CLOCK_OFFSET_FILE_VARIABLE, ClockOffsetFile

    offset_file = ClockOffsetFile(tmp_path / "clock-offset")
    assert offset_file.offset() == dt.timedelta(0)  # a new file: real time
    reader = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c",
         "import sys\nfrom postloan_runtime.clock import SystemClock\nclock = SystemClock()\n"
         "for _ in sys.stdin: print(clock.today().isoformat(), flush=True)"],
        env={**os.environ, CLOCK_OFFSET_FILE_VARIABLE: str(offset_file.path)},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdin is not None and reader.stdout is not None

    def their_today() -> dt.date:
        reader.stdin.write("?\n")
        reader.stdin.flush()
        return dt.date.fromisoformat(reader.stdout.readline().strip())

    try:
        real = SystemClock().today()
        assert their_today() == real
        offset_file.set_offset(dt.timedelta(days=-100))
        assert their_today() == real - dt.timedelta(days=100)
        assert SystemClock().today() == real  # this process has no variable: real time
        offset_file.set_offset(dt.timedelta(0))
        assert their_today() == real
    finally:
        reader.stdin.close()
        reader.wait(timeout=10)
