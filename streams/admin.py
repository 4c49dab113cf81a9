"""Topic creation with the Kafka admin client.

Faust does not create source topics, and Tansu would auto-create them with its
own partition count, so every topic the app reads is created up front.
"""

from __future__ import annotations

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from config.settings import Settings


def bootstrap_servers(url: str) -> str:
    return ",".join(part.removeprefix("kafka://") for part in url.split(","))


async def ensure_topics(bootstrap: str, partitions: dict[str, int], replication: int = 1,
                        configs: dict[str, dict[str, str]] | None = None) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(bootstrap),
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
    finally:
        await admin.close()


async def ensure_app_topics(settings: Settings, bootstrap: str) -> None:
    changelog = settings.index_changelog_topic()
    await ensure_topics(bootstrap, {**settings.topic_partitions(), changelog: 1},
                        settings.topics.replication_factor,
                        configs={changelog: {"cleanup.policy": "compact"}})
