"""A two-core build reads exactly what the sequential reading reads, wherever the file is cut.

A cut is only a guess from the look of a line; the parser of the first half must prove it.
These tests try cuts inside block scalars, quoted and plain multi-line text, flow
collections, comments and a second `events:` that is really text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import TimelineError
from relations_cli.store.build import build_index
from relations_cli.store.loader import load_timeline
from relations_cli.store.parallel import candidate_cuts, plan_at, split_point
from relations_cli.store.source import open_index
from tests.budgets import examples
from tests.helpers import write


def contents(db: sqlite3.Connection) -> tuple[object, ...]:
    """Everything an index answers from, without the row numbers (which differ by design)."""
    events = db.execute("SELECT id, first_day, last_day, line, year, month, precision, "
                        "category, category_folded, (SELECT words FROM places "
                        "WHERE places.id = place), record FROM events "
                        "ORDER BY first_day, last_day, line, id").fetchall()
    meta = dict(db.execute("SELECT key, value FROM meta"))
    header = tuple(meta.get(key) for key in ("title", "description", "people", "count",
                                             "max_span"))
    sub = tuple(
        sorted(db.execute(f"SELECT e.id, {columns} FROM {table} t JOIN events e "
                          f"ON e.n = t.{key}").fetchall())
        for table, key, columns in (("tags", "event", "t.folded"),
                                    ("actors", "event", "t.words"),
                                    ("named", "event", "t.folded, t.words"),
                                    ("search", "rowid", "t.body")))
    aliases = sorted(db.execute("SELECT * FROM aliases").fetchall())
    return events, header, sub, aliases


def sequential_index(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    build_index(db, path, split=False)
    return db


def sequential(path: Path) -> tuple[object, ...]:
    return contents(sequential_index(path))


def split_at(path: Path, cut: int) -> tuple[tuple[object, ...], bool] | None:
    """The index built with the file cut at `cut` (halves read here, in order), and whether
    the split was kept; None when that line cannot be a cut at all."""
    plan = plan_at(path, cut)
    if plan is None:
        return None
    db = sqlite3.connect(":memory:")
    kept = build_index(db, path, split=plan, processes=False)
    return contents(db), kept


FAKE_ITEMS = ["- id: fake-{n}", "  date: 2001-01-0{d}", "  title: Not an event {n}"]


def fake_lines(indent: int, n: int) -> list[str]:
    return [" " * indent + line.format(n=n, d=1 + n % 9) for line in FAKE_ITEMS]


def test_a_cut_inside_a_block_scalar_is_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack: a description after the events, made of lines that look like events."""
    lines = ["title: Crafted", "events:", "  - id: real-1", "    date: 2015-01-01",
             "    title: The only event", "description: |"]
    for n in range(3000):
        lines += fake_lines(2, n)
    path = write(tmp_path, "\n".join(lines) + "\n")
    monkeypatch.setenv("RELATIONS_PARALLEL_MIN_BYTES", "1000")
    plan = split_point(path, path.stat().st_size)
    assert plan is not None
    assert plan.cut > path.read_bytes().index(b"description")
    assert open_index(path, use_cache=False).count() == 1
    assert open_index(path).count() == 1
    assert len(load_timeline(path).events) == 1


def test_a_split_at_a_real_item_is_kept(tmp_path: Path) -> None:
    lines = ["events:"]
    for n in range(50):
        lines += [f"  - id: e-{n}", f"    date: 2015-01-{1 + n % 28:02d}", f"    title: E {n}"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    cut = path.read_bytes().index(b"  - id: e-25")
    whole = sequential_index(path)
    outcome = split_at(path, cut)
    assert outcome is not None
    built, kept = outcome
    assert kept
    assert built == contents(whole)


# -- the property: any timeline, any cut --------------------------------------------------------

LOOKALIKE = st.sampled_from([
    "- id: fake", "- date: 2001", "-  title: x", "- {id: fake, date: 2001}", "events:",
    "- events:", "-", "- # comment", "  - id: fake",
])


@st.composite
def scalar_values(draw: st.DrawFn, indent: int) -> list[str]:
    """A value for a key at `indent` (the key itself excluded): the first element is what
    follows the colon, the rest are whole lines. Each kind can hold lines that look like
    items of the events list."""
    inner = " " * (indent + draw(st.integers(1, 4)))
    fakes = draw(st.lists(LOOKALIKE, min_size=1, max_size=4))
    kind = draw(st.sampled_from(["block", "folded", "indicator", "quoted", "single", "plain",
                                 "flow", "simple"]))
    if kind in ("block", "folded"):
        chomp = draw(st.sampled_from(["", "-", "+"]))
        head = ("|" if kind == "block" else ">") + chomp
        return [head, *[inner + fake for fake in fakes], inner + "end"]
    if kind == "indicator":
        width = draw(st.integers(1, 3))
        pad = " " * (indent + width)
        return [f"|{width}", *[pad + " " + fake for fake in fakes], pad + "tail"]
    if kind == "quoted":
        return ['"start', *[inner + fake.replace('"', "") for fake in fakes], inner + 'end"']
    if kind == "single":
        return ["'start", *[inner + fake.replace("'", "") for fake in fakes], inner + "end'"]
    if kind == "plain":
        return ["start of text", *[inner + "text " + fake for fake in fakes]]
    if kind == "flow":
        return ["[a,", *[inner + f"b{n}," for n in range(len(fakes))], inner + "c]"]
    return ["simple text"]


@st.composite
def timelines(draw: st.DrawFn) -> str:
    events = []
    for n in range(draw(st.integers(1, 6))):
        item = [f"  - id: e-{n}", f"    date: 20{10 + n:02d}-0{1 + n % 9}"]
        title = draw(scalar_values(4))
        item += [f"    title: {title[0]}", *title[1:]]
        if draw(st.booleans()):
            summary = draw(scalar_values(4))
            item += [f"    summary: {summary[0]}", *summary[1:]]
        if draw(st.booleans()):
            item += ["    tags: [one,", "      two]"]
        if draw(st.booleans()):
            item += ["  # - id: commented-out", "#   - id: also-not"]
        events += item
    description = draw(scalar_values(0))
    header = [f"description: {description[0]}", *description[1:]]
    if draw(st.booleans()):
        header += ["people:", "  - name: Xi Jinping", "    aliases: [习近平]"]
    lines = ["title: Drawn"]
    if draw(st.booleans()):
        lines += [*header, "events:", *events]
    else:
        lines += ["events:", *events, *header]
    return "\n".join(lines) + "\n"


# Most drawn texts are not timelines (the values are built to look like items, and a third to
# two thirds of them break the YAML or the schema): those are skipped, and Hypothesis's check
# on filtering, which counts the first ones, failed a run now and then (9 kept of 59 drawn).
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(timelines())
def test_every_cut_reads_as_the_sequential_reading(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    try:
        timeline = load_timeline(path)
    except TimelineError:
        assume(False)
        return
    expected = sequential(path)
    data = path.read_bytes()
    starts = {sum(len(line) for line in data.splitlines(keepends=True)[: event.line - 1])
              for event in timeline.events}
    for cut in candidate_cuts(data):
        outcome = split_at(path, cut)
        if outcome is None:
            continue
        built, kept = outcome
        assert built == expected, (cut, text)
        if cut in starts:
            assert kept, (cut, text)  # a real item boundary is recognised, not only refused
