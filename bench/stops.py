"""How fast and how cleanly `wirestream demo --follow` stops: Ctrl-C and SIGTERM.

    python bench/stops.py [--runs 10] [--signal int|term|both]

Each run starts `wirestream demo --follow` in a process group of its own (as a terminal
starts a foreground job), waits until every sample came out enriched (its output lines),
notes the whole process tree (demo, embedded broker, worker, spaCy processes), then
sends SIGINT to the process group (what Ctrl-C does) or SIGTERM to the demo (what a
supervisor does). It measures the time until the demo exits and until every process of
the tree is gone, the processes still there 2 s after the signal, and the error lines
written after the signal (demo output and worker log). Prints one line per run, the
figures, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.tools.demo import default_files

LEFTOVER_AFTER_S = 2.0  # a process of the tree still running this long after the signal
GONE_WAIT_S = 30.0  # how long to wait for the tree before killing what is left
ERROR_MARKERS = ("Traceback", "ERROR", "Error:", "Unable connect", "CRITICAL")


@dataclass
class StopResult:
    signal: str
    exit_code: int | None
    exit_s: float  # signal -> the demo process exited
    all_gone_s: float | None  # signal -> no process of the tree left (None: never)
    leftovers: list[str] = field(default_factory=list)  # alive LEFTOVER_AFTER_S after
    tree: int = 0  # processes in the tree when the signal was sent
    error_lines: list[str] = field(default_factory=list)  # written after the signal


def process_tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc (children of every thread)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found.extend(process_tree(int(child)))
    except OSError:
        pass
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has exited; its parent has not reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    except OSError:
        return "?"


def _ctrl_c_as_in_a_terminal() -> None:
    # A job started in the background of a non-interactive shell (`bench/stops.py &`)
    # inherits SIGINT ignored, and Python then keeps ignoring it: the demo would not see
    # the Ctrl-C this benchmark sends. A terminal's foreground job never has it ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def demo_env(data_dir: Path, nlp_processes: int = 1) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIRESTREAM_")}
    env.update({"WIRESTREAM_METRICS_PORT": str(free_port()),
                "WIRESTREAM_DATA_DIR": str(data_dir),
                "WIRESTREAM_NLP_PROCESSES": str(nlp_processes)})
    return env


class DemoRun:
    """`wirestream demo --follow` in its own process group, its output read by a thread."""

    def __init__(self, data_dir: Path, nlp_processes: int = 1,
                 python: str = sys.executable) -> None:
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [python, "-m", "wirestream", "demo", "--follow"],
            env=demo_env(data_dir, nlp_processes), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_enriched(self, count: int, timeout_s: float) -> None:
        """Until ``count`` 'enriched ...' lines came out (the demo's plain output)."""
        deadline = time.monotonic() + timeout_s
        enriched = 0
        while enriched < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{enriched} of {count} enriched within {timeout_s:.0f} s:"
                                   "\n" + "\n".join(self.output[-30:]))
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("the demo exited before the articles came out:\n"
                                   + "\n".join(self.output[-30:]))
            self.output.append(line)
            enriched += line.startswith("enriched ")

    def stop(self, how: str) -> StopResult:
        tree = [pid for pid in process_tree(self.proc.pid)]
        names = {pid: command_line(pid) for pid in tree}
        worker_log = self.data_dir / "worker.log"
        log_offset = worker_log.stat().st_size if worker_log.exists() else 0
        seen_lines = len(self.output)
        started = time.monotonic()
        if how == "int":
            os.killpg(self.proc.pid, signal.SIGINT)  # the demo leads its group
        else:
            os.kill(self.proc.pid, signal.SIGTERM)
        exit_s: float | None = None
        all_gone: float | None = None
        leftovers: list[str] = []
        while time.monotonic() - started < GONE_WAIT_S:
            elapsed = time.monotonic() - started
            if exit_s is None and self.proc.poll() is not None:
                exit_s = elapsed
            alive = [pid for pid in tree if running(pid)]
            if elapsed >= LEFTOVER_AFTER_S and not leftovers:
                leftovers = [f"{pid} {names[pid]}" for pid in alive] or ["-"]
            if not alive:
                all_gone = elapsed
                break
            time.sleep(0.02)  # poll interval while processes exit
        hung = [f"{pid} {names[pid]}" for pid in tree if running(pid)]
        for pid in tree:  # whatever hangs on is ended, so the next run starts clean
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        code: int | None = self.proc.wait()
        if exit_s is None:  # it had to be killed
            exit_s, code = GONE_WAIT_S, None
        if hung:
            self.output.append("still running after the wait: " + "; ".join(hung))
        # The reader thread ends with the output: everything after the signal.
        while (line := self.lines.get(timeout=10)) is not None:
            self.output.append(line)
        errors = [line for line in self.output[seen_lines:]
                  if any(marker in line for marker in ERROR_MARKERS)
                  or line.startswith("still running")]
        if worker_log.exists():
            with open(worker_log, "rb") as f:
                f.seek(log_offset)
                errors += [line for line in f.read().decode(errors="replace").splitlines()
                           if any(marker in line for marker in ERROR_MARKERS)]
        return StopResult(signal="SIGINT to the group" if how == "int" else "SIGTERM",
                          exit_code=code, exit_s=round(exit_s, 3),
                          all_gone_s=None if all_gone is None else round(all_gone, 3),
                          leftovers=[] if leftovers == ["-"] else leftovers, tree=len(tree),
                          error_lines=errors[:20])


def one_run(how: str, nlp_processes: int = 1, start_timeout_s: float = 300.0) -> StopResult:
    with tempfile.TemporaryDirectory(prefix="wirestream-stops-") as tmp:
        run = DemoRun(Path(tmp) / "data", nlp_processes)
        try:
            run.wait_enriched(len(default_files()), start_timeout_s)
        except BaseException:
            for pid in process_tree(run.proc.pid):
                if running(pid):
                    os.kill(pid, signal.SIGKILL)
            raise
        return run.stop(how)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per signal")
    parser.add_argument("--signal", choices=("int", "term", "both"), default="both")
    parser.add_argument("--nlp-processes", type=int, default=1)
    args = parser.parse_args()
    kinds = ["int", "term"] if args.signal == "both" else [args.signal]
    results: dict[str, list[StopResult]] = {kind: [] for kind in kinds}
    for kind in kinds:
        for n in range(1, args.runs + 1):
            result = one_run(kind, args.nlp_processes)
            results[kind].append(result)
            print(f"{result.signal:20} run {n:2}: exit {result.exit_s:.2f} s (code "
                  f"{result.exit_code}), all {result.tree} processes gone "
                  f"{'never' if result.all_gone_s is None else f'{result.all_gone_s:.2f} s'}"
                  f", leftovers {len(result.leftovers)}, error lines "
                  f"{len(result.error_lines)}", flush=True)
            for line in result.leftovers + result.error_lines:
                print(f"    {line}")
    summary: dict[str, object] = {"bench": "stops", "runs": args.runs}
    for kind, runs in results.items():
        gone = [r.all_gone_s for r in runs if r.all_gone_s is not None]
        figures = {
            "exit_s_median": round(statistics.median(r.exit_s for r in runs), 3),
            "exit_s_max": max(r.exit_s for r in runs),
            "all_gone_s_max": max(gone) if len(gone) == len(runs) else None,
            "within_2s": sum(1 for r in runs
                             if r.all_gone_s is not None and r.all_gone_s <= 2.0),
            "exit_codes": sorted({r.exit_code for r in runs}, key=str),
            "runs_with_leftovers": sum(1 for r in runs if r.leftovers),
            "runs_with_error_lines": sum(1 for r in runs if r.error_lines),
        }
        summary[kind] = figures
        print(f"{runs[0].signal}: everything gone within 2 s in {figures['within_2s']}/"
              f"{len(runs)}, demo exit median {figures['exit_s_median']:.2f} s, max "
              f"{figures['exit_s_max']:.2f} s, all gone max {figures['all_gone_s_max']}, "
              f"leftovers in {figures['runs_with_leftovers']}, error lines in "
              f"{figures['runs_with_error_lines']}")
    summary["detail"] = {kind: [asdict(r) for r in runs] for kind, runs in results.items()}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
