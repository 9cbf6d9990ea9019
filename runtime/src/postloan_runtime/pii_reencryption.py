"""The re-encryption pass (``postloan reencrypt-pii``): rewrite every stored PII blob that is
column-bound (version 1) or sealed with a key other than the active one into a row-bound blob
under the active key.

Each service names its encrypted columns as :class:`SealedTable` values. The pass walks a table
in primary-key order, one batch per transaction (rows locked ``FOR UPDATE``, so a concurrent
writer waits rather than being overwritten). Only rows with a stale blob are selected, so a
second run, or a run after a killed one, rewrites only what is still stale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Column, ColumnElement, LargeBinary, Table, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from postloan_runtime.pii import ROW_BOUND_VERSION, PiiCipher, PiiDecryptionError


@dataclass(frozen=True)
class SealedColumn:
    """One encrypted column: its name, its context, and (when version-1 blobs of it were bound
    to something else than the context) what a row's version-1 blob was bound to."""

    name: str
    context: str
    column_bound_context: Callable[[Mapping[str, Any]], str] | None = None


@dataclass(frozen=True)
class SealedTable:
    """A table with encrypted columns, its primary key and the row key its blobs are bound
    to (computed from the row)."""

    table: Table
    key: str
    row: Callable[[Mapping[str, Any]], str]
    columns: Sequence[SealedColumn]


def _stale(column: Column[Any], active_key_id: str) -> ColumnElement[bool]:
    """SQL: the blob in ``column`` is not row-bound, or not sealed with the active key."""
    active = literal(active_key_id.encode("ascii"), LargeBinary)
    return and_(
        column.is_not(None),
        or_(
            func.get_byte(column, 0) != ROW_BOUND_VERSION,
            func.substring(column, 3, func.get_byte(column, 1)) != active,
        ),
    )


def _any_stale(sealed: SealedTable, cipher: PiiCipher) -> ColumnElement[bool]:
    return or_(*(_stale(sealed.table.c[c.name], cipher.active_key_id) for c in sealed.columns))


async def count_stale_rows(engine: AsyncEngine, sealed: SealedTable, cipher: PiiCipher) -> int:
    """Rows of ``sealed`` with at least one blob to rewrite."""
    async with engine.connect() as conn:
        query = select(func.count()).select_from(sealed.table).where(_any_stale(sealed, cipher))
        return int(await conn.scalar(query) or 0)


async def reencrypt_table(
    engine: AsyncEngine,
    sealed: SealedTable,
    cipher: PiiCipher,
    *,
    batch_size: int = 500,
    on_batch: Callable[[int], None] = lambda rewritten: None,
) -> int:
    """Rewrite the stale blobs of ``sealed``, ``batch_size`` rows per transaction; calls
    ``on_batch`` with the rows each batch rewrote. Returns the rows rewritten. A blob that does
    not decrypt stops the pass with :class:`PiiDecryptionError` naming its row's key (its
    batch is rolled back; the batches before it stay rewritten)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    # Version-1 blobs are what the pass exists to rewrite, whatever the service accepts.
    reader = replace(cipher, accept_column_bound=True)
    key = sealed.table.c[sealed.key]
    after: Any = None
    rewritten = 0
    while True:
        async with engine.begin() as conn:
            query = select(sealed.table).where(_any_stale(sealed, cipher))
            if after is not None:
                query = query.where(key > after)
            rows = (
                await conn.execute(query.order_by(key).limit(batch_size).with_for_update())
            ).mappings().all()
            for row in rows:
                values = _resealed(sealed, reader, row)
                if values:
                    await conn.execute(
                        sealed.table.update().where(key == row[sealed.key]).values(**values)
                    )
        if not rows:
            return rewritten
        rewritten += len(rows)
        on_batch(len(rows))
        after = rows[-1][sealed.key]


def _resealed(sealed: SealedTable, cipher: PiiCipher, row: Mapping[Any, Any]) -> dict[str, bytes]:
    """The new blobs of ``row``'s stale columns."""
    bound_row = sealed.row(row)
    values: dict[str, bytes] = {}
    for column in sealed.columns:
        blob = row[column.name]
        if blob is None or cipher.is_current(blob):
            continue
        legacy = column.column_bound_context(row) if column.column_bound_context else None
        try:
            plain = cipher.decrypt(
                blob, context=column.context, row=bound_row, column_bound_context=legacy
            )
        except PiiDecryptionError as error:
            raise PiiDecryptionError(
                f"{sealed.table.name} {row[sealed.key]} {column.name}: {error}"
            ) from None
        values[column.name] = cipher.encrypt(plain, context=column.context, row=bound_row)
    return values


async def reencrypt_tables(
    engine: AsyncEngine,
    tables: Sequence[SealedTable],
    cipher: PiiCipher,
    *,
    batch_size: int = 500,
    on_batch: Callable[[int], None] = lambda rewritten: None,
) -> int:
    """:func:`reencrypt_table` over each of ``tables``; the rows rewritten in all."""
    total = 0
    for sealed in tables:
        total += await reencrypt_table(
            engine, sealed, cipher, batch_size=batch_size, on_batch=on_batch
        )
    return total


def sealed_tables_of(package: str) -> Sequence[SealedTable]:
    """The encrypted columns a service names in ``<package>.service_layer.sealed_columns``."""
    from importlib import import_module

    module = import_module(f"{package}.service_layer.sealed_columns")
    tables: Sequence[SealedTable] = module.SEALED_TABLES
    return tables
