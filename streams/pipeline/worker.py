"""Running a worker: against the configured broker, or an embedded one started here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import ConsistencyError

from wirestream.config.settings import Settings
from wirestream.streams.brokers.tansu import EmbeddedBroker
from wirestream.streams.kafka import security
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.broker_watch import (
    EXIT_BROKER_LOST,
    BrokerUnreachable,
    BrokerWatch,
    claim_marker,
    reconcile_local_state,
)
from wirestream.streams.kafka.faust_transport import set_commit_guard, set_fetch_guard
from wirestream.streams.ops.tracing import TRACING
from wirestream.streams.pipeline.app import WirestreamApp

log = logging.getLogger(__name__)


class QuickStopWorker(faust.Worker):
    """A Faust worker whose stop ends in a fraction of a second once its services stopped.

    mode's shutdown then waits up to 1 s for leftover tasks and sleeps another 1 s before
    closing the loop: 2 s of a ~2.3 s stop, measured on the demo. Both are shortened;
    what they wait for (cancelled tasks, closing transports) takes milliseconds."""

    LEFTOVER_WAIT_S = 0.1
    CLOSE_WAIT_S = 0.1

    def _gather_all(self) -> None:
        waited = 0.0
        while asyncio.all_tasks(self.loop) and waited < self.LEFTOVER_WAIT_S:
            self.loop.run_until_complete(asyncio.sleep(0.05))
            waited += 0.05
        for task in asyncio.all_tasks(self.loop):
            task.cancel()

    async def _sentinel_task(self) -> None:
        await asyncio.sleep(self.CLOSE_WAIT_S)


@contextlib.contextmanager
def broker_for(settings: Settings, log_dir: Path | None = None) -> Iterator[str]:
    """Yield a broker URL: the configured one, or a fresh embedded broker's (stopped on exit)."""
    if settings.broker_url:
        yield settings.broker_url
        return
    log_path = (log_dir / "tansu.log") if log_dir else None
    with EmbeddedBroker(log_path=log_path) as broker:
        yield broker.url


def prepare_topics(settings: Settings, broker_url: str) -> None:
    asyncio.run(ensure_app_topics(settings, broker_url))


def _end_nlp_processes() -> None:
    """Kill the spaCy pool processes once Faust has stopped. They hold no state, and left
    to the interpreter's exit they are joined one by one while each frees its pipelines:
    seconds of a stop that should take one (measured ~3.5 s with one process)."""
    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join(timeout=5)


def run_worker(settings: Settings) -> int:
    """Run a Faust worker in the foreground until SIGINT/SIGTERM; returns the exit code."""
    security.use(settings.security)
    TRACING.configure(settings.tracing, service_name="wirestream")
    with broker_for(settings, Path(settings.data_dir)) as url:
        if settings.embedded_broker:
            log.warning("no WIRESTREAM_BROKER_URL: started an embedded broker at %s", url)
            # A fresh broker has no changelogs: start from empty table state too.
            state_dir = Path(settings.data_dir) / "embedded-state"
            shutil.rmtree(state_dir, ignore_errors=True)
            settings = settings.model_copy(update={"data_dir": str(state_dir)})
        marker_topic = settings.broker_marker_topic()
        try:
            prepare_topics(settings, url)
            incarnation = asyncio.run(claim_marker(url, marker_topic))
        except (BrokerUnreachable, KafkaError, OSError) as exc:
            log.error("cannot reach the broker at %s (%s): exiting with code %d for the "
                      "supervisor to start the worker again", url, exc, EXIT_BROKER_LOST)
            return EXIT_BROKER_LOST
        reconcile_local_state(settings.data_dir, incarnation)
        wapp = WirestreamApp(settings, url)
        watch = BrokerWatch(url, marker_topic, incarnation)
        wapp.app.timer(settings.broker_watch_s, name="broker-watch")(watch.check)
        set_commit_guard(wapp.app, watch.commit_allowed)
        set_fetch_guard(wapp.app, watch.records_trusted)
        worker = QuickStopWorker(wapp.app, loglevel=settings.log_level, quiet=True,
                                 override_logging=True)
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            _end_nlp_processes()
            if isinstance(worker.crash_reason, ConsistencyError):
                # Faust's table recovery saw it before the watch did: same meaning.
                log.critical("the broker at %s lost its data (a changelog ends before the "
                             "local state's offset): exiting with code %d; the next start "
                             "drops the local state and rebuilds it from the broker",
                             url, EXIT_BROKER_LOST)
                return EXIT_BROKER_LOST
            return int(exc.code or 0)
    return 0
