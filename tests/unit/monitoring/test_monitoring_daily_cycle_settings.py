"""The daily cycle's deployment settings from the environment."""

from __future__ import annotations

import pytest

from monitoring.entrypoints.daily_cycle import (
    BATCH_SIZE_ENV,
    EXAMINE_ALL_ENV,
    IN_FLIGHT_ENV,
    TOLERANCE_ENV,
    daily_cycle_policy_from_env,
)

pytestmark = pytest.mark.unit


def test_defaults_examine_only_the_loans_a_date_can_change(monkeypatch) -> None:
    for name in (BATCH_SIZE_ENV, EXAMINE_ALL_ENV, TOLERANCE_ENV, IN_FLIGHT_ENV):
        monkeypatch.delenv(name, raising=False)
    policy = daily_cycle_policy_from_env()
    assert policy.examine_all_loans is False
    assert (policy.batch_size, policy.batches_in_flight) == (5000, 2)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("no", False)])
def test_a_full_sweep_is_a_setting(monkeypatch, value: str, expected: bool) -> None:
    monkeypatch.setenv(EXAMINE_ALL_ENV, value)
    monkeypatch.setenv(BATCH_SIZE_ENV, "700")
    monkeypatch.setenv(TOLERANCE_ENV, "99")
    policy = daily_cycle_policy_from_env()
    assert policy.examine_all_loans is expected
    assert (policy.batch_size, policy.delinquency.tolerance_fen) == (700, 99)


def test_batches_in_flight_is_a_setting_of_at_least_one(monkeypatch) -> None:
    monkeypatch.setenv(IN_FLIGHT_ENV, "1")
    assert daily_cycle_policy_from_env().batches_in_flight == 1
    monkeypatch.setenv(IN_FLIGHT_ENV, "0")
    with pytest.raises(ValueError, match="batches_in_flight"):
        daily_cycle_policy_from_env()
