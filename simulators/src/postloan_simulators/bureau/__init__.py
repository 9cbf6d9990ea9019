"""The credit bureau SIMULATOR (``python -m postloan_simulators.bureau``, port 50061).

A stand-in for the PBOC Credit Reference Center that postloan cannot reach in development and
tests: deterministic synthetic reports, an identity check, and faults (latency, errors,
timeouts, outage) settable at start-up and at run time. See docs/simulators.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence

import grpc

from postloan.simulators.v1 import bureau_pb2, bureau_pb2_grpc
from postloan_simulators.common import parse_settings, run_simulator

SERVICE_NAME = bureau_pb2.DESCRIPTOR.services_by_name["BureauSimulatorService"].full_name
DEFAULT_DATA_KEY = "postloan-bureau-simulator-v1"


def _options(parser: argparse.ArgumentParser, env: Callable[[str, str], str]) -> None:
    parser.add_argument(
        "--data-key", default=env("DATA_KEY", DEFAULT_DATA_KEY),
        help="key of the hash seeding the synthetic files; another key, another population "
        "(env POSTLOAN_BUREAU_SIMULATOR_DATA_KEY)",
    )
    parser.add_argument(
        "--as-of", default=env("AS_OF", ""),
        help="report date YYYY-MM-DD instead of today (env POSTLOAN_BUREAU_SIMULATOR_AS_OF)",
    )


def main(argv: Sequence[str] | None = None) -> None:
    from postloan_simulators.bureau.servicer import BureauSimulator

    settings = parse_settings(
        "bureau", argv, add_options=_options,
        description="Credit bureau SIMULATOR: synthetic PBOC-shaped reports, not a real bureau.",
    )
    as_of = dt.date.fromisoformat(settings.options.as_of) if settings.options.as_of else None
    simulator = BureauSimulator(settings.options.data_key.encode(), settings.faults, as_of=as_of)

    def register(server: grpc.aio.Server) -> None:
        bureau_pb2_grpc.add_BureauSimulatorServiceServicer_to_server(simulator, server)

    run_simulator(settings, [SERVICE_NAME], register)
