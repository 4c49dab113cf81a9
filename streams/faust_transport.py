"""Faust's aiokafka transport, with the consumer's fetch wait as a setting.

Faust creates its worker consumer with ``fetch_max_wait_ms=1500``, fixed. A broker may
hold a fetch over several partitions for that whole wait even though one of them has
data: the embedded Tansu broker does (measured with 16 partitions and one message:
0.48 s per round trip at 1500 ms, 15 ms at 100 ms). wirestream has four consumer hops,
so that alone put seconds between a story's arrival and its enriched record. This
transport sets the wait from ``WIRESTREAM_FETCH_MAX_WAIT_MS``; everything else is
Faust's own.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as driver

SCHEME = "wirestream"
_APP_ATTRIBUTE = "wirestream_fetch_max_wait_ms"


class ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = getattr(self.app, _APP_ATTRIBUTE, None)
        if wait_ms is not None:
            # Read by AIOKafkaConsumer.start() when it builds its fetcher; not started yet.
            consumer._fetch_max_wait_ms = int(wait_ms)
        return consumer


class Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    Consumer = Consumer


# Faust looks transports up by URL scheme in this registry.
TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")


def faust_broker_url(broker_url: str) -> str:
    """``kafka://h:p`` or ``h:p[,h:p]`` -> the same brokers under this transport's scheme."""
    return f"{SCHEME}://{broker_url.removeprefix('kafka://')}"


def set_fetch_wait(app: faust.App, wait_ms: int) -> None:
    setattr(app, _APP_ATTRIBUTE, wait_ms)
