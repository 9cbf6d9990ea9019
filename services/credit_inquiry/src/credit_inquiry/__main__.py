"""`python -m credit_inquiry` serves the credit-inquiry gRPC API; `python -m credit_inquiry migrate`
migrates its database."""

from credit_inquiry.entrypoints.app import build_app
from postloan_runtime.service_main import main

if __name__ == "__main__":
    main("credit_inquiry", build_app)
