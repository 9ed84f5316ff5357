"""`relations browse`: the full-screen explorer (Textual, from the `browse` extra)."""

import importlib.util

from relations_cli.cli.app import app
from relations_cli.cli.options import FilterOptions, SourceOptions, with_options
from relations_cli.core.errors import MissingExtra

INSTALL_HINT = ("relations browse needs Textual: pip install 'relations-cli[browse]' "
                "(or pipx inject relations-cli textual)")


@app.command()
@with_options
def browse(filters: FilterOptions, source: SourceOptions) -> int:
    """Explore the chronology full-screen: move, read, search as you type, filter, jump by
    year, export. Press ? inside for the keys, q to quit.

    \b
    Examples:
      relations browse
      relations browse --since 2015 --person Xi
      relations browse --data mine.yaml
    """
    if importlib.util.find_spec("textual") is None:
        raise MissingExtra(INSTALL_HINT)
    from relations_cli.browse.run import browse as run_browser

    return run_browser(filters.query(), source.engine, source.path())
