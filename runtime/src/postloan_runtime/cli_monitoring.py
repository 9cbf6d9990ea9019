"""Operator commands on monitoring: ``postloan daily-cycle`` (RunDailyCycle with a progress
bar) and ``postloan report portfolio`` (analytics tables and PNG charts).

They call monitoring's RPCs at ``POSTLOAN_MONITORING_ADDRESS`` with a bearer token: ``--token``
/ ``POSTLOAN_TOKEN`` if given, else a development operator token minted from the local keys
folder (``postloan keys``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)
STATE_DIR = Path(os.environ.get("POSTLOAN_STATE_DIR", ".postloan"))


def _metadata(token: str, keys_dir: Path, roles: list[str]) -> tuple[tuple[str, str], ...]:
    """``--token`` if given; else a development operator token when the issuer key is at hand
    (``make run``); else monitoring's own service identity — how the daily-cycle CronJob,
    which mounts only monitoring's keys, authenticates."""
    if not token:
        from datetime import timedelta

        from postloan_runtime.auth import ServiceIdentity, mint_person_token

        if (keys_dir / "issuer.pem").exists():
            token = mint_person_token(
                keys_dir, subject="cli-operator", roles=roles, ttl=timedelta(hours=1)
            )
        else:
            service_key = (
                os.environ.get("POSTLOAN_SERVICE_PRIVATE_KEY") or keys_dir / "monitoring.pem"
            )
            token = ServiceIdentity("monitoring", service_key, ttl=timedelta(hours=1)).token()
    return (("authorization", f"Bearer {token}"),)


def _business_date(text: str) -> dt.date:
    if text == "today":
        from postloan_runtime.clock import SystemClock

        return SystemClock().today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter("use YYYY-MM-DD or 'today'") from error


def daily_cycle(
    business_date: str = typer.Option(..., help="YYYY-MM-DD or 'today' (business calendar)."),
    partition_index: int = typer.Option(0, help="This worker's partition, 0..K-1."),
    partition_count: int = typer.Option(1, help="K: partitions (hash ranges of loan ids)."),
    address: str = typer.Option("", help="monitoring's gRPC address (default: its peer address)."),
    token: str = typer.Option("", envvar="POSTLOAN_TOKEN", help="Bearer token (default: mint)."),
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Keys folder to mint a dev token."),
) -> None:
    """Run (or resume) the daily cycle of one business date for one partition, with a progress
    bar. Running a completed date again changes nothing."""
    import grpc

    from postloan.common.v1 import money_pb2
    from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc, resources_pb2
    from postloan_runtime.config import peer_address
    from postloan_runtime.grpc_errors import decode_error

    day = _business_date(business_date)
    target = address or peer_address("monitoring")
    metadata = _metadata(token, keys_dir, ["operator"])

    async def main() -> int:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = monitoring_pb2_grpc.DailyCycleServiceStub(channel)
            request = monitoring_pb2.RunDailyCycleRequest(
                request_id=str(uuid.uuid4()),
                business_date=money_pb2.Date(year=day.year, month=day.month, day=day.day),
                partition_index=partition_index,
                partition_count=partition_count,
            )
            last = None
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("loans"),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(f"daily cycle {day} [{partition_index}/{partition_count}]")
                try:
                    async for message in stub.RunDailyCycle(request, metadata=metadata):
                        progress.update(
                            task,
                            total=max(message.phase_loans_total, 1),
                            completed=message.phase_loans_done,
                        )
                        last = message
                except grpc.aio.AioRpcError as error:
                    detail = decode_error(error)
                    console.print(f"[red]refused[/red]: {error.code().name} {detail}")
                    return 1
        if last is None:
            return 1
        run = last.run
        state = resources_pb2.DailyCycleRunState.Name(run.state)
        console.print(
            f"{state}: {run.loans_total} loans examined, {run.loans_changed} with events, "
            f"{run.events_emitted} events"
        )
        return 0 if run.state == resources_pb2.DAILY_CYCLE_RUN_STATE_COMPLETED else 1

    raise typer.Exit(asyncio.run(main()))


def register(app: typer.Typer) -> None:
    """Add these commands to the ``postloan`` CLI."""
    app.command("daily-cycle")(daily_cycle)
    from postloan_runtime.cli_reports import register as register_reports

    register_reports(app)
