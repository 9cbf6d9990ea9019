"""Field encryption, key rotation, blind index, masking and the redaction safety net."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace

import pytest

from postloan_runtime.pii import (
    ACCEPT_COLUMN_BOUND_ENV,
    PiiCipher,
    PiiDecryptionError,
    contains_id_or_mobile_number,
    is_personal_key,
    key_id_of,
    mask_id_number,
    mask_mobile,
    mask_name,
    new_key_ring,
    redact_text,
    rotate_key_ring,
    write_key_ring,
)

pytestmark = pytest.mark.unit

CONTEXT = "borrower.id_number"
ROW = "verification-1/b-1"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def ring_path(tmp_path):
    path = tmp_path / "pii-keys.json"
    assert write_key_ring(path, new_key_ring("k1"))
    return path


def test_round_trip_and_blob_layout(ring_path):
    cipher = PiiCipher.from_file(ring_path)
    blob = cipher.encrypt(ID_NUMBER, context=CONTEXT, row=ROW)
    assert blob[0] == 2 and key_id_of(blob) == "k1"
    assert ID_NUMBER.encode() not in blob
    assert cipher.decrypt(blob, context=CONTEXT, row=ROW) == ID_NUMBER
    # A fresh nonce every time: equal plaintexts give different blobs.
    assert cipher.encrypt(ID_NUMBER, context=CONTEXT, row=ROW) != blob


def test_key_ring_file_is_private_and_kept(ring_path):
    assert stat.S_IMODE(os.stat(ring_path).st_mode) == 0o600
    before = ring_path.read_text()
    assert not write_key_ring(ring_path, new_key_ring("k9"))
    assert ring_path.read_text() == before


def test_rotation_keeps_old_blobs_readable_and_writes_with_new_key(ring_path):
    old_blob = PiiCipher.from_file(ring_path).encrypt("张三丰", context="borrower.name", row=ROW)
    rotate_key_ring(ring_path, "k2")
    rotated = PiiCipher.from_file(ring_path)
    assert rotated.active_key_id == "k2"
    assert rotated.decrypt(old_blob, context="borrower.name", row=ROW) == "张三丰"
    assert not rotated.is_current(old_blob)
    new_blob = rotated.encrypt("张三丰", context="borrower.name", row=ROW)
    assert key_id_of(new_blob) == "k2" and rotated.is_current(new_blob)
    assert rotated.decrypt(new_blob, context="borrower.name", row=ROW) == "张三丰"
    with pytest.raises(ValueError):
        rotate_key_ring(ring_path, "k2")


def test_tampered_blob_wrong_context_and_unknown_key_are_refused(ring_path):
    cipher = PiiCipher.from_file(ring_path)
    blob = cipher.encrypt(ID_NUMBER, context=CONTEXT, row=ROW)
    # tag, ciphertext, key id, version (2 -> 3: unknown; -> 1 would change the bound data)
    for position, flip in ((len(blob) - 1, 1), (len(blob) - 20, 1), (2, 1), (0, 1), (0, 3)):
        tampered = bytearray(blob)
        tampered[position] ^= flip
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(bytes(tampered), context=CONTEXT, row=ROW)
    with pytest.raises(PiiDecryptionError):
        cipher.decrypt(blob, context="borrower.mobile", row=ROW)
    with pytest.raises(PiiDecryptionError):
        cipher.decrypt(blob[:10], context=CONTEXT, row=ROW)
    other = PiiCipher.from_json(new_key_ring("k7"))
    with pytest.raises(PiiDecryptionError):
        other.decrypt(blob, context=CONTEXT, row=ROW)


def test_a_row_bound_blob_moved_to_another_row_is_refused(ring_path):
    cipher = PiiCipher.from_file(ring_path)
    blob = cipher.encrypt(ID_NUMBER, context=CONTEXT, row="verification-1/b-1")
    for other_row in ("verification-2/b-2", "verification-1/b-2", "verification-2/b-1", ""):
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(blob, context=CONTEXT, row=other_row)
    # Nor with the column-only data a version-1 blob was bound to.
    with pytest.raises(PiiDecryptionError):
        cipher.decrypt(blob, context=CONTEXT, row="", column_bound_context=CONTEXT)


def test_a_column_bound_blob_decrypts_while_accepted_and_is_refused_after(ring_path):
    cipher = PiiCipher.from_file(ring_path)
    old = cipher.encrypt_column_bound(ID_NUMBER, context=CONTEXT)
    assert old[0] == 1 and not cipher.is_current(old)
    # Any row: version 1 was bound to the column only (the weakness version 2 closes).
    assert cipher.decrypt(old, context=CONTEXT, row=ROW) == ID_NUMBER
    assert cipher.decrypt(old, context=CONTEXT, row="another/row") == ID_NUMBER
    with pytest.raises(PiiDecryptionError):
        cipher.decrypt(old, context="borrower.mobile", row=ROW)
    # A row-bound-at-column-level context (the reports' version 1) is named explicitly.
    report = cipher.encrypt_column_bound("body", context="reports/r-1")
    assert cipher.decrypt(
        report, context="reports", row="r-1", column_bound_context="reports/r-1"
    ) == "body"
    strict = replace(cipher, accept_column_bound=False)
    for blob, context in ((old, CONTEXT), (report, "reports/r-1")):
        with pytest.raises(PiiDecryptionError, match=ACCEPT_COLUMN_BOUND_ENV):
            strict.decrypt(blob, context=context, row=ROW, column_bound_context=context)
    new = strict.encrypt(ID_NUMBER, context=CONTEXT, row=ROW)
    assert strict.decrypt(new, context=CONTEXT, row=ROW) == ID_NUMBER


@pytest.mark.parametrize(
    ("value", "accepted"), [(None, True), ("", True), ("true", True), (" TRUE ", True),
                            ("false", False), ("False", False)],
)
def test_accept_column_bound_setting(ring_path, monkeypatch, value, accepted):
    monkeypatch.setenv("POSTLOAN_PII_KEYS", str(ring_path))
    if value is None:
        monkeypatch.delenv(ACCEPT_COLUMN_BOUND_ENV, raising=False)
    else:
        monkeypatch.setenv(ACCEPT_COLUMN_BOUND_ENV, value)
    assert PiiCipher.from_env().accept_column_bound is accepted


@pytest.mark.parametrize("value", ["no", "0", "yes", "flase"])
def test_an_invalid_accept_column_bound_setting_stops_start_up(ring_path, monkeypatch, value):
    monkeypatch.setenv("POSTLOAN_PII_KEYS", str(ring_path))
    monkeypatch.setenv(ACCEPT_COLUMN_BOUND_ENV, value)
    with pytest.raises(SystemExit, match=ACCEPT_COLUMN_BOUND_ENV):
        PiiCipher.from_env()


def test_blind_index_is_stable_normalized_and_keyed(ring_path):
    cipher = PiiCipher.from_file(ring_path)
    index = cipher.blind_index(ID_NUMBER, context=CONTEXT)
    assert index == cipher.blind_index(" 11010519491231002x ", context=CONTEXT)
    assert len(index) == 64 and ID_NUMBER not in index
    assert index != cipher.blind_index(ID_NUMBER, context="other.context")
    assert index != PiiCipher.from_json(new_key_ring()).blind_index(ID_NUMBER, context=CONTEXT)
    # Rotation does not change the hash key: lookups keep matching.
    rotate_key_ring(ring_path, "k2")
    assert PiiCipher.from_file(ring_path).blind_index(ID_NUMBER, context=CONTEXT) == index


def test_masks():
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("") == "" and mask_mobile("123") == "***"


def test_redact_text_masks_ids_mobiles_and_han_names_but_not_other_numbers():
    text = f"borrower 测试金丝雀 id {ID_NUMBER} tel +86 13900001234 loan 1234567 ts 1700000000123"
    redacted = redact_text(text)
    for secret in ("测试金丝雀", ID_NUMBER, "13900001234"):
        assert secret not in redacted
    assert "110***********002X" in redacted and "139****1234" in redacted
    assert "loan 1234567 ts 1700000000123" in redacted
    # 20-digit ids (e.g. feed positions) are not ID numbers.
    assert redact_text("position 12345678901234567890") == "position 12345678901234567890"


@pytest.mark.parametrize(
    ("text", "secret", "masked"),
    [
        ("call +86 138 1234 5678 now", "1234 5678", "138****5678"),
        ("mobile 138-1234-5678", "1234-5678", "138****5678"),
        ("id 110101 19900307 123X", "19900307", "110***********123X"),
        ("id 110101-19900307-1234", "19900307", "110***********1234"),
        ("tel \uff11\uff13\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
         "\uff15\uff16\uff17\uff18", "138****5678"),  # full-width digits
    ],
)
def test_grouped_and_full_width_numbers_are_masked_and_refused_in_free_text(
    text: str, secret: str, masked: str,
) -> None:
    """The forms credit_inquiry itself accepts as input (+86 138 1234 5678, 138-1234-5678) and
    grouped or full-width ID numbers: masked in logs and spans, refused in "no personal data"
    text fields."""
    redacted = redact_text(text)
    assert secret not in redacted and masked in redacted
    assert contains_id_or_mobile_number(text)


def test_dates_times_and_short_numbers_are_left_alone() -> None:
    for text in ("ts 2026-11-23 18:30:00", "order 1234567890", "amount 12 345 678 fen"):
        assert redact_text(text) == text and not contains_id_or_mobile_number(text)


def test_personal_keys():
    for key in ("name", "borrower.name", "id_number", "mobile", "phone", "borrower_name"):
        assert is_personal_key(key), key
    for key in ("service.name", "db.name", "server.address", "rpc.method", "event_name", "loan_id"):
        assert not is_personal_key(key), key


def test_key_ring_format_is_documented_json(ring_path):
    ring = json.loads(ring_path.read_text())
    assert set(ring) == {"active_key_id", "keys", "hash_key"}
