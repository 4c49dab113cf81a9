"""Ctrl-C and SIGTERM stop `wirestream demo --follow` and everything it started.

Ctrl-C in a terminal is SIGINT to the whole foreground process group; a supervisor
sends SIGTERM to the demo. Either way the demo stops its worker (and with it the spaCy
processes), then its embedded broker, and nothing of the tree is left running.
"""

from __future__ import annotations

import pytest

from bench.stops import GONE_WAIT_S, one_run

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("how", ["int", "term"])
def test_a_stop_signal_ends_the_demo_and_every_process_it_started(how):
    # one_run waits for the demo's own "enriched ..." lines (every sample out), so the
    # broker, the worker and its spaCy processes are all up when the signal is sent.
    result = one_run(how, nlp_processes=1)

    assert result.tree >= 4  # demo, broker, worker, at least one spaCy process
    assert result.exit_code == 0
    # A bound that catches a hang, not a timing measurement (bench/stops.py measures).
    assert result.all_gone_s is not None and result.all_gone_s < GONE_WAIT_S
    assert result.leftovers == []
    assert result.error_lines == []  # no reconnect spam: the broker stopped last
