"""Reliability scenarios shared by the integration tests and the bench scripts.

- ``corpora``: real wire articles from ../shared/data.
- ``replay``: replay plans (originals, redeliveries, updates, near-duplicate copies) and
  the verdict each (story id, version) must come out with.
- ``processes``: deployment settings, worker readiness, /metrics, pids and memory.
- ``collect``: reading the output topics in the background and summarising them.
- ``worker_faults``: a worker killed or leaving its group (crash, scale-out).
- ``broker_faults``: the broker lost, refusing writes, or losing leaders.

Repo-only tooling, like bench/: the installed package depends on neither.
"""
