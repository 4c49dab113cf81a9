"""kill -9 of a worker in the middle of a replay of real articles (with redeliveries,
updates and near-duplicate copies): after a restart on the same data dir nothing is lost,
the dedup verdicts are those of an undisturbed run, and no spaCy process is left behind.
The 2,000-article version is ``python bench/reliability.py crash --n 2000 --reference``."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from tests.integration.helpers import settings_from
from tests.scenarios.replay import build_replay, corpus
from tests.scenarios.worker_faults import crash

pytestmark = [pytest.mark.integration, pytest.mark.shared_data, pytest.mark.smoke]

N = 300
SEED = 2026


def test_kill_9_mid_replay_loses_nothing_and_keeps_the_verdicts(broker, namespace_env,
                                                                 tmp_path, shared_data):
    env = {**namespace_env, "WIRESTREAM_LAG_CHECK_S": "1"}
    partitions = settings_from(env, broker.url).topics.partitions
    plan = build_replay(corpus(N), N, SEED, partitions)
    assert {"original", "redelivery", "update", "copy"} <= set(plan.kinds)
    fraction = random.Random(SEED).uniform(0.25, 0.6)

    result = asyncio.run(crash(broker.url, env, tmp_path, plan, fraction, deadline_s=240))
    print(json.dumps({k: v for k, v in result.items() if k != "verdicts"}))

    assert 0 < result["output_before_kill"] < result["expected_records"], result
    assert result["lost"] == 0 and result["lost_ids"] == 0, result
    assert result["unexpected"] == 0, result  # redeliveries stayed dropped
    # The expected verdicts are what an undisturbed run gives (new / update / duplicate
    # of the original): the version table and the near-duplicate index came back.
    assert result["verdict_mismatches"] == 0, result["mismatch_examples"]
    # The spaCy pool and multiprocessing's tracker die with the worker.
    assert result["children_before_kill"] >= 1
    assert result["orphans_after_kill"] == 0
