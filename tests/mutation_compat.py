"""A pytest plugin for `make mutate` only (``-p tests.mutation_compat``, set in
[tool.mutmut]): mutmut 3.x reads ``item._nodeid`` to learn which tests reach which
function, an attribute pytest 9 no longer has. Drop this when mutmut reads ``nodeid``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not hasattr(item, "_nodeid"):
            item._nodeid = item.nodeid  # type: ignore[attr-defined]
