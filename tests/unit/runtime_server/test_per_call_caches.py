"""The per-call fast paths of the shared server keep the guarantees of the slow ones: a cached
token verdict expires with the token, altered tokens never hit the cache, the cache is bounded;
the span sanitizer's shortcut masks exactly what the full masks would."""

from __future__ import annotations

import time

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from postloan_runtime import auth, telemetry
from postloan_runtime.auth import CLOCK_SKEW_SECONDS, InvalidToken, TokenVerifier, generate_dev_keys
from postloan_runtime.pii import redact_text
from postloan_runtime.telemetry import PiiSanitizingSpanProcessor, _redact, sanitize_span
from postloan_runtime.testing.auth import token_for

pytestmark = pytest.mark.unit

NAME = "张三丰"
ID_NUMBER = "11010519491231002X"
MOBILE = "13912341234"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_dev_keys(folder)
    return folder


def new_verifier(keys, **kwargs) -> TokenVerifier:
    verifier = TokenVerifier.from_jwks_file(keys / "trusted.jwks.json")
    if kwargs:
        verifier = TokenVerifier(verifier._keys, **kwargs)
    return verifier


def test_a_cached_token_is_refused_once_it_expires(keys, monkeypatch):
    verifier = new_verifier(keys)
    token = token_for(keys, ["collector"], subject="op-1", ttl=60)
    first = verifier.verify(token)
    full = verifier._verify_fully
    calls = []
    monkeypatch.setattr(verifier, "_verify_fully", lambda t: calls.append(t) or full(t))
    assert verifier.verify(token) == first and calls == []  # served from the cache

    now = time.time()
    # Just inside exp + leeway: still accepted (as jwt.decode would).
    monkeypatch.setattr(auth.time, "time", lambda: now + 60 + CLOCK_SKEW_SECONDS - 2)
    assert verifier.verify(token) == first
    assert calls == []
    # Past it: the cache no longer answers; the full verification decides (and refuses).
    monkeypatch.setattr(auth.time, "time", lambda: now + 60 + CLOCK_SKEW_SECONDS + 2)
    monkeypatch.setattr(verifier, "_verify_fully", lambda t: calls.append(t) or _expired())
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)
    assert calls == [token] and token not in verifier._verified


def test_an_expired_token_is_refused_and_not_cached(keys):
    verifier = new_verifier(keys)
    token = token_for(keys, ["collector"], ttl=-(CLOCK_SKEW_SECONDS + 5))
    for _ in range(2):
        with pytest.raises(InvalidToken, match="expired"):
            verifier.verify(token)
    assert not verifier._verified


def _expired():
    raise InvalidToken("token expired")


def test_an_altered_token_never_hits_the_cache(keys):
    verifier = new_verifier(keys)
    token = token_for(keys, ["collector"], subject="op-1")
    verifier.verify(token)
    tail = "AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB"
    tampered = token[:-6] + tail  # the signature's last bytes changed
    with pytest.raises(InvalidToken):
        verifier.verify(tampered)
    with pytest.raises(InvalidToken):
        verifier.verify(tampered)  # refusals are not cached either


def test_the_cache_is_bounded(keys):
    verifier = new_verifier(keys, cache_size=3)
    tokens = [token_for(keys, ["collector"], subject=f"op-{n}") for n in range(5)]
    for token in tokens:
        verifier.verify(token)
    assert list(verifier._verified) == tokens[-3:]
    verifier.verify(tokens[2])  # a hit moves it to the young end
    verifier.verify(tokens[0])
    assert list(verifier._verified) == [tokens[4], tokens[2], tokens[0]]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT max(position) FROM event_feed",
        f"lookup {NAME}",
        f"id {ID_NUMBER} and phone +86 {MOBILE}",
        f"tel:{MOBILE}",
        "order 1234567890 (ten digits)",
        "１３９１２３４１２３４ fullwidth",
        "单",
        "",
    ],
)
def test_the_sanitizer_shortcut_masks_what_the_full_masks_do(text):
    assert _redact(text) == redact_text(text)


def test_clean_spans_pass_uncopied_and_dirty_ones_are_masked():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(PiiSanitizingSpanProcessor(SimpleSpanProcessor(exporter)))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("GetFeedHead") as span:
        span.set_attribute("rpc.method", "GetFeedHead")
        span.set_attribute("db.statement", "SELECT 1")
    with tracer.start_as_current_span("lookup") as span:
        span.set_attribute("rpc.method", "Lookup")
        span.set_attribute("note", ["ok", f"call {MOBILE}"])
    with tracer.start_as_current_span("lookup") as span:
        span.set_attribute("customer_name", "x")
    clean, dirty, personal_key = exporter.get_finished_spans()
    assert sanitize_span(clean) is clean
    assert dirty.attributes["note"] == ("ok", "call 139****1234")
    assert "customer_name" not in personal_key.attributes


def test_the_clean_text_memo_gives_the_search_verdict_and_keeps_no_personal_text(monkeypatch):
    monkeypatch.setattr(telemetry, "_CLEAN_TEXTS", {})
    monkeypatch.setattr(telemetry, "_CLEAN_TEXTS_MAX", 50)
    statement = "INSERT INTO outbox (event_id, payload) VALUES ($1::UUID, $2::BYTEA) " * 2
    texts = [statement, f"{statement} {MOBILE}", f"{statement} {NAME}", f"{ID_NUMBER} {statement}",
             "short", MOBILE, ""]
    query = "FROM t WHERE a = $1 AND b = $2 AND c = $3 ORDER BY id"
    texts += [f"SELECT {n} {query}" for n in range(200)]
    texts += [f"SELECT {n:011d} {query}" for n in range(20)]
    for _ in range(3):  # first sight, then from the memo (and across its resets)
        for text in texts:
            expected = telemetry._MAYBE_PERSONAL.search(text) is not None
            assert telemetry._maybe_personal(text) is expected, text
            assert _redact(text) == redact_text(text)
    memo = telemetry._CLEAN_TEXTS
    assert 0 < len(memo) <= 50
    assert all(not telemetry._MAYBE_PERSONAL.search(text) for text in memo)
    assert all(len(text) >= telemetry._CLEAN_TEXT_MIN_LENGTH for text in memo)
