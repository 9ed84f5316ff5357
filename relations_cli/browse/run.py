"""Starting the browser from the command line, and leaving the terminal as it was found."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from relations_cli.browse.backend import Backend
from relations_cli.core.errors import OutputError
from relations_cli.core.query import Query

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine

__all__ = ["browse"]


def browse(query: Query, open_engine: Callable[[], Engine], protected: Path | None) -> int:
    """Run the browser on a terminal; the exit status. Data errors are raised before the
    screen is taken or after it is given back, never drawn over it."""
    backend = Backend()
    try:
        backend.open(open_engine)  # an invalid timeline fails here, before the screen
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise OutputError("browse needs a terminal (for a pipe or a file use 'relations "
                              "timeline' with the same filters)")
        from relations_cli.render.terminal import readable_dates

        readable_dates()  # a RELATIONS_DATES it does not know is refused before the screen
        from relations_cli.browse.app import BrowseApp

        app = BrowseApp(backend, query, protected)
        status = app.run()
        if app.error is not None:
            raise app.error
        return int(status if status is not None else app.return_code or 0)
    finally:
        backend.close()
