"""``postloan reencrypt-pii``: the re-encryption pass over one service's database (rewrites
column-bound blobs and blobs under old keys into row-bound blobs under the active key).

Unlike the commands that call a service's RPCs, it works on the service's database directly,
as ``python -m <service> migrate`` does: it needs that service's ``DATABASE_URL`` and its PII
key ring (``POSTLOAN_PII_KEYS``), the values the service's own pods get."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


class SealedService(StrEnum):
    """The services that store encrypted personal data."""

    credit_inquiry = "credit_inquiry"
    collection = "collection"


def reencrypt_pii(
    service: SealedService = typer.Option(..., help="Whose database to re-encrypt."),
    database_url: str = typer.Option(
        ..., envvar="DATABASE_URL", help="The service's own database (postgresql://…)."
    ),
    pii_keys: Path | None = typer.Option(
        None, envvar="POSTLOAN_PII_KEYS",
        help="The service's PII key ring (default: $POSTLOAN_KEYS_DIR/pii-keys.json).",
    ),
    batch_size: int = typer.Option(500, min=1, help="Rows rewritten per transaction."),
) -> None:
    """Rewrite every stored personal-data blob that is column-bound (version 1) or sealed with
    an old key into a row-bound blob under the active key. Safe to repeat and to resume after
    an interruption; prints how many rows it rewrote."""
    from postloan_runtime.config import keys_dir
    from postloan_runtime.db import create_engine
    from postloan_runtime.pii import PiiCipher
    from postloan_runtime.pii_reencryption import (
        count_stale_rows,
        reencrypt_tables,
        sealed_tables_of,
    )

    cipher = PiiCipher.from_file(pii_keys or keys_dir() / "pii-keys.json")
    tables = sealed_tables_of(service.value)

    async def main() -> int:
        engine = create_engine(database_url, pool_size=1)
        try:
            stale = sum([await count_stale_rows(engine, t, cipher) for t in tables])
            with Progress(
                TextColumn(f"[bold]re-encrypting {service.value}"), BarColumn(),
                MofNCompleteColumn(), TextColumn("rows"), TimeElapsedColumn(), console=console,
            ) as progress:
                task = progress.add_task("reencrypt", total=stale)
                return await reencrypt_tables(
                    engine, tables, cipher, batch_size=batch_size,
                    on_batch=lambda rows: progress.advance(task, rows),
                )
        finally:
            await engine.dispose()

    rewritten = asyncio.run(main())
    console.print(f"rewrote {rewritten} rows (active key {cipher.active_key_id})")


def register(app: typer.Typer) -> None:
    """Add this command to the ``postloan`` CLI."""
    app.command("reencrypt-pii")(reencrypt_pii)
