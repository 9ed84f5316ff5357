"""`relations serve`: a live preview of the web page, rebuilt when the timeline changes."""

# No `from __future__ import annotations`: see app.py.

from typing import Annotated

import typer

from relations_cli.cli.app import app, note
from relations_cli.cli.options import FilterOptions, PageLanguage, SourceOptions, with_options
from relations_cli.core.errors import QueryError


@app.command()
@with_options
def serve(
    filters: FilterOptions, source: SourceOptions,
    port: Annotated[int, typer.Option(
        "--port", min=0, max=65535, metavar="N",
        help="Port to listen on (0: any free one, shown when it starts).")] = 8000,
    host: Annotated[str, typer.Option(
        "--host", metavar="ADDRESS", help="Address to listen on: this machine alone by "
        "default; 0.0.0.0 lets other machines read the timeline.")] = "127.0.0.1",
    lang: Annotated[PageLanguage, typer.Option(
        "--lang", case_sensitive=False,
        help="Language of the page's dates and labels: en or fr.")] = PageLanguage.en,
) -> None:
    """Preview the web page (--format html) in a browser while you edit the timeline: the
    page is rebuilt when the file changes and reloads itself; a problem in the file is shown
    on the page until it is fixed. Takes the same filters as timeline. Ctrl-C stops.

    \b
    Examples:
      relations serve --data mine.yaml
      relations serve --data mine.yaml --since 2015 --category diplomacy --port 8001
      relations serve --data mine.yaml --lang fr
    """
    from relations_cli.serve.page import page_builder
    from relations_cli.serve.server import Preview, listen, url_of
    from relations_cli.serve.server import serve as answer
    from relations_cli.store.loader import open_timeline_file
    from relations_cli.store.source import STDIN
    from relations_cli.store.watch import Watch

    query = filters.query()
    paths = source.paths()
    if any(str(path) == STDIN for path in paths):
        raise QueryError("serve rebuilds the page when the file changes: give --data FILE, "
                         "not standard input")
    for path in paths:  # a mistyped name stops here; a problem inside is shown on the page
        opened, _ = open_timeline_file(path)
        opened.close()
    watch = Watch(source.data)
    server = listen(host, port, Preview())
    shown = ", ".join(str(path) for path in paths)
    note(f"previewing {shown} at {url_of(server)} (Ctrl-C stops)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(f"--host {host}: other machines that reach this one can read the timeline")
    answer(server, page_builder(source.data, query, use_cache=not source.no_cache,
                                lang=lang.value),
           watch.changed, note)
