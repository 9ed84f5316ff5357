"""The cache command: list or clear the indexes."""

# No `from __future__ import annotations`: see app.py.

import os
from typing import Annotated

import typer

from relations_cli.cli.app import app, note
from relations_cli.cli.options import ColorMode, ColorOpt, FormatOpt, OutputOptions


@app.command()
def cache(
    clear: Annotated[bool, typer.Option("--clear", help="Remove every index.")] = False,
    fmt: FormatOpt = None,
    color: ColorOpt = ColorMode.auto,
) -> None:
    """Show the indexes kept in the cache folder, or clear them.

    An index answers queries without reading the YAML again. It is built on first use,
    kept in $XDG_CACHE_HOME/relations (else ~/.cache/relations), and rebuilt whenever its
    timeline file changes. Clearing is always safe.

    \b
    Examples:
      relations cache
      relations cache --clear
    """
    from relations_cli.render.present import deliver_report
    from relations_cli.render.tables import Report, Table
    from relations_cli.store.cache import cache_dir, cache_entries, clear_cache, orphans

    folder = cache_dir()
    shown = os.fsencode(folder).decode("utf-8", "backslashreplace") if folder else "(none)"
    if clear:
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {shown}")
        return
    entries = cache_entries()
    leftovers = orphans(folder)
    rows = [(e.source, e.events, e.bytes, "fresh" if e.fresh else "stale", str(e.index))
            for e in entries]
    rows += [("(left by a stopped build)", 0, p.stat().st_size, "orphan", str(p))
             for p in leftovers if p.exists()]
    document = {"folder": shown,
                "indexes": [{"source": e.source, "events": e.events, "bytes": e.bytes,
                             "fresh": e.fresh, "index": str(e.index)} for e in entries],
                "orphans": [str(p) for p in leftovers]}
    table = Table(("source", "events", "bytes", "state", "index"), rows, "Indexes",
                  shown=("source", "events", "bytes", "state"))
    report = Report([("folder", shown), ("indexes", str(len(entries)))], [table],
                    document)
    settings = OutputOptions(fmt=fmt, color=color).settings()
    deliver_report(settings, report, None)
