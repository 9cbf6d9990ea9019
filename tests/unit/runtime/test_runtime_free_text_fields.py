"""Free-text and optional string fields of every service refuse control characters with a
field violation before anything reaches PostgreSQL, which cannot store a NUL in text or JSONB
(a NUL in ListInquiryRecords' borrower_id once answered INTERNAL)."""

from __future__ import annotations

import uuid

import pytest

from collection.entrypoints.case_servicers import _agent_fields, _reason
from collection.entrypoints.contacts import _text
from credit_inquiry.entrypoints.consents import validate_revoke
from credit_inquiry.entrypoints.inquiries import validate_list_records
from postloan.collection.v1 import resources_pb2 as collection_res
from postloan.credit_inquiry.v1 import credit_inquiry_pb2
from postloan.credit_inquiry.v1 import resources_pb2 as inquiry_res
from postloan.restructuring.v1 import resources_pb2 as restructuring_res
from postloan_runtime.errors import InvalidArgument
from postloan_runtime.validation import Violations
from restructuring.entrypoints.plans import validate_hardship

pytestmark = pytest.mark.unit

NUL = "late\x00payment"


def refused_fields(check) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as refused:
        check()
    return [f.field for f in refused.value.violations]


def test_credit_inquiry_revocation_note_and_record_filters() -> None:
    revoke = credit_inquiry_pb2.RevokeConsentRequest(
        request_id=str(uuid.uuid4()), consent_id=str(uuid.uuid4()),
        reason=inquiry_res.REVOCATION_REASON_OTHER, note=NUL,
    )
    assert refused_fields(lambda: validate_revoke(revoke)) == ["note"]
    listing = credit_inquiry_pb2.ListInquiryRecordsRequest(borrower_id="\x00", actor=NUL)
    assert refused_fields(lambda: validate_list_records(listing)) == ["borrower_id", "actor"]


def test_credit_inquiry_revocation_note_still_required_for_other() -> None:
    revoke = credit_inquiry_pb2.RevokeConsentRequest(
        request_id=str(uuid.uuid4()), consent_id=str(uuid.uuid4()),
        reason=inquiry_res.REVOCATION_REASON_OTHER, note="  ",
    )
    assert refused_fields(lambda: validate_revoke(revoke)) == ["note"]


def test_collection_reasons_and_notes() -> None:
    v = Violations()
    assert _reason(v, NUL, "reason") is None
    assert _reason(v, "borrower asked for a call back\ttomorrow", "note") is not None
    _text(v, NUL, "outcome_note", 500)
    _agent_fields(v, collection_res.Agent(display_name=NUL), partial_paths={"display_name"})
    assert refused_fields(v.raise_if_any) == ["reason", "outcome_note", "display_name"]


def test_restructuring_hardship_description() -> None:
    v = Violations()
    hardship = restructuring_res.Hardship(
        reason=restructuring_res.HARDSHIP_REASON_UNEMPLOYMENT, description=NUL
    )
    assert validate_hardship(v, hardship) is None
    assert refused_fields(v.raise_if_any) == ["description"]
