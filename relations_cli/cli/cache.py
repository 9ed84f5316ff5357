"""The cache command: list or clear the indexes."""

import os
from collections.abc import Iterable
from pathlib import Path
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
        left = _timeline_leftovers(entry.source for entry in cache_entries())
        removed = clear_cache()
        note(f"removed {removed} {'index' if removed == 1 else 'indexes'} from {shown}")
        swept = 0
        for leftover in left:  # a killed write's temporary files: nobody holds them
            try:
                leftover.unlink()
                swept += 1
            except OSError:
                continue
        if swept:
            note(f"removed {swept} temporary {'file' if swept == 1 else 'files'} a killed "
                 "write left beside a timeline")
        return
    entries = cache_entries()
    found = [*orphans(folder), *_timeline_leftovers(entry.source for entry in entries)]
    leftovers = [(str(path), path.stat().st_size) for path in found if path.exists()]
    deliver(output.settings(), Kind.REPORT, cache_report(shown, entries, leftovers))


def _timeline_leftovers(sources: Iterable[str]) -> list[Path]:
    """Temporary files that a killed write left beside the timelines the cache knows (the
    next write to the same file removes them)."""
    from relations_cli.store.atomic import leftovers

    found = []
    for source in sorted(set(sources)):
        path = Path(source)
        found.extend(leftovers(path.parent, path.name))
    return found
