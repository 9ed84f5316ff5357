"""Time to the first screen of `relations browse` and from a search keystroke to the updated
list, headless (Textual's pilot), on the bundled timeline or any other (warm index).

    python bench/browse.py [--data FILE] [--runs 5]

Make a large timeline with `python bench/generate.py 1000000 > bench/out/1m.yaml` and index it
once (`relations timeline --data bench/out/1m.yaml --limit 1`) before timing it warm.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from relations_cli.browse.app import BrowseApp
from relations_cli.browse.backend import Backend
from relations_cli.core.query import Query
from relations_cli.store.source import open_engine


async def _until(pilot: Any, done: Any) -> None:
    while not done():
        await pilot.pause(0.001)


async def _one(data: str | None, term: str) -> tuple[float, float]:
    started = time.perf_counter()
    backend = Backend()
    backend.open(lambda: open_engine(data))
    app = BrowseApp(backend, Query())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _until(pilot, lambda: app.chronology.window is not None)
            first = time.perf_counter() - started
            await pilot.press("slash", *term[:-1])
            await _until(pilot, lambda: app.query_now.terms == (term[:-1],)
                         and app.chronology.window is not None
                         and app.chronology.window.query.terms == (term[:-1],))
            typed = time.perf_counter()
            await pilot.press(term[-1])
            await _until(pilot, lambda: app.chronology.window is not None
                         and app.chronology.window.query.terms == (term,))
            # The keystroke's answer includes the debounce (browse/app.py DEBOUNCE).
            keystroke = time.perf_counter() - typed
    finally:
        backend.close()
    return first, keystroke


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--term", default="kerry")
    args = parser.parse_args()
    asyncio.run(_one(args.data, args.term))  # warm the index and the imports
    results = [asyncio.run(_one(args.data, args.term)) for _ in range(args.runs)]
    first = statistics.median(r[0] for r in results) * 1000
    key = statistics.median(r[1] for r in results) * 1000
    print(f"{args.data or 'bundled'}: first screen {first:.0f} ms, search keystroke to "
          f"updated list {key:.0f} ms (debounce included; medians of {args.runs})")


if __name__ == "__main__":
    main()
