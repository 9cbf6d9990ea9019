"""Violations.free_text: text a person types refuses resident ID and mobile numbers in any of
the forms people write them, lets ordinary text and short numbers through, and never repeats
the refused value in the field violation."""

from __future__ import annotations

import pytest

from postloan_runtime.validation import Violations

pytestmark = pytest.mark.unit

PERSONAL = [
    ("ID 110101199003074578 checked", "110101199003074578"),
    ("id 11010119900307457X", "11010119900307457X"),
    ("ID 110101 19900307 457X on file", "110101 19900307 457X"),
    ("called 13812345678 twice", "13812345678"),
    ("called 138 1234 5678 twice", "138 1234 5678"),
    ("called 138-1234-5678", "138-1234-5678"),
    ("called +86 138 1234 5678", "+86 138 1234 5678"),
    ("借款人手机１３８１２３４５６７８", "１３８１２３４５６７８"),  # full-width digits
]

ORDINARY = [
    "quarterly review",
    "borrower confirmed by phone, known multi-lender",
    "paid 12,000.00 CNY on 2024-03-15, 3 installments left",
    "amount 120000 fen, ref 2024031512",
    "loan L-2024-0042 reviewed at 09:30",
    "住院治疗，收入中断",
]


@pytest.mark.parametrize(("text", "number"), PERSONAL)
def test_an_id_or_mobile_number_is_refused_without_echoing_it(text: str, number: str) -> None:
    for required in (False, True):
        v = Violations()
        assert v.free_text(text, "note", max_length=200, required=required) is None
        [violation] = v.items
        assert violation.field == "note"
        assert violation.description == (
            "must not contain personal data such as ID or mobile numbers"
        )
        assert number not in violation.description
        assert number.replace(" ", "").replace("-", "")[-4:] not in violation.description


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_and_short_numbers_pass(text: str) -> None:
    v = Violations()
    assert v.free_text(text, "note", max_length=200) == text
    assert v.free_text(text, "reason", max_length=200, required=True) == text
    assert not v


def test_empty_optional_passes_and_required_is_refused() -> None:
    v = Violations()
    assert v.free_text("", "note", max_length=10) is None
    assert not v
    assert v.free_text("  ", "reason", max_length=10, required=True) is None
    assert [(x.field, x.description) for x in v.items] == [("reason", "is required")]


def test_length_and_control_characters_are_checked_as_for_other_text() -> None:
    v = Violations().at("hardship")
    assert v.free_text("x" * 11, "description", max_length=10) is None
    assert v.free_text("late\x00payment", "comment", max_length=100, required=True) is None
    assert [(x.field, x.description) for x in v.items] == [
        ("hardship.description", "must be at most 10 characters"),
        ("hardship.comment", "must not contain control characters"),
    ]
