"""`python -m monitoring` serves the monitoring gRPC API; `python -m monitoring migrate` migrates
its database."""

from monitoring.entrypoints.app import build_app
from postloan_runtime.service_main import main

if __name__ == "__main__":
    main("monitoring", build_app)
