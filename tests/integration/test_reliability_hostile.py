"""Hostile input through the real stream: a few thousand malformed messages from a seeded
generator (random bytes, truncated JSON, wrong types, fields up to the size limit, deep
nesting, invalid UTF-8, XML entity bombs and external entities, dates far off, versions
that are not numbers), mixed with valid articles, produced to the raw topic of a running
worker. The worker never stops; every message comes out once, dead-lettered with a reason
or enriched (or held, for an embargo far ahead); its memory stays bounded.

The parser itself is property-tested with hypothesis in tests/unit/test_parse_properties.py;
here the point is the stream around it, so the generator is a plain seeded one (thousands of
messages in one example, which hypothesis's example size does not allow)."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable

import pytest

from tests.integration.helpers import running_worker, scrape, settings_from, wait_ready
from tests.scenarios.processes import descendants, rss_kib
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, consume_with_ticks, produce
from wirestream.streams.ops.metrics import REJECTION_REASONS

pytestmark = pytest.mark.integration

N = 2500
SEED = 1337
MAX_BYTES = 2_000_000  # the default WIRESTREAM_MAX_MESSAGE_BYTES
WORDS = ["minister", "police", "flood", "talks", "market", "court", "strike", "election",
         "border", "storm", "rescue", "treaty", "summit", "bank", "shares", "ceasefire",
         "harbour", "drought", "vote", "protest"]


def sentence(rng: random.Random, n: int = 25) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def valid(rng: random.Random, key: str) -> dict[str, object]:
    return {"id": key, "version": rng.randint(1, 5), "headline": sentence(rng, 6),
            "body": " ".join(sentence(rng) for _ in range(rng.randint(1, 4))),
            "language": "en"}


def random_bytes(rng: random.Random, key: str) -> bytes:
    return rng.randbytes(rng.randint(0, 3000))


def truncated_json(rng: random.Random, key: str) -> bytes:
    text = json.dumps(valid(rng, key)).encode()
    return text[:rng.randint(0, len(text) - 2)]


def wrong_types(rng: random.Random, key: str) -> bytes:
    doc = valid(rng, key)
    field = rng.choice(["headline", "body", "version", "language", "version_created",
                        "pub_status", "signals", "embargoed_until", "provider"])
    doc[field] = rng.choice([None, True, 3.5, -7, [], [1, "x"], {"a": {"b": 1}}, "", "\u0000"])
    return json.dumps(doc).encode()


def huge(rng: random.Random, key: str) -> bytes:
    doc = valid(rng, key)
    kind = rng.choice(["body", "unknown_field", "over_limit"])
    if kind == "body":  # over WIRESTREAM_MAX_BODY_CHARS, under the message limit
        doc["body"] = "word " * rng.randint(110_000, 390_000)
    elif kind == "unknown_field":  # near the message limit, ignored by the parser
        doc["attachment"] = "x" * rng.randint(1_000_000, MAX_BYTES - 10_000)
    else:
        doc["body"] = "y" * (MAX_BYTES + rng.randint(1, 500_000))
    return json.dumps(doc).encode()


def deep(rng: random.Random, key: str) -> bytes:
    depth = rng.choice([50, 900, 5_000, 100_000])
    nest = "[" * depth + "]" * depth
    if rng.random() < 0.5:
        return nest.encode()
    return f'{{"id": "{key}", "headline": "Deep", "body": "Deep body.", "x": {nest}}}'.encode()


def bad_utf8(rng: random.Random, key: str) -> bytes:
    text = json.dumps(valid(rng, key)).encode()
    at = text.index(b'"body": "') + 9
    return text[:at] + rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]) + text[at:]


def xml_attack(rng: random.Random, key: str) -> bytes:
    kind = rng.choice(["bomb", "external", "quadratic", "truncated", "deep"])
    item = ('<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{key}" version="1">'
            '<contentSet><inlineXML><html><body><p>{text}</p></body></html></inlineXML>'
            '</contentSet></newsItem>')
    if kind == "bomb":
        lines = ['<!ENTITY a0 "lol">'] + [
            f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
        return (f'<?xml version="1.0"?><!DOCTYPE newsItem [{"".join(lines)}]>'
                + item.format(key=key, text="&a9;")).encode()
    if kind == "external":
        target = rng.choice(["file:///etc/passwd", "http://127.0.0.1:1/x", "/dev/zero"])
        return (f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "{target}">]>'
                + item.format(key=key, text="&x;")).encode()
    if kind == "quadratic":
        return (f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY a "{"x" * 50_000}">]>'
                + item.format(key=key, text="&a;" * 2_000)).encode()
    if kind == "truncated":
        text = item.format(key=key, text=sentence(rng)).encode()
        return text[:rng.randint(1, len(text) - 5)]
    depth = rng.choice([1_000, 50_000])
    return ("<newsItem>" + "<a>" * depth + "</a>" * depth + "</newsItem>").encode()


def odd_dates(rng: random.Random, key: str) -> bytes:
    doc = valid(rng, key)
    field = rng.choice(["version_created", "first_created", "embargoed_until"])
    doc[field] = rng.choice(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                             "+275760-09-13T00:00:00Z", "1969-12-31T23:59:59-14:00",
                             "2026-13-45T25:61:61Z", "yesterday", 1e20, -1, ""])
    return json.dumps(doc).encode()


def odd_versions(rng: random.Random, key: str) -> bytes:
    doc = valid(rng, key)
    doc["version"] = rng.choice(["two", "1.5", "", "1e309", "NaN", -1, 0, 2**70, [1],
                                 {"v": 1}, 1.5, True, "٣"])
    return json.dumps(doc).encode()


def good(rng: random.Random, key: str) -> bytes:
    return json.dumps(valid(rng, key)).encode()


GENERATORS: dict[str, tuple[Callable[[random.Random, str], bytes], float]] = {
    "random_bytes": (random_bytes, 0.14), "truncated_json": (truncated_json, 0.12),
    "wrong_types": (wrong_types, 0.12), "huge": (huge, 0.004), "deep": (deep, 0.06),
    "bad_utf8": (bad_utf8, 0.08), "xml_attack": (xml_attack, 0.1),
    "odd_dates": (odd_dates, 0.1), "odd_versions": (odd_versions, 0.1), "good": (good, 0.166),
}


def hostile_messages(n: int, seed: int) -> tuple[list[OutMessage], Counter[str]]:
    """n messages, each under its own key (the dead-letter topic keeps the original key,
    an article comes out under its id, which is the key here)."""
    rng = random.Random(seed)
    names = list(GENERATORS)
    weights = [GENERATORS[name][1] for name in names]
    kinds: Counter[str] = Counter()
    messages = []
    for i in range(n):
        kind = rng.choices(names, weights)[0]
        key = f"hostile:{i}"
        kinds[kind] += 1
        messages.append(OutMessage(key.encode(), GENERATORS[kind][0](rng, key)))
    return messages, kinds


def tree_rss_kib(pid: int) -> int:
    return rss_kib([pid, *descendants(pid)])


def test_thousands_of_hostile_messages_through_a_running_worker(broker, namespace_env,
                                                                tmp_path):
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = namespace_env["WIRESTREAM_METRICS_PORT"]
    messages, kinds = hostile_messages(N, SEED)
    assert all(kinds[name] for name in GENERATORS), kinds
    sent_keys = {m.key.decode() for m in messages if m.key}

    with running_worker(broker.url, namespace_env, tmp_path) as worker:
        wait_ready(port, worker)
        rss_before = tree_rss_kib(worker.pid)
        asyncio.run(produce(broker.url, names["raw"], messages))

        async def outcomes() -> tuple[dict[str, str | None], set[str], float]:
            dead: dict[str, str | None] = {}
            enriched: set[str] = set()
            held = 0.0
            async for msg in consume_with_ticks(broker.url, [names["dlq"], names["enriched"]],
                                                deadline_s=300):
                if msg is not None:
                    key = (msg.key or b"").decode("utf-8", "replace")
                    if msg.topic == names["dlq"]:
                        assert key not in dead, f"{key} dead-lettered twice"
                        dead[key] = msg.header("wirestream.reason")
                    else:
                        enriched.add(key)
                    continue
                assert worker.alive(), worker.log_tail()
                samples = scrape(port)
                held = samples.get('wirestream_dedup_verdicts_total{verdict="held"}', 0.0)
                if len(dead) + len(enriched) + held >= len(messages):
                    break
            return dead, enriched, held

        dead, enriched, held = asyncio.run(outcomes())
        samples = scrape(port)
        rss_after = tree_rss_kib(worker.pid)
        assert worker.alive(), worker.log_tail()
        assert "[CRITICAL]" not in (tmp_path / "worker.log").read_text(errors="replace")

    reasons = Counter(dead.values())
    print(json.dumps({"sent": len(messages), "kinds": kinds, "dead_lettered": len(dead),
                      "enriched": len(enriched), "held": held, "reasons": reasons,
                      "rss_before_mib": rss_before // 1024, "rss_after_mib": rss_after // 1024}))
    # Every message accounted for exactly once, under its own key.
    assert not set(dead) & enriched
    assert set(dead) | enriched <= sent_keys
    assert len(dead) + len(enriched) + held == len(messages)
    assert samples["wirestream_articles_received_total"] == len(messages)
    # Each dead letter says why, with one of the documented reasons.
    assert set(reasons) <= set(REJECTION_REASONS), reasons
    assert {"not_json", "unsafe_xml", "invalid_encoding", "too_large", "invalid_field"} \
        <= set(reasons), reasons
    assert "internal_error" not in reasons, reasons
    assert enriched, "the valid articles in the mix must still come out"
    # Memory stays bounded: a generous bound (the pool's spaCy process included), for a
    # run that pushed ~20 MB of oversized input through.
    assert rss_after < rss_before + 600 * 1024, (rss_before, rss_after)
