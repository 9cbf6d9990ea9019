"""Programmatic ``alembic upgrade head`` for a service package (``python -m <pkg> migrate``
and the operator CLI use this; production code never calls ``create_all``)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config

from postloan_runtime.config import async_database_url


def alembic_config(package: str, database_url: str) -> Config:
    """Alembic configuration for ``package``'s migrations against ``database_url``."""
    script_location = str(resources.files(package) / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    # '%' must be escaped for ConfigParser interpolation.
    cfg.set_main_option("sqlalchemy.url", async_database_url(database_url).replace("%", "%%"))
    cfg.attributes["service_package"] = package
    return cfg


def upgrade_head(package: str, database_url: str) -> None:
    """Bring ``package``'s database to the newest schema. Safe to run repeatedly."""
    command.upgrade(alembic_config(package, database_url), "head")
