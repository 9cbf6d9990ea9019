"""Credit lines and their actions as postloan.monitoring.v1 messages (responses, events)."""

from __future__ import annotations

from monitoring.domain.credit_lines import (
    CreditLine,
    CreditLineAction,
    CreditLineActionType,
    CreditLineState,
)
from postloan.monitoring.v1 import events_pb2, resources_pb2
from postloan_runtime.proto_convert import fen_to_proto, timestamp_to_proto

STATE_TO_PROTO = {
    CreditLineState.ACTIVE: resources_pb2.CREDIT_LINE_STATE_ACTIVE,
    CreditLineState.FROZEN: resources_pb2.CREDIT_LINE_STATE_FROZEN,
}
STATE_FROM_PROTO = {v: k for k, v in STATE_TO_PROTO.items()}
ACTION_TO_PROTO = {
    CreditLineActionType.REDUCE_LIMIT: resources_pb2.CREDIT_LINE_ACTION_TYPE_REDUCE_LIMIT,
    CreditLineActionType.FREEZE: resources_pb2.CREDIT_LINE_ACTION_TYPE_FREEZE,
    CreditLineActionType.UNFREEZE: resources_pb2.CREDIT_LINE_ACTION_TYPE_UNFREEZE,
}
ACTION_FROM_PROTO = {v: k for k, v in ACTION_TO_PROTO.items()}


def credit_line_to_proto(line: CreditLine) -> resources_pb2.CreditLine:
    return resources_pb2.CreditLine(
        credit_line_id=line.credit_line_id,
        borrower_id=line.borrower_id,
        credit_limit=fen_to_proto(line.credit_limit_fen, line.currency),
        original_limit=fen_to_proto(line.original_limit_fen, line.currency),
        state=STATE_TO_PROTO[line.state],
        registered_at=timestamp_to_proto(line.registered_at),
    )


def action_to_proto(action: CreditLineAction) -> resources_pb2.CreditLineAction:
    return resources_pb2.CreditLineAction(
        action_id=str(action.action_id),
        credit_line_id=action.credit_line_id,
        action=ACTION_TO_PROTO[action.action],
        previous_limit=fen_to_proto(action.previous_limit_fen, action.currency),
        new_limit=fen_to_proto(action.new_limit_fen, action.currency),
        reason=action.reason,
        alert_id=str(action.alert_id) if action.alert_id else "",
        taken_by=action.taken_by,
        taken_at=timestamp_to_proto(action.taken_at),
    )


def action_taken_to_proto(action: CreditLineAction) -> events_pb2.CreditLineActionTaken:
    """The CreditLineActionTaken event (ordering key: the credit-line id). The operator is
    not in the event: only pseudonymous ids travel."""
    return events_pb2.CreditLineActionTaken(
        action_id=str(action.action_id),
        credit_line_id=action.credit_line_id,
        borrower_id=action.borrower_id,
        action=ACTION_TO_PROTO[action.action],
        previous_limit=fen_to_proto(action.previous_limit_fen, action.currency),
        new_limit=fen_to_proto(action.new_limit_fen, action.currency),
        reason=action.reason,
        alert_id=str(action.alert_id) if action.alert_id else "",
        taken_at=timestamp_to_proto(action.taken_at),
    )
