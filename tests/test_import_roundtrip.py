"""Round trips: `timeline --format F | import --from F` into an empty timeline gives the same
events, up to the losses the README's table declares for F."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relations_cli.store.yamltext import render_event
from tests.budgets import examples
from tests.helpers import invoke

# Text as people write it, with what needs quoting in CSV, YAML and HTML; no control
# characters (refused by import) and no bidi or format characters (shown as escapes).
_CHARS = "abcxyzABC019 ,.;:'\"!?()&<>=+-/éß习Ж"
_WORD = st.text("abcdefghij", min_size=1, max_size=6)


def _clean(text: str) -> bool:
    return (text == text.strip() and "  " not in text and "\n" not in text
            and text[:1] not in "'" and not text.startswith(("Place: ", "People: ", "Sources:")))


TEXT = st.text(_CHARS, min_size=1, max_size=20).filter(_clean)
OPTIONAL = st.one_of(st.just(""), TEXT)
ITEM = st.text(_CHARS.replace(";", ""), min_size=1, max_size=10).filter(_clean)
DATES = ["2015", "2015-09", "2015-09-03", "-0043-03-15", "2016-21", "1995~", "196X",
         "2016-03-27T12:30:00Z", "2015-09/2016-03", "2015-09/..", "2015-09/"]
PLAIN_DATES = ["2015", "2015-09", "2015-09-03", "2016-02-29", "0987"]


@st.composite
def events(draw: st.DrawFn, plain: bool) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    made = []
    for number in range(count):
        date = draw(st.sampled_from(PLAIN_DATES if plain else DATES))
        draft: dict[str, Any] = {
            "id": f"event-{number}", "date": date, "title": f"{draw(TEXT)} {number}",
            "summary": draw(OPTIONAL), "category": draw(st.one_of(st.just(""), _WORD)),
            "actors": draw(st.lists(ITEM, max_size=2)),
            "people": draw(st.lists(ITEM, max_size=2)), "place": draw(OPTIONAL),
            "tags": draw(st.lists(ITEM, max_size=2)),
            "quotes": draw(st.lists(st.fixed_dictionaries({"by": ITEM, "text": TEXT}),
                                    max_size=2)),
            "figures": draw(st.lists(st.fixed_dictionaries(
                {"label": TEXT, "value": st.sampled_from(["32.9", "1,000", "many"]),
                 "unit": OPTIONAL, "change": OPTIONAL}), max_size=2)),
            "sources": draw(st.lists(st.fixed_dictionaries(
                {"title": TEXT, "url": st.sampled_from(["", "https://example.org/a?b=c&d"]),
                 "publisher": ITEM | st.sampled_from(["A, B", "Reuters, 2016", "2016"]),
                 "date": st.sampled_from(["", "2016-04", "2015"])}), max_size=2)),
            "date_note": draw(OPTIONAL),
            "media": draw(st.one_of(st.none(), st.fixed_dictionaries(
                {"url": st.just("https://example.org/picture.jpg"), "credit": OPTIONAL,
                 "caption": OPTIONAL}))),
        }
        if not plain and "/" not in date and draw(st.booleans()):
            draft["end"] = draw(st.sampled_from(["2020", "2020-01-01", ".."]))
        made.append({k: v for k, v in draft.items() if v not in ("", [], None)})
    return made


def _timeline(drafts: list[dict[str, Any]]) -> str:
    return "title: T\nevents:\n" + "".join(render_event(d) for d in drafts)


def _records(path: Path) -> list[dict[str, Any]]:
    done = invoke("timeline", "--data", str(path), "--format", "jsonl", "--no-cache")
    assert done.status == 0, done
    return sorted((json.loads(line) for line in done.stdout.splitlines()),
                  key=lambda r: r["id"])


def _after_losses(fmt: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record as format `fmt` declares it comes back (README, "Importing": losses)."""
    record = dict(record)
    if fmt in ("csv", "tsv") and record["end"] == "":
        record["end"] = None  # an unknown end (`2015-09/`) becomes no end
    if fmt == "timelinejs":
        record.update(actors=[], people=[], tags=[], figures=[])
        record["sources"] = [{**s, "publisher": s["publisher"], "date": s["date"]}
                             for s in record["sources"]]
    return record


def _round_trip(tmp_path: Path, fmt: str, drafts: list[dict[str, Any]]) -> None:
    original = tmp_path / "original.yaml"
    original.write_text(_timeline(drafts), encoding="utf-8")
    listing = invoke("timeline", "--data", str(original), "--format", fmt, "--no-cache")
    assert listing.status == 0, listing
    source = tmp_path / "listing"
    source.write_text(listing.stdout, encoding="utf-8")
    target = tmp_path / "copy.yaml"
    target.unlink(missing_ok=True)
    done = invoke("import", str(source), "--from", fmt, "--data", str(target))
    assert done.status == 0, (done, listing.stdout)
    assert _records(target) == [_after_losses(fmt, r) for r in _records(original)], \
        listing.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv"])
@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drafts=events(plain=False))
def test_our_formats_lose_only_what_they_declare(tmp_path: Path, fmt: str,
                                                 drafts: list[dict[str, Any]]) -> None:
    _round_trip(tmp_path, fmt, drafts)


def _sourced(*sources: dict[str, str]) -> list[dict[str, Any]]:
    return [{"id": "event-0", "date": "2015", "title": "T",
             "sources": [{"title": "", "url": "", "publisher": "", "date": "", **source}
                         for source in sources]}]


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drafts=events(plain=True))
# Commas a `TITLE, PUBLISHER, DATE` list item could misread (found by this test): the export
# marks such a source's parts.
@example(drafts=_sourced({"title": "0", "publisher": "0"}, {"title": "0, 0", "publisher": "0"}))
@example(drafts=_sourced({"title": ", 0", "publisher": "0"}))
@example(drafts=_sourced({"title": "A", "publisher": "Reuters, 2016"},
                         {"title": "B", "publisher": "2016"},
                         {"title": "D, E", "url": "https://example.org/d", "publisher": "F, G"}))
def test_timelinejs_loses_only_what_it_declares(tmp_path: Path,
                                                drafts: list[dict[str, Any]]) -> None:
    _round_trip(tmp_path, "timelinejs", drafts)
