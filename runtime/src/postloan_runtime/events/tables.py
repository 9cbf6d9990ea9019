"""The runtime's event tables (declared in :mod:`postloan_runtime.db`) as Core ``Table``
objects the events package can build statements on."""

from __future__ import annotations

from sqlalchemy import MetaData, Table

from postloan_runtime.db import add_runtime_tables

_metadata = MetaData()
add_runtime_tables(_metadata)

outbox_table: Table = _metadata.tables["outbox"]
event_feed_table: Table = _metadata.tables["event_feed"]
inbox_table: Table = _metadata.tables["inbox"]
consumer_positions_table: Table = _metadata.tables["consumer_positions"]

# NOTIFY channel the relay signals after appending to the feed (payload: the new head).
FEED_CHANNEL = "postloan_event_feed"
