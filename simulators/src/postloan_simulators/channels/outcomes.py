"""Deterministic outcomes per destination number, so tests and demos can pick a number that
fails. The bucket is the number's last two digits (00-99):

SMS
  00-02 INVALID_NUMBER, 03-07 UNREACHABLE, 08-09 REJECTED, 10-99 DELIVERED.
IVR
  00-02 INVALID_NUMBER, 03-27 NO_ANSWER, 28-34 BUSY, 35-44 VOICEMAIL, 45-49 HUNG_UP,
  50-99 ANSWERED; answered calls: 50-79 press "1" (acknowledged), 80-89 press "2",
  90-99 press nothing.
"""

from __future__ import annotations

from postloan.simulators.v1 import channels_pb2

# Simulated speech rate of the text-to-speech script, characters per second.
SPEECH_CHARACTERS_PER_SECOND = 4
# Simulated ring time before an answered call is picked up, seconds.
RING_BEFORE_ANSWER_SECONDS = 6


def bucket(mobile_number: str) -> int:
    """The number's last two digits, 0..99."""
    digits = "".join(ch for ch in mobile_number if ch.isdigit())
    return int(digits[-2:]) if len(digits) >= 2 else 0


def sms_outcome(mobile_number: str) -> int:
    b = bucket(mobile_number)
    if b <= 2:
        return channels_pb2.SMS_DELIVERY_OUTCOME_INVALID_NUMBER
    if b <= 7:
        return channels_pb2.SMS_DELIVERY_OUTCOME_UNREACHABLE
    if b <= 9:
        return channels_pb2.SMS_DELIVERY_OUTCOME_REJECTED
    return channels_pb2.SMS_DELIVERY_OUTCOME_DELIVERED


def ivr_outcome(mobile_number: str) -> tuple[int, str]:
    """(outcome, keypad input)."""
    b = bucket(mobile_number)
    if b <= 2:
        return channels_pb2.IVR_CALL_OUTCOME_INVALID_NUMBER, ""
    if b <= 27:
        return channels_pb2.IVR_CALL_OUTCOME_NO_ANSWER, ""
    if b <= 34:
        return channels_pb2.IVR_CALL_OUTCOME_BUSY, ""
    if b <= 44:
        return channels_pb2.IVR_CALL_OUTCOME_VOICEMAIL, ""
    if b <= 49:
        return channels_pb2.IVR_CALL_OUTCOME_HUNG_UP, ""
    if b <= 79:
        return channels_pb2.IVR_CALL_OUTCOME_ANSWERED, "1"
    if b <= 89:
        return channels_pb2.IVR_CALL_OUTCOME_ANSWERED, "2"
    return channels_pb2.IVR_CALL_OUTCOME_ANSWERED, ""


def script_seconds(script: str) -> int:
    """How long the script takes to play, seconds (at least 5)."""
    return max(5, -(-len(script) // SPEECH_CHARACTERS_PER_SECOND))
