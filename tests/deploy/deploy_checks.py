"""Helpers and constants for the deploy/ checks: rendered overlays, tool lookup, the catalogue.

kubectl renders the overlays (`kubectl kustomize`). Without kubectl the rendering tests skip
with a message naming it; set POSTLOAN_DEPLOY_REQUIRE_TOOLS=1 (CI, `make deploy-check`) to make
a missing tool a failure instead.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
OVERLAYS = ("dev", "prod")

# kebab name -> (Python package, gRPC port); docs/conventions.md
SERVICES: dict[str, tuple[str, int]] = {
    "credit-inquiry": ("credit_inquiry", 50051),
    "monitoring": ("monitoring", 50052),
    "collection": ("collection", 50053),
    "restructuring": ("restructuring", 50054),
}
SIMULATORS: dict[str, tuple[str, int]] = {
    "bureau-simulator": ("postloan_simulators.bureau", 50061),
    "channel-simulator": ("postloan_simulators.channels", 50062),
}
# The runtime's default drain time (POSTLOAN_SHUTDOWN_GRACE_SECONDS).
DEFAULT_SHUTDOWN_GRACE_SECONDS = 15.0

Manifest = dict[str, Any]


def require_tool(name: str, candidates: tuple[Path, ...] = ()) -> str:
    """Path of an executable, or skip (fail under POSTLOAN_DEPLOY_REQUIRE_TOOLS=1) naming it."""
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed: deploy checks that need it cannot run"
    if os.environ.get("POSTLOAN_DEPLOY_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


@functools.cache
def render_overlay(kubectl: str, overlay: str) -> tuple[Manifest, ...]:
    result = subprocess.run(
        [kubectl, "kustomize", str(DEPLOY / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def by_kind(objects: tuple[Manifest, ...], kind: str) -> dict[str, Manifest]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(workload: Manifest) -> Manifest:
    """The pod spec of a Deployment, StatefulSet, Job or CronJob."""
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: Manifest) -> dict[str, str]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return workload["spec"]["template"]["metadata"]["labels"]


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job", "CronJob")
