"""``postloan``: the operator CLI. ``make run`` calls ``postloan run``; later commands (daily
cycle, reports) are added as sub-commands here."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from postloan_runtime.demo import DEFAULT_BORROWERS

app = typer.Typer(help="postloan operator CLI", no_args_is_help=True, add_completion=False)
console = Console(stderr=True)

STATE_DIR = Path(os.environ.get("POSTLOAN_STATE_DIR", ".postloan"))


@app.command()
def keys(
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Where to write the dev keys."),
) -> None:
    """Generate local development keys (token signing, service identities, PII key ring).
    Existing keys are kept. Never commit them."""
    from postloan_runtime.auth import generate_dev_keys

    generate_dev_keys(keys_dir)
    console.print(f"keys in [bold]{keys_dir}[/bold]")


@app.command()
def token(
    roles: list[str] = typer.Argument(..., help="Roles, e.g. risk_manager auditor"),
    subject: str = typer.Option("dev-operator", help="Who the token names (an operator id)."),
    ttl_minutes: int = typer.Option(
        60 * 8, min=1, help="Lifetime in minutes (at most the services' maximum, 12 h by default)."
    ),
    keys_dir: Path = typer.Option(STATE_DIR / "keys"),
) -> None:
    """Print a development token for a person with ROLES (signed by the local issuer key)."""
    from datetime import timedelta

    from postloan_runtime.auth import max_token_lifetime_seconds, mint_person_token

    if ttl_minutes * 60 > max_token_lifetime_seconds():
        raise typer.BadParameter(
            "longer than the services accept (POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS)",
            param_hint="--ttl-minutes",
        )

    typer.echo(
        mint_person_token(
            keys_dir, subject=subject, roles=roles, ttl=timedelta(minutes=ttl_minutes)
        )
    )


@app.command()
def run(
    pg_url: str = typer.Option(
        "",
        envvar="POSTLOAN_PG_URL",
        help="Admin URL of a PostgreSQL server to create the service databases on; "
        "empty = embedded PostgreSQL in .postloan/pgdata.",
    ),
    demo: bool = typer.Option(
        True, "--demo/--no-demo", envvar="POSTLOAN_DEMO",
        help="After SERVING, build a synthetic demo portfolio (postloan demo) through the suite.",
    ),
    demo_borrowers: int = typer.Option(
        DEFAULT_BORROWERS, envvar="POSTLOAN_DEMO_BORROWERS",
        help="Demo size in borrowers; 0 skips the demo.",
    ),
) -> None:
    """Start PostgreSQL, every service and simulator; wait for SERVING; build the demo
    portfolio (unless --no-demo); stay up until Ctrl-C."""
    from postloan_runtime.suite import Suite

    suite = Suite(state_dir=STATE_DIR, pg_url=pg_url or None)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        with console.status("starting the suite…") as status:
            await suite.start(progress=lambda msg: status.update(msg))
        print_endpoints(suite)
        if demo and demo_borrowers > 0:
            from postloan_runtime.demo import run_in_suite

            await run_in_suite(suite, demo_borrowers, stop, console)
        await stop.wait()

    try:
        asyncio.run(main())
    finally:
        with console.status("shutting down (draining in-flight calls)…"):
            suite.stop()
        console.print("stopped.")


def print_endpoints(suite: object) -> None:
    from datetime import timedelta

    from postloan_runtime.auth import mint_person_token
    from postloan_runtime.suite import Suite

    assert isinstance(suite, Suite)
    table = Table(title="postloan is up")
    table.add_column("service")
    table.add_column("gRPC endpoint")
    table.add_column("database")
    for svc in suite.services.values():
        database = svc.database_url.split("?")[0].rsplit("/", 1)[1]
        table.add_row(svc.name, svc.address, database)
    for sim in suite.simulators.values():
        table.add_row(f"{sim.name} (a simulator)", sim.address, "-")
    console.print(table)
    console.print(f"logs: {suite.state_dir / 'logs'}", markup=False)
    dev_token = mint_person_token(
        suite.keys_dir, subject="dev-operator", roles=["lending_frontend"], ttl=timedelta(hours=8)
    )
    monitoring = suite.services["monitoring"].address
    console.print("\nTry (reflection is on; health needs no token):")
    console.print(
        f"  node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge "
        f"http://{monitoring}/grpc.health.v1.Health/Check",
        soft_wrap=True,
        markup=False,
    )
    console.print(
        f"  node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge "
        f"-H 'authorization: Bearer {dev_token}' "
        "--data '{\"pageSize\": 5}' "
        f"http://{monitoring}/postloan.monitoring.v1.LoanService/ListLoans",
        soft_wrap=True,
        markup=False,
    )
    console.print(
        "Tokens for other roles: .venv/bin/postloan token collector\nCtrl-C stops the suite.",
        markup=False,
    )


# Each service's operator commands live in a module of their own.
from postloan_runtime.cli_collection import register as _register_collection  # noqa: E402
from postloan_runtime.cli_credit_inquiry import register as _register_credit_inquiry  # noqa: E402
from postloan_runtime.cli_monitoring import register as _register_monitoring  # noqa: E402
from postloan_runtime.cli_pii import register as _register_pii  # noqa: E402
from postloan_runtime.demo import register as _register_demo  # noqa: E402

_register_credit_inquiry(app)
_register_monitoring(app)
_register_collection(app)
_register_pii(app)
_register_demo(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
