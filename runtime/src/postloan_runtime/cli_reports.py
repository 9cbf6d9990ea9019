"""``postloan report portfolio``: monitoring's portfolio analytics (delinquency by bucket, NPL
ratio, roll-rate matrix, vintage curves) fetched over its v1 API, rendered as rich tables and
written as PNG charts (matplotlib, Agg backend) whose paths are printed.

Figures are shown exactly as the RPCs return them (amounts in yuan from integer fen by Decimal,
rates as the exact decimal text); only the charts turn them into floats, to draw them."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from postloan_runtime.cli_monitoring import STATE_DIR, _metadata


@dataclasses.dataclass(frozen=True)
class PortfolioFigures:
    """The four analytics responses a report shows."""

    buckets: Any  # GetDelinquencyByBucketResponse
    npl: Any  # GetNplRatioResponse
    roll_rates: Any  # GetRollRateMatrixResponse
    vintages: Any  # GetVintageCurvesResponse
    from_month: dt.date
    to_month: dt.date


def yuan(money: Any) -> str:
    """Integer fen as yuan with two places and thousands separators (exact)."""
    return f"{Decimal(money.minor_units).scaleb(-2):,.2f}"


def _month_shift(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _date(message: Any) -> dt.date:
    return dt.date(message.year, message.month, message.day)


def _pb_date(day: dt.date) -> Any:
    from postloan.common.v1 import money_pb2

    return money_pb2.Date(year=day.year, month=day.month, day=day.day)


async def fetch_portfolio(
    channel: Any,
    metadata: tuple[tuple[str, str], ...],
    *,
    as_of: dt.date | None,
    from_month: dt.date | None,
    vintages_back: int,
    threshold: int,
) -> PortfolioFigures:
    """Call the four RPCs. Roll rates default to the last two closed month ends up to the
    figures' date; vintages to the ``vintages_back`` months up to it."""
    from postloan.monitoring.v1 import monitoring_pb2, monitoring_pb2_grpc

    stub = monitoring_pb2_grpc.PortfolioAnalyticsServiceStub(channel)
    bucket_request = monitoring_pb2.GetDelinquencyByBucketRequest()
    npl_request = monitoring_pb2.GetNplRatioRequest()
    if as_of is not None:
        bucket_request.as_of.CopyFrom(_pb_date(as_of))
        npl_request.as_of.CopyFrom(_pb_date(as_of))
    buckets = await stub.GetDelinquencyByBucket(bucket_request, metadata=metadata)
    npl = await stub.GetNplRatio(npl_request, metadata=metadata)
    day = _date(buckets.as_of)
    closed = day if (day + dt.timedelta(days=1)).month != day.month else _month_shift(day, -1)
    start = from_month.replace(day=1) if from_month else _month_shift(closed.replace(day=1), -1)
    end = _month_shift(start, 1)
    roll_rates = await stub.GetRollRateMatrix(
        monitoring_pb2.GetRollRateMatrixRequest(
            from_month=_pb_date(start), to_month=_pb_date(end),
            basis=monitoring_pb2.RATE_BASIS_BALANCE,
        ),
        metadata=metadata,
    )
    vintages = await stub.GetVintageCurves(
        monitoring_pb2.GetVintageCurvesRequest(
            from_vintage=_pb_date(_month_shift(day.replace(day=1), -vintages_back)),
            to_vintage=_pb_date(day), days_past_due_threshold=threshold,
            basis=monitoring_pb2.RATE_BASIS_COUNT,
        ),
        metadata=metadata,
    )
    return PortfolioFigures(buckets, npl, roll_rates, vintages, start, end)


# --- tables ---------------------------------------------------------------------------------


def bucket_rows(figures: PortfolioFigures) -> list[tuple[str, ...]]:
    return [
        (r.bucket, str(r.loan_count), yuan(r.outstanding_principal), r.share_of_count.value,
         r.share_of_balance.value)
        for r in figures.buckets.rows
    ]


def npl_rows(figures: PortfolioFigures) -> list[tuple[str, ...]]:
    from postloan.common.v1 import classification_pb2

    name = classification_pb2.LoanClassification.Name
    return [
        (name(r.classification).removeprefix("LOAN_CLASSIFICATION_"), str(r.loan_count),
         yuan(r.outstanding_principal))
        for r in figures.npl.rows
    ]


def roll_rate_rows(figures: PortfolioFigures) -> list[tuple[str, ...]]:
    return [
        (c.from_bucket, c.to_bucket, str(c.loan_count), yuan(c.outstanding_principal),
         c.rate.value)
        for c in figures.roll_rates.cells
    ]


def vintage_rows(figures: PortfolioFigures) -> list[tuple[str, ...]]:
    return [
        (f"{_date(c.vintage):%Y-%m}", str(c.loan_count), yuan(c.disbursed_principal),
         str(p.months_on_book), p.rate.value)
        for c in figures.vintages.curves for p in c.points
    ]


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=title)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def render_tables(figures: PortfolioFigures, console: Console) -> None:
    as_of = _date(figures.buckets.as_of)
    console.print(_table(
        f"Delinquency by bucket on {as_of} (delinquency rate "
        f"{figures.buckets.delinquency_rate.value})",
        ("bucket", "loans", "outstanding (yuan)", "share of loans", "share of balance"),
        bucket_rows(figures)))
    console.print(_table(
        f"Five-category classification on {_date(figures.npl.as_of)} "
        f"(NPL ratio {figures.npl.npl_ratio.value})",
        ("classification", "loans", "outstanding (yuan)"), npl_rows(figures)))
    console.print(_table(
        f"Roll rates {figures.from_month:%Y-%m} -> {figures.to_month:%Y-%m} (by balance)",
        ("from", "to", "loans", "balance (yuan)", "rate"), roll_rate_rows(figures)))
    console.print(_table(
        f"Vintage curves (DPD{figures.vintages.days_past_due_threshold}+ by count)",
        ("vintage", "loans", "disbursed (yuan)", "months on book", "rate"),
        vintage_rows(figures)))


# --- charts ---------------------------------------------------------------------------------


def write_charts(figures: PortfolioFigures, out_dir: Path) -> list[Path]:
    """Four PNGs in ``out_dir``; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = _date(figures.buckets.as_of)
    paths = []

    def save(fig: Any, name: str) -> None:
        path = out_dir / f"{name}-{as_of}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)

    rows = list(figures.buckets.rows)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar([r.bucket for r in rows], [float(Decimal(r.share_of_balance.value)) for r in rows],
           color=["#4c9f70"] + ["#d9534f"] * (len(rows) - 1))
    ax.set_title(f"Share of outstanding principal by bucket, {as_of}")
    ax.set_ylabel("share of balance")
    save(fig, "delinquency-by-bucket")

    npl = list(figures.npl.rows)
    fig, ax = plt.subplots(figsize=(7, 4))
    labels = [r for r, *_ in npl_rows(figures)]
    ax.bar(labels, [r.outstanding_principal.minor_units / 100 for r in npl])
    ax.set_title(f"Outstanding by classification (NPL ratio {figures.npl.npl_ratio.value})")
    ax.set_ylabel("yuan")
    ax.tick_params(axis="x", labelrotation=20)
    save(fig, "npl")

    labels = list(figures.roll_rates.buckets)
    grid = [[0.0] * len(labels) for _ in labels]
    index = {code: i for i, code in enumerate(labels)}
    for c in figures.roll_rates.cells:
        if c.from_bucket in index and c.to_bucket in index:
            grid[index[c.from_bucket]][index[c.to_bucket]] = float(Decimal(c.rate.value))
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(grid, cmap="Reds", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel(f"bucket at end of {figures.to_month:%Y-%m}")
    ax.set_ylabel(f"bucket at end of {figures.from_month:%Y-%m}")
    ax.set_title("Roll-rate matrix (by balance)")
    fig.colorbar(image, ax=ax)
    save(fig, "roll-rates")

    fig, ax = plt.subplots(figsize=(8, 5))
    for curve in figures.vintages.curves:
        ax.plot([p.months_on_book for p in curve.points],
                [float(Decimal(p.rate.value)) for p in curve.points], marker="o",
                label=f"{_date(curve.vintage):%Y-%m}")
    ax.set_title(f"Vintage curves: DPD{figures.vintages.days_past_due_threshold}+ rate")
    ax.set_xlabel("months on book")
    ax.set_ylabel("share of loans (cumulative)")
    if figures.vintages.curves:
        ax.legend(fontsize="small", ncol=2)
    save(fig, "vintage-curves")
    return paths


# --- the command ----------------------------------------------------------------------------


def portfolio_report(
    as_of: str = typer.Option("", help="YYYY-MM-DD; default: the latest completed business date."),
    from_month: str = typer.Option("", help="Roll rates from this month (YYYY-MM-DD)."),
    vintages_back: int = typer.Option(12, help="Vintages: this many months back."),
    threshold: int = typer.Option(30, help="Vintage curves: days-past-due threshold."),
    out_dir: Path = typer.Option(STATE_DIR / "reports", help="Folder for the PNG charts."),
    address: str = typer.Option("", help="monitoring's gRPC address (default: its peer address)."),
    token: str = typer.Option("", envvar="POSTLOAN_TOKEN", help="Bearer token (default: mint)."),
    keys_dir: Path = typer.Option(STATE_DIR / "keys", help="Keys folder to mint a dev token."),
    width: int = typer.Option(160, help="Table width in characters."),
) -> None:
    """Portfolio analytics as tables and PNG charts (paths printed)."""
    import grpc

    from postloan_runtime.config import peer_address
    from postloan_runtime.grpc_errors import decode_error

    def day_of(text: str, name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError as error:
            raise typer.BadParameter(f"{name}: use YYYY-MM-DD") from error

    console = Console(width=width)
    target = address or peer_address("monitoring")
    metadata = _metadata(token, keys_dir, ["risk_manager"])

    async def main() -> PortfolioFigures | None:
        async with grpc.aio.insecure_channel(target) as channel:
            try:
                return await fetch_portfolio(
                    channel, metadata, as_of=day_of(as_of, "as-of"),
                    from_month=day_of(from_month, "from-month"),
                    vintages_back=vintages_back, threshold=threshold,
                )
            except grpc.aio.AioRpcError as error:
                console.print(f"[red]refused[/red]: {error.code().name} {decode_error(error)}")
                return None

    figures = asyncio.run(main())
    if figures is None:
        raise typer.Exit(1)
    render_tables(figures, console)
    for path in write_charts(figures, out_dir):
        console.print(f"chart: {path}", markup=False, highlight=False, soft_wrap=True)


def report_group(app: typer.Typer) -> typer.Typer:
    """The ``postloan report`` group, made on first use by whichever module registers first."""
    group = next(
        (g.typer_instance for g in app.registered_groups if g.name == "report"), None
    )
    if group is None:
        group = typer.Typer(help="Reports.", no_args_is_help=True)
        app.add_typer(group, name="report")
    return group


def register(app: typer.Typer) -> None:
    """Add ``report portfolio`` to the ``postloan`` CLI."""
    report_group(app).command("portfolio")(portfolio_report)
