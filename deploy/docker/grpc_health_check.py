"""Container health check: exit 0 if grpc.health.v1 on this container reports SERVING.

Used by deploy/docker-compose.yaml (Kubernetes uses its native gRPC probes instead).
Usage: python /app/grpc_health_check.py [port]   (default: $POSTLOAN_GRPC_PORT)
"""

from __future__ import annotations

import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main(argv: list[str]) -> int:
    port = argv[1] if len(argv) > 1 else os.environ.get("POSTLOAN_GRPC_PORT", "")
    if not port:
        print("grpc_health_check: no port given and POSTLOAN_GRPC_PORT unset", file=sys.stderr)
        return 2
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=3
            )
    except grpc.RpcError as error:
        print(f"grpc_health_check: {error.code().name}", file=sys.stderr)
        return 1
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    print(f"grpc_health_check: {status}")
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
