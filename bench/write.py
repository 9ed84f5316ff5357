"""What one write costs: `add`, `edit --set` and `remove` on a large timeline, each against
`cp FILE COPY && sync` on the same file in the same run (issue 20: at most 3x on a million
events, 5x on 100,000).

    python bench/generate.py 100000 --density 40 > bench/out/100k.yaml
    python bench/write.py bench/out/100k.yaml --runs 5
    python bench/write.py bench/out/1m.yaml --runs 1          # about 4 minutes an index

Each run copies the timeline to a scratch file and builds its index (not timed: a read
leaves a fresh index, and a write finds its events through it), then times the write as a
whole process, then the yardstick right after it, so each pair shares the machine's state.
Printed: the medians of wall and CPU seconds (user + system) of each, and the median of the
pairs' wall ratios. `--no-index` times the write with no fresh index (it then reads the
whole file once to find its events and prove the file valid).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RELATIONS = shutil.which("relations") or str(Path(sys.executable).parent / "relations")


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system, of the process and its children) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _ids(path: Path, env: dict[str, str]) -> list[str]:
    """Two ids from the middle of the file (for edit and remove)."""
    listed = subprocess.run([RELATIONS, "--data", str(path), "timeline"],
                            check=True, capture_output=True, text=True, env=env).stdout
    rows = listed.splitlines()  # piped: date, id, category, title, tab-separated
    middle = len(rows) // 2
    return [rows[middle].split("\t")[1], rows[middle + 1].split("\t")[1]]


def _writes(work: Path, ids: list[str]) -> dict[str, list[str]]:
    data = ["--data", str(work)]
    return {
        "add": [RELATIONS, "add", *data, "--date", "2015-06-15", "--title", "Benchmark add",
                "--category", "diplomacy", "--person", "Xi Jinping"],
        "edit --set": [RELATIONS, "edit", ids[0], *data, "--set", "place=Benchmark",
                       "--set", "title=Benchmark edit"],
        "remove": [RELATIONS, "remove", ids[1], *data],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("timeline", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-index", action="store_true",
                        help="time writes without a fresh index")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=options.timeline.parent) as scratch:
        folder = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        os.environ.update(env)
        work, copy = folder / "work.yaml", folder / "copy.yaml"
        shutil.copyfile(options.timeline, work)
        ids = _ids(work, env)
        size = options.timeline.stat().st_size
        print(f"{options.timeline} ({size / 1e6:.0f} MB), {options.runs} runs each, "
              f"{'no index' if options.no_index else 'fresh index'}; wall and CPU seconds, "
              "medians")
        print(f"{'write':<12} {'wall':>8} {'cpu':>8} {'cp+sync':>8} {'cpu':>8} {'ratio':>7}")
        for name, command in _writes(work, ids).items():
            figures: list[tuple[float, float, float, float]] = []
            for _ in range(options.runs):
                shutil.copyfile(options.timeline, work)
                if not options.no_index:
                    subprocess.run([RELATIONS, "--data", str(work), "timeline", "--count"],
                                   check=True, stdout=subprocess.DEVNULL, env=env)
                subprocess.run(["sync"], check=True)
                wall, cpu = _timed(command)
                copy.unlink(missing_ok=True)
                cp_wall, cp_cpu = _timed(["sh", "-c", f'cp "{work}" "{copy}" && sync'])
                figures.append((wall, cpu, cp_wall, cp_cpu))
            columns = zip(*figures, strict=True)
            wall, cpu, cp_wall, cp_cpu = (statistics.median(column) for column in columns)
            ratio = statistics.median(f[0] / f[2] for f in figures)
            print(f"{name:<12} {wall:8.2f} {cpu:8.2f} {cp_wall:8.2f} {cp_cpu:8.2f} "
                  f"{ratio:6.2f}x", flush=True)


if __name__ == "__main__":
    main()
