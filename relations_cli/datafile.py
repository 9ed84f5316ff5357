"""Which timeline a command reads: --data, then $RELATIONS_DATA, then the bundled one."""

from __future__ import annotations

import os
from pathlib import Path

from relations_cli.loader import default_data_path, load_timeline
from relations_cli.model import Timeline

__all__ = ["open_timeline", "resolve_data_path"]

DATA_ENV = "RELATIONS_DATA"


def resolve_data_path(option: str | None) -> Path:
    if option:
        return Path(option)
    from_env = os.environ.get(DATA_ENV, "")
    return Path(from_env) if from_env else default_data_path()


def open_timeline(option: str | None) -> Timeline:
    return load_timeline(resolve_data_path(option))
