"""Hot statements run straight on the asyncpg connection under a SQLAlchemy connection.

SQLAlchemy's Core execution path (execution context, compiled-cache lookup, parameter
processing, result metadata, event dispatch, the greenlet hop) costs about twice the asyncpg
call it wraps: 180 against 55 µs of CPU for a one-row read on this project's reference box, and
a third of a service's CPU on the RPC paths (docs/performance.md). The statements every call
runs (the idempotency claim, the response and outbox write, each RPC's own few) are written
once as SQL with ``:name`` parameters, turned once into asyncpg's ``$n`` form, and run by
:class:`DirectStatement` on the connection the caller already holds. What a statement run
through SQLAlchemy gets, it gets here too:

- the same transaction: on a connection not in one, the statement begins it as SQLAlchemy's
  autobegin would (the caller commits or rolls back as usual), and BEGIN itself is issued the
  way the dialect issues it (lazily, before the first statement); on an AUTOCOMMIT connection
  there is none;
- the same span per statement (:func:`postloan_runtime.telemetry.instrument_engine`: name,
  kind and attributes as for any other statement, nothing recorded under an unsampled parent);
- the same exceptions: a driver error becomes the ``sqlalchemy.exc.DBAPIError`` subclass
  SQLAlchemy raises for it, and a connection that broke is invalidated, so
  :func:`postloan_runtime.db.is_connection_lost` and ``is_transaction_conflict`` see it alike.

Parameters go to asyncpg as Python values of the column types (str, int, Decimal, date, aware
datetime, UUID, bytes, lists for arrays); JSON and JSONB as text (``json.dumps``), which is what
the dialect's codecs expect, and they come back decoded. Rows are :class:`Row`: by attribute
(``row.column``) as SQLAlchemy's rows, by name (``row["column"]``) or position.

It relies on the asyncpg dialect's connection adapter (its lazy transaction and statement
mutex); ``tests/integration/runtime/test_runtime_direct_sql.py`` pins the behaviour above, so an
upgrade of SQLAlchemy that changes it fails there first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util import greenlet_spawn

# ``:name`` not preceded by a colon or a word character: ``::date`` casts and ``a:b`` in
# literals are left alone (our statements carry no literals with colons).
_NAMED_PARAMETER: Final = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def to_positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with each distinct ``:name`` replaced by ``$n`` (the same name, the same n), and
    the names in n order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _NAMED_PARAMETER.sub(number, sql), tuple(names)


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """``INSERT INTO table (columns) VALUES (:column, …)``: one row, each value bound by the
    column's name."""
    return (f"INSERT INTO {table} ({', '.join(columns)})"
            f" VALUES ({', '.join(':' + c for c in columns)})")


class Row:
    """One result row (an ``asyncpg.Record``) read as SQLAlchemy's rows and row mappings are:
    ``row.column``, ``row["column"]``, ``row[0]``, ``row._mapping``, ``items()``, ``get()``."""

    __slots__ = ("_record",)

    def __init__(self, record: Any) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        try:
            return self._record[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str | int) -> Any:
        return self._record[key]

    def __len__(self) -> int:
        return len(self._record)

    def __iter__(self) -> Any:
        return iter(self._record)

    def __repr__(self) -> str:
        return f"Row({dict(self._record.items())!r})"

    @property
    def _mapping(self) -> Any:
        return self._record

    def keys(self) -> Any:
        return self._record.keys()

    def values(self) -> Any:
        return self._record.values()

    def items(self) -> Any:
        return self._record.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._record.get(key, default)


class DirectStatement:
    """One SQL statement with ``:name`` parameters, run on the driver connection (see the
    module docs). Build it once, at import; run it with :meth:`fetch`, :meth:`fetchrow`,
    :meth:`fetchval` or :meth:`execute`."""

    __slots__ = ("sql", "names")

    def __init__(self, sql: str) -> None:
        self.sql, self.names = to_positional(" ".join(sql.split()))

    def _arguments(self, params: Mapping[str, Any]) -> list[Any]:
        try:
            return [params[name] for name in self.names]
        except KeyError as missing:
            raise TypeError(f"missing parameter {missing} for: {self.sql}") from None

    async def fetch(self, conn: AsyncConnection, params: Mapping[str, Any]) -> list[Row]:
        """All rows."""
        records = await _run(conn, self.sql, self._arguments(params), "fetch")
        return [Row(record) for record in records]

    async def fetchrow(self, conn: AsyncConnection, params: Mapping[str, Any]) -> Row | None:
        """The first row, or None."""
        record = await _run(conn, self.sql, self._arguments(params), "fetchrow")
        return None if record is None else Row(record)

    async def fetchval(self, conn: AsyncConnection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        return await _run(conn, self.sql, self._arguments(params), "fetchval")

    async def execute(self, conn: AsyncConnection, params: Mapping[str, Any]) -> str:
        """Run it for its effect; the command tag (``UPDATE 1``)."""
        return await _run(conn, self.sql, self._arguments(params), "execute")  # type: ignore[no-any-return]

    async def executemany(
        self, conn: AsyncConnection, many: Sequence[Mapping[str, Any]]
    ) -> None:
        """Run it once per parameter set (pipelined by the driver), for its effect."""
        if many:
            await _run(conn, self.sql, [self._arguments(p) for p in many], "executemany")


async def _run(conn: AsyncConnection, sql: str, arguments: list[Any], method: str) -> Any:
    sync = conn.sync_connection
    if sync is None or sync.closed or sync.invalidated:
        # As for a statement of its own, SQLAlchemy refuses a closed connection or one
        # invalidated inside a transaction (rollback first), and reconnects one invalidated
        # outside a transaction.
        await conn.get_raw_connection()
        sync = conn.sync_connection
        if sync is None or sync.closed or sync.invalidated:
            raise RuntimeError("the connection is not usable")
    autocommit = sync.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    if not autocommit and not sync.in_transaction():
        await greenlet_spawn(sync.begin)  # SQLAlchemy's autobegin on a first statement
    adapted: Any = sync.connection.dbapi_connection  # the dialect's asyncpg adapter
    driver = adapted.driver_connection
    translated: BaseException | None = None
    span = _start_span(sync, sql)
    try:
        async with adapted._execute_mutex:
            try:
                if adapted._transaction is None:
                    await adapted._start_transaction()  # the dialect's lazy BEGIN
                if method == "executemany":
                    result = await driver.executemany(sql, arguments)
                else:
                    result = await getattr(driver, method)(sql, *arguments)
            except Exception as error:  # noqa: BLE001 - translated below, as SQLAlchemy does
                translated = _dbapi_error(adapted, error)
        if translated is not None:
            await greenlet_spawn(
                sync._handle_dbapi_exception, translated, sql, tuple(arguments), None, None
            )
    except BaseException as error:
        if span is not None:
            _end_span_with_error(span, error)
        raise
    if span is not None:
        span.end()
    return result


def _dbapi_error(adapted: Any, error: Exception) -> BaseException:
    """The DB-API exception the dialect turns ``error`` into (it raises it)."""
    if isinstance(error, adapted.dbapi.Error):
        return error  # already translated (a failed BEGIN)
    try:
        adapted._handle_exception(error)
    except BaseException as translated:  # noqa: BLE001 - the point of the call
        return translated
    return error  # pragma: no cover - _handle_exception always raises


def _start_span(sync: Any, sql: str) -> Any:
    tracer = getattr(sync.engine, "_postloan_statement_tracer", None)
    return tracer.start_direct_span(sync, sql) if tracer is not None else None


def _end_span_with_error(span: Any, error: BaseException) -> None:
    from opentelemetry.trace import Status, StatusCode

    # As the instrumentation's error handler: the driver's message on an ERROR status.
    if span.is_recording():
        original = getattr(error, "orig", None) or error
        span.set_status(Status(StatusCode.ERROR, str(original)))
    span.end()
