"""Fixtures: generated keys, simulators started as real processes on free ports."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from simulator_procs import SimulatorProcess

from postloan_runtime.auth import generate_dev_keys

Launch = Callable[..., Awaitable[SimulatorProcess]]


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("simulator-keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture
def launch(
    keys_dir: Path, tmp_path: Path
) -> Iterator[Launch]:
    """``await launch("bureau", *args, env={...})``: a started simulator, stopped after the
    test."""
    started: list[SimulatorProcess] = []

    async def start(kind: str, *args: str, env: dict[str, str] | None = None) -> SimulatorProcess:
        proc = SimulatorProcess(
            kind=kind,
            keys_dir=keys_dir,
            log_path=tmp_path / f"{kind}-{uuid.uuid4().hex[:6]}.log",
            args=list(args),
            env=env or {},
        )
        started.append(proc)
        return await proc.start()

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
async def bureau(
    keys_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SimulatorProcess]:
    """One bureau simulator shared by the session's tests (tests that set faults reset them)."""
    proc = SimulatorProcess(
        kind="bureau", keys_dir=keys_dir,
        log_path=tmp_path_factory.mktemp("bureau") / "bureau.log",
    )
    await proc.start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
async def channels(
    keys_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SimulatorProcess]:
    proc = SimulatorProcess(
        kind="channels", keys_dir=keys_dir,
        log_path=tmp_path_factory.mktemp("channels") / "channels.log",
    )
    await proc.start()
    yield proc
    proc.stop()


