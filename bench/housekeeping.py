"""What a build costs as the cache fills: N small timelines opened one after another into one
empty cache, in this process (the library's `open_engine`, as every command opens a file).
Every build tidies the cache (store/cache.housekeep); before it kept a record of each index's
timeline (`sources.json`) it opened every cached index to read it, so a build cost time in
the number of indexes already there.

    python bench/housekeeping.py            # 200 timelines
    python bench/housekeeping.py --count 1000

Printed: CPU milliseconds a build, on average, over the first and the last tenth of the
builds and over all of them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def timeline(number: int) -> str:
    events = "".join(f"  - id: e-{n}\n    date: 2015-0{1 + n % 9}-01\n"
                     f"    title: Event {n} of timeline {number}\n    category: trade\n"
                     for n in range(5))
    return f"title: Timeline {number}\nevents:\n{events}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="timelines to build")
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = str(Path(scratch) / "cache")
        from relations_cli.store.source import open_engine

        paths = []
        for number in range(count):
            path = Path(scratch) / f"t{number}.yaml"
            path.write_text(timeline(number), encoding="utf-8")
            paths.append(path)
        costs = []
        for path in paths:
            started = time.process_time()
            open_engine(str(path)).count()
            costs.append(time.process_time() - started)
    tenth = max(1, count // 10)
    for label, part in (("first tenth", costs[:tenth]), ("last tenth", costs[-tenth:]),
                        ("all", costs)):
        print(f"{label:12} {1000 * sum(part) / len(part):7.1f} ms CPU a build "
              f"({len(part)} builds)")


if __name__ == "__main__":
    main()
