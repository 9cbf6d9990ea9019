"""Fixtures for the deploy/ checks (helpers live in deploy_checks.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Make deploy_checks importable whatever pytest's import mode is.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from deploy_checks import Manifest, render_overlay, require_tool  # noqa: E402


@pytest.fixture(scope="session")
def kubectl() -> str:
    return require_tool("kubectl", (Path("/usr/bin/kubectl"),))


@pytest.fixture(scope="session")
def render(kubectl: str):
    """render(overlay) -> the overlay's objects, rendered once per session."""

    def _do(overlay: str) -> tuple[Manifest, ...]:
        return render_overlay(kubectl, overlay)

    return _do
