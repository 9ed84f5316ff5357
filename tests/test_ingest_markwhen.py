"""The Markwhen reader (relations_cli/ingest/markwhen.py, issue 22): a hand-written file that
@markwhen/parser reads too (tests/test_markwhen.py checks that), every form it takes, every
problem it reports, hostile input, and the round trip `timeline --format markwhen | read`,
which gives the same events up to the declared losses (README, "Import losses")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relations_cli.core.dates import OPEN_END, parse_event_date, parse_event_when
from relations_cli.core.errors import TimelineError
from relations_cli.ingest.base import Draft, Ingested, ReadOptions
from relations_cli.ingest.markwhen import read
from relations_cli.render.safe import visible
from tests.budgets import examples
from tests.helpers import BUNDLED, FIXTURES, invoke
from tests.publish_forms import TIMELINE_TITLE, forms, write_forms

HANDWRITTEN = FIXTURES / "markwhen" / "handwritten.mw"


def _read(text: str, **options: Any) -> Ingested:
    return read(text.encode("utf-8"), ReadOptions("t.mw", **options))


def _drafts(found: Ingested) -> dict[str, Draft]:
    return {row.draft["title"]: row.draft for row in found.rows}


# -- the hand-written file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def handwritten() -> Ingested:
    return read(HANDWRITTEN.read_bytes(), ReadOptions(HANDWRITTEN.name))


def test_header_gives_title_and_description(handwritten: Ingested) -> None:
    assert handwritten.title == "Relations in Markwhen"
    assert handwritten.description == "Every form the reader takes, and some it refuses."
    assert "header keys not kept: view" in handwritten.notes


def test_every_date_form_read(handwritten: Ingested) -> None:
    dates = {title: (d["date"], d.get("end")) for title, d in _drafts(handwritten).items()}
    assert dates == {
        "Parade in Beijing": ("2015-09-03", None),
        "Across the new year": ("2015-12-20", "2016-01-10"),
        "A year-long matter": ("2016", None),
        "Talks open": ("2016-03-27T10:30+02:00", None),  # Europe/Paris on that day
        "The landing": ("1969-07-20T20:17Z", None),
        "Month-first casual day": ("2016-03-05", None),
        "Day-first casual range": ("2016-03-05", "2016-03-09"),
        "A month in words": ("2016-03", None),
        "A slash date, month first": ("2016-03-27", None),
        "Ides of March": ("-0043", None),
        # As @markwhen/parser reads it: to where 200 BC starts, the end of 201 BC.
        "A century before the common era": ("-0299", "-0200"),
        "Inside a nested section": ("2017-01", None),
        "Trade fell": ("2016-01-13", None),
    }


def test_fields_tags_and_sections(handwritten: Ingested) -> None:
    drafts = _drafts(handwritten)
    parade = drafts["Parade in Beijing"]
    assert parade["id"] == "parade"
    assert parade["place"] == "Tiananmen Square, Beijing"
    assert parade["people"] == ["Xi Jinping"]
    assert parade["tags"] == ["parade", "leaders"]
    assert parade["summary"] == "Leaders watch a parade.\nIt lasts the morning."
    assert drafts["Talks open"]["place"] == "Moscow"  # [Moscow](location)
    assert drafts["Month-first casual day"] == {
        "title": "Month-first casual day", "date": "2016-03-05", "category": "diplomacy",
        "tags": ["talks"]}
    # Nested: the innermost section of several words is a tag, and so is the outer one.
    assert drafts["Inside a nested section"]["tags"] == ["diplomacy", "nested",
                                                         "Two words here"]
    assert "category" not in drafts["Inside a nested section"]
    # A category property wins over the section, which stays as a tag.
    assert drafts["Trade fell"]["category"] == "economy"
    assert drafts["Trade fell"]["tags"] == ["trade"]
    assert "not kept: property 'color' (1)" in handwritten.notes


def test_forms_not_read_are_problems_at_their_line(handwritten: Ingested) -> None:
    lines = HANDWRITTEN.read_text(encoding="utf-8").splitlines()
    by_line = {p.row: p for p in handwritten.problems}
    assert len(by_line) == 4
    for starts, says in (("now:", "relative to now"), ("after !parade", "relative to now"),
                         ("2024-W05", "ISO week"), ("2019-01-01 every", "recurrence")):
        row = next(n for n, line in enumerate(lines, 1) if line.startswith(starts))
        assert says in by_line[row].message, by_line[row]
        assert by_line[row].column == "date"


def test_old_group_and_section_blocks() -> None:
    found = _read("group Diplomacy #dip\n2016-04: In a group\nendGroup\n"
                  "section Two words\n2017: In a section\nendSection\n2018: Outside\n")
    drafts = _drafts(found)
    assert drafts["In a group"]["category"] == "Diplomacy"
    assert drafts["In a group"]["tags"] == ["dip"]
    assert drafts["In a section"]["tags"] == ["Two words"]
    assert "tags" not in drafts["Outside"]
    assert "category" not in drafts["Outside"]


def test_header_tag_colors_are_named_in_a_note() -> None:
    found = _read("title: T\n#war: red\n#peace: blue\n\n2016: x #war\n")
    assert found.title == "T"
    assert found.notes == ["not kept: tag colors (2)"]


def test_slash_dates_follow_the_header_date_format() -> None:
    found = _read("dateFormat: d/M/y\n\n3/4/2016: Third of April\n")
    assert found.rows[0].draft["date"] == "2016-04-03"


@pytest.mark.parametrize(("line", "says"), [
    ("March 5: No year", "without a year"),
    ("2016-02-30: No such day", "does not exist"),
    ("2016-05 / 2016-01: Backwards", "before it starts"),
    ("2016-03-27 10:00: Zoned\ntimezone: Mars/Base", "timezone 'Mars/Base'"),
    ("2016: Bad properties\nid: [unclosed", "not YAML"),
    ("2016:    ", "no title"),
])
def test_each_bad_event_is_a_problem(line: str, says: str) -> None:
    found = _read(f"title: T\n\n2015: Fine\n{line}\n2017: Also fine\n")
    assert [r.draft["title"] for r in found.rows] == ["Fine", "Also fine"]
    assert len(found.problems) == 1, found.problems
    assert found.problems[0].row == 4
    assert says in found.problems[0].message


def test_unclosed_header_is_a_problem() -> None:
    found = _read("---\ntitle: x\n2016: never read\n")
    assert found.problems[0].row == 1
    assert "no closing ---" in found.problems[0].message


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "says"), [
    (b"\x00\x01\x02binary", "NUL bytes"),
    (b"2016: caf\xe9\n", "not UTF-8"),
    (b"\xff\xfe\x00\xd8", "UTF-16"),
])
def test_a_file_that_is_not_text_is_one_error(data: bytes, says: str) -> None:
    with pytest.raises(TimelineError) as caught:
        read(data, ReadOptions("bad.mw"))
    assert says in str(caught.value)
    assert str(caught.value).startswith("bad.mw:")


def test_empty_file_reads_no_event_and_says_so() -> None:
    found = read(b"", ReadOptions("empty.mw"))
    assert found.rows == []
    assert found.problems == []
    assert found.notes == ["the file holds no Markwhen event"]


def test_utf16_and_bom_are_read() -> None:
    text = "2016: Événement\n"
    for data in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        assert read(data, ReadOptions("x.mw")).rows[0].draft["title"] == "Événement"


def test_control_characters_and_huge_input_never_raise() -> None:
    line = "2016-03-27: \x1b[31mred\x07 \u202eevil\x00"[:-1]
    huge = "".join(f"{1000 + n % 9000:04d}: Event {n} #t{n % 7}\n" for n in range(20_000))
    found = _read(line + "\n" + huge + "2016: " + "x" * 1_000_000 + "\n")
    assert len(found.rows) == 20_002
    assert found.rows[0].draft["title"] == "\x1b[31mred\x07 \u202eevil"


@settings(max_examples=examples(150), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_reads_without_an_internal_error(text: str) -> None:
    try:
        found = _read(text)
    except TimelineError:
        return  # NUL bytes: one clean error
    for row in found.rows:
        assert row.draft["title"]
        assert row.draft["date"]


# -- round trip: our export read back -----------------------------------------------------------


def _when(date: str, end: str | None) -> tuple[str, str | None]:
    start, last = parse_event_when(date)
    if end is not None:
        last = OPEN_END if end == ".." else parse_event_date(end)
    return start.text, last.text if last is not None else None


def test_every_date_form_comes_back(tmp_path: Path) -> None:
    data = write_forms(tmp_path / "forms.yaml")
    result = invoke("timeline", "--data", str(data), "--format", "markwhen")
    assert result.status == 0, result
    found = read(result.stdout.encode("utf-8"), ReadOptions("forms.mw"))
    assert found.problems == []
    assert found.title == TIMELINE_TITLE
    drafts = {row.draft["id"]: row.draft for row in found.rows}
    left_out = {line.split("left out ")[1] for line in result.stderr.splitlines()}
    for form in forms():
        if form.id in left_out:
            continue
        draft = drafts.pop(form.id)
        assert _when(draft["date"], draft.get("end")) == _when(form.date, form.end), form
        # Declared loss: control characters come back as their visible escapes.
        assert draft["title"] == visible(form.title.strip()), form
    assert drafts == {}


def _events(data: Path) -> list[dict[str, Any]]:
    lines = invoke("timeline", "--data", str(data), "--format", "jsonl").stdout.splitlines()
    return [{k: v for k, v in json.loads(line).items() if v not in ("", [], None)}
            for line in lines]


def _kept(draft: Draft) -> dict[str, Any]:
    """A draft as the jsonl export would show the event it makes (empty values left out)."""
    kept = {k: v for k, v in draft.items() if v not in ("", [], None)}
    for key in ("sources", "quotes", "figures"):
        if key in kept:
            kept[key] = [{k: v for k, v in item.items() if v} for item in kept[key]]
    return kept


@pytest.mark.parametrize("data", [BUNDLED, FIXTURES / "sample.yaml"], ids=["bundled", "sample"])
def test_timeline_comes_back_field_for_field(data: Path) -> None:
    result = invoke("timeline", "--data", str(data), "--format", "markwhen")
    assert result.status == 0, result
    found = read(result.stdout.encode("utf-8"), ReadOptions("out.mw"))
    assert found.problems == []
    assert found.notes == []
    back = [_kept(row.draft) for row in found.rows]
    expected = []
    for event in _events(data):
        for key in ("sources", "quotes", "figures"):
            if key in event:
                event[key] = [{k: v for k, v in item.items() if v} for item in event[key]]
        # Declared loss: control characters in text come back as their visible escapes.
        for key in ("title", "summary"):
            if key in event:
                event[key] = visible(event[key], keep_newlines=True).strip()
        expected.append(event)
    assert sorted(back, key=lambda e: e["id"]) == sorted(expected, key=lambda e: e["id"])


# -- round trip of any text ---------------------------------------------------------------------

# Any characters, and the pieces Markwhen reads as syntax.
_SYNTAX = ["#a", " #b1", "!ref", " !x.end", ".start", "[Paris](location)", "![i](http://x/y)",
           "&#35;", "&#38;", ":", "//", "# ", "## x", ". ", "section x", "endGroup", "2016:",
           "now:", "\n", " ", "[x] ", "  [ ] ", "\\#", "- [x] ", "50% ", "\r\n", "\u2028", "\x1b["]
_TEXT = st.lists(st.one_of(st.sampled_from(_SYNTAX), st.characters(codec="utf-8")),
                 max_size=14).map("".join)
_DATES = ["2016", "2016-03", "2016-03-27", "2016-21", "196X", "-0043", "1969-07-20T20:17Z",
          "2015-09/..", "2016-03-27~", "0050"]


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "title": _TEXT, "summary": _TEXT, "place": _TEXT, "date": st.sampled_from(_DATES),
    "tags": st.lists(_TEXT.filter(str.strip), max_size=3, unique=True),
    "category": st.sampled_from(["", "war", "économie", "a-b"]),
    "people": st.lists(_TEXT.filter(str.strip), max_size=2),
}), min_size=1, max_size=4))
def test_any_text_comes_back_from_our_export(drawn: list[dict[str, Any]]) -> None:
    from relations_cli.core.model import Event
    from relations_cli.render.markwhen import render_markwhen

    events = []
    for number, fields in enumerate(drawn):
        if not visible(fields["title"].strip()).strip():
            continue  # a title is required
        start, end = parse_event_when(fields["date"])
        events.append(Event(
            id=f"e{number}", date=start, end=end, title=fields["title"].strip(),
            summary=fields["summary"].strip(), category=fields["category"],
            place=fields["place"].strip(), tags=tuple(t.strip() for t in fields["tags"]),
            people=tuple(p.strip() for p in fields["people"])))
    text = "".join(render_markwhen(events, title="Any text"))
    found = _read(text)
    assert found.problems == []
    back = {row.draft["id"]: row.draft for row in found.rows}
    assert set(back) == {event.id for event in events}
    for event in events:
        draft = back[event.id]
        assert draft["title"] == visible(event.title).strip()
        summary = "\n".join(visible(line) for line in event.summary.split("\n")).strip()
        assert draft.get("summary", "") == summary
        assert _when(draft["date"], draft.get("end")) == _when(
            event.date.text, event.end.text if event.end is not None else None)
        assert draft.get("tags", []) == list(dict.fromkeys(event.tags))
        assert draft.get("category", "") == event.category
        assert draft.get("place", "") == event.place
        assert draft.get("people", []) == list(event.people)


_MW_LINES = ["---", "title: T", "timezone: Europe/Paris", "timezone: nowhere", "dateFormat: d/M/y",
             "#war: red", "2016: A", "2016-03-27 10:00: B", "2016-02-30: C", "44 BC: D",
             "300 BC - 200 AD: E", "5 BC - 10 BC: F", "March 5, 2016 - March 1, 2016: G",
             "now: H", "2016-01-01 every day: I", "id: x", "id: [", "edtf: 2016-21",
             "edtf: \"2015-09/..\"", "tags: [a, b]", "tags: 3", "category: war",
             "sources: [{title: s}]", "# Section #t", "## x y", "group G", "endGroup",
             "section", "endSection", "// comment", ". 2016: escaped", "[x] done",
             "[Paris](location)", "text #tag", "", "1/2/2016: J", "13/13/2016: K",
             "2016-W05: L", "2016 / 2015: M", "0000: N", "99999 BC: O"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(_MW_LINES), max_size=20))
def test_any_markwhen_lines_read_or_are_problems(lines: list[str]) -> None:
    found = _read("\n".join(lines))
    for row in found.rows:
        parse_event_when(row.draft["date"])
        if "end" in row.draft:
            parse_event_date(row.draft["end"])
        assert row.draft["title"]
    assert all(problem.row >= 1 for problem in found.problems)
