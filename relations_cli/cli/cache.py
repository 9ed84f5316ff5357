"""The cache command: list or clear the indexes."""

# No `from __future__ import annotations`: see app.py.

import os
from typing import Annotated

import typer

from relations_cli.cli.app import app, note
from relations_cli.cli.options import ReportOutput, with_options
from relations_cli.render.formats import Kind


@app.command()
@with_options
def cache(
    output: ReportOutput,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every index.")] = False,
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
    from relations_cli.render.present import deliver
    from relations_cli.render.reports import cache_report
    from relations_cli.store.cache import cache_dir, cache_entries, clear_cache, orphans

    folder = cache_dir()
    shown = os.fsencode(folder).decode("utf-8", "backslashreplace") if folder else "(none)"
    if clear:
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {shown}")
        return
    leftovers = [(str(path), path.stat().st_size) for path in orphans(folder) if path.exists()]
    deliver(output.settings(), Kind.REPORT, cache_report(shown, cache_entries(), leftovers))
