"""`relations browse`: the full-screen explorer (Textual, from the `browse` extra)."""

import importlib.util

from relations_cli.cli.app import app
from relations_cli.cli.options import FilterOptions, SourceOptions, with_options
from relations_cli.core.errors import MissingExtra


def install_hint() -> str:
    """The install line that works for how relations itself was installed: from a checkout
    (PEP 610's direct_url.json names its folder), by pipx, or from an index."""
    import json
    import shlex
    import sys
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    python = shlex.quote(sys.executable)
    try:
        origin = json.loads(metadata.distribution("relations-cli").read_text(
            "direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        origin = {}
    url = urlparse(str(origin.get("url", "")))
    if url.scheme == "file" and "dir_info" in origin:
        editable = "-e " if origin["dir_info"].get("editable") else ""
        folder = unquote(url.path)
        line = f"{python} -m pip install {editable}{shlex.quote(folder + '[browse]')}"
    elif "pipx" in sys.prefix.split("/"):
        line = "pipx inject relations-cli textual"
    else:
        line = f"{python} -m pip install 'relations-cli[browse]'"
    return f"relations browse needs Textual: {line}"


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
        raise MissingExtra(install_hint())
    from relations_cli.browse.run import browse as run_browser

    return run_browser(filters.query(), source.engine, source.path())
