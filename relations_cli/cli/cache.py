"""The cache command: list or clear the indexes."""

# No `from __future__ import annotations`: see app.py.

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
    from relations_cli.store.index import cache_dir, cache_entries, clear_cache

    if clear:
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {cache_dir()}")
        return
    deliver(output.settings(), Kind.REPORT, cache_report(str(cache_dir()), cache_entries()))
