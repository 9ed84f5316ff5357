"""What reading a calendar or a Markwhen file costs (issue 22): a timeline exported with
`--format ics` and `--format markwhen`, then read back by relations_cli/ingest, in this
process (CPU seconds of the read alone, and events a second).

    python bench/generate.py 20000 > bench/out/20k.yaml
    python bench/calendars.py bench/out/20k.yaml --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from relations_cli.ingest import ics, markwhen
from relations_cli.ingest.base import ReadOptions

RELATIONS = shutil.which("relations") or str(Path(sys.executable).parent / "relations")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("timeline", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name, reader in (("ics", ics.read), ("markwhen", markwhen.read)):
        data = subprocess.run([RELATIONS, "timeline", "--data", str(args.timeline), "--format",
                               name], check=True, capture_output=True).stdout
        times, count = [], 0
        for _ in range(args.runs):
            started = time.process_time()
            found = reader(data, ReadOptions(f"x.{name}"))
            times.append(time.process_time() - started)
            count = len(found.rows)
        median = statistics.median(times)
        print(f"{name:9} {count:>8,} events  {len(data) / 1e6:6.1f} MB  read in {median:6.2f} s "
              f"CPU  ({count / median:,.0f} events/s)")


if __name__ == "__main__":
    main()
