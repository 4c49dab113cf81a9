"""The "publish" stage's metrics, from Faust's sensor hooks on every produced record.

A sensor sees each send of the app (stages write through ``topic.send`` in several
places), so output topics are instrumented in one spot: records handed to the
producer, acknowledged by the broker or failed, and the time in between.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from faust import Sensor

from wirestream.streams.ops import metrics

STAGE = "publish"


class PublishSensor(Sensor):
    def __init__(self, output_topics: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.output_topics = frozenset(output_topics)

    def on_send_initiated(self, producer: Any, topic: str, message: Any, keysize: int,
                          valsize: int) -> Any:
        if topic not in self.output_topics:
            return None  # internal hops between stages and dead letters are counted elsewhere
        metrics.STAGE_ITEMS_IN.labels(STAGE).inc()
        return time.perf_counter()

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        if state is None:
            return
        metrics.STAGE_ITEMS_OUT.labels(STAGE).inc()
        metrics.PROCESSING_SECONDS.labels(STAGE).observe(time.perf_counter() - state)

    def on_send_error(self, producer: Any, exc: BaseException, state: Any) -> None:
        if state is None:
            return
        metrics.STAGE_ERRORS.labels(STAGE).inc()
