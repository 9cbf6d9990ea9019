"""Mapping of repayments to postloan.monitoring.v1 messages (responses and events)."""

from __future__ import annotations

from monitoring.domain.repayments import (
    Component,
    Repayment,
    RepaymentChannel,
    RepaymentState,
    ReversalReason,
)
from postloan.monitoring.v1 import resources_pb2
from postloan_runtime.proto_convert import date_to_proto, fen_to_proto, timestamp_to_proto

CHANNEL_TO_PROTO = {
    RepaymentChannel.AUTO_DEBIT: resources_pb2.REPAYMENT_CHANNEL_AUTO_DEBIT,
    RepaymentChannel.APP: resources_pb2.REPAYMENT_CHANNEL_APP,
    RepaymentChannel.BANK_TRANSFER: resources_pb2.REPAYMENT_CHANNEL_BANK_TRANSFER,
    RepaymentChannel.AGENCY: resources_pb2.REPAYMENT_CHANNEL_AGENCY,
    RepaymentChannel.OTHER: resources_pb2.REPAYMENT_CHANNEL_OTHER,
}
CHANNEL_FROM_PROTO = {v: k for k, v in CHANNEL_TO_PROTO.items()}
REVERSAL_REASON_TO_PROTO = {
    ReversalReason.BOUNCED: resources_pb2.REVERSAL_REASON_BOUNCED,
    ReversalReason.CHARGEBACK: resources_pb2.REVERSAL_REASON_CHARGEBACK,
    ReversalReason.POSTING_ERROR: resources_pb2.REVERSAL_REASON_POSTING_ERROR,
}
REVERSAL_REASON_FROM_PROTO = {v: k for k, v in REVERSAL_REASON_TO_PROTO.items()}
STATE_TO_PROTO = {
    RepaymentState.POSTED: resources_pb2.REPAYMENT_STATE_POSTED,
    RepaymentState.REVERSED: resources_pb2.REPAYMENT_STATE_REVERSED,
}
COMPONENT_TO_PROTO = {
    Component.PENALTY: resources_pb2.ALLOCATION_COMPONENT_PENALTY,
    Component.INTEREST: resources_pb2.ALLOCATION_COMPONENT_INTEREST,
    Component.PRINCIPAL: resources_pb2.ALLOCATION_COMPONENT_PRINCIPAL,
}


def repayment_to_proto(repayment: Repayment) -> resources_pb2.Repayment:
    currency = repayment.currency
    message = resources_pb2.Repayment(
        repayment_id=repayment.repayment_id,
        loan_id=repayment.loan_id,
        external_transaction_id=repayment.external_transaction_id,
        amount=fen_to_proto(repayment.amount_fen, currency),
        paid_at=timestamp_to_proto(repayment.paid_at),
        value_date=date_to_proto(repayment.value_date),
        channel=CHANNEL_TO_PROTO[repayment.channel],
        state=STATE_TO_PROTO[repayment.state],
        allocation=[
            resources_pb2.AllocationLine(
                installment_sequence=line.installment_sequence,
                schedule_version=line.schedule_version,
                component=COMPONENT_TO_PROTO[line.component],
                amount=fen_to_proto(line.amount_fen, currency),
            )
            for line in repayment.lines
        ],
        prepaid_principal=fen_to_proto(repayment.prepaid_principal_fen, currency),
        unapplied=fen_to_proto(repayment.unapplied_fen, currency),
        posted_at=timestamp_to_proto(repayment.posted_at),
    )
    if repayment.reversed_at is not None:
        message.reversed_at.CopyFrom(timestamp_to_proto(repayment.reversed_at))
    if repayment.reversal_reason is not None:
        message.reversal_reason = REVERSAL_REASON_TO_PROTO[repayment.reversal_reason]
    return message
