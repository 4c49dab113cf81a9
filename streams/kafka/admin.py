"""Topic creation with the Kafka admin client.

Faust does not create source topics, and Tansu would auto-create them with its
own partition count, so every topic the app reads is created up front.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import (
    KafkaConnectionError,
    NodeNotReadyError,
    RequestTimedOutError,
    TopicAlreadyExistsError,
)

from wirestream.config.settings import Settings
from wirestream.streams.kafka.security import client_options


class TopicMismatch(RuntimeError):
    """A topic the app needs exists with another shape than the settings ask for."""


def bootstrap_servers(url: str) -> str:
    return ",".join(part.removeprefix("kafka://") for part in url.split(","))


async def ensure_topics(bootstrap: str, partitions: dict[str, int], replication: int = 1,
                        configs: dict[str, dict[str, str]] | None = None,
                        attempts: int = 4) -> None:
    """Create the missing topics and wait until they have leaders. A connection that a
    restarting broker drops is tried again with a new client (``attempts`` in all)."""
    for attempt in range(1, attempts + 1):
        try:
            await _ensure_topics_once(bootstrap, partitions, replication, configs)
            return
        except (KafkaConnectionError, NodeNotReadyError, RequestTimedOutError):
            if attempt == attempts:
                raise
            await asyncio.sleep(0.5 * attempt)  # backoff before a new client


async def _ensure_topics_once(bootstrap: str, partitions: dict[str, int], replication: int,
                              configs: dict[str, dict[str, str]] | None) -> None:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap_servers(bootstrap),
                                request_timeout_ms=15_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name=name, num_partitions=count, replication_factor=replication,
                     topic_configs=(configs or {}).get(name) or {})
            for name, count in partitions.items()
            if name not in existing
        ]
        if missing:
            # Another worker may have created them first.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
            await _wait_for_leaders(admin, {t.name: t.num_partitions for t in missing})
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, partitions: dict[str, int],
                            timeout_s: float = 30.0) -> None:
    """Until every partition of the new topics has a leader in the brokers' metadata.

    Apache Kafka answers CreateTopics once the controller has the topic; brokers learn
    of it a moment later, and a client that looks before then sees no partitions."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        described = await admin.describe_topics(list(partitions))
        for t in described:
            have = len(t.get("partitions") or ())
            want = partitions.get(t["topic"], have)
            if t.get("error_code", 0) == 0 and 0 < have < want:
                raise TopicMismatch(
                    f"topic {t['topic']} exists with {have} partition(s), not {want}: it was "
                    "created by someone else first (a broker with auto.create.topics.enable?)"
                    "; delete it or set WIRESTREAM_TOPICS__PARTITIONS to match")
        ready = {
            t["topic"] for t in described
            if t.get("error_code", 0) == 0
            and len(t.get("partitions") or ()) >= partitions.get(t["topic"], 1)
            and all(p.get("leader", -1) >= 0 for p in t["partitions"])
        }
        if ready >= set(partitions):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics without leaders after {timeout_s:.0f}s: "
                               f"{sorted(set(partitions) - ready)}")
        await asyncio.sleep(0.1)  # poll interval while the brokers catch up


def topic_configs(settings: Settings) -> dict[str, str]:
    """Configs every topic the app creates gets (its own and Faust's changelogs)."""
    configs = {"max.message.bytes": str(settings.topics.max_message_bytes)}
    if settings.topics.min_insync_replicas is not None:
        configs["min.insync.replicas"] = str(settings.topics.min_insync_replicas)
    return configs


async def ensure_app_topics(settings: Settings, bootstrap: str) -> None:
    changelog = settings.index_changelog_topic()
    partitions = {**settings.topic_partitions(), changelog: 1}
    common = topic_configs(settings)
    configs = {name: dict(common) for name in partitions}
    configs[changelog]["cleanup.policy"] = "compact"
    await ensure_topics(bootstrap, partitions, settings.topics.replication_factor,
                        configs=configs)


async def partition_leaders(bootstrap: str, topic: str) -> dict[int, int]:
    """Partition -> node id of its leader (-1: none), from fresh metadata ({}: no topic)."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap_servers(bootstrap),
                                request_timeout_ms=15_000)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {p["partition"]: p.get("leader", -1) for t in described
            if t["topic"] == topic and t.get("error_code", 0) == 0
            for p in t.get("partitions") or ()}


async def partitions_of(bootstrap: str, topic: str) -> list[int]:
    """The topic's partition numbers ([] when it does not exist)."""
    return sorted(await partition_leaders(bootstrap, topic))


async def alter_topic_config(bootstrap: str, topic: str, configs: dict[str, str]) -> None:
    """Set topic configs (AlterConfigs: the given keys replace the topic's overrides)."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap_servers(bootstrap),
                                request_timeout_ms=15_000)
    await admin.start()
    try:
        responses = await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, configs=configs)])
    finally:
        await admin.close()
    for response in responses:
        for error_code, error_message, *_ in response.resources:
            if error_code:
                raise RuntimeError(f"altering {topic} failed: error {error_code} "
                                   f"{error_message}")
