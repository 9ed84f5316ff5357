"""Issue 22, item 7: what makes a large import fast must not change what it writes.

The batch renderer (store/yamltext.EventTexts) writes the same bytes as render_event on any
draft; the column-at-a-time reading of a sheet gives the same drafts and problems as the
row-at-a-time one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relations_cli.store.yamltext import (
    FIELD_ORDER,
    LIST_FIELDS,
    RECORD_FIELDS,
    EventTexts,
    _plain_ok,
    _quick_plain,
    render_event,
    with_id,
)
from tests.budgets import examples
from tests.helpers import invoke

# Text as it comes: mostly the letters, digits and punctuation the quick regexes look at, with
# YAML's words, indicators and breaks mixed in, and any character at all.
_PIECES = ["no", "On", "NULL", "y", ": ", ":", "#", " #", "?", "-", "'", '"', "[", "]", ",",
           "{", "}", " ", "\n", "\u2028", "\x85", "\ufeff", "\t", "~", "=", "<<", ".inf",
           "0", "1:20", "010", "2016-03", "e", "Z", "é", "习", "https://x.org/a?b#c"]
_TEXT = st.one_of(
    st.lists(st.sampled_from(_PIECES) | st.text("aZ09 .;/()_'\"!?&%=+*@$~<>^|`:-",
                                               max_size=4), max_size=6).map("".join),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
)
_DATES = st.sampled_from(["2016", "2016-03", "2016-03-04", "2016-03/2016-05", "2016~", "",
                          "1:20", "no"]) | _TEXT


def _value(key: str) -> st.SearchStrategy[Any]:
    odd: st.SearchStrategy[Any] = st.none() | st.just([]) | st.just(())
    if key in LIST_FIELDS:
        return odd | _TEXT | st.lists(_TEXT, max_size=3)
    if key in RECORD_FIELDS:
        record = st.dictionaries(st.sampled_from(RECORD_FIELDS[key]),
                                 _DATES if key == "sources" else _TEXT, max_size=4)
        return odd | _TEXT | st.lists(record, max_size=3)
    if key == "media":
        return odd | st.dictionaries(st.sampled_from(["url", "credit", "caption"]), _TEXT,
                                     min_size=1)
    if key in ("date", "end"):
        return odd | _DATES
    return odd | _TEXT | st.integers(0, 3) | st.lists(_TEXT, max_size=2)


_DRAFTS = st.fixed_dictionaries({}, optional={key: _value(key) for key in FIELD_ORDER})


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_DRAFTS, max_size=8), st.sampled_from([(2, 4), (0, 2), (4, 6)]),
       st.sampled_from(["\n", "\r\n"]))
def test_the_batch_renderer_writes_what_render_event_writes(
        drafts: list[dict[str, Any]], style: tuple[int, int], newline: str) -> None:
    dash, indent = style
    expected: list[str | type[Exception]] = []
    for draft in drafts:
        try:
            expected.append(render_event(draft, dash, indent, newline))
        except (TypeError, AttributeError):
            expected.append(Exception)  # a draft no writer takes: none to compare
    if Exception in expected:
        return
    texts = EventTexts(dash, indent, newline)
    assert texts(drafts) == expected
    assert texts(drafts) == expected  # and again, from its caches


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.tuples(_TEXT.filter(bool), _DRAFTS), min_size=1, max_size=4),
       st.sampled_from([(2, 4), (0, 2), (4, 6)]), st.sampled_from(["\n", "\r\n"]))
def test_an_id_given_after_the_text_is_written_as_render_event_writes_it(
        given_ids: list[tuple[str, dict[str, Any]]], style: tuple[int, int],
        newline: str) -> None:
    """A new timeline's rows without ids are written first and given ids in order, after
    (store/importing.create_streamed): the text is the one render_event writes with the id."""
    dash, indent = style
    drafts = [{**draft, "id": None, "date": "2016-03", "title": draft.get("title") or "T"}
              for _, draft in given_ids]
    try:
        expected = [render_event({**draft, "id": event_id}, dash, indent, newline)
                    for (event_id, _), draft in zip(given_ids, drafts, strict=True)]
    except (TypeError, AttributeError):
        return  # a draft no writer takes
    texts = EventTexts(dash, indent, newline)(drafts)
    assert [with_id(text, event_id, dash, indent, newline) for (event_id, _), text
            in zip(given_ids, texts, strict=True)] == expected


@settings(max_examples=examples(500), deadline=None)
@given(_TEXT)
def test_quick_plain_never_says_plain_where_the_closer_look_would_quote(value: str) -> None:
    if value and _quick_plain(value):
        assert _plain_ok(value, False)


# -- a checked draft is an event the loader takes ------------------------------------------------

_GOOD_DATES = ["2016", "2016-03", "2016-03-04", "2016Q1", "2016-03/2016-05", "2015/..",
               "July 20, 1969", "1961~", "spring 2016", "-0043", "2016-05-01"]
_CELL_DATES = st.sampled_from(_GOOD_DATES) | st.sampled_from(["", "..", "2016-02-30", "x"])
_JSON_TEXTS = st.sampled_from(["S", "a b", "https://x.org/1", *_GOOD_DATES]) | st.sampled_from(
    ["", " ", "\u2028", "\t", "no", "=SUM(A1)", "'x", "\x00"]) | _TEXT


def _mostly(good: st.SearchStrategy[str], hostile: st.SearchStrategy[str] = _TEXT,
            ) -> st.SearchStrategy[str]:
    """Good cells nineteen times in twenty: with fifteen columns, a row is accepted often
    enough to be written."""
    return st.integers(0, 19).flatmap(lambda n: hostile if n == 19 else good)


def _record_cells(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    import json

    record = st.dictionaries(st.sampled_from(keys), _JSON_TEXTS | st.integers(0, 2),
                             max_size=len(keys))
    full = st.fixed_dictionaries({key: _mostly(
        st.sampled_from(_GOOD_DATES if key == "date" else ["S", "a b", "https://x.org/1"]),
        _JSON_TEXTS) for key in keys})
    return st.just("") | _mostly(st.lists(full, min_size=1, max_size=2).map(json.dumps),
                                 st.lists(record, max_size=2).map(json.dumps)
                                 | record.map(json.dumps) | _TEXT | st.just("[1, 2]"))


_WORD = st.sampled_from(["A", "Talks in Moscow", "x: y", "no", "1:20", "习近平", "a, b"])
_ROW = st.fixed_dictionaries({
    "id": _mostly(st.sampled_from(["", "a", "a-b", "x1", "2016"]),
                  st.sampled_from(["A", "a--b", "-a"]) | _TEXT),
    "date": _mostly(st.sampled_from(_GOOD_DATES), _CELL_DATES | _TEXT),
    "end": _mostly(st.just(""), _CELL_DATES),
    "title": _mostly(_WORD),
    "summary": st.just("") | _mostly(_WORD),
    "category": st.just("") | _mostly(st.just("trade"), st.sampled_from(["two words", "é-x"])),
    "actors": st.just("") | _mostly(_WORD),
    "people": st.just("") | st.lists(_mostly(_WORD), max_size=3).map("; ".join),
    "place": st.just("") | _mostly(_WORD),
    "tags": st.just("") | _mostly(_WORD, _TEXT | st.just('["a", "b"]')),
    "quotes": _record_cells(("by", "text")),
    "figures": _record_cells(("label", "value", "unit", "change")),
    "sources": _record_cells(("title", "url", "publisher", "date")),
    "date_note": st.just("") | _mostly(_WORD),
    "media": st.just("") | _mostly(st.just('{"url": "https://x.org/a.png", "credit": "C"}'),
                                   _TEXT),
})


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=4), st.sampled_from([(2, 4), (0, 2), (4, 6)]),
       st.sampled_from(["\n", "\r\n"]))
def test_a_draft_the_reader_accepts_is_an_event_the_loader_accepts(
        rows: list[dict[str, str]], style: tuple[int, int], newline: str) -> None:
    """What lets an import skip the strict loader's check of each new event
    (store/changes.add with `checked`): every draft ingest/cells accepts, once it has an id,
    is written as text the loader reads without a problem, by either way of reading a
    sheet (a column at a time, or a row at a time)."""
    from relations_cli.ingest.base import Problem, ReadOptions
    from relations_cli.ingest.cells import DraftMaker
    from relations_cli.store.loader import parse_timeline
    from relations_cli.store.write import event_id_for

    names = list(rows[0])
    batch = [(number, [row[name] for name in names]) for number, row in enumerate(rows, 2)]
    problems: list[Problem] = []
    made = DraftMaker(ReadOptions(name="t.csv")).make_rows(
        batch, names, names, problems)
    taken: set[str] = set()
    taken_in_order: list[str] = []
    texts = []
    for row in made:
        draft = dict(row.draft)
        if not draft.get("id"):
            draft["id"] = event_id_for(str(draft.get("title", "")), taken)
        if draft["id"] in taken:
            continue  # a repeated id is the write's to refuse, not the row's
        taken.add(draft["id"])
        taken_in_order.append(draft["id"])
        texts.append(render_event(draft, *style, newline))
    text = f"title: T{newline}events:{newline}" + "".join(texts)
    timeline, loaded = parse_timeline(text, "t.yaml")
    assert loaded == []
    # Each text is the one event it was written for, whatever comes before and after it
    # (the loader sorts them by date): what lets a write read only the first and the last
    # of many new events again (store/changes._landed).
    assert timeline is not None
    assert sorted(event.id for event in timeline.events) == sorted(taken_in_order)


def _timeline(path: Path, count: int) -> None:
    events = "".join(f"  - id: e{n}\n    date: 2001-01-{n + 1:02d}\n    title: Event {n}\n"
                     for n in range(count))
    path.write_text(f"title: T\nevents:\n{events}", encoding="utf-8")


def test_an_import_into_a_timeline_does_not_parse_each_new_event_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows the reader checked are inserted without the strict loader's look at each new
    event (the write's cost, not one check per row); the file is still one the loader
    takes."""
    from relations_cli.store import changes
    from relations_cli.store.loader import validate_file

    path = tmp_path / "t.yaml"
    _timeline(path, 20)
    source = tmp_path / "new.csv"
    source.write_text("date,title\n" + "".join(f"2001-01-{n:02d},New {n}\n"
                                                for n in range(1, 29)), encoding="utf-8")
    from relations_cli.store.install import check

    calls: list[str] = []

    def counted(text: str, name: str, first_line: int = 1) -> None:
        calls.append(text)
        check(text, name, first_line)

    monkeypatch.setattr(changes, "check", counted)
    outcome = invoke("import", str(source), "--data", str(path))
    assert outcome.status == 0, outcome
    assert calls == []
    _, problems = validate_file(path)
    assert problems == []
    assert path.read_text(encoding="utf-8").count("  - id: ") == 48


def test_a_write_works_out_no_diff_that_nobody_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a dry run shows a diff, and on an import of 10,000 rows working it out cost a
    tenth of the write: a write that shows none never makes one, on windows or on the
    whole text; a dry run still does."""
    from relations_cli.store import changes

    path = tmp_path / "t.yaml"
    _timeline(path, 20)
    source = tmp_path / "new.csv"
    source.write_text("date,title\n2001-01-03,New one\n2001-01-09,New two\n", encoding="utf-8")
    shown = invoke("import", str(source), "--data", str(path), "--dry-run")
    assert "+  - id: new-one" in shown.stdout, shown

    def refused(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("a diff was worked out for a write that shows none")

    monkeypatch.setattr(changes._Planned, "diff", refused)
    monkeypatch.setattr(changes, "diff", refused)
    done = invoke("import", str(source), "--data", str(path))
    assert done.status == 0, done
    assert "2 added" in done.stderr
    monkeypatch.setattr(changes, "_planned", lambda *args: None)  # the whole text, too
    added = invoke("add", "--data", str(path), "--date", "2001-02", "--title", "One more")
    assert added.status == 0, added
    assert path.read_text(encoding="utf-8").count("  - id: ") == 23


def test_a_fresh_index_finds_what_is_there_by_day_and_title_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a fresh index, the events already there are asked of it by first day and title
    key, and the file is not read: the same date and title is skipped; a title whose key is
    the same (CRC-32) is another event, added; a title of another day is added."""
    from relations_cli.store import fastread
    from relations_cli.store.rows import title_key

    assert title_key("Talks 29685295") == title_key("Talks 32060020")
    path = tmp_path / "t.yaml"
    path.write_text("events:\n  - id: a\n    date: 2015-09-03\n    title: Talks 29685295\n"
                    "  - id: b\n    date: 2015-09-03\n    title: Other\n", encoding="utf-8")
    assert invoke("timeline", "--data", str(path)).status == 0  # builds the index

    def unread(*args: Any) -> Any:
        raise AssertionError("the file was read: the fresh index was not asked")

    monkeypatch.setattr(fastread, "read_timeline", unread)
    source = tmp_path / "new.csv"
    source.write_text("date,title\n2015-09-03,Talks 29685295\n2015-09-03,Talks 32060020\n"
                      "2015-09-03,Other\n2015-09-04,Other\n", encoding="utf-8")
    done = invoke("import", str(source), "--data", str(path))
    assert done.status == 0, done
    assert "2 added, 2 skipped, 0 updated" in done.stderr, done
    text = path.read_text(encoding="utf-8")
    assert text.count("title: Talks 32060020") == 1
    assert text.count("title: Other") == 2


def test_a_row_the_loader_would_refuse_is_still_refused_in_an_existing_timeline(
        tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    _timeline(path, 5)
    before = path.read_bytes()
    source = tmp_path / "bad.csv"
    source.write_text('date,title,sources\n2001-02,Fine,\n2001-03,Bad,'
                      '"[{""title"": ""S"", ""date"": ""2016Q1""}]"\n', encoding="utf-8")
    outcome = invoke("import", str(source), "--data", str(path))
    assert outcome.status != 0, outcome
    assert f"{source}:3:sources: sources.date:" in outcome.stderr
    assert path.read_bytes() == before


# -- --update: every change of one import in one write ----------------------------------------

_COMMENTED = """\
# A timeline kept by hand: its comments and blank lines stay where they are.
title: T
events:
  # the first
  - id: e1
    date: 2001-01
    title: One
    tags: [a]

  - id: e2
    date: 2001-02
    title: Two   # says who
  - id: e3
    date: 2001-03
    title: Three
  # between three and four
  - id: e4
    date: 2001-04
    title: Four
    summary: Kept.
  - id: e5
    date: 2001-05
    title: Five
"""
# e1 and e5 (the ends) and e2, e3 (neighbours) change; new events go before e1, between e2
# and e3 (beside two edits), after e4 and after e5; e4 is the same.
_UPDATES = """\
id,date,title,summary,tags
e1,2001-01,One,A summary,a; b
e2,2001-02,Two,Second,
e3,2001-03,Three,Third,
e4,2001-04,Four,Kept.,
e5,2001-05,Five,,z
n0,2000-12,Before,,
n1,2001-02,Between,,
n2,2001-04-15,After four,,
n3,2001-06,Last,,
"""


def _installs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from relations_cli.store import install

    installed: list[Path] = []
    real = install._install

    def counted(snapshot: Any, write: Any) -> None:
        installed.append(snapshot.path)
        real(snapshot, write)

    monkeypatch.setattr(install, "_install", counted)
    return installed


def _one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """store/changes.change as the edits one by one, then the additions: as import wrote
    before it made them one write."""
    from relations_cli.store import changes

    def separately(path: Path, drafts: Any, edits: Any, dry_run: bool = False,
                   checked: bool = False) -> changes.Outcome:
        diffs = [changes.edit(path, event_id, fields, dry_run).diff
                 for event_id, fields in edits]
        ids: tuple[str, ...] = ()
        if drafts:
            added = changes.add(path, drafts, dry_run)
            ids, diffs = added.ids, [*diffs, added.diff]
        return changes.Outcome((*ids, *(event_id for event_id, _ in edits)), "".join(diffs),
                               True)

    monkeypatch.setattr(changes, "change", separately)


def _whole_text_path_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from relations_cli.store import changes

    def refused(*args: Any) -> Any:
        raise AssertionError("planned on the whole text, not on windows of the file")

    monkeypatch.setattr(changes, "_change_whole", refused)


def test_update_writes_once_the_bytes_of_the_edits_one_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "updates.csv"
    source.write_text(_UPDATES, encoding="utf-8")
    once, separately = tmp_path / "once.yaml", tmp_path / "separately.yaml"
    once.write_text(_COMMENTED, encoding="utf-8")
    separately.write_text(_COMMENTED, encoding="utf-8")
    installed = _installs(monkeypatch)
    with monkeypatch.context() as patched:
        _whole_text_path_refused(patched)  # windows of the file, as for a large one
        done = invoke("import", str(source), "--data", str(once), "--update")
    assert done.status == 0, done
    assert "4 added, 1 skipped, 4 updated" in done.stderr, done
    assert installed == [once]
    with monkeypatch.context() as patched:
        _one_at_a_time(patched)
        step = invoke("import", str(source), "--data", str(separately), "--update")
    assert step.status == 0, step
    assert installed[1:] == [separately] * 5
    assert once.read_bytes() == separately.read_bytes()
    text = once.read_text(encoding="utf-8")
    assert "    title: Two   # says who\n" in text
    assert "  # between three and four\n" in text


def test_update_on_the_same_event_twice_is_one_write_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows that find one event (one by its id, one by its date and title) change the
    same text: planned on the whole file, still one write, the edits in turn."""
    source = tmp_path / "twice.csv"
    source.write_text("id,date,title,summary\ne2,2001-02,Two again,By id\n"
                      ",2001-02,Two,By key\n", encoding="utf-8")
    path = tmp_path / "t.yaml"
    path.write_text(_COMMENTED, encoding="utf-8")
    separately = tmp_path / "separately.yaml"
    separately.write_text(_COMMENTED, encoding="utf-8")
    installed = _installs(monkeypatch)
    done = invoke("import", str(source), "--data", str(path), "--update")
    assert done.status == 0, done
    assert installed == [path]
    with monkeypatch.context() as patched:
        _one_at_a_time(patched)
        assert invoke("import", str(source), "--data", str(separately), "--update").status == 0
    assert path.read_bytes() == separately.read_bytes()
    assert "    summary: By key\n" in path.read_text(encoding="utf-8")


def test_update_dry_run_shows_every_change_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "updates.csv"
    source.write_text(_UPDATES, encoding="utf-8")
    path = tmp_path / "t.yaml"
    path.write_text(_COMMENTED, encoding="utf-8")
    done = invoke("import", str(source), "--data", str(path), "--update", "--dry-run")
    assert done.status == 0, done
    assert path.read_text(encoding="utf-8") == _COMMENTED
    shown = done.stdout
    for line in ("+    summary: A summary", "-    tags: [a]", "+    tags: [a, b]",
                 "+    summary: Second", "+    summary: Third", "+  - id: n0",
                 "+  - id: n1", "+  - id: n2", "+  - id: n3", "+    tags: [z]"):
        assert shown.count(line + "\n") == 1, (line, shown)
    assert "Four" not in "".join(line for line in shown.splitlines(keepends=True)
                                 if line.startswith(("+", "-")) and not line.startswith(
                                     ("+++", "---")))


_CHECK_DRAFT = st.fixed_dictionaries({
    "date": _mostly(st.sampled_from(["2016", "2016-03-04", "2015/.."]),
                    st.sampled_from(["2016-05/2016-03", "2016-02-30", "", "x"])),
    "title": _mostly(st.just("T"), st.just("")),
}, optional={
    "id": _mostly(st.sampled_from(["a", "a-b", "x1"]), st.sampled_from(["A", "a--b", "-a"])),
    "end": _mostly(st.just(""), st.sampled_from(["2015", "2017", "..", "x"])),
    "category": st.sampled_from(["", "trade", "two words"]),
    "quotes": st.lists(st.dictionaries(st.sampled_from(["by", "text"]),
                                       st.sampled_from(["q", ""])), max_size=2),
    "figures": st.lists(st.dictionaries(st.sampled_from(["label", "value", "unit"]),
                                        st.sampled_from(["1", ""])), max_size=2),
    "sources": st.lists(st.dictionaries(st.sampled_from(["title", "date", "url"]),
                                        st.sampled_from(["S", "", *_GOOD_DATES])),
                        max_size=2),
    "media": st.dictionaries(st.sampled_from(["url", "credit"]), st.sampled_from(["u", ""])),
})


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_CHECK_DRAFT, max_size=5))
def test_a_batch_passes_only_when_check_draft_finds_nothing_in_any_draft(
        drafts: list[dict[str, Any]]) -> None:
    from relations_cli.ingest.cells import check_draft, passes_all

    if passes_all(drafts):
        assert [check_draft(draft) for draft in drafts] == [[] for _ in drafts]


@pytest.mark.parametrize("count", [2, 7])
@pytest.mark.parametrize("fault", ["before the previous event", "inside the previous event",
                                   "on the previous event's last line",
                                   "inside the next event", "after the next event's id"])
def test_checked_rows_spliced_where_the_plan_did_not_say_are_never_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, count: int) -> None:
    """Rows the reader checked skip the strict loader, not the check that the new text has
    exactly the planned events in the planned order: a splice put elsewhere (fault
    injected) is refused, and the whole-text path writes what the right plan writes. Of
    more than two new events only the first and the last are read again, each with its
    neighbour: a misplaced splice is still found."""
    from relations_cli.store import changes, write
    from relations_cli.store.layout import Item, line_after
    from relations_cli.store.loader import validate_file

    def drafts() -> list[dict[str, Any]]:
        return [{"id": f"new-{n}", "date": "2001-01-05", "title": f"New {n}"}
                for n in range(count)]

    expected_path = tmp_path / "expected.yaml"
    _timeline(expected_path, 20)
    assert changes.change(expected_path, drafts(), [], checked=True).fast

    path = tmp_path / "t.yaml"
    _timeline(path, 20)
    real = write.insertion_splice

    def misplaced(text: str, before: Item | None, after: Item | None, blocks: Any,
                  blank: bool, newline: str) -> write.Splice:
        right = real(text, before, after, blocks, blank, newline)
        assert before is not None
        assert after is not None
        at = {"before the previous event": before.start,
              "inside the previous event": line_after(text, before.start),
              "inside the next event": line_after(text, after.start),
              "on the previous event's last line": right.start - 1,
              "after the next event's id": after.start + len("  - id: e4")}[fault]
        return write.Splice(at, at, right.text)

    whole: list[bool] = []
    real_whole = changes._change_whole

    def counted(*args: Any) -> Any:
        whole.append(True)
        return real_whole(*args)

    monkeypatch.setattr(changes, "insertion_splice", misplaced)
    monkeypatch.setattr(changes, "_change_whole", counted)
    outcome = changes.change(path, drafts(), [], checked=True)
    assert not outcome.fast
    assert whole == [True]
    assert path.read_bytes() == expected_path.read_bytes()
    _, problems = validate_file(path)
    assert problems == []


@given(st.lists(st.sampled_from(["a", "b", "", "id", "x y"]), max_size=6),
       st.sampled_from(["  ", "", "    "]), st.booleans())
@settings(max_examples=examples(60), deadline=None)
def test_list_items_reads_the_events_items_at_reads(ids: list[str], indent: str,
                                                    nested: bool) -> None:
    from relations_cli.store.layout import items_at, list_items

    def list_ids(text: str) -> list[str] | None:
        found = list_items(text)
        return None if found is None else [event_id for event_id, _, _ in found]

    extra = f"{indent}  tags: [id, {{id: z}}]\n{indent}  more:\n{indent}    id: q\n" \
        if nested else ""
    text = "".join(f"{indent}- title: t\n{extra}" + (f"{indent}  id: '{value}'\n" if value
                                                   else "") for value in ids)
    if not ids:
        assert list_ids(text) is None  # not a list
        return
    assert list_ids(text) == [item.id for item in items_at(text, len(ids) + 1)]
    assert list_ids(text + "other: 1\n") is None
    assert list_ids(f"{indent}- just text\n" + text) is None


@pytest.mark.parametrize("blank", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_break", [True, False])
@pytest.mark.parametrize("date", ["2000-01-01", "2001-01-02", "2001-01-03", "2005-01-01"])
def test_checked_rows_land_on_windows_as_unchecked_ones_do(
        tmp_path: Path, blank: bool, newline: str, final_break: bool, date: str) -> None:
    """First, between (after a block scalar too), last, with blank lines or none, LF or
    CRLF, with a final line break or none: checked rows are planned on windows of the file
    (their landing checked without placing their fields) and write the bytes unchecked
    rows write."""
    from relations_cli.store import changes
    from relations_cli.store.loader import validate_file

    def event(number: int, day: str) -> str:
        if number == 1:
            return (f"  - id: e1\n    date: {day}\n    title: Event 1\n    summary: |\n"
                    "      line one\n      line two\n")
        return (f"  - id: e{number}  # note\n    date: {day}\n    title: 'Event {number}'\n"
                f"    tags: [a, 'b c']\n    sources:\n      - {{title: S, url: 'https://x.org'}}\n")

    events = ("\n" if blank else "").join(
        event(number, day) for number, day in enumerate(["2001-01-01", "2001-01-02",
                                                         "2001-01-04"]))
    text = f"title: T\nevents:\n{events}"
    text = (text if final_break else text.rstrip("\n")).replace("\n", newline)
    written = {}
    for checked in (True, False):
        path = tmp_path / f"{checked}.yaml"
        path.write_bytes(text.encode())
        drafts = [{"id": "n1", "date": date, "title": "N one"},
                  {"id": "n2", "date": date, "title": "N: two", "summary": "a\nb"}]
        assert changes.change(path, drafts, [], checked=checked).fast
        written[checked] = path.read_bytes()
        assert validate_file(path)[1] == []
    assert written[True] == written[False]


def test_a_write_asks_the_index_for_every_new_id_at_once(tmp_path: Path) -> None:
    """The new ids are looked up in one statement (an import brings ten thousand), and one
    an event has is still refused, by the index as by a reading."""
    from relations_cli.core.errors import WriteError
    from relations_cli.store import changes

    path = tmp_path / "t.yaml"
    _timeline(path, 20)
    assert invoke("timeline", "--data", str(path), "--limit", "1").status == 0  # an index
    new = [{"id": f"n{n}", "date": "2001-01-05", "title": f"N {n}"} for n in range(30)]
    with pytest.raises(WriteError, match="duplicate id 'e7' \\(an event already has it\\)"):
        changes.change(path, [*new, {"id": "e7", "date": "2001-01-06", "title": "Again"}], [],
                       checked=True)
    assert changes.change(path, new, [], checked=True).fast
    assert path.read_text(encoding="utf-8").count("  - id: n") == 30
