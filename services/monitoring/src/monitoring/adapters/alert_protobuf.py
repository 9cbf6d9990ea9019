"""Alerts (rows of ``alerts``) and after-payoff review candidates as protobuf messages."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping

from postloan.monitoring.v1 import resources_pb2
from postloan_runtime.proto_convert import date_to_proto, timestamp_to_proto

SEVERITY_TO_PROTO = {
    "LOW": resources_pb2.ALERT_SEVERITY_LOW,
    "MEDIUM": resources_pb2.ALERT_SEVERITY_MEDIUM,
    "HIGH": resources_pb2.ALERT_SEVERITY_HIGH,
}
SEVERITY_FROM_PROTO = {v: k for k, v in SEVERITY_TO_PROTO.items()}
STATE_TO_PROTO = {
    "OPEN": resources_pb2.ALERT_STATE_OPEN,
    "ACKNOWLEDGED": resources_pb2.ALERT_STATE_ACKNOWLEDGED,
    "RESOLVED": resources_pb2.ALERT_STATE_RESOLVED,
}
STATE_FROM_PROTO = {v: k for k, v in STATE_TO_PROTO.items()}
RESOLUTION_TO_PROTO = {
    "ACTION_TAKEN": resources_pb2.ALERT_RESOLUTION_ACTION_TAKEN,
    "NO_ACTION_NEEDED": resources_pb2.ALERT_RESOLUTION_NO_ACTION_NEEDED,
    "FALSE_POSITIVE": resources_pb2.ALERT_RESOLUTION_FALSE_POSITIVE,
}
RESOLUTION_FROM_PROTO = {v: k for k, v in RESOLUTION_TO_PROTO.items()}

ALERT_COLUMNS = (
    "alert_id, rule_code, severity, reason, evidence, borrower_id, loan_id, state, "
    "business_date, raised_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, "
    "resolution, resolution_note"
)


def alert_to_proto(row: RowMapping) -> resources_pb2.Alert:
    alert = resources_pb2.Alert(
        alert_id=str(row["alert_id"]),
        rule_code=row["rule_code"],
        severity=SEVERITY_TO_PROTO[row["severity"]],
        reason=row["reason"],
        evidence=[resources_pb2.AlertEvidence(**e) for e in row["evidence"]],
        borrower_id=row["borrower_id"],
        loan_id=row["loan_id"] or "",
        state=STATE_TO_PROTO[row["state"]],
        business_date=date_to_proto(row["business_date"]),
        raised_at=timestamp_to_proto(row["raised_at"]),
        acknowledged_by=row["acknowledged_by"] or "",
        resolved_by=row["resolved_by"] or "",
        resolution_note=row["resolution_note"] or "",
    )
    if row["acknowledged_at"] is not None:
        alert.acknowledged_at.CopyFrom(timestamp_to_proto(row["acknowledged_at"]))
    if row["resolved_at"] is not None:
        alert.resolved_at.CopyFrom(timestamp_to_proto(row["resolved_at"]))
    if row["resolution"]:
        alert.resolution = RESOLUTION_TO_PROTO[row["resolution"]]
    return alert
