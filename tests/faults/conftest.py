"""The fault campaign's suite (one for the whole campaign: starting it is expensive) and its
trials: ``--fault-trials`` / ``POSTLOAN_FAULT_TRIALS`` trials (default 20), each with its own
seed in its test id; ``POSTLOAN_FAULT_SEED=<seed>`` runs that one trial again. The campaign
runs only when selected with ``-m faults`` (``make test-faults``)."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "e2e"))  # story_support

from story_support import suite_of_processes  # noqa: E402

from postloan_runtime.embedded_pg import PostgresServer  # noqa: E402
from postloan_runtime.suite import Suite  # noqa: E402

DEFAULT_TRIALS = 20


def selected(config: pytest.Config) -> bool:
    return "faults" in (config.getoption("-m") or "")


def trial_seeds(config: pytest.Config) -> list[int]:
    if not selected(config):
        return [0]  # one skipped placeholder in runs that do not select the campaign
    fixed = os.environ.get("POSTLOAN_FAULT_SEED")
    if fixed:
        return [int(fixed)]
    trials = config.getoption("--fault-trials") or int(
        os.environ.get("POSTLOAN_FAULT_TRIALS", DEFAULT_TRIALS))
    draw = random.SystemRandom()
    return [draw.randrange(1, 2**31) for _ in range(trials)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "trial_seed" in metafunc.fixturenames:
        seeds = trial_seeds(metafunc.config)
        metafunc.parametrize("trial_seed", seeds, ids=[f"seed={s}" for s in seeds])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if selected(config):
        return
    skip = pytest.mark.skip(reason="fault campaign: run with `make test-faults` (-m faults)")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
async def campaign_suite(pg_server: PostgresServer) -> AsyncIterator[Suite]:
    async with suite_of_processes(pg_server, "faults") as running:
        yield running
