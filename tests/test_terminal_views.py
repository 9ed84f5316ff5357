"""The terminal views: ids in the chronology, the alias an event was found by, and any
width from 40 columns up."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from relations_cli.core.query import Query
from relations_cli.render.terminal import alias_matches
from relations_cli.store.source import open_engine
from tests.helpers import BUNDLED, invoke


def test_the_pretty_chronology_shows_each_events_id() -> None:
    plain = invoke("search", "Kerry", "--format", "plain")
    ids = [line.split("\t")[1] for line in plain.stdout.splitlines()]
    pretty = invoke("search", "Kerry", "--format", "pretty", "--width", "120")
    assert pretty.status == 0, pretty
    assert ids
    assert all(event_id in pretty.stdout for event_id in ids)


def test_an_event_found_only_through_an_alias_says_so() -> None:
    result = invoke("search", "习近平", "--format", "pretty", "--width", "120")
    assert result.status == 0, result
    assert "via 习近平, an alias of Xi Jinping" in result.stdout
    person = invoke("timeline", "--person", "Джон Керри", "--format", "pretty",
                    "--width", "120")
    assert "via Джон Керри, an alias of John Kerry" in person.stdout


def test_a_match_in_the_events_own_text_names_no_alias() -> None:
    result = invoke("search", "Kerry", "--format", "pretty", "--width", "120")
    assert "alias" not in result.stdout
    assert "via " not in result.stdout


def test_alias_matches_is_exact_about_what_matched() -> None:
    engine = open_engine([str(BUNDLED)], use_cache=False)
    timeline = engine.registry
    xi = engine.select(Query(terms=("习近平",)))
    assert xi
    assert all(alias_matches(e, timeline, ("习近平",)) == [("习近平", "Xi Jinping")]
               for e in xi)
    assert all(alias_matches(e, timeline, ("Xi",)) == [] for e in xi)
    assert all(alias_matches(e, None, ("习近平",)) == [] for e in xi)


# -- any width -----------------------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests.helpers import on_terminal  # noqa: E402

SGR = re.compile(r"\x1b\[[0-9;]*m")
TERMINAL_VIEWS = [
    ["timeline"], ["search", "Kerry"], ["show", "kerry-moscow-visit-2016-03"], ["summary"],
    ["summary", "--by", "year", "--by", "category"], ["chart"], ["people"],
    ["people", "Kerry"], ["quotes"], ["figures"], ["on-this-day", "2015-03-24"],
    ["values", "category"], ["timeline", "--format", "table"],
]


def _strings(document: Any) -> tuple[list[str], list[str]]:
    """(every string value and number, every key) of a JSON document."""
    values: list[str] = []
    keys: list[str] = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys += item.keys()
            stack += item.values()
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            values.append(str(item))
        elif isinstance(item, str):
            values.append(item)
    return values, keys


def _drawn(args: list[str], columns: int) -> str:
    """A view as a terminal of `columns` draws it (`--width`), in this process, without
    the padding a terminal gets after the last cell of a line."""
    pretty = [] if "--format" in args else ["--format", "pretty"]
    shown = invoke(*args, *pretty, "--width", str(columns), "--color", "never")
    assert shown.status == 0, shown
    return shown.stdout


# Three real terminals, one a width: each draws exactly what `--width` draws, so the views of
# every width below are checked in this process (39 pseudo-terminals took 18 s of CPU).
@pytest.mark.parametrize(("args", "columns"), [
    (["people"], 40), (["timeline", "--format", "table"], 60), (["chart"], 80),
], ids=["people-40", "table-60", "chart-80"])
def test_a_terminal_draws_what_its_width_draws(tmp_path: Path, args: list[str],
                                               columns: int) -> None:
    env = {"RELATIONS_PAGER": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    shown = on_terminal([*args, "--no-pager"], env, columns=columns)
    assert shown.status == 0, shown
    assert "\x1b[" in shown.stdout  # a terminal: Rich, in color
    text = SGR.sub("", shown.stdout)
    assert max(cell_len(line) for line in text.splitlines()) <= columns, text
    assert [line.rstrip() for line in text.splitlines()] == _drawn(args, columns).splitlines()


@pytest.mark.parametrize("columns", [40, 60, 80])
@pytest.mark.parametrize("args", TERMINAL_VIEWS, ids=" ".join)
def test_no_date_id_or_number_is_cut_at_any_width(args: list[str], columns: int) -> None:
    text = _drawn(args, columns)
    assert max(cell_len(line) for line in text.splitlines()) <= columns, text
    data = invoke(*[a for a in args if a not in ("--format", "table")], "--format", "json")
    values, keys = _strings(json.loads(data.stdout))
    allowed = {word for value in values for word in value.split()}
    allowed |= {word.strip(".,;:()“”\"'") for word in allowed}
    # A year or month of a date stands alone in rules, axes and month-precision dates.
    allowed |= {part for value in values for part in re.findall(r"\b\d{4}(?:-\d\d)?", value)}
    allowed |= {part for value in values for part in value.split("..")}  # a span's start
    allowed |= {"event", "several"}  # the chart's legend
    # A URL longer than the terminal has to fold; dates, ids, numbers and headers never.
    protected = [v for v in values if re.search(r"[\d-]", v) and " " not in v.strip()
                 and not v.startswith(("http://", "https://"))]
    protected += [k for k in keys if len(k) > 2]
    for word in text.split():
        bare = word.strip(".,;:()“”\"'│└┬─")
        if len(bare) < 2 or bare in allowed or bare in protected:
            continue
        cut = [p for p in protected if p.startswith(bare) and p != bare]
        assert not cut, (bare, cut, text)
    assert "…" not in text or "…" in data.stdout


def test_a_table_piped_carries_no_trailing_spaces() -> None:
    for args in (["timeline", "--format", "table"], ["people", "--format", "table"],
                 ["figures", "--format", "table"], ["summary", "--format", "table"]):
        result = invoke(*args)
        assert result.status == 0, result
        assert all(line == line.rstrip() for line in result.stdout.splitlines()), args
