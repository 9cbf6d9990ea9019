"""deploy/docker/grpc_health_check.py (the compose health check) against a real gRPC server."""

from __future__ import annotations

import subprocess
import sys
from concurrent import futures

import grpc
import pytest
from deploy_checks import DEPLOY
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

pytestmark = pytest.mark.unit

SCRIPT = DEPLOY / "docker" / "grpc_health_check.py"


def _check(port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(port)], capture_output=True, text=True, timeout=30
    )


def test_exit_status_follows_the_serving_status() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        result = _check(port)
        assert result.returncode == 1 and "NOT_SERVING" in result.stdout

        servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        result = _check(port)
        assert result.returncode == 0 and "SERVING" in result.stdout
    finally:
        server.stop(None)
    result = _check(port)
    assert result.returncode == 1 and "UNAVAILABLE" in result.stderr
