"""Filters, search and ordering, on the core alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from relations_cli import Query, load_timeline, select
from relations_cli.core.dates import parse_filter_date
from relations_cli.core.errors import QueryError
from relations_cli.core.model import Timeline
from tests.helpers import BUNDLED, FIXTURES, ROOT


@pytest.fixture(scope="module")
def sample() -> Timeline:
    return load_timeline(FIXTURES / "sample.yaml")


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return load_timeline(BUNDLED)


def ids(timeline: Timeline, **fields: object) -> list[str]:
    return [e.id for e in select(timeline, Query(**fields))]  # type: ignore[arg-type]


def d(text: str) -> object:
    return parse_filter_date(text)


def test_no_filter_gives_everything_in_order(sample: Timeline) -> None:
    assert ids(sample) == [e.id for e in sample.events]


def test_since_takes_the_first_day_of_its_period(sample: Timeline) -> None:
    # A year-dated event overlaps any part of its year; a span reaching into 2016 matches.
    assert ids(sample, since=d("2015-12")) == ["year-only", "span", "trade-figures", "hostile"]


def test_until_takes_the_last_day_of_its_period(sample: Timeline) -> None:
    assert ids(sample, until=d("2015-09")) == ["year-only", "month-only", "parade"]


def test_within_asks_for_the_whole_span(sample: Timeline) -> None:
    assert ids(sample, since=d("2015-09"), until=d("2015-12"), within=True) == [
        "month-only", "parade"]
    assert ids(sample, on=d("2015"), within=True) == ["year-only", "month-only", "parade"]


def test_on_names_one_period(sample: Timeline) -> None:
    assert ids(sample, on=d("2016Q1")) == ["span", "trade-figures", "hostile"]
    assert ids(sample, on=d("2015-09-03")) == ["year-only", "month-only", "parade"]


def test_an_empty_range_is_an_error() -> None:
    with pytest.raises(QueryError, match="the date range is empty"):
        Query(since=parse_filter_date("2016"), until=parse_filter_date("2015"))


def test_category_and_tag_are_case_insensitive_alternatives(sample: Timeline) -> None:
    assert ids(sample, categories=("TRADE", "economy")) == ["year-only", "trade-figures"]
    assert ids(sample, tags=("no",)) == ["hostile"]


def test_person_matches_names_and_aliases_as_whole_words(sample: Timeline) -> None:
    assert ids(sample, people=("Xi",)) == ["parade"]
    assert ids(sample, people=("习近平",)) == ["parade"]
    assert ids(sample, people=("си цзиньпин",)) == ["parade"]
    # Hu is Hu Hao (quoted), not Huang Songping.
    assert ids(sample, people=("Hu",)) == ["trade-figures"]
    assert ids(sample, people=("Huang",)) == ["trade-figures"]


def test_actor_and_place_match_whole_words(sample: Timeline) -> None:
    assert ids(sample, actors=("russia",)) == ["parade"]
    assert ids(sample, places=("Beijing",)) == ["parade"]
    assert ids(sample, places=("Beij",)) == []


def test_search_needs_every_term_unless_any(sample: Timeline) -> None:
    assert ids(sample, terms=("parade", "beijing")) == ["parade"]
    assert ids(sample, terms=("parade", "syria")) == []
    assert ids(sample, terms=("parade", "syria"), any_term=True) == ["parade", "span"]


def test_search_reads_quotes_people_and_aliases(sample: Timeline) -> None:
    assert ids(sample, terms=("afraid",)) == ["trade-figures"]
    assert ids(sample, terms=("习近平",)) == ["parade"]
    assert ids(sample, terms=("PRESIDENT",)) == []  # roles are shown, not searched


def test_limit_and_reverse(sample: Timeline) -> None:
    assert ids(sample, reverse=True, limit=2) == ["hostile", "trade-figures"]


def test_bundled_answers(bundled: Timeline) -> None:
    kerry = ids(bundled, terms=("Kerry",))
    assert kerry[:3] == ["kerry-sochi-visit", "kerry-moscow-visit-2015-12",
                         "kerry-moscow-visit-2016-03"]
    assert "palmyra-retaken" in ids(bundled, since=d("2015"))
    assert ids(bundled, people=("Xi",)) == ids(bundled, people=("习近平",))


def test_the_core_imports_neither_typer_nor_rich() -> None:
    code = (
        "import sys, relations_cli\n"
        "from relations_cli import load_timeline, select, Query\n"
        "import relations_cli.render.formats, relations_cli.store.source\n"
        f"t = load_timeline({str(BUNDLED)!r})\n"
        "select(t, Query(terms=('Kerry',)))\n"
        "bad = [m for m in ('typer', 'rich', 'click') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- what is in force, told once (issue 24 item 4) -------------------------------------------


def test_every_field_of_a_query_is_told() -> None:
    """A new filter needs a line in core/query._TOLD, which every place that tells the user
    (browse's status line, the html page) reads: otherwise this fails."""
    import dataclasses

    from relations_cli.core.query import _TOLD

    told = [entry[0] for entry in _TOLD]
    assert len(told) == len(set(told))
    assert set(told) == {f.name for f in dataclasses.fields(Query)}


def test_describe_tells_each_filter_in_force_in_one_order() -> None:
    from relations_cli.browse.app import _describe
    from relations_cli.render.publish import describe_query

    query = Query(since=parse_filter_date("1960~"), within=True, fuzzy=True,
                  categories=("trade", "security"), terms=("Kerry", "Putin"), any_term=True,
                  limit=3, reverse=True)
    assert describe_query(query) == [
        ("search (any)", "Kerry Putin"), ("since", "1960~"), ("within", "yes"),
        ("fuzzy", "yes"), ("category", "trade, security"), ("limit", "3"),
        ("order", "newest first")]
    assert _describe(query) == ("--since 1960~ --within --fuzzy --category trade "
                                "--category security --limit 3 --reverse")
    assert Query().describe() == ()
    assert describe_query(None) == []
