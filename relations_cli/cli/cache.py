"""The cache command: list or clear the indexes."""

# No `from __future__ import annotations`: see app.py.

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
    from relations_cli.store.index import cache_dir, cache_entries, clear_cache

    if clear:
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {cache_dir()}")
        return
    entries = cache_entries()
    rows = [(e.source, e.events, e.bytes, "fresh" if e.fresh else "stale", str(e.index))
            for e in entries]
    document = {"folder": str(cache_dir()),
                "indexes": [{"source": e.source, "events": e.events, "bytes": e.bytes,
                             "fresh": e.fresh, "index": str(e.index)} for e in entries]}
    table = Table(("source", "events", "bytes", "state", "index"), rows, "Indexes",
                  shown=("source", "events", "bytes", "state"))
    report = Report([("folder", str(cache_dir())), ("indexes", str(len(entries)))], [table],
                    document)
    settings = OutputOptions(fmt=fmt, color=color).settings()
    deliver_report(settings, report, None)
