"""``python -m <service>``: serve, or ``python -m <service> migrate`` to run its migrations."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from postloan_runtime.app import ServiceApp
from postloan_runtime.config import kebab_name


def main(package: str, build_app: Callable[[], ServiceApp]) -> None:
    args = sys.argv[1:]
    if args[:1] == ["migrate"]:
        from postloan_runtime.migrate import upgrade_head

        url = os.environ.get("DATABASE_URL")
        if not url:
            raise SystemExit(f"{kebab_name(package)}: DATABASE_URL is not set")
        upgrade_head(package, url)
        return
    if args:
        raise SystemExit(f"usage: python -m {package} [migrate]")
    from postloan_runtime.server import run_service

    run_service(build_app())
