"""The terminal views: ids in the chronology, the alias an event was found by, and any
width from 40 columns up."""

from __future__ import annotations

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
