"""Dockerfiles: hadolint-clean (no ignores) and built the way the images must be built."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from deploy_checks import DEPLOY, REPO, SERVICES, SIMULATORS, require_tool

pytestmark = pytest.mark.unit

DOCKER = DEPLOY / "docker"
IMAGES = {
    **{k: (f"postloan-{k}", pkg, port, f"services/{pkg}") for k, (pkg, port) in SERVICES.items()},
    **{
        k: ("postloan-simulators", mod, port, "simulators") for k, (mod, port) in SIMULATORS.items()
    },
}
DOCKERFILES = sorted(DOCKER.glob("*/Dockerfile"))


def _hadolint() -> str:
    return require_tool("hadolint", (REPO / ".venv" / "bin" / "hadolint",))


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def test_there_is_a_dockerfile_per_image() -> None:
    assert {p.parent.name for p in DOCKERFILES} == set(IMAGES)


def test_hadolint_is_clean() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "style", *map(str, DOCKERFILES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    """Negative control: the linter really runs and fails on warnings."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install uv\nCMD python -m monitoring\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "style", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_image_build_recipe(image: str) -> None:
    dist, module, port, member = IMAGES[image]
    steps = _instructions(DOCKER / image / "Dockerfile")
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) == 2, "multi-stage: a builder and a runtime stage"
    assert froms[0].endswith(" AS builder")
    base = froms[1]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base), base
    assert froms[0] == f"{base} AS builder", "builder and runtime share the Python (venv paths)"
    runtime = steps[[w for w, _ in steps].index("FROM", 1) :]
    builder = steps[: len(steps) - len(runtime)]
    runs = [args for word, args in builder if word == "RUN"]
    assert "pip install --no-cache-dir uv==0.13.9" in runs
    syncs = [m for run in runs for m in re.findall(r"uv sync ([^&;]*)", run)]
    assert len(syncs) == 2
    for sync in syncs:
        assert "--frozen" in sync and "--no-dev" in sync, sync
        assert f"--package {dist}" in sync, sync
    assert "--no-editable" in syncs[-1]
    # the runtime stage: no build tools, only the venv, non-root, the service's entrypoint
    assert not any(w == "RUN" and "uv " in a for w, a in runtime)
    users = [args for word, args in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] == "10001"
    assert ("EXPOSE", str(port)) in runtime
    assert ("COPY", "--from=builder /app/.venv /app/.venv") in runtime
    entrypoint = [json.loads(args) for word, args in runtime if word == "ENTRYPOINT"]
    assert entrypoint == [["python", "-m", module]]
    env = " ".join(args for word, args in runtime if word == "ENV")
    assert "POSTLOAN_GRPC_HOST=0.0.0.0" in env and f"POSTLOAN_GRPC_PORT={port}" in env


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_copied_paths_exist_and_pass_the_dockerignore(image: str) -> None:
    _, _, _, member = IMAGES[image]
    ignore = (DOCKER / image / "Dockerfile.dockerignore").read_text().splitlines()
    patterns = [p for p in ignore if p and not p.startswith("#")]
    assert patterns[0] == "**", "allow-list: everything is excluded unless re-included"

    def included(path: str) -> bool:
        keep = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            glob = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path, glob + "/*"):
                keep = negate
        return keep

    assert not included(".postloan/keys/pii-keys.json")
    assert not included(".venv/bin/python")
    assert not included(f"{member}/src/.venv/x")
    for word, args in _instructions(DOCKER / image / "Dockerfile"):
        if word != "COPY" or args.startswith("--from"):
            continue
        for source in args.split()[:-1]:
            assert included(source) or included(source + "/x"), f"{source} is dockerignored"
            if source.startswith("simulators") and not (REPO / "simulators").exists():
                continue  # the simulators package may land later; checked once it exists
            assert (REPO / source).exists(), f"{image}: COPY {source} does not exist"


def test_every_package_an_image_installs_is_in_the_lock_file() -> None:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    locked = {p["name"] for p in lock["package"]}
    for image, (dist, _, _, member) in IMAGES.items():
        if member == "simulators" and not (REPO / "simulators").exists():
            continue
        assert dist in locked, f"{image}: {dist} is not in uv.lock (uv sync --frozen would fail)"
        project = tomllib.loads((REPO / member / "pyproject.toml").read_text())["project"]
        assert project["name"] == dist
