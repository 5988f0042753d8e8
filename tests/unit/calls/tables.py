"""Shared helpers for the call tests: the data tables under tests/data/calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[2] / "data" / "calls"


def load(name: str) -> Any:
    """One YAML table from tests/data/calls."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
