"""Operator commands on credit-inquiry: ``postloan purge-reports`` (PurgeExpiredReports in
batches with a progress bar) and ``postloan verify-record-chain`` (VerifyRecordChain).

They call credit-inquiry at ``POSTLOAN_CREDIT_INQUIRY_ADDRESS`` with ``--token`` /
``POSTLOAN_TOKEN`` or a development operator token minted from the local keys folder."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from postloan_runtime.cli_monitoring import STATE_DIR, _metadata

console = Console(stderr=True)


def purge_reports(
    batch_size: int = typer.Option(500, help="Reports purged per call (one transaction each)."),
    address: str = typer.Option("", help="credit-inquiry's address (default: peer address)."),
    token: str = typer.Option("", envvar="POSTLOAN_TOKEN", help="Bearer token (default: mint)."),
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Keys folder to mint a dev token."),
) -> None:
    """Purge stored credit reports whose retention period has ended (each purge is recorded on
    the inquiry record chain). Safe to repeat."""
    import grpc

    from postloan.credit_inquiry.v1 import credit_inquiry_pb2, credit_inquiry_pb2_grpc
    from postloan_runtime.config import peer_address

    target = address or peer_address("credit_inquiry")
    metadata = _metadata(token, keys_dir, ["operator"])

    async def main() -> int:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = credit_inquiry_pb2_grpc.InquiryServiceStub(channel)
            total = 0
            with Progress(
                TextColumn("[bold]purging reports"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=console,
            ) as progress:
                task = progress.add_task("purge", total=None)
                while True:
                    response = await stub.PurgeExpiredReports(
                        credit_inquiry_pb2.PurgeExpiredReportsRequest(
                            request_id=str(uuid.uuid4()), max_reports=batch_size
                        ),
                        metadata=metadata,
                    )
                    total += response.purged_reports
                    progress.update(
                        task, completed=total, total=total + response.remaining_reports
                    )
                    if response.remaining_reports == 0 or response.purged_reports == 0:
                        return total

    purged = asyncio.run(main())
    console.print(f"purged {purged} reports")


def verify_record_chain(
    address: str = typer.Option("", help="credit-inquiry's address (default: peer address)."),
    token: str = typer.Option("", envvar="POSTLOAN_TOKEN", help="Bearer token (default: mint)."),
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Keys folder to mint a dev token."),
) -> None:
    """Recompute the inquiry record hash chain and report the first broken link (exit 1)."""
    import grpc

    from postloan.credit_inquiry.v1 import credit_inquiry_pb2, credit_inquiry_pb2_grpc
    from postloan_runtime.config import peer_address

    target = address or peer_address("credit_inquiry")
    metadata = _metadata(token, keys_dir, ["operator"])

    async def main() -> credit_inquiry_pb2.VerifyRecordChainResponse:
        async with grpc.aio.insecure_channel(target) as channel:
            stub = credit_inquiry_pb2_grpc.InquiryRecordServiceStub(channel)
            with console.status("verifying the record chain…"):
                return await stub.VerifyRecordChain(
                    credit_inquiry_pb2.VerifyRecordChainRequest(), metadata=metadata
                )

    result = asyncio.run(main())
    if result.intact:
        console.print(f"intact: {result.records_checked} records checked")
        return
    console.print(
        f"BROKEN at sequence {result.first_broken_sequence} ({result.broken_reason}); "
        f"{result.records_checked} records checked"
    )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``postloan`` CLI."""
    app.command("purge-reports")(purge_reports)
    app.command("verify-record-chain")(verify_record_chain)
