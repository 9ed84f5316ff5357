"""Listings from the index format stored records without building events: the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from relations_cli.core.dates import parse_filter_date
from relations_cli.core.engine import MemoryEngine
from relations_cli.core.errors import TimelineError
from relations_cli.core.query import Query
from relations_cli.render import delimited, jsonfmt
from relations_cli.render.formats import FORMATS, Kind, Look, Written
from relations_cli.render.present import OutputSettings, deliver
from relations_cli.store.index import StoredEvents
from relations_cli.store.loader import load_timeline
from relations_cli.store.source import open_index
from tests.budgets import examples
from tests.test_index import QUERIES, generated

FORMAT_NAMES = ("plain", "json", "jsonl", "csv", "tsv")
LOOKS = [
    Look(), Look(color=True), Look(header=False),
    Look(fields=("id", "when", "end", "sources", "people")),
    Look(fields=("title", "summary", "date_note", "tags", "actors", "place", "category"),
         header=False),
    # One field: csv.writer writes a lone empty cell as `""`.
    Look(fields=("end",)), Look(fields=("sources",), header=False),
    Look(fields=("when", "when", "category")),
]


def written(fmt: str) -> Written:
    """A text format's renderers, from the registry."""
    renderers = FORMATS[fmt].load()
    assert isinstance(renderers, Written)
    return renderers


def _both(fmt: str, events: object, look: Look) -> tuple[str, str]:
    renderers = written(fmt)
    assert isinstance(events, StoredEvents)
    assert renderers.records is not None
    assert renderers.events is not None
    fast = "".join(renderers.records(events.records(), look))
    slow = "".join(renderers.events(list(events), look))
    return fast, slow


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryEngine, object]:
    path = tmp_path_factory.mktemp("fast") / "t.yaml"
    path.write_text(generated(300, seed=5), encoding="utf-8")
    return MemoryEngine(load_timeline(path)), open_index(path, use_cache=False)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_records_format_like_events_for_every_query(engines: tuple[MemoryEngine, object],
                                                    fmt: str) -> None:
    memory, index = engines
    module = written(fmt)
    assert module.events is not None
    for query in QUERIES:
        selected = index.select(query)  # type: ignore[attr-defined]
        if not isinstance(selected, StoredEvents):
            continue  # a term with a line break: events checked in Python, no records
        for look in LOOKS:
            fast, slow = _both(fmt, selected, look)
            assert fast == slow
            assert fast == "".join(module.events(memory.select(query), look))


def test_a_listing_from_the_index_is_delivered_as_from_memory(
        engines: tuple[MemoryEngine, object], capsys: pytest.CaptureFixture[str]) -> None:
    memory, index = engines
    query = Query(since=parse_filter_date("2005"), terms=("kerry",))
    stored = index.select(query)  # type: ignore[attr-defined]
    assert isinstance(stored, StoredEvents)
    assert len(stored) > 0
    for fmt in (*FORMAT_NAMES, "markdown"):
        for fields in (None, ("id", "title", "when")):
            settings_ = OutputSettings(format=fmt, fields=fields)
            deliver(settings_, Kind.EVENTS, stored)
            fast = capsys.readouterr().out
            deliver(settings_, Kind.EVENTS, memory.select(query))
            assert fast == capsys.readouterr().out


def test_no_records_make_the_same_empty_output(engines: tuple[MemoryEngine, object]) -> None:
    _, index = engines
    nothing = index.select(Query(categories=("none-such",)))  # type: ignore[attr-defined]
    for fmt in FORMAT_NAMES:
        for look in LOOKS:
            fast, slow = _both(fmt, nothing, look)
            assert fast == slow


# Any text, controls, bidi marks, formula starts and non-BMP characters included, and what
# the record pattern and the CSV quoting read: delimiters, quotes, brackets, line breaks,
# tabs, a JSON key's text and list separators.
SPECIAL = ["=1+1", "-", "+x", "@a", "\u202eevil", "a\tb\nc", "\\", "\U0001f600", "\x1b[31m",
           "a,b", 'say "hi"', "\r", "a\r\nb", "\t=x", "]", "[", "}", "{", '"', '", "',
           '"]', '{"title": "x"', "null", "..", " ", "a; b", "\x7f", "caf\u00e9", ""]
texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10) | \
    st.sampled_from(SPECIAL) | st.lists(st.sampled_from(SPECIAL), max_size=3).map("".join)
CATEGORIES = st.sampled_from(["", "trade", "War", "caf\u00e9", "a-b", "\u4e60"])  # one word


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, texts, CATEGORIES, texts,
                          st.sampled_from(["2001", "2001-05", "2001-05-06", "1999"]),
                          st.sampled_from([None, "2003", "..", "2001-06", ""]),
                          st.lists(texts, max_size=3), st.lists(texts, max_size=3)),
                min_size=1, max_size=6))
def test_records_format_like_events_on_any_text(
        tmp_path: Path,
        items: list[tuple[str, str, str, str, str, str | None, list[str], list[str]]]) -> None:
    events = []
    for n, (title, summary, category, place, when, end, names, more) in enumerate(items):
        record = {"id": f"e-{n}", "date": when, "title": title if title.strip() else "t",
                 "summary": summary, "category": category, "place": place,
                 "tags": [t for t in (category, place) if t.strip()],
                 "actors": [a for a in names if a.strip()],
                 "sources": ([{"title": summary}] if summary.strip() else [])
                 + [{"title": t, "publisher": place} for t in more if t.strip()]}
        if more:
            record["quotes"] = [{"by": "Hu Hao", "text": more[0] or "]"}]
            record["figures"] = [{"label": more[-1] or "x", "value": "1"}]
        if end == "":  # an unknown end
            record["date"] = f"{when}/"
        elif end is not None and (end == ".." or end >= when):
            record["end"] = end
        events.append(record)
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"events": events}, allow_unicode=True, default_style='"'),
                    encoding="utf-8")
    try:
        memory = MemoryEngine(load_timeline(path))
    except TimelineError:  # a drawn value the timeline rules refuse
        event("refused")
        return
    stored = open_index(path, use_cache=False).select(Query())
    assert isinstance(stored, StoredEvents)
    for fmt in FORMAT_NAMES:
        module = written(fmt)
        assert module.events is not None
        for look in LOOKS:
            fast, slow = _both(fmt, stored, look)
            assert fast == slow
            assert fast == "".join(module.events(memory.select(Query()), look))


def test_open_and_unknown_ends_read_the_same_from_records_and_events(tmp_path: Path) -> None:
    # The stored-record path and the Event path share one rule for a span as written.
    from relations_cli.core.records import event_record
    from relations_cli.render.delimited import record_when
    from relations_cli.store.loader import parse_timeline

    text = ("events:\n"
            "  - {id: a, date: 2015-09, title: A}\n"
            "  - {id: b, date: 2015-09/, title: B}\n"
            "  - {id: c, date: 2015-09/.., title: C}\n"
            "  - {id: d, date: 2015-09, end: 2016, title: D}\n")
    timeline, problems = parse_timeline(text, str(tmp_path / "t.yaml"))
    assert problems == []
    assert timeline is not None
    whens = {e.id: (e.when, record_when(event_record(e))) for e in timeline.events}
    assert whens == {"a": ("2015-09", "2015-09"), "b": ("2015-09/", "2015-09/"),
                     "c": ("2015-09/..", "2015-09/.."), "d": ("2015-09..2016", "2015-09..2016")}


def _readers() -> list[tuple[str, object]]:
    """Every reader of stored records: the plain listing's, and CSV's and TSV's of every
    column (a pattern for each set of fields shown)."""
    from relations_cli.render.delimited import ROW_PIECES, Piece, record_reader, row_pieces
    from relations_cli.render.fields import CSV_COLUMNS

    readers: list[tuple[str, object]] = [("plain", record_reader(
        [ROW_PIECES["when"], Piece("%s", ("id",)), Piece("%s", ("category",)),
         Piece("%s", ("title",))], "\t", False)[0])]
    for column in CSV_COLUMNS:
        pieces = row_pieces([column])
        assert pieces is not None, f"the fast path cannot read the column {column}"
        readers.append((column, record_reader(pieces, "\t", True)[0]))
    pieces = row_pieces(CSV_COLUMNS)
    assert pieces is not None
    readers.append(("every column", record_reader(pieces, "\t", True)[0]))
    return readers


def test_the_record_pattern_takes_every_plain_record(engines: tuple[MemoryEngine, object]) -> None:
    # Otherwise the fast way would silently never be taken: the pattern must keep up with
    # core/records.event_record and the stored JSON.
    import re

    from relations_cli.render.delimited import read_rows

    _, index = engines
    stored = index.select(Query())  # type: ignore[attr-defined]
    assert isinstance(stored, StoredEvents)
    records = stored.records()
    assert len(records) == 300
    for name, pattern in _readers():
        assert isinstance(pattern, re.Pattern)
        keys = {key.partition("__")[0] for key in pattern.groupindex}
        # Quotes, figures, media and sources in full have JSON cells, written the careful
        # way: the fast one takes the records where they are empty (or titles alone).
        plain = [r for r in records if not _has_json_cells(json.loads(r), keys)]
        assert plain, name
        found = read_rows(pattern, plain)
        assert found is not None, name
        assert len(found) == len(plain), name


def _has_json_cells(record: dict[str, Any], keys: set[str]) -> bool:
    """Whether a record shows, in `keys`, a cell CSV writes as JSON (render/fields)."""
    from relations_cli.render.fields import sources_cell

    if any(record[key] for key in keys & {"quotes", "figures", "media"}):
        return True
    return "sources" in keys and sources_cell(record["sources"]).startswith("[")


def test_the_bundled_timeline_takes_the_fast_way(tmp_path: Path) -> None:
    """Its records hold escapes (quotation marks in notes and summaries): only a record
    with one in a field shown takes the careful way (issue 24 item 2)."""
    import json
    import re

    from relations_cli.render.delimited import read_rows
    from tests.helpers import BUNDLED

    stored = open_index(BUNDLED, use_cache=False).select(Query())
    assert isinstance(stored, StoredEvents)
    records = stored.records()
    assert any("\\" in record for record in records)
    for name, pattern in _readers():
        assert isinstance(pattern, re.Pattern)
        guard = name != "plain"
        keys = {key.partition("__")[0] for key in pattern.groupindex}
        for record in records:
            values = json.loads(record)
            shown = [[s["title"] for s in values[key]] if key == "sources" else values[key]
                     for key in keys if key not in ("quotes", "figures", "media")]
            firsts = [(v[0] if v else "") if isinstance(v, list) else v or "" for v in shown]
            careful = "\\" in json.dumps(shown, ensure_ascii=False) or \
                (guard and any(first[:1] in ("=", "+", "-", "@") for first in firsts)) or \
                _has_json_cells(values, keys)
            assert (read_rows(pattern, [record]) is None) == careful, (name, record)
        assert sum(read_rows(pattern, [record]) is not None for record in records) >= 20 \
            or guard, name


TRICKY = """events:
  - {id: a, date: 2001, title: "Plain, with a comma", category: "", actors: [X, Y]}
  - {id: b, date: 2001, title: "=SUM(A1)", summary: "-2 points", place: "@home"}
  - {id: c, date: 2002, title: "say \\"hi\\"", tags: ["a]b", "c"], date_note: "+1"}
  - {id: d, date: 2002/.., title: "line\\nbreak\\ttab", people: ["", "Hu Hao"]}
  - {id: e, date: 2003/, title: "caf\u00e9 \u202e",
     sources: [{title: A}, {title: "B, c"}, {title: "-"}]}
  - {id: f, date: 2003, end: 2004, title: "back\\\\slash",
     sources: [{title: "@", url: "u"}, {title: "=x"}]}
  - {id: g, date: 2004, title: "t", quotes: [{by: Hu Hao, text: "a ] b"}],
     figures: [{label: l, value: "1"}]}
  - {id: h, date: 2004, title: "{\\"title\\": \\"x\\"}", category: "c", place: "]"}
  - {id: i, date: 2005, title: "\\x7fdel", summary: "\\r", actors: ["=a", "b"]}
  - {id: j, date: 2005, title: "ok", actors: ["", "=b"], tags: [""]}
  - {id: k, date: 2006, title: "two, sources", sources: [{title: A}, {title: "B, c", url: u}]}
  - {id: l, date: 2006/.., title: open, people: [Hu Hao, Xi]}
  - {id: m, date: 2006/, title: unknown, tags: [x, y, z]}
  - {id: n, date: 2006, end: 2007, title: span, category: c, date_note: about}
"""


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_fast_and_careful_records_mixed_in_one_batch(tmp_path: Path, fmt: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Records the pattern takes and records it leaves to json.loads, in one batch: the same
    # bytes as events, in the same order, repeated past several chunks (made small here, so
    # that their edges fall inside the repeated pattern at every place).
    monkeypatch.setattr(delimited, "CHUNK", 50)
    monkeypatch.setattr(jsonfmt, "CHUNK", 50)
    path = tmp_path / "t.yaml"
    path.write_text(TRICKY + "".join(
        TRICKY.split("\n", 1)[1].replace("{id: ", f"{{id: r{n}")
        for n in range(10)), encoding="utf-8")
    stored = open_index(path, use_cache=False).select(Query())
    assert isinstance(stored, StoredEvents)
    assert len(stored) == 14 * 11
    for look in LOOKS:
        fast, slow = _both(fmt, stored, look)
        assert fast == slow
    # Both ways were taken: json.loads read some records, the regex the others.
    import json

    calls: list[str] = []
    loads = json.loads

    def counted(text: str) -> object:
        calls.append(text)
        return loads(text)

    monkeypatch.setattr(json, "loads", counted)
    records = written(fmt).records
    assert records is not None
    "".join(records(stored.records(), Look()))
    assert 0 < len(calls) < len(stored) or fmt in ("json", "jsonl")


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_csv_line_is_what_csv_writer_writes(texts_: list[str]) -> None:
    import csv
    import io

    from relations_cli.render.delimited import cell, csv_line

    cells = [cell(text, "csv") for text in texts_]  # cells as the CSV writer gets them
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    assert csv_line(cells) + "\n" == buffer.getvalue()


def test_the_stored_record_has_the_shape_its_readers_are_made_from(
        engines: tuple[MemoryEngine, object]) -> None:
    """core/records.RECORD_SHAPE, from which render/delimited makes its patterns, is
    event_record's keys in order with the kind of each value: a key added, removed or moved
    in one and not the other fails here (issue 24 item 2)."""
    from relations_cli.core.records import (
        OBJECT_OR_NULL,
        OBJECTS,
        RECORD_SHAPE,
        TEXT,
        TEXT_OR_NULL,
        TEXTS,
        event_record,
    )

    memory, _ = engines
    kinds = {TEXT: lambda v: isinstance(v, str),
             TEXT_OR_NULL: lambda v: v is None or isinstance(v, str),
             TEXTS: lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
             OBJECTS: lambda v: isinstance(v, list) and all(
                 isinstance(x, dict) and all(isinstance(y, str) for y in x.values())
                 for x in v),
             OBJECT_OR_NULL: lambda v: v is None or (
                 isinstance(v, dict) and all(isinstance(y, str) for y in v.values()))}
    events = list(memory.select(Query()))
    events.append(events[0]._replace(file="other.yaml"))
    for one in events:
        record = event_record(one)
        assert list(record)[:len(RECORD_SHAPE)] == list(RECORD_SHAPE)
        assert set(record) - set(RECORD_SHAPE) <= {"file"}
        for key, kind in RECORD_SHAPE.items():
            assert kinds[kind](record[key]), (key, record[key])
        # The sources are read by their title first (render/delimited._field_pattern).
        assert all(next(iter(source)) == "title" for source in record["sources"])


def test_each_field_is_read_from_the_stored_text() -> None:
    """Each field a listing can show is read by its named group as event_record wrote it."""
    import json

    from relations_cli.core.dates import cached_event_date
    from relations_cli.core.model import Event, Source
    from relations_cli.core.records import RECORD_SHAPE, TEXTS, event_record
    from relations_cli.render.delimited import read_rows, record_pattern

    event = Event(id="e-1", date=cached_event_date("2015-09-03"),
                  end=cached_event_date("2015-10"), title="Title", summary="Sum \"mary\"",
                  category="trade", actors=("China", "Russia"), people=("Xi Jinping",),
                  place="Moscow", tags=("a", "b"), quotes=(), figures=(),
                  sources=(Source("First", "", "", ""), Source("Second", "", "", "")),
                  date_note="Note", line=3)
    record = event_record(event)
    text = json.dumps(record, ensure_ascii=False)
    for key, kind in RECORD_SHAPE.items():
        if key in ("quotes", "figures", "media"):
            # JSON cells: read from the stored text only when empty (the cell is then "").
            found = record_pattern(frozenset({key}), False).fullmatch(text)
            assert found is not None, key
            assert found[key] == "", key
            continue
        pattern = record_pattern(frozenset({key}), False)
        if key == "summary":  # an escape in a field shown: the careful way
            assert read_rows(pattern, [text]) is None
            continue
        found = pattern.fullmatch(text)
        assert found is not None, key
        if key == "sources":
            assert (found["sources"], found["sources__more"]) == \
                ("First", ', {"title": "Second", "url": "", "publisher": "", "date": ""}')
        elif kind == TEXTS:
            assert found[key] == '", "'.join(record[key]), key
        else:
            assert found[key] == record[key], key
    assert record_pattern(frozenset({"title"}), False).fullmatch(text) is not None
