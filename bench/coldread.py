"""Where the first read of a timeline spends its time: CPU seconds of each stage, in order.

    python bench/generate.py 100000 --density 40 > t.yaml
    python bench/coldread.py t.yaml            # every stage
    python bench/coldread.py t.yaml --stages strict,fast

Stages, each in a fresh process (CPU seconds of that process, and its peak memory):

- parse:  PyYAML's C parser alone, its events pulled and dropped (a floor for the strict path);
- strict: the strict loader, events built and dropped;
- fast:   the fast reader of plain timelines (store/fastread), events built and dropped;
- rows:   reading (fast when it can) and the index rows of every event, dropped;
- build:  the whole index built in one process, read in order, into a temporary file;
- split:  the whole index built with two reading processes (their CPU shown apart);
- yaml:   `yaml.load(f, Loader=yaml.CSafeLoader)`, the yardstick of issue 12.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

STAGES = ("parse", "strict", "fast", "rows", "build", "split", "yaml")

_RUN = r"""
import os, resource, sqlite3, sys, tempfile
from pathlib import Path

path, stage = Path(sys.argv[1]), sys.argv[2]


def main():
    if stage == "parse":
        import yaml
        with open(path, "rb") as handle:
            parser = yaml.CBaseLoader(handle)
            while parser.get_event() is not None:
                pass
    elif stage == "strict":
        from relations_cli.store.loader import stream_timeline
        stream_timeline(path, lambda event: None)
    elif stage == "fast":
        from relations_cli.store.fastread import fast_source
        with open(path, "rb") as handle:
            if fast_source(handle, str(path), lambda event: None) is None:
                print("(the fast reader gave up on this file)", file=sys.stderr)
    elif stage == "rows":
        from relations_cli.store.fastread import read_timeline
        from relations_cli.store.rows import RowBatcher
        rows = RowBatcher(lambda batch: None)
        read_timeline(path, rows.add)
        rows.flush()
    elif stage in ("build", "split"):
        from relations_cli.store.build import build_index
        with tempfile.TemporaryDirectory() as folder:
            db = sqlite3.connect(os.path.join(folder, "index.sqlite"))
            build_index(db, path, split=stage == "split")
            db.close()
    elif stage == "yaml":
        import yaml
        with open(path, "rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)


if __name__ == "__main__":
    main()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime,
          own.ru_maxrss // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated, from {', '.join(STAGES)}")
    args = parser.parse_args()
    print(f"{'stage':8} {'CPU s':>8} {'children':>9} {'peak MB':>8}")
    for stage in args.stages.split(","):
        done = subprocess.run([sys.executable, "-c", _RUN, args.file, stage],
                              capture_output=True, text=True, check=True)
        own, children, peak = done.stdout.split()
        extra = f" {done.stderr.strip()}" if done.stderr.strip() else ""
        print(f"{stage:8} {float(own):8.2f} {float(children):9.2f} {int(peak):8}{extra}")


if __name__ == "__main__":
    main()
