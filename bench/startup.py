"""Start-up time of the installed `relations` against `python -c pass`, as medians and ratios.

    python bench/startup.py [--runs 21] [--vs OTHER_RELATIONS [--pairs 15]]

Run it where `relations` is installed (the venv of `pip install .`). It measures, in one run:
the bundled timeline piped (`relations timeline --since 2015 | cat`), the same on a
pseudo-terminal, `--help`, and `python -c pass` as the yardstick, in wall time and in CPU
time (user + system: on a busy machine wall time also counts waiting for a core); and prints
which modules each command imports (Rich, dateutil, YAML), since import time is most of
start-up.

With `--instructions`, each command runs once under valgrind's callgrind instead, and what
is printed is the instructions it executed, against `python -c "import typer"` (the
framework floor of issue 24): a count that does not move with the machine's load, for
comparing two builds on a shared machine. (Run it where the modules' bytecode is cached:
with PYTHONDONTWRITEBYTECODE set, a changed module is compiled again on every run.)

With `--vs`, the `relations` script of another install (another build, in its own venv)
is compared with this one: the two run one after the other, in turn, and each pair gives
the ratio of their CPU times (user + system, the load of other processes counts little);
the median of the pairs is printed for each piped command.
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

# On the pseudo-terminal the listing is longer than the screen: no pager, which would wait.
_NO_PAGER = {**os.environ, "RELATIONS_PAGER": "cat"}


def _timed(command: list[str], terminal: bool) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run."""
    started = time.perf_counter()
    if terminal:
        main, secondary = pty.openpty()
        process = subprocess.Popen(command, stdout=secondary, stderr=secondary,
                                   stdin=secondary, close_fds=True, env=_NO_PAGER)
        os.close(secondary)
        while True:
            try:
                if not os.read(main, 65536):
                    break
            except OSError:
                break
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped above
        os.close(main)
    else:
        process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        assert process.stdout is not None
        while process.stdout.read(65536):
            pass
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        process.stdout.close()
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def median_ms(command: list[str], runs: int, terminal: bool = False) -> tuple[float, float]:
    """Median wall and CPU milliseconds."""
    _timed(command, terminal)  # warm the file cache
    times = [_timed(command, terminal) for _ in range(runs)]
    return (statistics.median(t[0] for t in times) * 1000,
            statistics.median(t[1] for t in times) * 1000)


def cpu_ms(command: list[str]) -> float:
    """User + system time of one run, its output read through a pipe."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    while process.stdout.read(65536):
        pass
    _, _, usage = os.wait4(process.pid, 0)
    process.stdout.close()
    return (usage.ru_utime + usage.ru_stime) * 1000


def paired(this: str, other: str, argv: list[str], pairs: int) -> tuple[float, float, float]:
    """Median CPU ms of this install and the other, and the median of per-pair ratios."""
    cpu_ms([this, *argv]), cpu_ms([other, *argv])  # warm the file cache (and any index)
    mine, theirs, ratios = [], [], []
    for number in range(pairs):
        # Alternate which goes first, so neither always runs right after the other.
        if number % 2:
            b, a = cpu_ms([other, *argv]), cpu_ms([this, *argv])
        else:
            a, b = cpu_ms([this, *argv]), cpu_ms([other, *argv])
        mine.append(a)
        theirs.append(b)
        ratios.append(a / b)
    return statistics.median(mine), statistics.median(theirs), statistics.median(ratios)


def instructions(command: list[str]) -> int:
    """Instructions one run executes, counted by callgrind (its output thrown away)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].replace(",", ""))
    sys.exit(f"bench: callgrind counted nothing for {command}:\n{done.stderr[-2000:]}")


def print_instructions(relations: str, cases: list[tuple[str, list[str], bool]]) -> None:
    floor = instructions([sys.executable, "-c", "import typer"])
    print(f"{'command':<36} {'instructions':>14} {'ratio':>7}")
    label = "python -c 'import typer'"
    print(f"{label:<36} {floor / 1e6:12.1f} M {1:6.3f}x")
    for label, argv, terminal in cases:
        if terminal:
            continue
        count = instructions([relations, *argv])
        print(f"relations {label:<26} {count / 1e6:12.1f} M {count / floor:6.3f}x")


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
    parser.add_argument("--vs", metavar="OTHER_RELATIONS",
                        help="the `relations` script of another install to compare with")
    parser.add_argument("--pairs", type=int, default=15, help="paired runs for --vs")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind's callgrind instead of timing")
    args = parser.parse_args()
    relations = shutil.which("relations")
    if relations is None:
        sys.exit("bench: `relations` is not on PATH; run `pip install .` first")
    cases = [
        ("timeline --since 2015 | cat", ["timeline", "--since", "2015"], False),
        ("timeline --since 2015 (terminal)", ["timeline", "--since", "2015"], True),
        ("search Kerry | cat", ["search", "Kerry"], False),
        ("summary | cat", ["summary"], False),
        ("--help | cat", ["--help"], False),
    ]
    if args.instructions:
        print_instructions(relations, cases)
        return
    baseline, base_cpu = median_ms([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass: {baseline:.1f} ms, {base_cpu:.1f} ms CPU (medians of {args.runs})")
    print(f"{'command':<36} {'median':>9} {'ratio':>7} {'CPU':>8} {'ratio':>6}  imports")
    # The floor: what any run imports before a line of relations runs (the console script
    # imports `re`; Typer imports Click and what they need).
    ms, cpu = median_ms([sys.executable, "-c", "import re, typer"], args.runs)
    floor = "python -c 'import re, typer'"
    print(f"{floor:<36} {ms:7.1f} ms {ms / baseline:6.1f}x "
          f"{cpu:5.1f} ms {cpu / base_cpu:5.1f}x")
    for label, argv, terminal in cases:
        ms, cpu = median_ms([relations, *argv], args.runs, terminal)
        print(f"relations {label:<26} {ms:7.1f} ms {ms / baseline:6.1f}x {cpu:5.1f} ms "
              f"{cpu / base_cpu:5.1f}x  {imported(['relations', *argv])}")
    if args.vs:
        print(f"\nCPU time (user + system) against {args.vs}, median of {args.pairs} pairs:")
        print(f"{'command':<36} {'this':>9} {'other':>9} {'ratio':>7}")
        for label, argv, terminal in cases:
            if terminal:
                continue
            mine, theirs, ratio = paired(relations, args.vs, argv, args.pairs)
            print(f"relations {label:<26} {mine:6.1f} ms {theirs:6.1f} ms {ratio:6.3f}")


if __name__ == "__main__":
    main()
