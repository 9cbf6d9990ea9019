"""The collector configuration removes personal data before anything is exported."""

from __future__ import annotations

import re

import pytest
import yaml
from deploy_checks import DEPLOY

pytestmark = pytest.mark.unit

CONFIG = yaml.safe_load((DEPLOY / "k8s/base/otel-collector/config.yaml").read_text())
PII_PROCESSORS = [
    "attributes/drop-personal-data",
    "redaction/mask-personal-data",
    "transform/mask-personal-data",
]
# Made-up canaries in the shapes the suite handles: resident ID numbers and mobile numbers.
CANARIES = ["110105199003071234", "11010519900307123X", "13912345678", "8613912345678"]
NOT_PERSONAL = [
    "loan 000123",
    "2024-01-31",
    "amount_fen=123456789",  # 9 digits
    "4bf92f3577b34da6a3ce929d0e0e4736",  # a trace id: hex, digits next to letters
    "case-20240131000012345",  # a digit run glued to letters is not a standalone number
]


def _ottl_patterns() -> list[str]:
    statements = [
        statement
        for group in CONFIG["processors"]["transform/mask-personal-data"]["trace_statements"]
        for statement in group["statements"]
    ]
    # replace_pattern(target, "regex", "****") / replace_all_patterns(..., "regex", "****")
    found = [re.findall(r'"((?:[^"\\]|\\.)*)"', s)[-2] for s in statements]
    return [p.replace("\\\\", "\\") for p in found]


def test_pipelines_redact_before_exporting() -> None:
    traces = CONFIG["service"]["pipelines"]["traces"]
    processors = traces["processors"]
    for name in PII_PROCESSORS:
        assert name in processors, name
        assert name in CONFIG["processors"], f"{name} used but not defined"
    assert processors[-1] == "batch"
    assert processors.index("memory_limiter") == 0
    assert traces["exporters"] == ["otlp/traces"]
    for pipeline in CONFIG["service"]["pipelines"].values():
        assert "attributes/drop-personal-data" in pipeline["processors"]
        for name in pipeline["processors"] + pipeline["exporters"]:
            section = "processors" if name in pipeline["processors"] else "exporters"
            assert name in CONFIG[section], name
    exporter = CONFIG["exporters"]["otlp/traces"]
    assert exporter["endpoint"] == "${env:TRACE_BACKEND_ENDPOINT}"


def test_personal_attribute_keys_are_deleted() -> None:
    actions = CONFIG["processors"]["attributes/drop-personal-data"]["actions"]
    assert all(a["action"] == "delete" for a in actions)
    keys = {a["key"] for a in actions if "key" in a}
    assert {"borrower.name", "borrower.id_number", "borrower.mobile"} <= keys
    (pattern,) = [re.compile(a["pattern"]) for a in actions if "pattern" in a]
    for key in ("guarantor.mobile", "contact.phone", "customer.full_name", "borrower.email"):
        assert pattern.search(key), key
    for key in ("rpc.method", "db.name", "loan.id", "collection.bucket"):
        assert not pattern.search(key), key


@pytest.mark.parametrize("source", ["redaction", "transform"])
def test_masks_cover_id_and_mobile_numbers(source: str) -> None:
    if source == "redaction":
        patterns = CONFIG["processors"]["redaction/mask-personal-data"]["blocked_values"]
        assert CONFIG["processors"]["redaction/mask-personal-data"]["allow_all_keys"] is True
    else:
        patterns = _ottl_patterns()
    compiled = [re.compile(p) for p in set(patterns)]
    assert len(compiled) == 2

    def mask(text: str) -> str:
        for pattern in compiled:
            text = pattern.sub("****", text)
        return text

    for canary in CANARIES:
        masked = mask(f"inquiry for {canary} failed")
        assert canary not in masked and "****" in masked, canary
    for text in NOT_PERSONAL:
        assert mask(text) == text, text


def test_span_names_and_events_use_the_same_masks_as_attributes() -> None:
    redaction = set(CONFIG["processors"]["redaction/mask-personal-data"]["blocked_values"])
    groups = CONFIG["processors"]["transform/mask-personal-data"]["trace_statements"]
    assert {g["context"] for g in groups} == {"span", "spanevent"}
    assert set(_ottl_patterns()) == redaction
