from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class LoanClassification(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOAN_CLASSIFICATION_UNSPECIFIED: _ClassVar[LoanClassification]
    LOAN_CLASSIFICATION_NORMAL: _ClassVar[LoanClassification]
    LOAN_CLASSIFICATION_SPECIAL_MENTION: _ClassVar[LoanClassification]
    LOAN_CLASSIFICATION_SUBSTANDARD: _ClassVar[LoanClassification]
    LOAN_CLASSIFICATION_DOUBTFUL: _ClassVar[LoanClassification]
    LOAN_CLASSIFICATION_LOSS: _ClassVar[LoanClassification]
LOAN_CLASSIFICATION_UNSPECIFIED: LoanClassification
LOAN_CLASSIFICATION_NORMAL: LoanClassification
LOAN_CLASSIFICATION_SPECIAL_MENTION: LoanClassification
LOAN_CLASSIFICATION_SUBSTANDARD: LoanClassification
LOAN_CLASSIFICATION_DOUBTFUL: LoanClassification
LOAN_CLASSIFICATION_LOSS: LoanClassification
