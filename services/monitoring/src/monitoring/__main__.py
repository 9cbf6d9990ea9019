"""`python -m monitoring` serves the monitoring gRPC API; `python -m monitoring migrate` migrates its database."""

from postloan_runtime.service_main import main

from monitoring.entrypoints.app import build_app

if __name__ == "__main__":
    main("monitoring", build_app)
