"""DispatchMessage end to end: SMS and IVR through the real channel simulator process, e-mail
through a real SMTP server (an aiosmtpd sink), behind the gate; third-party messages that do not
disclose the debt; idempotent retries; the channel down releases the clearance."""

from __future__ import annotations

import grpc
import pytest
from contact_harness import R, refusal, rid

from collection.domain.templates import discloses_debt
from postloan.collection.v1 import collection_pb2

pytestmark = pytest.mark.integration


def dispatch(h, borrower_id: str, point_id: str, template: str, *,
             channel: int = R.CONTACT_CHANNEL_SMS, party: int = R.CONTACT_PARTY_DEBTOR,
             request_id: str | None = None):
    return h.contacts.DispatchMessage(
        collection_pb2.DispatchMessageRequest(
            request_id=request_id or rid(), borrower_id=borrower_id, channel=channel,
            party=party, contact_point_id=point_id, template_code=template,
        ),
        metadata=h.agent("agent-1"),
    )


async def test_sms_and_ivr_through_the_channel_simulator(dispatch_harness) -> None:
    h = dispatch_harness
    await h.debtor("b-sms")
    phone = await h.point("b-sms", "13800001250")  # ...50: SMS delivered, IVR answered
    request_id = rid()
    sent = await dispatch(h, "b-sms", phone, "OVERDUE_EARLY_1", request_id=request_id)
    assert sent.check.decision == R.CONTACT_DECISION_ALLOWED
    assert sent.attempt.outcome == R.CONTACT_OUTCOME_DELIVERED and not sent.attempt.connected
    assert sent.provider_reference and sent.attempt.recording_reference == sent.provider_reference
    assert sent.attempt.agent_id == ""  # automated channel
    # A retry returns the same answer and sends nothing new.
    again = await dispatch(h, "b-sms", phone, "OVERDUE_EARLY_1", request_id=request_id)
    assert again == sent
    assert await h.count("contact_attempts", "borrower_id = 'b-sms'") == 1
    call = await dispatch(h, "b-sms", phone, "OVERDUE_EARLY_1", channel=R.CONTACT_CHANNEL_IVR)
    assert call.attempt.outcome == R.CONTACT_OUTCOME_DELIVERED and call.attempt.connected
    assert await h.count("outbox") == 2
    # An IVR number that never answers: an unanswered attempt.
    missed = await h.point("b-sms", "13800001210")
    ivr = await dispatch(h, "b-sms", missed, "OVERDUE_EARLY_1", channel=R.CONTACT_CHANNEL_IVR)
    assert ivr.attempt.outcome == R.CONTACT_OUTCOME_NO_ANSWER and not ivr.attempt.connected


async def test_email_to_a_third_party_arrives_and_does_not_disclose_the_debt(
    dispatch_harness, smtp_sink
) -> None:
    h = dispatch_harness
    await h.debtor("b-mail")
    sister = await h.point("b-mail", "sister@example.com", kind=R.CONTACT_POINT_KIND_EMAIL,
                           party=R.CONTACT_PARTY_THIRD_PARTY, emergency=True)
    sent = await dispatch(h, "b-mail", sister, "LOCATE_REQUEST_1",
                          channel=R.CONTACT_CHANNEL_EMAIL, party=R.CONTACT_PARTY_THIRD_PARTY)
    assert sent.attempt.outcome == R.CONTACT_OUTCOME_DELIVERED
    assert len(smtp_sink.handler.messages) == 1
    recipients, message = smtp_sink.handler.messages[0]
    assert recipients == ["sister@example.com"]
    body = message.get_payload(decode=True).decode()
    subject = str(message["Subject"])
    assert "400-000-0000" in body
    assert not discloses_debt(f"{subject} {body} {message['From']}")
    # A debtor template may not go to a third party: refused before anything is written.
    before = await h.counts()
    error = await refusal(dispatch(h, "b-mail", sister, "OVERDUE_EARLY_1",
                                   channel=R.CONTACT_CHANNEL_EMAIL,
                                   party=R.CONTACT_PARTY_THIRD_PARTY))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                          "TEMPLATE_NOT_FOR_PARTY")
    assert await h.counts() == before
    assert len(smtp_sink.handler.messages) == 1


async def test_refused_dispatch_sends_nothing_and_is_recorded(dispatch_harness, smtp_sink) -> None:
    h = dispatch_harness
    await h.debtor("b-ref")
    stranger = await h.point("b-ref", "friend@example.com", kind=R.CONTACT_POINT_KIND_EMAIL,
                             party=R.CONTACT_PARTY_THIRD_PARTY)
    sent = await dispatch(h, "b-ref", stranger, "LOCATE_REQUEST_1",
                          channel=R.CONTACT_CHANNEL_EMAIL, party=R.CONTACT_PARTY_THIRD_PARTY)
    assert sent.check.decision == R.CONTACT_DECISION_REFUSED
    assert list(sent.check.refusal_reasons) == [R.CONTACT_REFUSAL_REASON_THIRD_PARTY_NOT_LISTED]
    assert not sent.HasField("attempt") and not sent.provider_reference
    assert smtp_sink.handler.messages == []
    assert await h.count("contact_checks", "decision = 'REFUSED'") == 1


async def test_channel_down_releases_the_clearance(harness) -> None:
    h = harness  # its SMTP and gateway addresses are closed ports
    await h.debtor("b-down")
    mail = await h.point("b-down", "me@example.com", kind=R.CONTACT_POINT_KIND_EMAIL)
    request_id = rid()
    error = await refusal(dispatch(h, "b-down", mail, "OVERDUE_EARLY_1",
                                   channel=R.CONTACT_CHANNEL_EMAIL, request_id=request_id))
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert await h.count("contact_checks", "released_at IS NOT NULL") == 1
    assert await h.count("contact_attempts") == 0
    assert await h.count("message_dispatches") == 0
