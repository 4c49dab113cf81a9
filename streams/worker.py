"""Running a worker: against the configured broker, or an embedded one started here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import faust

from config.settings import Settings
from streams.admin import ensure_app_topics
from streams.app import WirestreamApp
from streams.broker import EmbeddedBroker

log = logging.getLogger(__name__)


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


def run_worker(settings: Settings) -> int:
    """Run a Faust worker in the foreground until SIGINT/SIGTERM; returns the exit code."""
    with broker_for(settings, Path(settings.data_dir)) as url:
        if settings.embedded_broker:
            log.warning("no WIRESTREAM_BROKER_URL: started an embedded broker at %s", url)
            # A fresh broker has no changelogs: start from empty table state too.
            state_dir = Path(settings.data_dir) / "embedded-state"
            shutil.rmtree(state_dir, ignore_errors=True)
            settings = settings.model_copy(update={"data_dir": str(state_dir)})
        prepare_topics(settings, url)
        wapp = WirestreamApp(settings, url)
        worker = faust.Worker(wapp.app, loglevel=settings.log_level, quiet=True,
                              override_logging=True)
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0
