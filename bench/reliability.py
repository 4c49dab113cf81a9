"""Reliability scenarios: a crashed worker, a worker leaving its group, a lost broker, a
topic that refuses writes, broker leaders killed under load. Real articles (Reuters +
10kGNAD) with redeliveries, updates and near-duplicate copies mixed in.

    python bench/reliability.py crash --n 2000 --reference   # kill -9 at a random point
    python bench/reliability.py scaleout --per-round 100      # SIGTERM, then kill -9
    python bench/reliability.py brokerloss --n 100 --outage 20
    python bench/reliability.py publish-failure --broker kafka --n 300
    python bench/reliability.py leader-kill --broker kafka-cluster --n 1000 --kills 3

``--broker``: tansu (the embedded broker, the default), kafka (Apache Kafka 4.x, one
node), kafka-3.9.x, kafka-cluster (three nodes, replication factor 3, min ISR 2).

Each prints its figures (input, output, dead-lettered, lost, repeated, recovery time),
then one JSON line. The scenarios themselves live in tests/scenarios/; the integration
tests (tests/integration/test_reliability_*.py) run them on fewer articles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scenarios.broker_faults import broker_loss, leader_kill, publish_failure
from tests.scenarios.corpora import require_shared
from tests.scenarios.processes import deployment_env
from tests.scenarios.replay import build_replay, corpus
from tests.scenarios.worker_faults import crash, scaleout, uninterrupted
from wirestream.config.settings import Settings
from wirestream.streams.brokers.apache_kafka import KafkaCluster
from wirestream.streams.brokers.local import is_tansu, local_broker, parse_kind
from wirestream.streams.brokers.tansu import free_port


def _print(result: dict[str, Any]) -> None:
    for key, value in result.items():
        if key not in {"verdicts", "mismatch_examples"}:
            print(f"{key:>26} {value}")
    print(json.dumps({k: v for k, v in result.items() if k != "verdicts"}))


def _with_reference(result: dict[str, Any], reference: dict[str, Any]) -> None:
    differ = {f"{k[0]}@{k[1]}": [v, reference["verdicts"].get(k)]
              for k, v in result["verdicts"].items() if reference["verdicts"].get(k) != v}
    result["reference"] = {k: v for k, v in reference.items() if k != "verdicts"}
    result["verdicts_differ_from_reference"] = len(differ)
    result["differ_examples"] = dict(list(differ.items())[:5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="scenario", required=True)
    p_crash = sub.add_parser("crash", help="kill -9 a worker mid-replay and restart it")
    p_crash.add_argument("--n", type=int, default=2000)
    p_crash.add_argument("--reference", action="store_true",
                         help="also run the same input uninterrupted and compare verdicts")
    p_crash.add_argument("--exactly-once", action="store_true",
                         help="Faust's processing_guarantee=exactly_once (Apache Kafka)")
    p_scale = sub.add_parser("scaleout", help="two workers; stop the near-duplicate owner")
    p_scale.add_argument("--per-round", type=int, default=100)
    p_loss = sub.add_parser("brokerloss", help="replace the broker under a running worker")
    p_loss.add_argument("--n", type=int, default=100)
    p_loss.add_argument("--outage", type=float, default=20.0)
    p_fail = sub.add_parser("publish-failure",
                            help="the enriched topic refuses writes; then fixed and redriven")
    p_fail.add_argument("--n", type=int, default=300)
    p_kill = sub.add_parser("leader-kill",
                            help="kill -9 partition leaders and roll a 3-node cluster")
    p_kill.add_argument("--n", type=int, default=1000)
    p_kill.add_argument("--kills", type=int, default=3)
    p_kill.add_argument("--no-rolling", action="store_true")
    p_kill.add_argument("--reference", action="store_true",
                        help="also run the same input uninterrupted and compare verdicts")
    for p in (p_crash, p_scale, p_loss, p_fail, p_kill):
        p.add_argument("--seed", type=int, default=9)
        p.add_argument("--broker", default="kafka-cluster" if p is p_kill else "tansu",
                       help="tansu, kafka, kafka-3.9.x or kafka-cluster")
    args = parser.parse_args()

    require_shared()
    # The output readers reconnect on their own while brokers die and come back.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-reliability-"))
    print(f"{'workdir':>26} {workdir}")
    print(f"{'broker':>26} {args.broker}")
    partitions = Settings().topics.partitions
    kind = args.broker

    def env(name: str) -> dict[str, str]:
        return deployment_env(workdir, name, kind)

    if args.scenario == "brokerloss":
        if parse_kind(kind)[2] > 1:
            raise SystemExit("brokerloss replaces a one-node broker: --broker tansu or kafka")
        plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
        result = asyncio.run(broker_loss(free_port(), env("loss"), workdir, plan,
                                         args.outage, broker_kind=kind))
        _print(result)
        return
    if args.scenario == "publish-failure" and is_tansu(kind):
        raise SystemExit("the embedded broker does not enforce max.message.bytes: use "
                         "--broker kafka or kafka-cluster")
    if args.scenario == "leader-kill" and parse_kind(kind)[2] < 3:
        raise SystemExit("leader-kill needs --broker kafka-cluster")
    with local_broker(kind, workdir) as broker:
        url = broker.url
        if args.scenario == "crash":
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            fraction = random.Random(args.seed).uniform(0.2, 0.8)
            crash_env = env("crash")
            if args.exactly_once:
                crash_env["WIRESTREAM_PROCESSING_GUARANTEE"] = "exactly_once"
            result = asyncio.run(crash(url, crash_env, workdir, plan, fraction))
            if args.reference:
                _print(result)  # the scenario's own figures, before the reference runs
                _with_reference(result, asyncio.run(uninterrupted(
                    url, env("reference"), workdir, plan)))
        elif args.scenario == "publish-failure":
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            result = asyncio.run(publish_failure(url, env("refused"), workdir, plan))
        elif args.scenario == "leader-kill":
            assert isinstance(broker, KafkaCluster)
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            result = asyncio.run(leader_kill(broker, env("faults"), workdir, plan,
                                             args.kills, rolling=not args.no_rolling))
            if args.reference:
                _print(result)  # the scenario's own figures, before the reference runs
                _with_reference(result, asyncio.run(uninterrupted(
                    url, env("reference"), workdir, plan)))
        else:
            articles = corpus(args.per_round * 4)
            result = asyncio.run(scaleout(url, env("scale"), workdir, articles,
                                          args.per_round, args.seed))
    result["broker"] = kind
    _print(result)


if __name__ == "__main__":
    main()
