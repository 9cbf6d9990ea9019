"""The restructuring database schema. Alembic migrations (../migrations) build it; this module is
what they and the repositories are written against."""

from postloan_runtime.db import new_metadata

metadata = new_metadata()
