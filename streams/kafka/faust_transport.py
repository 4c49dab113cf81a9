"""Faust's aiokafka transport, with the consumer's fetch wait as a setting and exact
changelog ends on brokers that need it.

Faust creates its worker consumer with ``fetch_max_wait_ms=1500``, fixed. A broker may
hold a fetch over several partitions for that whole wait even though one of them has
data: the embedded Tansu broker does (measured with 16 partitions and one message:
0.48 s per round trip at 1500 ms, 15 ms at 100 ms). wirestream has four consumer hops,
so that alone put seconds between a story's arrival and its enriched record. This
transport sets the wait from ``WIRESTREAM_FETCH_MAX_WAIT_MS``.

Tansu answers ListOffsets(latest) with the last batch's base offset + 1, so a changelog
written in multi-record batches looks shorter than it is, and Faust's table recovery
would stop before its end. On such brokers this transport corrects the ends Faust asks
for with a fetch (``streams/kafka/log_end.py``), so producers can batch: one record per
batch, the earlier workaround, cost a third of the worker's CPU and a third of the broker's.
Everything else is Faust's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import faust
from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as driver

from wirestream.streams.kafka.log_end import exact_end_offsets

SCHEME = "wirestream"
_APP_ATTRIBUTE = "wirestream_fetch_max_wait_ms"
_EXACT_ENDS_ATTRIBUTE = "wirestream_exact_changelog_ends"
_IDEMPOTENT_ATTRIBUTE = "wirestream_idempotent_producer"
_COMMIT_GUARD_ATTRIBUTE = "wirestream_commit_guard"
_FETCH_GUARD_ATTRIBUTE = "wirestream_fetch_guard"
FETCH_GUARD_RETRY_S = 1.0


class ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = getattr(self.app, _APP_ATTRIBUTE, None)
        if wait_ms is not None:
            # Read by AIOKafkaConsumer.start() when it builds its fetcher; not started yet.
            consumer._fetch_max_wait_ms = int(wait_ms)
        return consumer

    async def _highwaters(self, partitions: list[Any]) -> Mapping[Any, int]:
        ends = await super()._highwaters(partitions)
        if self.consumer.in_transaction or not getattr(self.app, _EXACT_ENDS_ATTRIBUTE, False):
            return ends
        transport = self.transport
        return await exact_end_offsets(
            driver.server_list(transport.url,
                               transport.default_port),  # type: ignore[attr-defined]
            ends)


class Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _commit(self, offsets: Mapping[Any, int]) -> bool:
        guard = getattr(self.app, _COMMIT_GUARD_ATTRIBUTE, None)
        if guard is not None and not await guard():
            return False
        return bool(await super()._commit(offsets))

    async def _getmany(self, active_partitions: Any, timeout: float) -> Any:
        records = await super()._getmany(active_partitions, timeout)
        guard = getattr(self.app, _FETCH_GUARD_ATTRIBUTE, None)
        if guard is None or not records:
            return records
        # Held until the guard can vouch for the broker they came from (it exits the
        # process when it cannot); dropped only when stopping, uncommitted.
        while not await guard():
            if self.should_stop:
                return {}
            await asyncio.sleep(FETCH_GUARD_RETRY_S)
        return records


class Producer(driver.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        extra = dict(super()._settings_extra())
        if getattr(self.app, _IDEMPOTENT_ATTRIBUTE, False):
            # Faust turns idempotence on only inside transactions; the producer's own
            # retries must not duplicate records either.
            extra.update(acks="all", enable_idempotence=True)
        return extra


class Transport(driver.Transport):
    Consumer = Consumer
    Producer = Producer


# Faust looks transports up by URL scheme in this registry.
TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")


def faust_broker_url(broker_url: str) -> str:
    """``kafka://h:p`` or ``h:p[,h:p]`` -> the same brokers under this transport's scheme."""
    return f"{SCHEME}://{broker_url.removeprefix('kafka://')}"


def set_fetch_wait(app: faust.App, wait_ms: int) -> None:
    setattr(app, _APP_ATTRIBUTE, wait_ms)


def set_commit_guard(app: faust.App, guard: Callable[[], Awaitable[bool]]) -> None:
    """Asked before every offset commit; False skips the commit."""
    setattr(app, _COMMIT_GUARD_ATTRIBUTE, guard)


def set_fetch_guard(app: faust.App, guard: Callable[[], Awaitable[bool]]) -> None:
    """Asked before fetched records go to the streams; False holds them and asks again."""
    setattr(app, _FETCH_GUARD_ATTRIBUTE, guard)


def set_idempotent_producer(app: faust.App, on: bool) -> None:
    setattr(app, _IDEMPOTENT_ATTRIBUTE, on)


def set_exact_changelog_ends(app: faust.App, exact: bool) -> None:
    """Correct ListOffsets(latest) with a fetch (for brokers that answer like Tansu)."""
    setattr(app, _EXACT_ENDS_ATTRIBUTE, exact)
