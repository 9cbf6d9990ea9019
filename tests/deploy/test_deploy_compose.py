"""deploy/docker-compose.yaml, checked statically (no Docker engine runs on CI)."""

from __future__ import annotations

import pytest
import yaml
from deploy_checks import DEPLOY, REPO, SERVICES, SIMULATORS

pytestmark = pytest.mark.unit

COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())
SVC = COMPOSE["services"]


def test_every_image_is_pinned() -> None:
    for name, service in SVC.items():
        image = service.get("image")
        assert image or service.get("build"), name
        if image:
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            assert tag and tag != "latest", f"{name}: {image}"


@pytest.mark.parametrize("kebab", sorted(SERVICES))
def test_service_builds_migrates_and_waits_for_its_database(kebab: str) -> None:
    pkg, port = SERVICES[kebab]
    service, migrate, db = SVC[kebab], SVC[f"{kebab}-migrate"], SVC[f"{kebab}-db"]
    for s in (service, migrate):
        assert s["build"]["dockerfile"] == f"deploy/docker/{kebab}/Dockerfile"
        assert (DEPLOY / s["build"]["context"]).resolve() == REPO
        assert s["image"] == f"postloan/{kebab}:0.1.0"
        assert s["environment"]["DATABASE_URL"].startswith(
            f"postgresql://postgres@{kebab}-db:5432/"
        )
        assert s["read_only"] is True and s["cap_drop"] == ["ALL"] and s["user"] == "10001:10001"
    assert migrate["command"] == ["migrate"]
    assert migrate["depends_on"][f"{kebab}-db"]["condition"] == "service_healthy"
    assert service["depends_on"][f"{kebab}-db"]["condition"] == "service_healthy"
    assert (
        service["depends_on"][f"{kebab}-migrate"]["condition"] == "service_completed_successfully"
    )
    assert service["healthcheck"]["test"] == ["CMD", "python", "/app/grpc_health_check.py"]
    assert service["environment"]["POSTLOAN_GRPC_PORT"] == str(port)
    assert service["environment"]["POSTLOAN_GRPC_HOST"] == "0.0.0.0"
    assert service["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4317"
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert "pg_isready" in db["healthcheck"]["test"]
    assert db["image"].startswith("postgres:15.")
    assert "ports" not in db, "databases stay on the private compose network"
    assert "POSTGRES_PASSWORD" not in db["environment"]


def test_simulators_and_tools() -> None:
    for name in SIMULATORS:
        assert SVC[name]["build"]["dockerfile"] == f"deploy/docker/{name}/Dockerfile"
        assert SVC[name]["healthcheck"]["test"]
    assert (
        SVC["credit-inquiry"]["environment"]["POSTLOAN_BUREAU_ADDRESS"] == "bureau-simulator:50061"
    )
    assert SVC["mailpit"]["healthcheck"]["test"]
    collector = SVC["otel-collector"]
    mount = collector["volumes"][0].split(":")[0]
    assert (DEPLOY / mount).resolve() == DEPLOY / "k8s/base/otel-collector/config.yaml"
    assert collector["environment"]["TRACE_BACKEND_ENDPOINT"] == "jaeger:4317"


def test_depends_on_names_exist() -> None:
    for name, service in SVC.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SVC, f"{name} depends on unknown {dependency}"
