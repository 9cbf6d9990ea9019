"""`python -m restructuring` serves the restructuring gRPC API;
`python -m restructuring migrate` migrates its database."""

from postloan_runtime.service_main import main
from restructuring.entrypoints.app import build_app

if __name__ == "__main__":
    main("restructuring", build_app)
