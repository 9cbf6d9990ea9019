import datetime

from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from postloan.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventEnvelope(_message.Message):
    __slots__ = ("event_id", "position", "producer", "event_type", "ordering_key", "occurred_at", "payload", "trace_context")
    class TraceContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ORDERING_KEY_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    TRACE_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    position: int
    producer: str
    event_type: str
    ordering_key: str
    occurred_at: _timestamp_pb2.Timestamp
    payload: _any_pb2.Any
    trace_context: _containers.ScalarMap[str, str]
    def __init__(self, event_id: _Optional[str] = ..., position: _Optional[int] = ..., producer: _Optional[str] = ..., event_type: _Optional[str] = ..., ordering_key: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payload: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., trace_context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SubscribeEventsRequest(_message.Message):
    __slots__ = ("after_position", "event_types", "batch_size")
    AFTER_POSITION_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    after_position: int
    event_types: _containers.RepeatedScalarFieldContainer[str]
    batch_size: int
    def __init__(self, after_position: _Optional[int] = ..., event_types: _Optional[_Iterable[str]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class SubscribeEventsResponse(_message.Message):
    __slots__ = ("event", "head_position")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    HEAD_POSITION_FIELD_NUMBER: _ClassVar[int]
    event: EventEnvelope
    head_position: int
    def __init__(self, event: _Optional[_Union[EventEnvelope, _Mapping]] = ..., head_position: _Optional[int] = ...) -> None: ...

class GetFeedHeadRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetFeedHeadResponse(_message.Message):
    __slots__ = ("head_position",)
    HEAD_POSITION_FIELD_NUMBER: _ClassVar[int]
    head_position: int
    def __init__(self, head_position: _Optional[int] = ...) -> None: ...
