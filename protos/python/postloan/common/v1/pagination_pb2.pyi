from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PageLimits(_message.Message):
    __slots__ = ("default_page_size", "max_page_size")
    DEFAULT_PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    default_page_size: int
    max_page_size: int
    def __init__(self, default_page_size: _Optional[int] = ..., max_page_size: _Optional[int] = ...) -> None: ...
