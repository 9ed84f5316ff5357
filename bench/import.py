"""What `relations import` costs (issue 22): a large CSV into a new timeline, against counting
its rows with Python's csv module in the same run (target: at most 10x); and a few thousand
rows appended to a large timeline, against one `add` to it (target: about one write).

    python bench/import.py csv 1000000 --runs 3         # writes bench/out/import-1000000.csv
    python bench/import.py append bench/out/100k.yaml 10000 --runs 3

Each run times the whole process (wall, and CPU as user + system) and then the yardstick
right after it, so each pair shares the machine's state; printed are the medians and the
median of the pairs' wall ratios, with the import's peak memory (the largest process).
The CSV has our export's columns (`timeline --format csv`), with dates of every precision,
lists, sources with URLs, quotes and figures as JSON cells.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

RELATIONS = shutil.which("relations") or str(Path(sys.executable).parent / "relations")
OUT = Path(__file__).resolve().parent / "out"
COLUMNS = ("id", "date", "end", "title", "category", "place", "actors", "people", "tags",
           "summary", "date_note", "sources", "quotes", "figures", "media")
WORDS = ["talks", "agreement", "pipeline", "visit", "delegation", "statement", "exercise",
         "border", "investment", "loan", "bank", "currency", "cooperation", "ministers"]
CATEGORIES = ["diplomacy", "security", "trade", "economy", "energy"]
PLACES = ["Beijing", "Moscow", "Shanghai", "Vladivostok", "Astana"]
PEOPLE = ["Xi Jinping", "Vladimir Putin", "Sergei Lavrov", "Wang Yi", "Li Keqiang"]


def rows(count: int, seed: int = 22, prefix: str = "event") -> Iterator[list[str]]:
    chance = random.Random(seed)
    for number in range(count):
        year = 1990 + number * 30 // max(count, 1)
        precision = chance.random()
        date = (f"{year}" if precision < 0.1 else f"{year}-{chance.randint(1, 12):02d}"
                if precision < 0.3 else
                f"{year}-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}")
        words = " ".join(chance.choices(WORDS, k=chance.randint(3, 7)))
        sources = [{"title": f"Report {number}", "url": f"https://example.org/{number}",
                    "publisher": "Example News", "date": f"{year}"}]
        quotes = [{"by": chance.choice(PEOPLE), "text": words}] if precision > 0.8 else []
        yield [f"{prefix}-{number}", date, "", f"{words.capitalize()} {number}",
               chance.choice(CATEGORIES), chance.choice(PLACES), "China; Russia",
               "; ".join(chance.sample(PEOPLE, 2)), "summit; trade",
               f"{words} in {chance.choice(PLACES)}.", "", json.dumps(sources),
               json.dumps(quotes) if quotes else "", "", ""]


def write_csv(count: int, prefix: str = "event") -> Path:
    """The CSV of `count` rows; ids `event-N`, or `PREFIX-N` (rows new to a timeline made
    by bench/ generators, whose ids are `event-N`)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / (f"import-{count}.csv" if prefix == "event" else
                  f"import-{prefix}-{count}.csv")
    if not path.exists():  # written whole, then renamed: a stopped run leaves no half file
        partial = path.with_suffix(".partial")
        with open(partial, "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows(count, prefix=prefix))
        partial.replace(path)
    return path


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak memory (KiB) of a whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def report(name: str, pairs: list[tuple[tuple[float, float, int], tuple[float, float, int]]],
           yardstick: str) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    print(f"{name}: {median([a[0] for a, _ in pairs]):.2f} s wall, "
          f"{median([a[1] for a, _ in pairs]):.2f} s CPU, peak {pairs[-1][0][2] / 1024:.0f} MiB")
    print(f"{yardstick}: {median([b[0] for _, b in pairs]):.2f} s wall, "
          f"{median([b[1] for _, b in pairs]):.2f} s CPU")
    print(f"ratio (median of {len(pairs)} pairs, wall): "
          f"{median([a[0] / b[0] for a, b in pairs]):.2f}x")


def bench_csv(count: int, runs: int) -> None:
    source = write_csv(count)
    print(f"{count:,} rows, {source.stat().st_size / 1e6:.0f} MB: {source}")
    count_rows = [sys.executable, "-c",
                  "import csv,sys; sum(1 for _ in csv.reader(open(sys.argv[1])))", str(source)]
    pairs = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            target = Path(folder) / f"new-{run}.yaml"
            pairs.append((timed([RELATIONS, "import", str(source), "--data", str(target)]),
                          timed(count_rows)))
            target.unlink()
    report("import into a new timeline", pairs, "csv.reader count")


def bench_append(timeline: Path, count: int, runs: int) -> None:
    source = write_csv(count, prefix="new")  # not already in the timeline: all added
    pairs = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            scratch = Path(folder) / "scratch.yaml"
            shutil.copyfile(timeline, scratch)
            subprocess.run([RELATIONS, "timeline", "--data", str(scratch), "--limit", "1"],
                           stdout=subprocess.DEVNULL, check=True)  # a fresh index, not timed
            imported = timed([RELATIONS, "import", str(source), "--data", str(scratch)])
            shutil.copyfile(timeline, scratch)
            subprocess.run([RELATIONS, "timeline", "--data", str(scratch), "--limit", "1"],
                           stdout=subprocess.DEVNULL, check=True)
            one = timed([RELATIONS, "add", "--data", str(scratch), "--date", "2016-05",
                         "--title", f"One more {run}"])
            pairs.append((imported, one))
    report(f"import of {count:,} rows into {timeline.name}", pairs, "one add")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["csv", "append"])
    parser.add_argument("args", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    if options.what == "csv":
        bench_csv(int(options.args[0]), options.runs)
    else:
        bench_append(Path(options.args[0]), int(options.args[1]), options.runs)


if __name__ == "__main__":
    main()
