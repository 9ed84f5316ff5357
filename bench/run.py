"""Time `relations` against grep, jq/yq and PyYAML on synthetic timelines, side by side.

    python bench/run.py                         # 1k, 10k and 100k events
    python bench/run.py --sizes 1000000 --runs 5
    python bench/run.py --markdown docs/figures.md
    python bench/run.py --sizes 100000 --density 40   # Kerry in 1 event in 40: cost per result

Run it where `relations` is installed (`pip install .`). Timelines are generated into
bench/out/ by bench/generate.py when missing. For each size it measures, in one run:

- cold: the first query with an empty cache (`timeline --since 2015 --limit 30`), which
  builds the index, with the peak memory of the processes that did it;
- warm: medians of `timeline --since 2015 --limit 30`, `search Kerry`, `summary --by year`
  and `timeline --since 2015` (all events since 2015, written to /dev/null);
- per result: `search Kerry` as plain, jsonl and csv against `grep Kerry` (every matching
  line written), on a timeline with Kerry in one event in --density (default 500), also as
  medians of paired runs (CPU time and wall time ratios);
- reports: `summary`, `people`, `quotes`, `figures` and `chart` over every event, piped;
- index size against the YAML's;
- the yardsticks: `grep -c Kerry` (and ripgrep, jq on the same data as JSON and yq where
  they are installed) and, up to 100k events, PyYAML's `yaml.safe_load` with the C loader.

It prints medians in milliseconds and the ratios the targets in docs/performance.md name.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def timeline_file(size: int, density: int = 500) -> Path:
    path = OUT / (f"{size}.yaml" if density == 500 else f"{size}-d{density}.yaml")
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(size),
                            "--density", str(density)], stdout=handle, check=True)
    return path


_PEAK = """
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_once(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds, and the peak resident memory (KiB) of the largest process the command ran.

    A fresh wrapper process runs the command, so the peak is this command's alone (the
    kernel keeps one high-water mark for all of a process's children). Output goes to a
    pipe, never /dev/null: GNU grep stops at the first match when its output is /dev/null,
    and every tool should pay for writing what it finds.
    """
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True,
                          text=True, env=env, check=True)
    elapsed, peak = done.stdout.split()
    return float(elapsed), int(peak)


def median_ms(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    return statistics.median(run_once(command, env)[0] for _ in range(runs)) * 1000


def paired_ratio(command: list[str], yardstick: list[str], runs: int,
                 env: dict[str, str] | None = None) -> tuple[float, float]:
    """Medians of command/yardstick run in turn, as (CPU time user+sys, wall time): on a
    loaded machine the two of a pair meet the same load. Output goes to a file."""
    def timed(argv: list[str]) -> tuple[float, float]:
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            process = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
            _, _, usage = os.wait4(process.pid, 0)
            return usage.ru_utime + usage.ru_stime, time.perf_counter() - started

    pairs = [(timed(command), timed(yardstick)) for _ in range(runs)]
    return (statistics.median(a[0] / b[0] for a, b in pairs),
            statistics.median(a[1] / b[1] for a, b in pairs))


def safe_load_seconds(path: Path) -> float:
    code = ("import sys, time, yaml\n"
            "started = time.perf_counter()\n"
            "with open(sys.argv[1], 'rb') as handle:\n"
            "    yaml.load(handle, Loader=yaml.CSafeLoader)\n"
            "print(time.perf_counter() - started)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, check=True)
    return float(done.stdout)


def as_json(path: Path) -> Path:
    """The same timeline as JSON, for jq, written once with the relations CLI itself."""
    target = path.with_suffix(".json")
    if not target.exists():
        with open(target, "w", encoding="utf-8") as handle:
            subprocess.run(["relations", "timeline", "--data", str(path), "--format", "json"],
                           stdout=handle, check=True)
    return target


REPORTS = ("summary", "people", "quotes", "figures", "chart")


def bench_size(size: int, runs: int, density: int = 500) -> dict[str, float]:
    path = timeline_file(size, density)
    figures: dict[str, float] = {"size": size, "bytes": path.stat().st_size}
    cache = tempfile.mkdtemp(prefix="relations-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    base = ["relations"]
    limit30 = [*base, "timeline", "--data", str(path), "--since", "2015", "--limit", "30"]
    seconds, peak = run_once(limit30, env)
    figures["cold_first_query_ms"] = seconds * 1000
    figures["cold_peak_mib"] = peak / 1024
    figures["warm_limit30_ms"] = median_ms(limit30, runs, env)
    figures["warm_search_ms"] = median_ms([*base, "search", "Kerry", "--data", str(path)],
                                          runs, env)
    figures["warm_summary_ms"] = median_ms(
        [*base, "summary", "--by", "year", "--data", str(path)], runs, env)
    for command in REPORTS:  # every report over all events, piped (issue 12, target 5)
        figures[f"report_{command}_ms"] = median_ms(
            [*base, command, "--data", str(path)], max(1, runs // 3), env)
    figures["warm_since_all_ms"] = median_ms(
        [*base, "timeline", "--data", str(path), "--since", "2015"], max(1, runs // 3), env)
    figures["grep_ms"] = median_ms(["grep", "-c", "Kerry", str(path)], runs)
    figures["grep_lines_ms"] = median_ms(["grep", "Kerry", str(path)], runs)
    for fmt in ("plain", "jsonl", "csv"):
        search = [*base, "search", "Kerry", "--data", str(path), "--format", fmt]
        figures[f"search_{fmt}_ms"] = median_ms(search, runs, env)
        figures[f"search_{fmt}_cpu_ratio"], figures[f"search_{fmt}_wall_ratio"] = paired_ratio(
            search, ["grep", "Kerry", str(path)], max(runs, 7), env)
    figures["index_bytes"] = sum(p.stat().st_size
                                 for p in Path(cache, "relations").glob("*.sqlite"))
    if shutil.which("rg"):
        figures["rg_ms"] = median_ms(["rg", "-c", "Kerry", str(path)], runs)
    if shutil.which("jq"):
        data = as_json(path)
        figures["jq_ms"] = median_ms(
            ["jq", '[.[] | select(.date >= "2015")] | length', str(data)], max(1, runs // 3))
    if shutil.which("yq") and size <= 100_000:  # yq needs minutes for a million events
        figures["yq_ms"] = median_ms(["yq", ".events | length", str(path)], 1)
    if size <= 100_000:
        figures["safe_load_ms"] = safe_load_seconds(path) * 1000
    shutil.rmtree(cache, ignore_errors=True)
    return figures


def bench_startup(runs: int) -> dict[str, float]:
    """The bundled timeline piped against the installed interpreter doing nothing (issue 12,
    target 4), as paired CPU-time ratios; bench/startup.py has the details."""
    script = shutil.which("relations")
    assert script is not None
    with open(script, encoding="utf-8", errors="replace") as handle:
        shebang = handle.readline()
    python = shebang[2:].strip() if shebang.startswith("#!") else sys.executable
    cache = tempfile.mkdtemp(prefix="relations-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    command = ["relations", "timeline", "--since", "2015"]
    run_once(command, env)  # builds the bundled timeline's index
    figures = {"startup_ms": median_ms(command, runs, env),
               "python_pass_ms": median_ms([python, "-c", "pass"], runs, env)}
    figures["startup_cpu_ratio"], figures["startup_wall_ratio"] = paired_ratio(
        command, [python, "-c", "pass"], max(runs, 7), env)
    shutil.rmtree(cache, ignore_errors=True)
    return figures


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import sqlite3

    import yaml

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, PyYAML {yaml.__version__} "
            f"(libyaml: {yaml.__with_libyaml__})")


def report(results: list[dict[str, float]]) -> list[str]:
    lines = ["| events | file | cold first query | cold peak | warm --limit 30 | warm search "
             "| warm summary | warm --since (all) | grep -c | safe_load | cold / safe_load "
             "| search / grep |",
             "|" + " ---: |" * 12]
    for f in results:
        ratio = (f"{f['cold_first_query_ms'] / f['safe_load_ms']:.2f}"
                 if "safe_load_ms" in f else "-")
        lines.append(
            f"| {int(f['size']):,} | {f['bytes'] / 2**20:.0f} MiB "
            f"| {f['cold_first_query_ms']:,.0f} ms | {f['cold_peak_mib']:,.0f} MiB "
            f"| {f['warm_limit30_ms']:,.0f} ms | {f['warm_search_ms']:,.0f} ms "
            f"| {f['warm_summary_ms']:,.0f} ms | {f['warm_since_all_ms']:,.0f} ms "
            f"| {f['grep_ms']:,.0f} ms "
            f"| {(str(round(f['safe_load_ms'])) + ' ms') if 'safe_load_ms' in f else '-'} "
            f"| {ratio} | {f['warm_search_ms'] / f['grep_ms']:.2f} |")
    extras = [f for f in results if any(k in f for k in ("rg_ms", "jq_ms", "yq_ms"))]
    for f in extras:
        parts = [f"{name} {f[key]:,.0f} ms" for key, name in
                 (("rg_ms", "rg -c"), ("jq_ms", "jq"), ("yq_ms", "yq")) if key in f]
        lines.append(f"\n{int(f['size']):,} events: " + ", ".join(parts))
    for f in results:
        grep = f["grep_lines_ms"]
        lines.append(
            f"\n{int(f['size']):,} events, per result (`search Kerry` vs `grep Kerry` "
            f"{grep:,.0f} ms): " + ", ".join(
                f"{fmt} {f[f'search_{fmt}_ms']:,.0f} ms ({f[f'search_{fmt}_ms'] / grep:.2f}x)"
                for fmt in ("plain", "jsonl", "csv"))
            + "; paired with grep, CPU/wall: " + ", ".join(
                f"{fmt} {f[f'search_{fmt}_cpu_ratio']:.2f}/{f[f'search_{fmt}_wall_ratio']:.2f}"
                for fmt in ("plain", "jsonl", "csv"))
            + f"; index {f['index_bytes'] / 2**20:,.0f} MiB "
              f"({f['index_bytes'] / f['bytes']:.2f}x the YAML)")
    for f in results:
        lines.append(
            f"\n{int(f['size']):,} events, reports over all events (warm, piped): " + ", ".join(
                f"{command} {f[f'report_{command}_ms']:,.0f} ms" for command in REPORTS))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--density", type=int, default=500,
                        help="Kerry in about one event in this many (40: many results)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON")
    args = parser.parse_args()
    if shutil.which("relations") is None:
        sys.exit("bench: `relations` is not on PATH; run `pip install .` first")
    print(describe_machine(), flush=True)
    results = []
    for size in args.sizes:
        print(f"{size:,} events ...", file=sys.stderr, flush=True)
        results.append(bench_size(size, args.runs, args.density))
    lines = report(results)
    start = bench_startup(args.runs)
    lines.append(
        f"\nstart-up, bundled `timeline --since 2015` piped: {start['startup_ms']:,.0f} ms "
        f"against `python -c pass` {start['python_pass_ms']:,.0f} ms; paired, CPU/wall: "
        f"{start['startup_cpu_ratio']:.2f}x/{start['startup_wall_ratio']:.2f}x")
    print("\n".join(lines))
    if args.markdown:
        args.markdown.write_text(describe_machine() + "\n\n" + "\n".join(lines) + "\n",
                                 encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
