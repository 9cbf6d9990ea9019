"""POSTLOAN_COLLECTION_PROMISE_SETTLEMENT_DAYS: how long past a promise's date plus grace the
date check waits before breaking it (repayments are value-dated and reported late)."""

from __future__ import annotations

import pytest

from collection.entrypoints.events import (
    SETTLEMENT_DAYS_ENV,
    CollectionEventHandlers,
    promise_settlement_days_from_env,
)

pytestmark = pytest.mark.unit


def test_unset_means_no_lag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTLEMENT_DAYS_ENV, raising=False)
    assert SETTLEMENT_DAYS_ENV == "POSTLOAN_COLLECTION_PROMISE_SETTLEMENT_DAYS"
    assert promise_settlement_days_from_env() == 0


def test_a_whole_number_of_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTLEMENT_DAYS_ENV, " 2 ")
    assert promise_settlement_days_from_env() == 2


@pytest.mark.parametrize("raw", ["-1", "1.5", "two"])
def test_anything_else_stops_start_up(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(SETTLEMENT_DAYS_ENV, raw)
    with pytest.raises(ValueError, match=SETTLEMENT_DAYS_ENV):
        CollectionEventHandlers()
