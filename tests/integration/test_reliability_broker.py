"""Broker loss: the broker (the session's kind, one node) stops for a while under a
running worker and a new, empty one starts on the same port; topics are created and the
input produced again. The worker keeps reconnecting during the outage, then sees that
the broker lost its data, exits with code 75 and a clear message; started again (the
test plays the supervisor) it drops its stale local state and processes the input again.
Nothing hangs."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import TEST_BROKER
from tests.scenarios.broker_faults import broker_loss
from tests.scenarios.processes import deployment_env
from tests.scenarios.replay import build_replay, corpus
from wirestream.streams.brokers.local import parse_kind
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.kafka.broker_watch import EXIT_BROKER_LOST

pytestmark = [pytest.mark.integration, pytest.mark.shared_data, pytest.mark.smoke]

if TEST_BROKER.startswith("kafka-3.9"):
    pytest.skip(
        "known race, not yet fixed: on Kafka 3.9.2 the old worker, reconnected to the new "
        "broker, resets its out-of-range offsets to the start and processes ~0.3 s of the "
        "re-sent input with its stale state before its broker watch exits it; one story of "
        "36 then never came out (passes on Kafka 4.4.0 and Tansu; README, known issues)",
        allow_module_level=True)

N = 40
OUTAGE_S = 20.0  # the scenario's length, as the issue asks


def test_worker_survives_a_replaced_broker(tmp_path, shared_data):
    family, version, _ = parse_kind(TEST_BROKER)
    kind = family if version is None else f"kafka-{version}"  # one node, same line
    env = deployment_env(tmp_path, "loss", kind)
    plan = build_replay(corpus(N), N, seed=3, partitions=4)
    result = asyncio.run(broker_loss(free_port(), env, tmp_path, plan, OUTAGE_S,
                                     deadline_s=240, broker_kind=kind))
    print(json.dumps(result))

    assert not result["exited_during_outage"], result  # it waited and reconnected
    assert result["exit_codes"] == [EXIT_BROKER_LOST], result
    assert any("lost its data" in line for line in result["exit_messages"]), result
    assert result["lost"] == 0 and result["lost_ids"] == 0, result
    # Local state from the old broker was dropped: the re-sent stories are not taken
    # for redeliveries and come out with the verdicts of a first run.
    assert result["verdict_mismatches"] == 0, result["mismatch_examples"]
    assert result["final_exit_code"] == 0 and result["orphans_after_stop"] == 0
