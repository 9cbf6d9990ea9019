"""Generated plans of every shape (optional parts present or absent, lists empty or not) for the
codec and protobuf property tests: Decimals of any scale, instants in several zones, integers
as wide as the messages' fields, short texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from restructuring.domain.plans import Plan

ZONES = st.sampled_from([
    dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
])
INSTANTS = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1), timezones=ZONES)
DECIMALS = (
    st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | st.integers(-10**12, 10**12).map(lambda n: Decimal(n).scaleb(-6))
)

st.register_type_strategy(Decimal, DECIMALS)
st.register_type_strategy(dt.datetime, INSTANTS)
st.register_type_strategy(str, st.text(max_size=12))
st.register_type_strategy(int, st.integers(-(2**31), 2**31 - 1))

PLANS = st.from_type(Plan)
