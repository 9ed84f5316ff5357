"""Which timeline a command reads: --data, then $RELATIONS_DATA, then the bundled one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine

__all__ = ["default_data_path", "open_engine", "resolve_data_path"]

DATA_ENV = "RELATIONS_DATA"


def resolve_data_path(option: str | None) -> Path:
    if option == "-":
        from relations_cli.core.errors import QueryError

        raise QueryError("--data -: reading a timeline from standard input is not supported "
                         "yet; save it to a file and pass its path")
    if option:
        return Path(option)
    from_env = os.environ.get(DATA_ENV, "")
    return Path(from_env) if from_env else default_data_path()


def default_data_path() -> Path:
    """The bundled timeline: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data" / "events.yaml"
    return packaged if packaged.is_file() else package.parent / "data" / "events.yaml"


def open_engine(option: str | None, use_cache: bool = True,
                progress: Callable[[int, int], None] | None = None) -> Engine:
    """The query engine for the timeline in use: its index, from the cache when fresh."""
    from relations_cli.store.index import open_index

    return open_index(resolve_data_path(option), use_cache, progress)
