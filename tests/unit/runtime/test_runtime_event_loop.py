"""Long-running processes run on the loop POSTLOAN_EVENT_LOOP names: uvloop by default."""

from __future__ import annotations

import asyncio

import pytest

from postloan_runtime import event_loop

pytestmark = pytest.mark.unit


async def _loop_name() -> str:
    await asyncio.sleep(0)
    return event_loop.running_loop_name()


def test_uvloop_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(event_loop.ENV, raising=False)
    assert event_loop.chosen_loop() == "uvloop"
    assert event_loop.run(_loop_name()) == "uvloop"


def test_standard_loop_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(event_loop.ENV, "asyncio")
    assert event_loop.run(_loop_name()) == "asyncio"


def test_an_unknown_loop_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(event_loop.ENV, "trio")
    with pytest.raises(SystemExit, match="POSTLOAN_EVENT_LOOP must be one of uvloop, asyncio"):
        event_loop.run(_loop_name())


def test_run_returns_the_coroutine_result_and_raises_its_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(event_loop.ENV, raising=False)

    async def fails() -> None:
        raise LookupError("from the coroutine")

    assert event_loop.run(_loop_name()) == "uvloop"
    with pytest.raises(LookupError, match="from the coroutine"):
        event_loop.run(fails())
