"""``helpline bench seed``: fill the database with a large, realistic dataset."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    pass
