"""The supplemental agreement (补充协议) rendered from its HTML template with the plan's terms.
Rendering is deterministic: the same plan, quote and deadlines give the same bytes, so the
document's SHA-256 identifies exactly what the borrower signs."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Final

import jinja2

from restructuring.domain.plans import Plan, Quote
from restructuring.domain.rules import PlanType

TEMPLATE_VERSION: Final = "supplemental-agreement-2025.1"
MEDIA_TYPE: Final = "text/html"

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("restructuring.adapters", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def _plan_lines(quote: Quote) -> list[str]:
    terms, p = quote.terms, quote.pricing
    lines = []
    if terms.has(PlanType.TERM_EXTENSION):
        lines.append(f"展期 Term extension: {terms.additional_periods} additional period(s).")
    if terms.has(PlanType.REINSTALLMENT):
        lines.append(
            f"分期 Re-installment: the overdue amount is repaid over "
            f"{terms.reinstallment_periods} new installment(s)."
        )
    if terms.has(PlanType.WAIVER):
        lines.append(
            f"减免 Waiver: {_yuan(p.total_waived_fen)} yuan of interest and penalty waived."
        )
    if terms.has(PlanType.RATE_REDUCTION):
        lines.append(f"降息 Rate reduction: new annual rate {p.new_annual_rate}.")
    lines.append(
        f"Regular installment from {_yuan(p.old_installment_fen)} to "
        f"{_yuan(p.new_installment_fen)} yuan; {p.new_term_periods} installments."
    )
    return lines


def render_agreement(
    plan: Plan, quote: Quote, *, agreement_id: str, sign_by: dt.datetime, breach_days: int
) -> bytes:
    """The agreement's HTML bytes (UTF-8)."""
    p = quote.pricing
    html = _environment.get_template("supplemental_agreement.html.j2").render(
        template_version=TEMPLATE_VERSION,
        agreement_id=agreement_id,
        plan_id=plan.plan_id,
        quote_id=quote.quote_id,
        loan_id=plan.loan_id,
        borrower_id=plan.borrower_id,
        plan_lines=_plan_lines(quote),
        effective_date=p.effective_date.isoformat(),
        annual_rate=str(p.new_annual_rate),
        annualized_cost=f"{p.annualized_cost:.6f}",
        installment_count=len(p.installments),
        installments=[
            {
                "sequence": i.sequence,
                "due_date": i.due_date.isoformat(),
                "principal": _yuan(i.principal_fen),
                "interest": _yuan(i.interest_fen),
                "penalty": _yuan(i.penalty_fen),
                "total": _yuan(i.total_fen),
                "remaining": _yuan(i.remaining_principal_fen),
            }
            for i in p.installments
        ],
        interest_waived=_yuan(p.interest_waived_fen),
        penalty_waived=_yuan(p.penalty_waived_fen),
        waive_all_penalty=quote.terms.waive_all_penalty,
        sign_by=sign_by.astimezone(dt.UTC).isoformat(timespec="seconds"),
        breach_days=breach_days,
    )
    return html.encode("utf-8")


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
