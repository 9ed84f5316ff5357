"""The page `relations serve` shows: the html format's page as `--format html` writes it, or,
while the timeline cannot be read, a page saying why; either with the hook that reloads it
when the timeline changes.

The hook is added here, to the served copy only: an exported page never holds it. Every text
from a timeline or an error reaches the error page through `html.escape`, after its control
and bidi characters are made visible, so no message can become markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import NamedTuple

from relations_cli.core.errors import RelationsError, TimelineError
from relations_cli.core.query import Query
from relations_cli.render.safe import visible

__all__ = ["CHANGES_PATH", "Built", "build_page", "error_page", "with_reload_hook"]

CHANGES_PATH = "/-/changes"  # the Server-Sent Events stream that says a new page is ready
MAX_PROBLEMS = 50  # on the error page; the rest are counted


class Built(NamedTuple):
    """One build of the page: its HTML, and what the server reports of it."""

    html: str
    ok: bool
    report: str  # one line: how many events, or the first problem


def build_page(data: str | Sequence[str] | None, query: Query, use_cache: bool = True,
               lang: str = "en") -> Built:
    """The page for the timelines in use now, with the filters of `query`, in `lang`; an
    error page instead when they cannot be read (never an exception but a stop)."""
    try:
        return _timeline_page(data, query, use_cache, lang)
    except TimelineError as error:
        from relations_cli.store.validation import root_cause_first

        problems = [str(p) for p in root_cause_first(error.problems)]
        return Built(error_page(problems), False, problems[0])
    except RelationsError as error:
        return Built(error_page([str(error)]), False, str(error))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # an internal error is shown too: the preview goes on
        message = f"internal error: {type(error).__name__}: {error}"
        return Built(error_page([message]), False, message)


def _timeline_page(data: str | Sequence[str] | None, query: Query, use_cache: bool,
                   lang: str) -> Built:
    from relations_cli.core.values import timeline_categories
    from relations_cli.render.formats import FORMATS, Look, Written
    from relations_cli.store.source import open_engine

    engine = open_engine(data, use_cache=use_cache)
    events = engine.select(query)
    renderers = FORMATS["html"].load()
    if not isinstance(renderers, Written) or renderers.events is None:
        raise TypeError("the html format writes no listing of events")  # the registry's
    # Colors from every category of the timeline, as the exported page has them.
    look = Look(timeline=engine.registry, query=query,
                categories=lambda: timeline_categories(engine), lang=lang)
    page = "".join(renderers.events(events, look))
    count = len(events)
    return Built(page, True, f"{count} {'event' if count == 1 else 'events'}")


_ERROR_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;"
    "color:#1a1a1a;background:#fff}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff4f2;"
    "border-left:4px solid #b3261e;padding:1rem;font-size:14px}"
    "@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}"
    "pre{background:#2a1614}}"
)


def error_page(problems: Sequence[str]) -> str:
    """A page naming what is wrong with the timeline, as text."""
    shown = [visible(p, keep_newlines=True) for p in problems[:MAX_PROBLEMS]]
    more = len(problems) - len(shown)
    if more:
        shown.append(f"... and {more} more (relations validate lists them all)")
    lines = "\n".join(html.escape(line, quote=False) for line in shown)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>The timeline cannot be shown</title>\n"
        f"<style>{_ERROR_STYLE}</style>\n</head>\n<body>\n"
        "<main>\n<h1>The timeline cannot be shown</h1>\n"
        "<p>relations found these problems in it. Fix the file and save it: this page "
        "reloads by itself.</p>\n"
        f"<pre id=\"relations-error\" role=\"alert\">{lines}</pre>\n</main>\n</body>\n</html>\n"
    )


# Reloads the page when the server says a newer one is ready (a `change` event whose data is
# not this page's version); a reload keeps the reader's place (browsers restore the scroll
# position, tests/browser/test_serve.py), and EventSource reconnects by itself after a
# network hiccup. The version is made of digits and a dash only.
_HOOK = """<script id="relations-serve">
(function () {
  "use strict";
  var version = "%s";
  var changes = new EventSource("%s");
  changes.addEventListener("change", function (event) {
    if (event.data === version) { return; }
    changes.close();
    window.location.reload();
  });
})();
</script>
"""

# No favicon request (it would be a 404): the served page says it has none.
_NO_ICON = '<link rel="icon" href="data:,">\n'


def with_reload_hook(page: str, version: str) -> str:
    """The page with the reload hook before its `</body>` (or at its end), and an empty icon
    in its head."""
    if not version.replace("-", "").isdigit():
        raise ValueError(f"a page version is digits and dashes, not {version!r}")
    hook = _HOOK % (version, CHANGES_PATH)
    head = page.find("</head>")
    if head >= 0:
        page = page[:head] + _NO_ICON + page[head:]
    body = page.rfind("</body>")
    if body < 0:
        return page + hook
    return page[:body] + hook + page[body:]


def page_builder(data: str | Sequence[str] | None, query: Query,
                 use_cache: bool = True, lang: str = "en") -> Callable[[], Built]:
    """A function building the page afresh each time it is called."""
    return lambda: build_page(data, query, use_cache, lang)
