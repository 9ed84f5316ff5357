"""Start-up time of the installed `relations` against `python -c pass`, as medians and ratios.

    python bench/startup.py [--runs 21]

Run it where `relations` is installed (the venv of `pip install .`). It measures, in one run:
the bundled timeline piped (`relations timeline --since 2015 | cat`), the same on a
pseudo-terminal, `--help`, and `python -c pass` as the yardstick; and prints which modules
each command imports (Rich, dateutil, YAML), since import time is most of start-up.
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import time


def _timed(command: list[str], terminal: bool) -> float:
    started = time.perf_counter()
    if terminal:
        main, secondary = pty.openpty()
        process = subprocess.Popen(command, stdout=secondary, stderr=secondary,
                                   stdin=secondary, close_fds=True)
        os.close(secondary)
        while True:
            try:
                if not os.read(main, 65536):
                    break
            except OSError:
                break
        process.wait()
        os.close(main)
    else:
        subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def median_ms(command: list[str], runs: int, terminal: bool = False) -> float:
    _timed(command, terminal)  # warm the file cache
    return statistics.median(_timed(command, terminal) for _ in range(runs)) * 1000


def imported(command: list[str]) -> str:
    code = (
        "import sys, runpy\n"
        f"sys.argv = {command!r}\n"
        "try:\n"
        "    runpy.run_module('relations_cli', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "names = ('rich', 'dateutil', 'yaml', 'sqlite3')\n"
        "print(' '.join(n for n in names if n in sys.modules) or '-', file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    relations = shutil.which("relations")
    if relations is None:
        sys.exit("bench: `relations` is not on PATH; run `pip install .` first")
    baseline = median_ms([sys.executable, "-c", "pass"], args.runs)
    cases = [
        ("timeline --since 2015 | cat", ["timeline", "--since", "2015"], False),
        ("timeline --since 2015 (terminal)", ["timeline", "--since", "2015"], True),
        ("search Kerry | cat", ["search", "Kerry"], False),
        ("summary | cat", ["summary"], False),
        ("--help | cat", ["--help"], False),
    ]
    print(f"python -c pass: {baseline:.1f} ms (median of {args.runs})")
    print(f"{'command':<36} {'median':>9} {'ratio':>7}  imports")
    for label, argv, terminal in cases:
        ms = median_ms([relations, *argv], args.runs, terminal)
        print(f"relations {label:<26} {ms:7.1f} ms {ms / baseline:6.1f}x  "
              f"{imported(['relations', *argv])}")


if __name__ == "__main__":
    main()
