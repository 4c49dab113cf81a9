"""The ``wirestream`` command line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wirestream.config.settings import Settings, load_settings
from wirestream.processors.input_files import read_items

cli = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Wire feeds in, enriched records out: Faust + Kafka + spaCy.")
err = Console(stderr=True, soft_wrap=True)  # errors stay on one line, for grep
out = Console()
# Set by the global options and by _settings(): main() explains an error with them.
_run: dict[str, object] = {"debug": False, "settings": None}
# Commands whose Kafka clients are ours alone: aiokafka's own error lines (a retry loop
# prints one per attempt) are left out unless --debug, the command says what failed.
# The worker keeps them: its log is where an operator looks.
_QUIET_KAFKA_LOGS_EXCEPT = frozenset({"worker"})


class _RecentErrors(logging.Handler):
    """The last error lines of a logger, kept for the one-line explanation of a failure."""

    def __init__(self, keep: int = 20) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []
        self.keep = keep

    def emit(self, record: logging.LogRecord) -> None:
        self.lines = [*self.lines[-(self.keep - 1):], record.getMessage()]


KAFKA_ERRORS = _RecentErrors()


@cli.callback()
def _options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option(
        "--debug", help="show tracebacks and the Kafka client's own log lines")] = False,
) -> None:
    # A worker's crash keeps its traceback: the worker log is where it is read.
    _run["debug"] = debug or ctx.invoked_subcommand == "worker"
    if debug:
        logging.getLogger().setLevel(logging.INFO)
    elif ctx.invoked_subcommand not in _QUIET_KAFKA_LOGS_EXCEPT:
        # Off the console, but kept: the client logs why a connection failed (a refused
        # login, say) and then raises only "Unable to bootstrap".
        kafka_log = logging.getLogger("aiokafka")
        kafka_log.propagate = False
        kafka_log.addHandler(KAFKA_ERRORS)


def _exit_now(code: int) -> None:
    """End the process without the interpreter's teardown, once everything it started
    has stopped: freeing the modules and objects of spaCy, Faust and aiokafka took
    ~1 s (worker) and ~0.8 s (demo) of a stop that should take under 2 s (measured).
    What atexit would have done that matters is done here: spans still batched are sent."""
    from wirestream.streams.ops.tracing import TRACING

    TRACING.shutdown()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _settings() -> Settings:
    from wirestream.streams.kafka import security

    try:
        settings = load_settings()
    except SystemExit as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    security.use(settings.security)  # every Kafka client of this command connects so
    _run["settings"] = settings
    return settings


def _require_broker(settings: Settings) -> str:
    if not settings.broker_url:
        err.print("[red]error:[/red] no broker: set WIRESTREAM_BROKER_URL=host:port "
                  "(`wirestream broker` starts an embedded one and prints its address)")
        raise typer.Exit(2)
    return settings.broker_url


def _topic(settings: Settings, name: str) -> str:
    names = settings.topic_names()
    return names.get(name, name)


@cli.command()
def broker(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (the embedded broker)")]
    = 9092,
    kafka: Annotated[str | None, typer.Option(
        help="run Apache Kafka instead of the embedded broker: 4.x, 3.9.x or an exact "
             "version (fetched from Maven Central; needs Java 17+ and Maven)")] = None,
    nodes: Annotated[int, typer.Option(help="Apache Kafka nodes (3: replication factor 3, "
                                            "min.insync.replicas 2)", min=1, max=9)] = 1,
    fetch_only: Annotated[bool, typer.Option(
        "--fetch-only", help="fetch Apache Kafka's jars into the cache and exit")] = False,
) -> None:
    """Run a broker in the foreground with the topics created: the embedded Tansu broker,
    or Apache Kafka (KRaft) on free loopback ports with --kafka."""
    from wirestream.streams.brokers.apache_kafka import (
        KafkaCluster,
        cache_root,
        fetch_kafka,
        resolve_version,
    )
    from wirestream.streams.brokers.tansu import BrokerError, EmbeddedBroker
    from wirestream.streams.pipeline.worker import prepare_topics

    settings = _settings()
    try:
        if fetch_only:
            for line in [kafka] if kafka else ["4.x", "3.9.x"]:
                libs = fetch_kafka(line)
                out.print(f"Apache Kafka {resolve_version(line)}: {libs}")
            out.print(f"cache: {cache_root()}")
            return
        started: EmbeddedBroker | KafkaCluster = (
            KafkaCluster(kafka, nodes=nodes) if kafka else EmbeddedBroker(port=port))
        with started as running:
            if kafka and nodes > 1:
                settings = settings.model_copy(update={"topics": settings.topics.model_copy(
                    update={"replication_factor": min(3, nodes)})})
            prepare_topics(settings, running.url)
            what = (f"Apache Kafka {resolve_version(kafka)} ({nodes} node(s))" if kafka
                    else "embedded broker")
            out.print(f"{what} on [bold]{running.bootstrap}[/bold]; topics: "
                      + ", ".join(settings.topic_names().values()))
            out.print(f"export WIRESTREAM_BROKER_URL={running.bootstrap}   (Ctrl-C stops it)")
            # sigwait only sees signals that are blocked; unblocked, Python's handler
            # takes SIGINT and sigwait waits on.
            stop = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stop)
            signal.sigwait(stop)
    except BrokerError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@cli.command()
def worker() -> None:
    """Run a Faust worker (starts an embedded broker when WIRESTREAM_BROKER_URL is unset)."""
    from wirestream.streams.pipeline.worker import run_worker
    from wirestream.streams.tools.doctor import metrics_port_finding, model_warnings

    settings = _settings()
    # Before anything starts: a taken port would otherwise end the worker, after the
    # broker and the spaCy processes started, with a traceback of Faust's web server.
    port = metrics_port_finding(settings)
    if not port.ok:
        err.print(f"[red]error:[/red] {port.message()}")
        raise typer.Exit(2)
    for warning in model_warnings(settings):
        err.print(f"[yellow]warning:[/yellow] {warning}")
    # Faust has stopped, RocksDB is closed and the producer flushed.
    _exit_now(run_worker(settings))


@cli.command()
def produce(
    files: Annotated[list[Path], typer.Argument(
        help=".json, .jsonl, .xml, .rss, .atom or .txt files")],
    topic: Annotated[str, typer.Option(help="topic (default: the raw topic)")] = "raw",
) -> None:
    """Produce files to the raw topic (JSON, JSONL, ninjs, dpa, NewsML-G2, RSS/Atom; .txt
    becomes an article; a newsMessage or feed file gives one message per item)."""
    from wirestream.streams.kafka.kafka_io import OutMessage
    from wirestream.streams.kafka.kafka_io import produce as produce_messages

    settings = _settings()
    url = _require_broker(settings)
    items, errors = read_items(files)
    for line in errors:
        err.print(f"[red]error:[/red] {line}")
    for item in items:
        if item.problem:
            err.print(f"[yellow]warning:[/yellow] {item.source} will be dead-lettered "
                      f"({item.problem})")
    messages = [OutMessage(item.key.encode() if item.key else None, item.payload,
                           (("content-type", item.content_type.encode()),)) for item in items]
    sent = asyncio.run(produce_messages(url, _topic(settings, topic), messages))
    out.print(f"produced {sent} message(s) to {_topic(settings, topic)}")
    if errors:
        raise typer.Exit(1)


@cli.command()
def feed(
    sources: Annotated[list[str], typer.Argument(
        help="http(s) feed URLs (RSS, Atom, NewsML-G2, JSON), drop directories or files")],
    interval: Annotated[float, typer.Option(help="seconds between polls", min=1.0)] = 60.0,
    once: Annotated[bool, typer.Option("--once", help="poll every source once and exit "
                                       "(exit 1 if any source failed)")] = False,
    topic: Annotated[str, typer.Option(help="topic (default: the raw topic)")] = "raw",
    state_file: Annotated[Path | None, typer.Option(
        help="what was sent (default: <data dir>/feed-state.json)")] = None,
    timeout: Annotated[float | None, typer.Option(
        help="deadline of one whole HTTP request in seconds, body included "
             "(default: WIRESTREAM_FEED_DEADLINE_S, 30)", min=0.1)] = None,
    metrics_port: Annotated[int, typer.Option(
        help="serve Prometheus metrics on this port of WIRESTREAM_METRICS_HOST (0 = off)",
        min=0, max=65535)] = 0,
) -> None:
    """Poll feeds and drop directories; produce new and changed items to the raw topic."""
    from wirestream.streams.feeds.feed_poller import (
        FeedLimits,
        FeedState,
        SourceError,
        SourceResult,
        poll_all,
    )

    settings = _settings()
    url = _require_broker(settings)
    name = _topic(settings, topic)
    path = state_file or Path(settings.data_dir) / "feed-state.json"
    try:
        state = FeedState(path)
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

    def report(result: SourceResult) -> None:
        for line in result.warnings:
            err.print(f"[yellow]warning:[/yellow] {result.source}: {line}")
        if result.error:
            err.print(f"[red]error:[/red] {result.source}: {result.error}")
        elif result.not_modified:
            out.print(f"{result.source}: not modified")
        elif result.skipped:
            out.print(f"{result.source}: {result.skipped}")
        else:
            out.print(f"{result.source}: sent {len(result.to_send)}, "
                      f"unchanged {result.unchanged}")

    limits = FeedLimits.from_settings(settings, deadline_s=timeout)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=settings.metrics_host)

    async def run() -> int:
        while True:
            try:
                results = await poll_all(sources, state, url, name, limits=limits)
            except Exception as exc:  # broker unreachable: nothing remembered, retry
                err.print(f"[red]error:[/red] producing to {name} failed: {exc}")
                if once:
                    return 1
            else:
                for result in results:
                    report(result)
                if once:
                    return 1 if any(result.error for result in results) else 0
            await asyncio.sleep(interval)

    raise typer.Exit(asyncio.run(run()))


@cli.command()
def tail(
    topic: Annotated[str, typer.Argument(help="raw, canonical, enriched, dlq or a topic name")],
    max_messages: Annotated[int, typer.Option("--max", help="stop after N (0 = no limit)")] = 0,
    idle: Annotated[float, typer.Option(help="stop after this many idle seconds (0 = never)")]
    = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON line per record")] = False,
) -> None:
    """Print the records of a topic from the beginning."""
    from wirestream.streams.kafka.kafka_io import consume
    from wirestream.streams.tools.render import dead_letter_panel, print_record

    settings = _settings()
    url = _require_broker(settings)
    name = _topic(settings, topic)

    async def run() -> int:
        count = 0
        async for msg in consume(url, [name], idle_timeout_s=idle or None):
            count += 1
            if as_json:
                try:
                    value: object = json.loads(msg.value)
                except ValueError:
                    value = msg.value.decode("utf-8", "replace")
                print(json.dumps({"key": (msg.key or b"").decode("utf-8", "replace"),
                                  "headers": {k: v.decode("utf-8", "replace")
                                              for k, v in msg.headers},
                                  "value": value}, ensure_ascii=False), flush=True)
            elif msg.header("wirestream.reason"):
                out.print(dead_letter_panel(msg))
            else:
                try:
                    print_record(out, json.loads(msg.value))
                except (ValueError, KeyError, TypeError):
                    out.print(msg.value.decode("utf-8", "replace")[:2000])
            if max_messages and count >= max_messages:
                break
        return count

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


@cli.command()
def redrive(
    reason: Annotated[list[str] | None, typer.Option(
        help="dead-letter reasons to redrive (repeatable)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count, produce nothing")]
    = False,
) -> None:
    """Produce dead letters (default: reason publish_failed) again to the topic they came
    from, once the cause is fixed (e.g. a topic's max.message.bytes raised)."""
    from wirestream.streams.kafka.redrive import redrive as redrive_letters

    settings = _settings()
    url = _require_broker(settings)
    dlq = _topic(settings, "dlq")
    result = asyncio.run(redrive_letters(url, dlq, frozenset(reason or ["publish_failed"]),
                                         dry_run=dry_run))
    verb = "would redrive" if dry_run else "redrove"
    total = sum(result.redriven.values())
    out.print(f"scanned {result.scanned} dead letter(s) on {dlq}; {verb} {total}"
              + "".join(f"\n  {n} to {topic}" for topic, n in sorted(result.redriven.items())))
    if result.skipped_truncated:
        err.print(f"[yellow]warning:[/yellow] {result.skipped_truncated} truncated dead "
                  "letter(s) skipped: their original bytes were cut")


@cli.command()
def demo(
    files: Annotated[list[Path] | None, typer.Argument(help="replay these instead")] = None,
    follow: Annotated[bool, typer.Option(help="keep running until Ctrl-C")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print records as JSON lines")]
    = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait for all records")] = 300.0,
    metrics: Annotated[bool, typer.Option(
        "--metrics", help="also print the worker's raw wirestream_* metrics at the end")]
    = False,
) -> None:
    """Start a broker and a worker, replay sample stories, print the enriched records."""
    from wirestream.streams.tools.demo import run_demo

    code = run_demo(_settings(), files or [], follow=follow, as_json=as_json,
                    timeout_s=timeout, raw_metrics=metrics)
    _exit_now(code)


@cli.command()
def doctor() -> None:
    """Check the broker (reachable, API versions, topics vs settings), the spaCy pipelines,
    the metrics port and the data dir; print what to fix; exit 1 when something is wrong."""
    from wirestream.streams.tools.doctor import run_checks

    findings = run_checks(_settings())
    for finding in findings:
        mark = "[green]ok[/green]  " if finding.ok else "[red]FIX[/red] "
        out.print(f"{mark} [bold]{finding.check}[/bold]: {finding.detail}", highlight=False,
                  soft_wrap=True)
        if not finding.ok and finding.fix:
            out.print(f"      → {finding.fix}", highlight=False, soft_wrap=True)
    wrong = sum(1 for f in findings if not f.ok)
    out.print(f"{wrong} problem(s) to fix" if wrong else "nothing to fix")
    raise typer.Exit(1 if wrong else 0)


@cli.command()
def trace(
    story_id: Annotated[str, typer.Argument(help="the story id, as on the output records")],
    version: Annotated[int, typer.Option(help="the story version")] = 1,
) -> None:
    """Print the trace id of one story version, to look it up in the tracing backend
    (spans are sent when WIRESTREAM_TRACING__ENDPOINT is set)."""
    from wirestream.streams.ops.tracing import trace_id_hex

    print(trace_id_hex(story_id, version))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if _run["debug"]:
            raise
        from wirestream.streams.tools.doctor import explain_exception

        settings = _run["settings"]
        err.print(f"[red]error:[/red] {explain_exception(exc, settings, KAFKA_ERRORS.lines)}"
                  if isinstance(settings, Settings | None) else str(exc), highlight=False)
        err.print("[dim](wirestream --debug ... shows the traceback)[/dim]")
        # Not sys.exit: clients the failed command could not close would each log an
        # "Unclosed ..." error when the interpreter collects them.
        _exit_now(1)


if __name__ == "__main__":
    main()
