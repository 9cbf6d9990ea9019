"""Translation of verifications, inquiries, scores, models and chain records to the
``postloan.credit_inquiry.v1`` contract."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from credit_inquiry.adapters.protobuf import enum_to_proto
from credit_inquiry.domain.consent import ConsentPurpose, ReportSection
from credit_inquiry.domain.identity import IdentityVerification
from credit_inquiry.domain.inquiry import InquiryOutcome, InquiryType, RecordKind
from credit_inquiry.domain.report import RiskFeatures
from credit_inquiry.domain.scorecard import ScoreResult, ScoringModel
from postloan.credit_inquiry.v1 import credit_inquiry_pb2, events_pb2, resources_pb2
from postloan_runtime.proto_convert import decimal_to_proto, fen_to_proto, timestamp_to_proto


def verification_to_proto(v: IdentityVerification) -> resources_pb2.IdentityVerification:
    return resources_pb2.IdentityVerification(
        verification_id=str(v.verification_id),
        borrower_id=v.borrower_id,
        outcome=enum_to_proto(v.outcome),  # type: ignore[arg-type]
        masked_name=v.masked_name,
        masked_resident_id_number=v.masked_resident_id_number,
        masked_mobile=v.masked_mobile,
        bureau_reference=v.bureau_reference,
        consent_id=str(v.consent_id),
        verified_at=timestamp_to_proto(v.verified_at),
        requested_by=v.requested_by,
    )


# (proto field name, RiskFeatures attribute) in the message's field order.
_PROTO_FEATURES: Final = tuple(
    (f.name, "total_outstanding_fen" if f.name == "total_outstanding" else f.name)
    for f in resources_pb2.RiskFeatures.DESCRIPTOR.fields
    if f.name != "unavailable_features"
)


def risk_features_to_proto(features: RiskFeatures) -> resources_pb2.RiskFeatures:
    """Unavailable features (section not authorized) are named in ``unavailable_features``;
    their int32 fields read 0 (no presence) and their message fields are left unset."""
    message = resources_pb2.RiskFeatures(
        inquiries_last_1_month=features.inquiries_last_1_month or 0,
        inquiries_last_3_months=features.inquiries_last_3_months or 0,
        inquiries_last_6_months=features.inquiries_last_6_months or 0,
        accounts_currently_overdue=features.accounts_currently_overdue or 0,
        worst_status_24_months=features.worst_status_24_months or 0,
        overdue_months_24_months=features.overdue_months_24_months or 0,
        oldest_account_age_months=features.oldest_account_age_months or 0,
        public_records=features.public_records or 0,
    )
    if features.revolving_utilization is not None:
        message.revolving_utilization.CopyFrom(decimal_to_proto(features.revolving_utilization))
    if features.total_outstanding_fen is not None:
        message.total_outstanding.CopyFrom(fen_to_proto(features.total_outstanding_fen))
    message.unavailable_features.extend(
        name for name, field in _PROTO_FEATURES if getattr(features, field) is None
    )
    return message



def explanation_to_json(result: ScoreResult, model: ScoringModel) -> dict[str, Any]:
    """What is stored with an inquiry so its explanation never depends on the model still
    being loaded."""
    return {
        "base_score": model.base_score,
        "base_odds": str(model.base_odds),
        "points_to_double_odds": str(model.points_to_double_odds),
        "implied_odds": str(result.implied_odds),
        "contributions": [
            {
                "feature": c.feature,
                "value": None if c.value is None else str(c.value),
                "bin_label": c.bin_label,
                "points": c.points,
                "best_points": c.best_points,
                "reason_code": c.reason_code,
                "explanation": c.explanation,
            }
            for c in result.contributions
        ],
    }


def score_to_proto(row: Any) -> resources_pb2.Score:
    return resources_pb2.Score(
        score=row.score, model_version=row.model_version, reason_codes=list(row.reason_codes)
    )


def explanation_to_proto(row: Any) -> resources_pb2.ScoreExplanation:
    stored = row.explanation
    message = resources_pb2.ScoreExplanation(
        score=score_to_proto(row),
        base_score=stored["base_score"],
        base_odds=decimal_to_proto(Decimal(stored["base_odds"])),
        points_to_double_odds=decimal_to_proto(Decimal(stored["points_to_double_odds"])),
        implied_odds=decimal_to_proto(Decimal(stored["implied_odds"])),
    )
    for c in stored["contributions"]:
        entry = message.contributions.add(
            feature=c["feature"],
            bin_label=c["bin_label"],
            points=c["points"],
            best_points=c["best_points"],
            reason_code=c["reason_code"],
            explanation=c["explanation"],
        )
        if c["value"] is not None:
            entry.value.CopyFrom(decimal_to_proto(Decimal(c["value"])))
    return message


def _sections(values: Any) -> list[int]:
    return sorted(enum_to_proto(ReportSection(s)) for s in values)


def inquiry_to_proto(row: Any) -> resources_pb2.Inquiry:
    message = resources_pb2.Inquiry(
        inquiry_id=str(row.inquiry_id),
        borrower_id=row.borrower_id,
        loan_id=row.loan_id or "",
        purpose=enum_to_proto(ConsentPurpose(row.purpose)),  # type: ignore[arg-type]
        inquiry_type=enum_to_proto(InquiryType(row.inquiry_type)),  # type: ignore[arg-type]
        consent_id=str(row.consent_id),
        sections=_sections(row.sections),
        outcome=enum_to_proto(InquiryOutcome(row.outcome)),  # type: ignore[arg-type]
        report_id=str(row.report_id) if row.report_id else "",
        reused_inquiry_id=str(row.reused_inquiry_id) if row.reused_inquiry_id else "",
        requested_by=row.requested_by,
        completed_at=timestamp_to_proto(row.completed_at),
    )
    if row.score is not None:
        message.score.CopyFrom(score_to_proto(row))
    if row.risk_features is not None:
        message.risk_features.CopyFrom(
            risk_features_to_proto(RiskFeatures.from_dict(row.risk_features))
        )
    return message


def inquiry_completed(inquiry: resources_pb2.Inquiry) -> events_pb2.InquiryCompleted:
    event = events_pb2.InquiryCompleted(
        inquiry_id=inquiry.inquiry_id,
        borrower_id=inquiry.borrower_id,
        loan_id=inquiry.loan_id,
        purpose=inquiry.purpose,
        inquiry_type=inquiry.inquiry_type,
        outcome=inquiry.outcome,
        completed_at=inquiry.completed_at,
    )
    if inquiry.HasField("score"):
        event.score.CopyFrom(inquiry.score)
    if inquiry.HasField("risk_features"):
        event.risk_features.CopyFrom(inquiry.risk_features)
    return event


def _bound(value: Decimal | None) -> Any:
    return decimal_to_proto(value) if value is not None else None


def scoring_model_to_proto(model: ScoringModel) -> resources_pb2.ScoringModel:
    message = resources_pb2.ScoringModel(
        model_version=model.model_version,
        base_score=model.base_score,
        base_odds=decimal_to_proto(model.base_odds),
        points_to_double_odds=decimal_to_proto(model.points_to_double_odds),
    )
    for feature in model.features:
        entry = message.features.add(feature=feature.name, reason_code=feature.reason_code)
        for b in feature.bins:
            bin_message = entry.bins.add(label=b.label, points=b.points)
            if b.lower is not None:
                bin_message.lower_bound.CopyFrom(decimal_to_proto(b.lower))
            if b.upper is not None:
                bin_message.upper_bound.CopyFrom(decimal_to_proto(b.upper))
    return message


def record_to_proto(row: Any) -> resources_pb2.InquiryRecord:
    return resources_pb2.InquiryRecord(
        sequence=row.sequence,
        kind=enum_to_proto(RecordKind(row.kind)),  # type: ignore[arg-type]
        borrower_id=row.borrower_id,
        inquiry_id=str(row.inquiry_id) if row.inquiry_id else "",
        report_id=str(row.report_id) if row.report_id else "",
        purpose=enum_to_proto(ConsentPurpose(row.purpose)) if row.purpose else 0,  # type: ignore[arg-type]
        consent_id=str(row.consent_id) if row.consent_id else "",
        outcome=enum_to_proto(InquiryOutcome(row.outcome)) if row.outcome else 0,  # type: ignore[arg-type]
        actor=row.actor,
        recorded_at=timestamp_to_proto(row.recorded_at),
        record_hash=row.record_hash,
        previous_hash=row.previous_hash,
    )


def history_entry_to_proto(row: Any) -> credit_inquiry_pb2.BorrowerInquiryHistoryEntry:
    return credit_inquiry_pb2.BorrowerInquiryHistoryEntry(
        inquired_at=timestamp_to_proto(row.completed_at),
        purpose=enum_to_proto(ConsentPurpose(row.purpose)),  # type: ignore[arg-type]
        inquiry_type=enum_to_proto(InquiryType(row.inquiry_type)),  # type: ignore[arg-type]
        outcome=enum_to_proto(InquiryOutcome(row.outcome)),  # type: ignore[arg-type]
        requested_by=row.requested_by,
        consent_id=str(row.consent_id),
    )
