"""RecordSignature's signing time against the agreement: a signature dated before the agreement
was generated is refused (INVALID_ARGUMENT on ``signed_at``), within the same clock-skew
allowance RecordSignature grants a signing time in the future."""

from __future__ import annotations

import datetime as dt

import pytest
from test_restructuring_rules import NOW, _pending_plan

from postloan_runtime.errors import InvalidArgument
from restructuring.domain.plans import AgreementInfo, PlanState, SignatureEvidence
from restructuring.domain.rules import AuthorityLevel

pytestmark = pytest.mark.unit

GENERATED_AT = NOW + dt.timedelta(hours=1)


def _approved_plan_with_agreement():  # noqa: ANN202
    plan = _pending_plan(AuthorityLevel.TEAM_LEAD)
    plan.approve(subject="lead", authority=AuthorityLevel.TEAM_LEAD, quote_id="q-1",
                 reason_codes=(), comment="", now=NOW)
    plan.attach_agreement(AgreementInfo("a-1", "q-1", "t", "text/html", "b" * 64, 10,
                                        GENERATED_AT, GENERATED_AT + dt.timedelta(days=2)))
    return plan


def _evidence(signed_at: dt.datetime) -> SignatureEvidence:
    return SignatureEvidence("b" * 64, "kyc-1", signed_at, "WEB", "op",
                             GENERATED_AT + dt.timedelta(minutes=10))


def test_a_signature_dated_before_the_agreement_was_generated_is_refused():
    plan = _approved_plan_with_agreement()
    with pytest.raises(InvalidArgument) as error:
        plan.sign(agreement_id="a-1", evidence=_evidence(GENERATED_AT - dt.timedelta(hours=1)),
                  now=GENERATED_AT + dt.timedelta(minutes=10))
    assert [v.field for v in error.value.violations] == ["signed_at"]
    assert plan.state is PlanState.APPROVED and plan.signature is None
    # A signing clock slightly behind ours is tolerated.
    plan.sign(agreement_id="a-1", evidence=_evidence(GENERATED_AT - dt.timedelta(minutes=4)),
              now=GENERATED_AT + dt.timedelta(minutes=10))
    assert plan.state is PlanState.ACTIVATING
