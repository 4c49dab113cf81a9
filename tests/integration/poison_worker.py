"""Test-only worker entry point: ``python -m tests.integration.poison_worker worker``.

Runs the real ``wirestream worker`` with one change: in the spaCy pool processes, the
event coder raises for articles whose id contains ``poison-raise``, and the process dies
(as on a segfault or the OOM killer) for ``poison-exit``. Product code has no switch for
this; the patch rides on the pool's initializer, which every spawned pool process runs.
"""

from __future__ import annotations

import os
from typing import Any

RAISE_MARKER = "poison-raise"
EXIT_MARKER = "poison-exit"


def poisoned_configure(config: Any, *args: Any) -> None:
    """Pool initializer: the real ``configure`` after patching ``code_events`` in this
    process (wirestream.processors.enrich looked it up at import, so its own global is replaced)."""
    from wirestream.processors import enrich

    real = enrich.code_events

    def code_events(doc: Any, *, article_id: str, **kwargs: Any) -> list[dict[str, Any]]:
        if RAISE_MARKER in article_id:
            raise RuntimeError(f"poisoned article {article_id} (test)")
        if EXIT_MARKER in article_id:
            os._exit(3)
        return real(doc, article_id=article_id, **kwargs)

    enrich.code_events = code_events
    enrich.configure(config, *args)


def main() -> None:
    # Imported by its module name, so the pool's pickled initializer points here rather
    # than at ``__main__``.
    from tests.integration.poison_worker import poisoned_configure as initializer
    from wirestream.streams.pipeline import enrich_stage
    from wirestream.streams.tools.cli import main as cli_main

    enrich_stage.configure = initializer  # type: ignore[assignment]
    cli_main()


if __name__ == "__main__":
    main()
