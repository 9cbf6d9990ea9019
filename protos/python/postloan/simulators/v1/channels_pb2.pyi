import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SmsDeliveryOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SMS_DELIVERY_OUTCOME_UNSPECIFIED: _ClassVar[SmsDeliveryOutcome]
    SMS_DELIVERY_OUTCOME_DELIVERED: _ClassVar[SmsDeliveryOutcome]
    SMS_DELIVERY_OUTCOME_INVALID_NUMBER: _ClassVar[SmsDeliveryOutcome]
    SMS_DELIVERY_OUTCOME_UNREACHABLE: _ClassVar[SmsDeliveryOutcome]
    SMS_DELIVERY_OUTCOME_REJECTED: _ClassVar[SmsDeliveryOutcome]

class IvrCallOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IVR_CALL_OUTCOME_UNSPECIFIED: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_ANSWERED: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_NO_ANSWER: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_BUSY: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_VOICEMAIL: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_INVALID_NUMBER: _ClassVar[IvrCallOutcome]
    IVR_CALL_OUTCOME_HUNG_UP: _ClassVar[IvrCallOutcome]
SMS_DELIVERY_OUTCOME_UNSPECIFIED: SmsDeliveryOutcome
SMS_DELIVERY_OUTCOME_DELIVERED: SmsDeliveryOutcome
SMS_DELIVERY_OUTCOME_INVALID_NUMBER: SmsDeliveryOutcome
SMS_DELIVERY_OUTCOME_UNREACHABLE: SmsDeliveryOutcome
SMS_DELIVERY_OUTCOME_REJECTED: SmsDeliveryOutcome
IVR_CALL_OUTCOME_UNSPECIFIED: IvrCallOutcome
IVR_CALL_OUTCOME_ANSWERED: IvrCallOutcome
IVR_CALL_OUTCOME_NO_ANSWER: IvrCallOutcome
IVR_CALL_OUTCOME_BUSY: IvrCallOutcome
IVR_CALL_OUTCOME_VOICEMAIL: IvrCallOutcome
IVR_CALL_OUTCOME_INVALID_NUMBER: IvrCallOutcome
IVR_CALL_OUTCOME_HUNG_UP: IvrCallOutcome

class SendSmsRequest(_message.Message):
    __slots__ = ("request_id", "mobile_number", "text", "sender_signature")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENDER_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    mobile_number: str
    text: str
    sender_signature: str
    def __init__(self, request_id: _Optional[str] = ..., mobile_number: _Optional[str] = ..., text: _Optional[str] = ..., sender_signature: _Optional[str] = ...) -> None: ...

class SendSmsResponse(_message.Message):
    __slots__ = ("message_id", "outcome", "accepted_at", "delivered_at")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_AT_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    outcome: SmsDeliveryOutcome
    accepted_at: _timestamp_pb2.Timestamp
    delivered_at: _timestamp_pb2.Timestamp
    def __init__(self, message_id: _Optional[str] = ..., outcome: _Optional[_Union[SmsDeliveryOutcome, str]] = ..., accepted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delivered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlaceIvrCallRequest(_message.Message):
    __slots__ = ("request_id", "mobile_number", "script", "max_ring_seconds")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    MAX_RING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    mobile_number: str
    script: str
    max_ring_seconds: int
    def __init__(self, request_id: _Optional[str] = ..., mobile_number: _Optional[str] = ..., script: _Optional[str] = ..., max_ring_seconds: _Optional[int] = ...) -> None: ...

class PlaceIvrCallResponse(_message.Message):
    __slots__ = ("call_id", "outcome", "started_at", "ended_at", "connected_seconds", "keypad_input")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    KEYPAD_INPUT_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    outcome: IvrCallOutcome
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    connected_seconds: int
    keypad_input: str
    def __init__(self, call_id: _Optional[str] = ..., outcome: _Optional[_Union[IvrCallOutcome, str]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., connected_seconds: _Optional[int] = ..., keypad_input: _Optional[str] = ...) -> None: ...
