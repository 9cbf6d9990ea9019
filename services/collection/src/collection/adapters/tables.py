"""The collection database schema. Alembic migrations (../migrations) build it; this module is what
they and the repositories are written against."""

from postloan_runtime.db import new_metadata

metadata = new_metadata()

# Each slice declares its tables on ``metadata`` in its own module; importing them here makes
# this module the whole schema (Alembic's env and the schema comparison test load only this).
from collection.adapters import case_tables as _case_tables  # noqa: E402, F401
from collection.adapters import contact_tables as _contact_tables  # noqa: E402, F401
