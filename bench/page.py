"""The HTML page at size: its weight against its YAML, and in headless Chromium (Playwright,
Debian's /usr/bin/chromium) its first paint, the first frame with events drawn (what a reader
first sees of them), a search for the last event, and a jump to the bottom of the list.

    python bench/page.py                                   # the bundled timeline only
    python bench/page.py bench/out/20k.yaml /work/bigdata/100k.yaml --runs 3

Make a large timeline with `python bench/generate.py 20000 > bench/out/20k.yaml`. Each page is
written once with `relations timeline --format html` (that time is printed too), then opened
`--runs` times in a fresh tab; the medians are printed. Times are wall-clock on this machine:
compare the rows with each other, not with another machine's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "events.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

# In the page, after load: how long the search for the last event's id takes to redraw the list
# (at once, and again a second later), and a jump to the end of the list until its last event
# is drawn.
_SEARCH = """async (term) => {
  const box = document.getElementById('q');
  const frame = () => new Promise(done => requestAnimationFrame(() => done()));
  const started = performance.now();
  box.value = term;
  box.dispatchEvent(new Event('input'));
  await frame();
  const searched = performance.now() - started;
  const found = document.getElementById('status').textContent;
  box.value = '';
  box.dispatchEvent(new Event('input'));
  await frame();
  await new Promise(done => setTimeout(done, 1000));
  const again = performance.now();
  box.value = term;
  box.dispatchEvent(new Event('input'));
  await frame();
  const searchedAgain = performance.now() - again;
  box.value = '';
  box.dispatchEvent(new Event('input'));
  await frame();
  const scrolled = performance.now();
  window.scrollTo(0, document.documentElement.scrollHeight);
  const last = document.querySelectorAll('.event').length;
  for (let i = 0; i < 100; i++) {
    await frame();
    const items = document.querySelectorAll('.event');
    if (items.length && items[items.length - 1].dataset.id === term) break;
  }
  return {searched, again: searchedAgain, found, scrolled: performance.now() - scrolled,
          drawn: document.querySelectorAll('.event').length, before: last};
}"""


def _page(data: Path, folder: Path) -> tuple[Path, float]:
    page = folder / (data.stem + ".html")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "relations_cli", "timeline", "--data", str(data),
                    "--output", str(page), "--force"], check=True)
    return page, time.perf_counter() - started


# Before the page's own scripts: the moment the frame after its first event was drawn.
_WATCH = """window.__firstEvents = 0;
new MutationObserver((changes, watcher) => {
  if (document.querySelector('.event')) {
    watcher.disconnect();
    requestAnimationFrame(() => { window.__firstEvents = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});"""


def _open(browser: Any, page_path: Path, last_id: str) -> dict[str, Any]:
    tab = browser.new_page(viewport={"width": 1000, "height": 900})
    tab.add_init_script(_WATCH)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(page_path.as_uri(), wait_until="commit")
    tab.wait_for_selector(".event", timeout=120_000)
    tab.wait_for_load_state("load")
    tab.wait_for_function("window.__firstEvents > 0")
    timing = tab.evaluate("""() => ({
        paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
        first_events: window.__firstEvents,
        load: performance.getEntriesByType('navigation')[0].loadEventEnd,
        events: document.querySelectorAll('.event').length})""")
    after = tab.evaluate(_SEARCH, last_id)
    tab.close()
    if errors:
        raise SystemExit(f"{page_path}: {errors[0]}")
    return dict(timing, **after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="timelines besides the bundled one")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from relations_cli.store.loader import load_timeline

    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for data in [BUNDLED, *options.files]:
            page, built = _page(data, Path(folder))
            last_id = load_timeline(data).events[-1].id
            runs = [_open(browser, page, last_id) for _ in range(options.runs)]
            rows.append((data, data.stat().st_size, page.stat().st_size, built, runs))
        browser.close()
    print(f"{'timeline':<22} {'YAML':>9} {'page':>9} {'ratio':>5} {'write':>7} {'paint':>7} "
          f"{'events':>7} {'load':>7} {'search':>7} {'again':>7} {'to end':>7} {'in DOM':>6}")
    for data, yaml_size, page_size, built, runs in rows:
        def median(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(float(run[key] or 0) for run in runs)

        print(f"{data.name:<22} {yaml_size / 1e6:8.2f}M {page_size / 1e6:8.2f}M "
              f"{page_size / yaml_size:5.2f} {built:6.2f}s {median('paint'):5.0f}ms "
              f"{median('first_events'):5.0f}ms {median('load'):5.0f}ms "
              f"{median('searched'):5.0f}ms {median('again'):5.0f}ms {median('scrolled'):5.0f}ms "
              f"{int(median('drawn')):>6}")
        print(f"{'':<22} search for the last event: {runs[-1]['found']}")


if __name__ == "__main__":
    main()
