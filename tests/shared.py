"""Tests that read ../shared: skipped with the reason on a developer's machine without it,
run (and so fail) under CI (``CI`` set), where the data must be present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def needs_shared(*folders: Path) -> pytest.MarkDecorator:
    missing = [str(folder) for folder in folders if not folder.is_dir()]
    return pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                              reason=f"shared data not found: {', '.join(missing)}")
