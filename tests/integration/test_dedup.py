"""Versions, corrections, kills, embargoes and near-duplicates on the real broker,
including a worker restart between an embargoed item and its release time."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from tests.integration.helpers import (
    collect,
    record_of,
    running_worker,
    settings_from,
    wait_for_metric,
    wait_ready,
)
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce

pytestmark = [pytest.mark.integration, pytest.mark.smoke]

SCHEMAS = Path(__file__).resolve().parents[2] / "config/schemas"
ENRICHED = json.loads((SCHEMAS / "enriched.schema.json").read_text())
DUPLICATES = json.loads((SCHEMAS / "duplicates.schema.json").read_text())

TRAIN = (
    "At least 22 people were killed and dozens injured when a passenger train carrying "
    "more than 300 people derailed near Tabas in eastern Iran after hitting an excavator "
    "on the track, state media reported on Wednesday. Rescue teams were sent to the site."
)
GLACIER = (
    "Swiss glaciers lost four percent of their remaining ice this summer, researchers "
    "said on Monday, the second worst melt since measurements began more than a century "
    "ago, after a dry winter and a long heatwave in August."
)
MUSEUM = (
    "The city museum will reopen its renovated east wing in May with a collection of "
    "medieval manuscripts lent by three monasteries, the director told reporters."
)


def doc(story: str, version: int, body: str, **extra: object) -> OutMessage:
    value = {
        "id": story,
        "version": version,
        "headline": f"{story} v{version}",
        "body": body,
        "language": "en",
        **extra,
    }
    return OutMessage(story.encode(), json.dumps(value).encode())


def test_versions_kills_duplicates_and_embargo_across_a_restart(
    broker, namespace_env, tmp_path, shared_data
):
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = namespace_env["WIRESTREAM_METRICS_PORT"]
    dpa = shared_data / "formats/dpa-digitalwires-samples"
    correction = (dpa / "input__dw-1.json").read_bytes()
    past_embargo = (dpa / "input__embargoed.json").read_bytes()

    def messages(embargo: datetime) -> list[OutMessage]:
        return [
            doc("urn:a", 1, TRAIN),
            doc("urn:a", 1, TRAIN),  # redelivery
            doc("urn:a", 2, TRAIN + " The toll rose.", signals=["sig:correction"]),
            doc("urn:a", 1, TRAIN),  # stale
            doc("urn:d", 1, MUSEUM),
            doc("urn:d", 2, "", pub_status="canceled"),  # kill
            doc("urn:e", 1, GLACIER, headline="Swiss glaciers shrink"),
            doc("urn:f", 1, GLACIER + " (Reporting by a local outlet.)",
                headline="Swiss glaciers shrink"),  # a copy of urn:e
            doc(
                "urn:b",
                1,
                MUSEUM.replace("city museum", "national gallery"),
                embargoed_until=embargo.isoformat(),
            ),
            OutMessage(json.loads(correction)["urn"].encode(), correction),
            OutMessage(json.loads(past_embargo)["urn"].encode(), past_embargo),
        ]

    dpa_correction_id = json.loads(correction)["urn"]
    dpa_embargo_id = json.loads(past_embargo)["urn"]

    with running_worker(broker.url, namespace_env, tmp_path / "one") as worker:
        wait_ready(port, worker)
        # Long enough to stop this worker and start another before the embargo ends.
        embargo = datetime.now(UTC) + timedelta(seconds=20)
        asyncio.run(produce(broker.url, names["raw"], messages(embargo)))
        got = asyncio.run(collect(broker.url, [names["enriched"], names["duplicates"]], 9, worker))
        samples = wait_for_metric(
            port, 'wirestream_dedup_verdicts_total{verdict="held"}', 1, worker
        )
        assert worker.stop() == 0

    enriched = [(m.key.decode(), record_of(m)) for m in got if m.topic == names["enriched"]]
    duplicates = [record_of(m) for m in got if m.topic == names["duplicates"]]
    for _, record in enriched:
        jsonschema.validate(record, ENRICHED)
    verdicts = [(key, r["version"], r["dedup"]["verdict"]) for key, r in enriched]
    assert ("urn:a", 1, "new") in verdicts
    assert ("urn:a", 2, "correction") in verdicts
    assert [v for v in verdicts if v[0] == "urn:a"] == [
        ("urn:a", 1, "new"),
        ("urn:a", 2, "correction"),
    ]
    by_key = {key: r for key, r in enriched}
    assert by_key["urn:a"]["dedup"]["supersedes"] == 1
    story_d = [r for key, r in enriched if key == "urn:d"]
    assert [r["record_type"] for r in story_d] == ["article", "retraction"]  # kill comes last
    retraction = story_d[1]
    assert retraction["dedup"] == {
        "verdict": "kill",
        "story_id": story_d[0]["dedup"]["story_id"],
        "duplicate_of": None,
        "similarity": None,
        "supersedes": 1,
        "corrects": None,
    }
    assert by_key[dpa_correction_id]["dedup"]["verdict"] == "correction"
    assert by_key[dpa_embargo_id]["dedup"]["verdict"] == "new"  # its embargo is in the past
    assert "urn:b" not in by_key  # held until its embargo

    [copy] = duplicates
    jsonschema.validate(copy, DUPLICATES)
    assert copy["id"] == "urn:f" and copy["dedup"]["duplicate_of"] == "urn:e"
    assert copy["dedup"]["similarity"] >= 0.8
    assert by_key["urn:f"]["dedup"]["verdict"] == "duplicate"
    assert by_key["urn:f"]["dedup"]["story_id"] == by_key["urn:e"]["dedup"]["story_id"]
    assert by_key["urn:e"]["dedup"]["story_id"] != by_key["urn:a"]["dedup"]["story_id"]

    for verdict, count in (
        ("redelivery", 1),
        ("stale", 1),
        ("kill", 1),
        ("duplicate", 1),
        ("held", 1),
        ("correction", 2),
    ):
        assert samples[f'wirestream_dedup_verdicts_total{{verdict="{verdict}"}}'] == count

    # A new worker with an empty data dir: the held version must come back from the
    # table's changelog and go out when its embargo ends.
    fresh = {**namespace_env, "WIRESTREAM_DATA_DIR": str(tmp_path / "two-data")}
    with running_worker(broker.url, fresh, tmp_path / "two") as worker:
        later = asyncio.run(
            collect(broker.url, [names["enriched"]], len(enriched) + 1, worker, deadline_s=180)
        )
    released = [record_of(m) for m in later if m.key == b"urn:b"]
    assert len(released) == 1
    record = released[0]
    jsonschema.validate(record, ENRICHED)
    assert record["dedup"]["verdict"] == "released"
    assert (
        datetime.fromisoformat(record["processing"]["enriched_at"].replace("Z", "+00:00"))
        >= embargo
    )
