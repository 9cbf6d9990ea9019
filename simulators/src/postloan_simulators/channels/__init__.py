"""The SMS/IVR channel SIMULATOR (``python -m postloan_simulators.channels``, port 50062).

A stand-in for an SMS gateway and an IVR robocall platform: nothing reaches a handset.
Deterministic outcomes per destination number, latency/error/timeout/outage knobs. See
docs/simulators.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from postloan.simulators.v1 import channels_pb2, channels_pb2_grpc
from postloan_simulators.common import parse_settings, run_simulator

SERVICE_NAME = channels_pb2.DESCRIPTOR.services_by_name["ChannelSimulatorService"].full_name


def main(argv: Sequence[str] | None = None) -> None:
    from postloan_simulators.channels.servicer import ChannelSimulator

    settings = parse_settings(
        "channels", argv,
        description="SMS/IVR channel SIMULATOR: nothing is sent to any handset.",
    )
    simulator = ChannelSimulator(settings.faults)

    def register(server: grpc.aio.Server) -> None:
        channels_pb2_grpc.add_ChannelSimulatorServiceServicer_to_server(simulator, server)

    run_simulator(settings, [SERVICE_NAME], register)
