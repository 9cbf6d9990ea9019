"""Token minting and verification (no server): who may sign what."""

from __future__ import annotations

import json
import os
import stat
import time

import jwt
import pytest

from postloan_runtime.auth import (
    ISSUER_KID,
    MAX_TOKEN_LIFETIME_SECONDS,
    InvalidToken,
    ServiceIdentity,
    TokenVerifier,
    bearer_token,
    generate_dev_keys,
    is_granted,
    load_private_key,
    max_token_lifetime_seconds,
    mint_token,
)
from postloan_runtime.testing.auth import token_for

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_dev_keys(folder)
    return folder


@pytest.fixture(scope="module")
def verifier(keys):
    return TokenVerifier.from_jwks_file(keys / "trusted.jwks.json")


def test_dev_keys_are_private_complete_and_idempotent(keys):
    names = {p.name for p in keys.iterdir()}
    assert {"issuer.pem", "monitoring.pem", "credit-inquiry.pem", "collection.pem",
            "restructuring.pem", "trusted.jwks.json", "pii-keys.json"} <= names
    for path in keys.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    kids = {k["kid"] for k in json.loads((keys / "trusted.jwks.json").read_text())["keys"]}
    assert {"issuer", "monitoring"} <= kids
    before = {p.name: p.read_bytes() for p in keys.iterdir()}
    assert generate_dev_keys(keys) == []
    assert {p.name: p.read_bytes() for p in keys.iterdir()} == before


def test_person_and_service_tokens_verify(keys, verifier):
    person = verifier.verify(token_for(keys, ["collector", "auditor"], subject="op-7"))
    assert person.subject == "op-7" and person.kind == "person"
    assert person.roles == ("collector", "auditor")
    identity = ServiceIdentity("monitoring", keys / "monitoring.pem", ttl=60)
    token = identity.token()
    assert identity.token() == token  # cached
    service = verifier.verify(token)
    assert service == identity.caller()
    assert service.roles == ("service:monitoring",)


@pytest.mark.parametrize(
    "case",
    ["expired", "tampered", "foreign_key", "unknown_kid", "other_service_role",
     "service_key_as_other_kid", "issuer_claims_service", "wrong_audience", "service_as_person"],
)
def test_refused_tokens(keys, verifier, tmp_path, case):
    if case == "expired":
        token = token_for(keys, ["collector"], ttl=-60)
    elif case == "tampered":
        token = token_for(keys, ["collector"])
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif case == "foreign_key":
        generate_dev_keys(tmp_path)  # a different issuer key under the same kid
        token = token_for(tmp_path, ["collector"])
    elif case == "unknown_kid":
        token = mint_token(keys / "issuer.pem", "issuer-2099", "op", ["collector"], "person", 60)
    elif case == "other_service_role":
        token = mint_token(keys / "monitoring.pem", "monitoring", "service:collection",
                           ["service:collection"], "service", 60)
    elif case == "service_key_as_other_kid":
        token = mint_token(keys / "monitoring.pem", "collection", "service:collection",
                           ["service:collection"], "service", 60)
    elif case == "issuer_claims_service":
        token = mint_token(keys / "issuer.pem", "issuer", "service:monitoring",
                           ["service:monitoring"], "person", 60)
    elif case == "wrong_audience":
        token = mint_token(keys / "issuer.pem", "issuer", "op", ["collector"], "person", 60,
                           audience="elsewhere")
    else:
        token = mint_token(keys / "monitoring.pem", "monitoring", "op", ["risk_manager"],
                           "person", 60)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_bearer_token_and_grants():
    assert bearer_token([("authorization", "Bearer abc")]) == "abc"
    assert bearer_token([("authorization", "bearer abc ")]) == "abc"
    assert bearer_token([("authorization", "Basic abc")]) is None
    assert bearer_token(None) is None
    assert is_granted("monitoring.loans.read", {"monitoring.*"})
    assert not is_granted("monitoring.loans.read", {"monitoring.loans.write"})


def test_a_token_living_longer_than_the_maximum_is_refused(keys, verifier):
    """exp - iat beyond the maximum (12 h unless configured) is refused even though the
    signature and every other claim are valid; a token just within it verifies."""
    private = load_private_key(keys / f"{ISSUER_KID}.pem")
    long_lived = mint_token(private, ISSUER_KID, "op-1", ["collector"], "person",
                            MAX_TOKEN_LIFETIME_SECONDS + 60)
    with pytest.raises(InvalidToken, match="lifetime"):
        verifier.verify(long_lived)
    within = mint_token(private, ISSUER_KID, "op-1", ["collector"], "person",
                        MAX_TOKEN_LIFETIME_SECONDS)
    assert verifier.verify(within).subject == "op-1"
    strict = TokenVerifier.from_jwks_file(keys / "trusted.jwks.json", max_lifetime_seconds=600)
    with pytest.raises(InvalidToken, match="lifetime"):
        strict.verify(within)


def test_a_token_issued_in_the_future_is_refused(keys, verifier):
    private = load_private_key(keys / f"{ISSUER_KID}.pem")
    now = int(time.time())
    claims = {"iss": "postloan-issuer", "aud": "postloan", "sub": "op-1", "roles": ["collector"],
              "kind": "person", "iat": now + 3600, "exp": now + 7200}
    token = jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": ISSUER_KID})
    with pytest.raises(InvalidToken, match="future|not yet|ImmatureSignature"):
        verifier.verify(token)


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "nan", "inf"])
def test_an_impossible_maximum_lifetime_stops_the_service(monkeypatch, raw):
    monkeypatch.setenv("POSTLOAN_AUTH_MAX_TOKEN_LIFETIME_SECONDS", raw)
    with pytest.raises(SystemExit):
        max_token_lifetime_seconds()
