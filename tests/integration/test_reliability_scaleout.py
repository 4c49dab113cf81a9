"""Two workers in one consumer group; the one running the near-duplicate stage (its input
has one partition) is stopped mid-stream, first with SIGTERM, then, after a fresh worker
joined, with kill -9. The other takes over: nothing is lost, and copies of articles the
stopped worker indexed are recognised as duplicates (the index followed the partition
through its changelog). ``python bench/reliability.py scaleout`` is the larger run."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import TEST_BROKER
from tests.scenarios.replay import corpus
from tests.scenarios.worker_faults import scaleout

pytestmark = [pytest.mark.integration, pytest.mark.shared_data, pytest.mark.smoke]

if TEST_BROKER != "tansu":
    pytest.skip(
        "known issue, not yet fixed: on Apache Kafka the survivor of the kill -9 round stops "
        "producing output for some records (3 of the last 5 runs; passes on Tansu, runs "
        "there in the smoke set; README, known issues)", allow_module_level=True)

PER_ROUND = 24


def test_the_near_duplicate_index_follows_its_partition_to_the_surviving_worker(
        broker, namespace_env, tmp_path, shared_data):
    env = {**namespace_env, "WIRESTREAM_LAG_CHECK_S": "1"}
    result = asyncio.run(scaleout(broker.url, env, tmp_path, corpus(PER_ROUND * 3), PER_ROUND,
                                  seed=5, deadline_s=240))
    print(json.dumps(result))

    assert result["lost"] == 0 and result["lost_ids"] == 0, result
    assert result["unexpected"] == 0, result
    assert result["verdict_mismatches"] == 0, result["mismatch_examples"]
    term, kill = result["rounds"]
    assert term["mode"] == "term" and term["exit_code"] == 0  # a clean stop
    assert kill["mode"] == "kill" and kill["exit_code"] == -9
    for one in (term, kill):
        assert one["survivor"] != one["stopped"]
        assert one["output_before_stop"] > 0, one  # stopped mid-stream, not before
        assert one["copies_recognised"] == one["copies"] == PER_ROUND, one
