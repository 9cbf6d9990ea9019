"""Operator commands on collection: ``postloan report collection`` (GetCollectionFigures over a
date range: cases per tier, and per strategy and arm the contact, right-party-contact, promise,
kept-promise and recovery rates).

It calls collection at ``POSTLOAN_COLLECTION_ADDRESS`` with ``--token`` / ``POSTLOAN_TOKEN``, or
a development supervisor token minted from the local keys folder (``postloan keys``)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from postloan_runtime.cli_monitoring import STATE_DIR
from postloan_runtime.cli_reports import report_group

console = Console()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter("use YYYY-MM-DD") from error


def collection_report(
    from_date: str = typer.Option(..., "--from", help="First business date, YYYY-MM-DD."),
    to_date: str = typer.Option(..., "--to", help="Last business date, YYYY-MM-DD."),
    strategy_version_id: str = typer.Option("", help="Only this strategy version."),
    address: str = typer.Option("", help="collection's gRPC address (default: its peer)."),
    token: str = typer.Option("", envvar="POSTLOAN_TOKEN", help="Bearer token (default: mint)."),
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Keys folder to mint a dev token."),
) -> None:
    """Collection figures over a date range, per tier and per strategy version and arm."""
    import grpc

    from postloan.collection.v1 import collection_pb2, collection_pb2_grpc
    from postloan.collection.v1 import resources_pb2 as r
    from postloan.common.v1 import money_pb2
    from postloan_runtime.config import peer_address
    from postloan_runtime.money import fen_to_yuan

    start, end = _date(from_date), _date(to_date)
    if not token:
        from postloan_runtime.auth import mint_person_token

        token = mint_person_token(
            keys_dir, subject="cli-operator", roles=["collection_supervisor"],
            ttl=dt.timedelta(hours=1),
        )
    metadata = (("authorization", f"Bearer {token}"),)

    def pb_date(day: dt.date) -> money_pb2.Date:
        return money_pb2.Date(year=day.year, month=day.month, day=day.day)

    async def fetch() -> collection_pb2.GetCollectionFiguresResponse:
        async with grpc.aio.insecure_channel(address or peer_address("collection")) as channel:
            stub = collection_pb2_grpc.CollectionReportServiceStub(channel)
            return await stub.GetCollectionFigures(
                collection_pb2.GetCollectionFiguresRequest(
                    from_date=pb_date(start), to_date=pb_date(end),
                    strategy_version_id=strategy_version_id,
                ),
                metadata=metadata, timeout=60,
            )

    with console.status("fetching collection figures"):
        figures = asyncio.run(fetch())
    tiers = Table(title=f"Cases per tier on {end.isoformat()}")
    for column in ("tier", "open", "paused"):
        tiers.add_column(column, justify="right" if column != "tier" else "left")
    for tier in figures.tiers:
        tiers.add_row(r.CaseTier.Name(tier.tier).removeprefix("CASE_TIER_"),
                      str(tier.open_cases), str(tier.paused_cases))
    console.print(tiers)
    table = Table(title=f"Per strategy, {start.isoformat()} .. {end.isoformat()}")
    for column in ("strategy", "arm", "cases", "contact", "RPC", "promise", "kept",
                   "overdue at opening", "recovered", "recovery", "refused"):
        table.add_column(column, justify="left" if column in ("strategy", "arm") else "right")
    for s in figures.strategies:
        table.add_row(
            s.strategy_label, r.StrategyArm.Name(s.arm).removeprefix("STRATEGY_ARM_").lower(),
            str(s.cases), s.contact_rate.value, s.right_party_contact_rate.value,
            s.promise_rate.value, s.kept_promise_rate.value,
            f"{fen_to_yuan(s.overdue_at_opening.minor_units):,.2f}",
            f"{fen_to_yuan(s.recovered.minor_units):,.2f}", s.recovery_rate.value,
            str(s.refused_contacts),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``report collection`` to the ``postloan`` CLI."""
    report_group(app).command("collection")(collection_report)
