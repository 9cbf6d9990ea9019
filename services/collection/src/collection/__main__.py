"""`python -m collection` serves the collection gRPC API;
`python -m collection migrate` migrates its database."""

from collection.entrypoints.app import build_app
from postloan_runtime.service_main import main

if __name__ == "__main__":
    main("collection", build_app)
