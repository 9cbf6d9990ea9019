"""Request validation collects every bad field before refusing once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from google.protobuf import (
    descriptor_pb2,
    descriptor_pool,
    message_factory,
    timestamp_pb2,  # noqa: F401 - the test message depends on it
)
from google.protobuf.message import Message

from postloan.common.v1 import money_pb2
from postloan_runtime import proto_validation
from postloan_runtime.errors import FieldViolation, InvalidArgument
from postloan_runtime.money import Money
from postloan_runtime.validation import Violations, field_path

pytestmark = pytest.mark.unit

REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"


def test_collects_several_violations_and_raises_once() -> None:
    v = Violations()
    assert v.request_id("not-a-uuid") is None
    assert v.money("USD", 0, "amount") is None
    assert v.decimal("1e-3", "annual_rate") is None
    item = v.at("installments", 3)
    assert item.date(2025, 2, 30, "due_date") is None
    assert v.enum_specified(0, "bucket") is False
    assert v.non_empty("  ", "loan_id") is False
    with pytest.raises(InvalidArgument) as raised:
        v.raise_if_any()
    assert [x.field for x in raised.value.violations] == [
        "request_id",
        "amount.currency_code",
        "amount.minor_units",
        "annual_rate",
        "installments[3].due_date",
        "bucket",
        "loan_id",
    ]
    assert raised.value.reason == "INVALID_REQUEST"


def test_valid_values_come_back_parsed_and_nothing_is_raised() -> None:
    v = Violations()
    assert v.request_id(REQUEST_ID.upper()) == REQUEST_ID
    assert v.money("CNY", 100, "amount") == Money(100)
    assert v.money("CNY", 0, "fee", allow_zero=True) == Money(0)
    assert v.money("CNY", -5, "adjustment", allow_negative=True) == Money(-5)
    assert v.rate("0.2400", "annual_rate") == Decimal("0.2400")
    assert v.date(2024, 2, 29, "due_date") == dt.date(2024, 2, 29)
    assert v.date(0, 0, 0, "as_of", required=False) is None
    assert v.enum_specified(2, "bucket", allowed={1, 2})
    assert v.non_empty("L-1", "loan_id", max_length=64)
    assert not v
    v.raise_if_any()


@pytest.mark.parametrize(
    ("value", "expected", "ok"), [(0, 50, True), (10, 10, True), (1000, 1000, True),
                                  (5000, 1000, True), (-1, 50, False)]
)
def test_page_size_default_coercion_and_refusal(value: int, expected: int, ok: bool) -> None:
    v = Violations()
    assert v.page_size(value) == expected
    assert (not v) is ok


def test_specific_refusals() -> None:
    v = Violations()
    v.uuid("123e4567e89b12d3a456426614174000", "case_id")  # no hyphens: not canonical
    v.positive_fen(0, "amount.minor_units")
    v.non_negative_fen(-1, "fee.minor_units")
    v.currency("", "amount.currency_code")
    v.decimal("0.123456", "rate", max_places=4)
    v.decimal("2", "rate2", maximum=Decimal(1))
    v.rate("-0.1", "rate3")
    v.enum_specified(9, "bucket", allowed={1, 2})
    v.date(2024, 1, 1, "due_date", earliest=dt.date(2024, 6, 1))
    v.non_empty("x" * 65, "note", max_length=64)
    v.int_range(0, "term_months", minimum=1)
    assert [(x.field, x.description) for x in v.items] == [
        ("case_id", "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000"),
        ("amount.minor_units", "must be a positive amount in fen"),
        ("fee.minor_units", "must not be negative"),
        ("amount.currency_code", "is required"),
        ("rate", "must have at most 4 decimal places"),
        ("rate2", "must be at most 1"),
        ("rate3", "must be at least 0"),
        ("bucket", "is not a known value"),
        ("due_date", "must be on or after 2024-06-01"),
        ("note", "must be at most 64 characters"),
        ("term_months", "must be at least 1"),
    ]


def test_field_paths() -> None:
    assert field_path("installments", 3, "due_date") == "installments[3].due_date"
    assert field_path("", "amount") == "amount"
    v = Violations()
    v.at("plan").at("installments", 0).add("amount.minor_units", "must be positive")
    assert v.items == [
        FieldViolation("plan.installments[0].amount.minor_units", "must be positive")
    ]


def _probe_type() -> type[Message]:
    """A request type holding the common messages, built at test time (no new .proto)."""
    pool = descriptor_pool.Default()
    try:
        return message_factory.GetMessageClass(
            pool.FindMessageTypeByName("postloan.test.v1.ProbeRequest")
        )
    except KeyError:
        pass
    file = descriptor_pb2.FileDescriptorProto(
        name="postloan/test/v1/probe.proto",
        package="postloan.test.v1",
        syntax="proto3",
        dependency=["postloan/common/v1/money.proto", "google/protobuf/timestamp.proto"],
    )
    message = file.message_type.add(name="ProbeRequest")
    fields = [
        ("amount", ".postloan.common.v1.Money"),
        ("annual_rate", ".postloan.common.v1.DecimalValue"),
        ("due_date", ".postloan.common.v1.Date"),
        ("paid_at", ".google.protobuf.Timestamp"),
    ]
    for number, (name, type_name) in enumerate(fields, start=1):
        message.field.add(
            name=name,
            number=number,
            type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
            label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
            type_name=type_name,
        )
    pool.Add(file)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName("postloan.test.v1.ProbeRequest")
    )


def test_proto_helpers_report_client_field_paths() -> None:
    probe = _probe_type()
    v = Violations()
    empty = probe()
    assert proto_validation.money(v, empty, "amount") is None
    assert proto_validation.rate(v, empty, "annual_rate") is None
    assert proto_validation.date(v, empty, "due_date") is None
    assert proto_validation.timestamp(v, empty, "paid_at") is None
    assert [x.field for x in v.items] == ["amount", "annual_rate", "due_date", "paid_at"]

    v = Violations()
    bad = probe(
        amount=money_pb2.Money(currency_code="USD", minor_units=-1),
        annual_rate=money_pb2.DecimalValue(value="2.5e-1"),
        due_date=money_pb2.Date(year=2025, month=13, day=1),
    )
    proto_validation.money(v, bad, "amount")
    proto_validation.rate(v, bad, "annual_rate")
    proto_validation.date(v, bad, "due_date")
    assert [x.field for x in v.items] == [
        "amount.currency_code",
        "amount.minor_units",
        "annual_rate.value",
        "due_date",
    ]

    v = Violations()
    good = probe(
        amount=money_pb2.Money(currency_code="CNY", minor_units=12345),
        annual_rate=money_pb2.DecimalValue(value="0.2400"),
        due_date=money_pb2.Date(year=2025, month=3, day=31),
    )
    good.paid_at.FromSeconds(1_700_000_000)
    assert proto_validation.money(v, good, "amount") == Money(12345)
    assert proto_validation.rate(v, good, "annual_rate") == Decimal("0.24")
    assert proto_validation.date(v, good, "due_date") == dt.date(2025, 3, 31)
    paid_at = proto_validation.timestamp(v, good, "paid_at")
    assert paid_at == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    assert not v


def test_descriptions_never_echo_values() -> None:
    canary = "13800138000"
    v = Violations()
    v.uuid(canary, "borrower_id")
    v.decimal(canary + "e1", "rate")
    v.non_empty(canary * 10, "note", max_length=10)
    assert all(canary not in x.description for x in v.items)


@pytest.mark.unit
@pytest.mark.parametrize("text", ["a\x00b", "\x07bell", "x\x85y"])
def test_required_strings_refuse_control_characters(text: str) -> None:
    v = Violations()
    assert v.non_empty(text, "borrower_id") is False
    with pytest.raises(InvalidArgument) as refused:
        v.raise_if_any()
    assert [f.field for f in refused.value.violations] == ["borrower_id"]


@pytest.mark.unit
def test_required_strings_keep_tabs_and_line_breaks() -> None:
    v = Violations()
    assert v.non_empty("first line\nsecond\tline", "note") is True


@pytest.mark.unit
def test_optional_strings_are_none_when_empty_and_checked_when_given() -> None:
    v = Violations()
    assert v.optional_text("", "actor", max_length=8) is None
    assert v.optional_text("ops-1\tA", "actor", max_length=8) == "ops-1\tA"
    assert not v
    assert v.optional_text("a\x00b", "borrower_id", max_length=8) is None
    assert v.optional_text("x" * 9, "note", max_length=8) is None
    with pytest.raises(InvalidArgument) as refused:
        v.raise_if_any()
    assert [(f.field, f.description) for f in refused.value.violations] == [
        ("borrower_id", "must not contain control characters"),
        ("note", "must be at most 8 characters"),
    ]
