"""Personal data: field-level encryption, keyed lookup hashes, masking for display, and the
redaction safety net applied to logs and spans.

Key ring file (``POSTLOAN_PII_KEYS``, JSON, mode 0600)::

    {"active_key_id": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "..."},
     "hash_key": "<base64 32 bytes>"}

Rotation adds a key and makes it active; old keys stay in the ring so old blobs keep
decrypting until ``postloan reencrypt-pii`` rewrites them. The hash key never rotates (blind
indexes would stop matching).

Blob versions: 1 (column-bound, written before row binding: the associated data is the header
and the column's context) and 2 (row-bound: the context also names the row, so a blob copied
to another row does not decrypt). Only version 2 is written;
``POSTLOAN_PII_ACCEPT_COLUMN_BOUND_BLOBS=false`` refuses version 1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Blob layout: version (1 byte) | key id length (1 byte) | key id (ASCII) | nonce (12) | ct+tag
COLUMN_BOUND_VERSION: Final = 1
ROW_BOUND_VERSION: Final = 2
NONCE_BYTES = 12
ACCEPT_COLUMN_BOUND_ENV: Final = "POSTLOAN_PII_ACCEPT_COLUMN_BOUND_BLOBS"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class PiiDecryptionError(Exception):
    """A blob could not be decrypted: unknown key id, wrong context, or tampered bytes."""


@dataclass(frozen=True)
class PiiCipher:
    """AES-256-GCM field encryption with key ids, plus an HMAC-SHA256 blind index."""

    keys: Mapping[str, bytes]
    active_key_id: str
    hash_key: bytes
    # False once every stored blob is row-bound (``postloan reencrypt-pii``): a version-1 blob
    # could have been moved from another row, so it is refused.
    accept_column_bound: bool = True

    def __post_init__(self) -> None:
        if self.active_key_id not in self.keys:
            raise ValueError(f"active key {self.active_key_id!r} is not in the key ring")
        for key_id, key in self.keys.items():
            if not _KEY_ID.match(key_id):
                raise ValueError(f"bad key id {key_id!r}")
            if len(key) != 32:
                raise ValueError(f"key {key_id!r} is not 256 bits")
        if len(self.hash_key) < 32:
            raise ValueError("hash key must be at least 256 bits")

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PiiCipher:
        """Load a key ring written by :func:`write_key_ring` / ``postloan keys``."""
        return cls.from_json(json.loads(Path(path).read_text()))

    @classmethod
    def from_env(cls) -> PiiCipher:
        """The key ring named by ``POSTLOAN_PII_KEYS`` (default
        ``$POSTLOAN_KEYS_DIR/pii-keys.json``), accepting version-1 blobs as
        ``POSTLOAN_PII_ACCEPT_COLUMN_BOUND_BLOBS`` says (an invalid value stops start-up)."""
        from postloan_runtime.config import keys_dir

        accept = accept_column_bound_from_env()
        ring = cls.from_file(os.environ.get("POSTLOAN_PII_KEYS") or keys_dir() / "pii-keys.json")
        return replace(ring, accept_column_bound=accept)

    @classmethod
    def from_json(cls, ring: Mapping[str, object]) -> PiiCipher:
        keys = ring["keys"]
        assert isinstance(keys, Mapping)
        return cls(
            keys={str(k): base64.b64decode(v) for k, v in keys.items()},
            active_key_id=str(ring["active_key_id"]),
            hash_key=base64.b64decode(str(ring["hash_key"])),
        )

    def encrypt(self, plaintext: str, *, context: str, row: str) -> bytes:
        """Encrypt with the active key into a version-2 blob. ``context`` names the column
        (e.g. ``"borrower.id_number"``) and ``row`` the stable key of the row it is stored in;
        both are bound as associated data, so a blob moved to another column or row does not
        decrypt."""
        return self._seal(ROW_BOUND_VERSION, plaintext, row_context(context, row))

    def encrypt_column_bound(self, plaintext: str, *, context: str) -> bytes:
        """A version-1 blob bound to ``context`` only, as written before row binding: for
        tests and migrations of old data, never for new writes."""
        return self._seal(COLUMN_BOUND_VERSION, plaintext, context)

    def decrypt(
        self, blob: bytes, *, context: str, row: str, column_bound_context: str | None = None
    ) -> str:
        """Decrypt with the key named in the blob (old keys keep working after rotation). A
        version-2 blob must have been sealed for ``context`` and ``row``; a version-1 blob for
        ``column_bound_context`` (default ``context``), and only while
        :attr:`accept_column_bound`."""
        version, key_id, header, nonce, sealed = _split_blob(blob)
        if version == ROW_BOUND_VERSION:
            bound = row_context(context, row)
        elif self.accept_column_bound:
            bound = context if column_bound_context is None else column_bound_context
        else:
            raise PiiDecryptionError(f"column-bound blob refused ({ACCEPT_COLUMN_BOUND_ENV})")
        key = self.keys.get(key_id)
        if key is None:
            raise PiiDecryptionError(f"unknown key id {key_id!r}")
        try:
            plain = AESGCM(key).decrypt(nonce, sealed, _associated_data(header, bound))
        except InvalidTag:
            raise PiiDecryptionError("ciphertext refused (tampered or wrong context)") from None
        return plain.decode("utf-8")

    def is_current(self, blob: bytes) -> bool:
        """True when ``blob`` is row-bound and sealed with the active key (nothing to
        re-encrypt)."""
        return blob[:1] == bytes([ROW_BOUND_VERSION]) and key_id_of(blob) == self.active_key_id

    def _seal(self, version: int, plaintext: str, bound: str) -> bytes:
        key_id = self.active_key_id.encode("ascii")
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = bytes([version, len(key_id)]) + key_id
        sealed = AESGCM(self.keys[self.active_key_id]).encrypt(
            nonce, plaintext.encode("utf-8"), _associated_data(header, bound)
        )
        return header + nonce + sealed

    def blind_index(self, value: str, *, context: str) -> str:
        """Keyed HMAC-SHA256 (hex) of the normalized value, for equality lookups without
        storing the clear text; normalization: NFKC, surrounding space removed, upper case."""
        message = context.encode("utf-8") + b"\x00" + normalize(value).encode("utf-8")
        return hmac.new(self.hash_key, message, hashlib.sha256).hexdigest()


def key_id_of(blob: bytes) -> str:
    """The key id a blob was encrypted with (e.g. to find rows still on an old key)."""
    return _split_blob(blob)[1]


def row_context(context: str, row: str) -> str:
    """What a version-2 blob is bound to: the column's context and the row's stable key."""
    return f"{context}/{row}"


def accept_column_bound_from_env() -> bool:
    """``POSTLOAN_PII_ACCEPT_COLUMN_BOUND_BLOBS``: ``true`` (default) or ``false``; anything
    else stops start-up."""
    raw = os.environ.get(ACCEPT_COLUMN_BOUND_ENV, "").strip().lower() or "true"
    if raw not in ("true", "false"):
        raise SystemExit(f"{ACCEPT_COLUMN_BOUND_ENV} must be true or false, not {raw!r}")
    return raw == "true"


def normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def _associated_data(header: bytes, context: str) -> bytes:
    return header + context.encode("utf-8")


def _split_blob(blob: bytes) -> tuple[int, str, bytes, bytes, bytes]:
    """Version, key id, header, nonce, ciphertext with tag."""
    if len(blob) < 2 or blob[0] not in (COLUMN_BOUND_VERSION, ROW_BOUND_VERSION):
        raise PiiDecryptionError("not a PII blob of a known version")
    end = 2 + blob[1]
    if len(blob) < end + NONCE_BYTES + 16:
        raise PiiDecryptionError("PII blob is truncated")
    try:
        key_id = blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise PiiDecryptionError("bad key id in PII blob") from None
    return blob[0], key_id, blob[:end], blob[end : end + NONCE_BYTES], blob[end + NONCE_BYTES :]


# --- key ring files --------------------------------------------------------------------------


def new_key_ring(key_id: str = "k1") -> dict[str, object]:
    """A fresh key ring with one active AES-256 key and a hash key."""
    return {
        "active_key_id": key_id,
        "keys": {key_id: _b64(secrets.token_bytes(32))},
        "hash_key": _b64(secrets.token_bytes(32)),
    }


def rotate_key_ring(path: str | os.PathLike[str], new_key_id: str) -> None:
    """Add a new AES-256 key to the ring at ``path`` and make it the active one."""
    ring = json.loads(Path(path).read_text())
    if new_key_id in ring["keys"]:
        raise ValueError(f"key id {new_key_id!r} already exists")
    if not _KEY_ID.match(new_key_id):
        raise ValueError(f"bad key id {new_key_id!r}")
    ring["keys"][new_key_id] = _b64(secrets.token_bytes(32))
    ring["active_key_id"] = new_key_id
    write_secret(Path(path), json.dumps(ring, indent=2).encode(), overwrite=True)


def write_key_ring(path: str | os.PathLike[str], ring: Mapping[str, object]) -> bool:
    """Write a key ring (mode 0600) unless the file exists; True when written."""
    return write_secret(Path(path), json.dumps(ring, indent=2).encode(), overwrite=False)


def write_secret(path: Path, data: bytes, *, overwrite: bool) -> bool:
    """Write ``data`` to ``path`` readable by the owner only; keep an existing file unless
    ``overwrite``. Returns True when the file was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not overwrite:
        return False
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # atomic create-if-absent: a concurrent writer wins once
            except FileExistsError:
                return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# --- masking for display ---------------------------------------------------------------------


def mask_name(name: str) -> str:
    """``"张三丰"`` -> ``"张**"``: the first character, the rest starred."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(id_number: str) -> str:
    """``"110101199003071234"`` -> ``"110***********1234"``: first 3 and last 4 visible."""
    id_number = id_number.strip()
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_mobile(mobile: str) -> str:
    """``"13812345678"`` -> ``"138****5678"``."""
    mobile = mobile.strip()
    if len(mobile) < 8:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


# --- redaction safety net ------------------------------------------------------------------

# 18-character resident ID (17 digits + digit/X) and mainland mobile numbers, also written in
# groups (110101 19900307 123X, 138-1234-5678, +86 138 1234 5678), not embedded in longer digit
# runs (so positions, amounts in fen and timestamps stay readable).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}[- ]?\d{8}[- ]?\d{3}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
# Runs of Han characters. Log lines, span names and attributes are English by convention, so
# Han text in them is almost always a person's name or address.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")


def redact_text(text: str) -> str:
    """Mask resident ID numbers, mobile numbers and Han-character runs (names, addresses) in
    free text. A safety net for logs and spans, not a substitute for not logging them.
    Full-width digits are read as digits (the text is NFKC-normalized when that reveals one)."""
    text = _digits_normalized(text)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(_ungrouped(m.group())), text)
    text = _MOBILE.sub(lambda m: mask_mobile(_ungrouped(m.group())[-11:]), text)
    return _HAN.sub(lambda m: mask_name(m.group()) if len(m.group()) > 1 else "*", text)


def _ungrouped(number: str) -> str:
    return number.replace(" ", "").replace("-", "")


def _digits_normalized(text: str) -> str:
    """``text`` NFKC-normalized when that turns an ID or mobile number out of full-width (or
    other compatibility) digits into one the patterns see; otherwise unchanged."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKC", text)
    if normalized != text and (_ID_NUMBER.search(normalized) or _MOBILE.search(normalized)):
        return normalized
    return text


def contains_id_or_mobile_number(text: str) -> bool:
    """True when free text holds something shaped like a resident ID number or a mainland
    mobile number: what a "no personal data" text field (a reason, a note) refuses."""
    text = _digits_normalized(text)
    return bool(_ID_NUMBER.search(text) or _MOBILE.search(text))


# Keys (log extras, span attributes) whose values are personal data whatever they contain.
_PERSON_WORDS = frozenset(
    {
        "borrower", "customer", "person", "full", "real", "first", "last", "given", "family",
        "contact", "debtor", "guarantor", "applicant", "holder", "account_holder", "user",
    }
)
_PERSONAL_TOKENS = frozenset(
    {
        "id_number", "idnumber", "id_no", "id_card", "idcard", "resident_id", "national_id",
        "mobile", "mobile_number", "phone", "phone_number", "telephone", "email",
        "home_address", "borrower_address", "full_name", "borrower_name", "customer_name",
    }
)
_KEY_SEPARATORS = re.compile(r"[.\-/ ]+")


def is_personal_key(key: str) -> bool:
    """True for attribute / log-field keys that name personal data: ``name``,
    ``borrower.name``, ``id_number``, ``mobile``, ``phone`` … (but not ``service.name``,
    ``db.name`` or ``server.address``)."""
    tokens = [t for t in _KEY_SEPARATORS.split(key.lower()) if t]
    if not tokens:
        return False
    for token in tokens:
        if token in _PERSONAL_TOKENS:
            return True
        words = token.split("_")
        if any(w in ("mobile", "phone") for w in words):
            return True
    last = tokens[-1]
    if last == "name":
        return len(tokens) == 1 or tokens[-2] in _PERSON_WORDS
    words = last.split("_")
    return len(words) >= 2 and words[-1] == "name" and words[-2] in _PERSON_WORDS
