"""The fast reading of plain timelines gives the strict loader's answers, or none at all.

Both read every YAML file of the tests and generated timelines that mix what the fast reader
takes (plain and quoted one-line text, flow and block lists, comments, unicode) with what it
must refuse (tags, anchors, aliases, multi-line text, escapes, tabs, CRLF, a BOM, comments
after values, bad dates, duplicate keys and ids): the events, header and problems must be
the same, and an index built with the fast reading the same as one built without it.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import Problem
from relations_cli.core.model import Event
from relations_cli.store import fastread
from relations_cli.store.build import build_index
from relations_cli.store.fastread import fast_source, read_timeline
from relations_cli.store.loader import Header, stream_timeline
from tests.budgets import examples
from tests.helpers import ROOT
from tests.test_index import generated
from tests.test_split import contents

YAML_FILES = sorted({*ROOT.glob("tests/**/*.yaml"), *ROOT.glob("tests/**/*.yml"),
                     *ROOT.glob("data/**/*.yaml"), *ROOT.glob("bench/**/*.yaml")})


Reading = tuple[tuple[Header, list[Problem]], list[Event]]


def both(path: Path) -> tuple[Reading, Reading]:
    """What the fast-then-strict reading and the strict loader alone give."""
    fast: list[Event] = []
    strict: list[Event] = []
    return (read_timeline(path, fast.append), fast), (stream_timeline(path, strict.append),
                                                      strict)


def fast_alone(path: Path) -> tuple[Header, list[Event]] | None:
    events: list[Event] = []
    with open(path, "rb") as raw:
        answer = fast_source(raw, str(path), events.append)
    return None if answer is None else (answer[0], events)


def check_same(path: Path) -> bool:
    """Both readings agree; whether the fast reading answered alone."""
    fast, strict = both(path)
    assert fast == strict
    alone = fast_alone(path)
    if alone is not None:
        (header, problems), events = strict
        assert problems == []
        assert alone == (header, events)
    return alone is not None


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_test_file_reads_the_same(path: Path) -> None:
    check_same(path)


def test_the_bundled_timeline_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its long texts are folded blocks (`summary: >`), which the fast reader takes: a cold
    run reads it once, not a fast attempt and then the strict loader (issue 24)."""
    assert fast_alone(ROOT / "data" / "events.yaml") is not None

    def strict(*args: object) -> None:
        raise AssertionError("the strict loader read the bundled timeline")

    monkeypatch.setattr("relations_cli.store.build.stream_timeline", strict, raising=False)
    monkeypatch.setattr(fastread, "stream_timeline", strict)
    events: list[Event] = []
    read_timeline(ROOT / "data" / "events.yaml", events.append)
    assert len(events) > 20


@pytest.mark.parametrize(("text", "value"), [
    ("x >\n      a  \n      b\n", "x 'a   b'"),
    ("x >-\n      it's\n      #1: ok\n\n", "x 'it''s #1: ok'"),
])
def test_a_folded_block_reads_as_one_line_of_text(text: str, value: str) -> None:
    text = text.replace("x ", "    summary: ", 1)
    value = value.replace("x ", "    summary: ", 1)
    unfolded = fastread._unfold(text)
    assert unfolded.splitlines()[0] == value
    assert unfolded.count("\n") == text.count("\n")  # lines keep their numbers


def test_a_plain_timeline_is_read_fast(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(generated(300), encoding="utf-8")
    assert check_same(path)


# -- generated timelines -------------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(
    [*"abcXYZ 019-_.,:#'\"[]{}&*!|>%@`?\\/", "é", "К", "习", "🙂", "\u00a0", "\t", "\x85",
     "\u2028", "\ufeff", "\x07"]), max_size=12)
# Text a timeline may well hold: words and unicode, now and then the punctuation a value may
# carry (which may make plain text something else: the readings must still agree).
_WORDS = st.text(alphabet=st.sampled_from([*"abcXYZ 019-_.", "é", "К", "习", "🙂", "\u00a0"]),
                 min_size=1, max_size=12)
CLEAN_TEXT = st.one_of(_WORDS, _WORDS, _WORDS, _WORDS, st.text(
    alphabet=st.sampled_from([*"abc -_.,:#'\"&!?/"]), min_size=1, max_size=8))
CLEAN_DATES = ["2015", "2015-09", "2015-09-03", "2015?", "1200~", "2015-09-03T10:00Z",
               "-0044-03-15", "2019-XX"]


@st.composite
def scalar(draw: st.DrawFn, text: str | None = None, clean: bool = False) -> str:
    """Text written in one of YAML's ways, valid or not."""
    value = draw(CLEAN_TEXT if clean else TEXT) if text is None else text
    styles = ["plain", "plain", "single", "double", "raw-double", "folded", "folded-lines"]
    if not clean:
        styles += ["tagged", "anchored", "alias", "comment", "multi", "folded-strip",
                   "folded-blank", "folded-deeper", "folded-shallow", "literal"]
    style = draw(st.sampled_from(styles))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "raw-double":
        return f'"{value}"'
    if style == "folded":
        return f">\n        {value}"
    if style == "folded-lines":  # folded into one line of text, joined by spaces
        return f">\n        {value}\n        more {value}  \n        end"
    if style == "folded-strip":
        return f">-  \n        {value}\n        x\n\n"
    if style == "folded-blank":  # a blank line inside is a line break
        return f">\n        {value}\n\n        more"
    if style == "folded-deeper":  # a more-indented line keeps its line breaks
        return f">\n        {value}\n          more\n        end"
    if style == "folded-shallow":
        return f">\n          {value}\n         more"
    if style == "literal":
        return f"|\n        {value}\n        more"
    if style == "tagged":
        return f"!!str {value}"
    if style == "anchored":
        return f"&a {value}"
    if style == "alias":
        return "*a"
    if style == "comment":
        return f"{value} # note"
    if style == "multi":
        return f"{value}\n        more {value}"
    return value


DATES = ["2015", "2015-09", "2015-09-03", "2015-02-30", "2015-09/2016-03", "2015?",
         "1200~", "..", "", "NO", "2015-09-03T10:00Z", "-0044-03-15"]


@st.composite
def event_lines(draw: st.DrawFn, n: int, clean: bool) -> list[str]:
    """An event; a clean one has an id, a date and a title, and no odd character."""
    ids = [f"e-{n}"] if clean else [f"e-{n}", "e-0", "Bad Id", f"e-{n}"]
    lines = [f"  - id: {draw(st.sampled_from(ids))}"]
    keys = ["summary", "category", "place", "tags", "actors", "people", "quotes", "figures",
            "sources", "date_note"]
    if not clean:
        keys += ["date", "date", "end", "title", "title", "unknown"]
    fields = draw(st.lists(st.sampled_from(keys), max_size=9, unique=clean))
    if clean:
        fields[draw(st.integers(0, len(fields))):0] = ["title"]
        fields[draw(st.integers(0, len(fields))):0] = ["date"]
    for key in fields:
        if key in ("date", "end"):
            date = draw(st.sampled_from(CLEAN_DATES if clean else DATES))
            lines.append(f"    {key}: {draw(scalar(date, clean))}")
        elif key in ("tags", "actors", "people"):
            items = draw(st.lists(CLEAN_TEXT if clean else TEXT, max_size=3))
            if draw(st.booleans()):
                lines.append(f"    {key}: [{', '.join(items)}]")
            else:
                step = draw(st.sampled_from(["    ", "      "]))
                lines.append(f"    {key}:")
                lines += [f"{step}- {draw(scalar(item, clean))}" for item in items]
        elif key == "category" and clean:
            lines.append(f"    category: {draw(st.sampled_from(['trade', 'Énergie', 'a-b']))}")
        elif key in ("quotes", "figures", "sources"):
            names = {"quotes": ("by", "text"), "figures": ("label", "value", "unit"),
                     "sources": ("title", "url", "publisher")}[key]
            lines.append(f"    {key}:")
            for _ in range(draw(st.integers(0, 2))):
                if clean:  # the required keys, in some order
                    keys = list(draw(st.permutations(names)))
                else:
                    keys = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
                lines.append(f"      - {keys[0]}: {draw(scalar(None, clean))}")
                lines += [f"        {k}: {draw(scalar(None, clean))}" for k in keys[1:]]
        else:
            lines.append(f"    {key}: {draw(scalar(None, clean))}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "    # a comment", "# at the edge",
                                               "   ", "\t"])))
    return lines


@st.composite
def timelines(draw: st.DrawFn) -> bytes:
    clean = draw(st.booleans())
    lines = ["title: Generated", "people:", "  - name: Hu Hao"]
    if draw(st.booleans()):
        lines.append("description: " + draw(scalar(None, clean)))
    lines.append("events:" + draw(st.sampled_from(["", "", " # the list", " []"])))
    for n in range(draw(st.integers(0, 5))):
        lines += draw(event_lines(n, clean))
    if not clean and draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["people: []", "---", "...", "extra: 1"])))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if draw(st.integers(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


@settings(max_examples=examples(400), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(timelines())
def test_generated_timelines_read_the_same(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "generated.yaml"
    path.write_bytes(data)
    check_same(path)


@pytest.mark.parametrize("line", [
    "tags: [?x]", "tags: [-x]", "tags: [- x]", "tags: [a b, c]", "tags: [ ]", "tags: [a,]",
    "tags: [a, , b]", "tags: []", "tags: [a]  ", "tags: [a] # c", "tags: [C#]", "tags:",
    "tags: ''", "tags: NO", "title: ?x", "title: -x", "title: :x", "title: a:b",
    "title: a :b", "title: C#", "title: a #b", "title: a: b", "title: a:", "title: 'it''s'",
    "title: 'a'b'", 'title: "a\\tb"', 'title: "a" ', "title: ---", "title: ...",
    "title: a  b  ", "title: |", "title: >-", "title: [a]", "title: ''", "title: %x",
    "title: @x", "title: `x", "title: !x", "title: &x y", "title: *x", "title: \u00a0x",
    "title: x\u00a0", "summary:", "date_note: ~", "place: null", "category: 010",
])
def test_tricky_lines_read_the_same(tmp_path: Path, line: str) -> None:
    path = tmp_path / "tricky.yaml"
    event = ["id: a", "date: 2015", "title: T"]
    key = line.split(":")[0]
    event = [field for field in event if not field.startswith(key + ":")] + [line]
    text = "events:\n  - " + "\n    ".join(event) + "\n  - id: b\n    date: 2016\n    title: U\n"
    path.write_text(text, encoding="utf-8")
    check_same(path)


def test_plain_generated_timelines_are_read_fast(tmp_path: Path) -> None:
    """The comparisons mean something only if the fast reading answers for plain files."""
    for seed in range(20):
        path = tmp_path / f"t{seed}.yaml"
        path.write_text(generated(20, seed), encoding="utf-8")
        assert check_same(path)


# -- the index -----------------------------------------------------------------------------------


def built(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(fastread, "fast_source", lambda *args, **kwargs: None)
        db = sqlite3.connect(":memory:")
        build_index(db, path, split=False)
        return contents(db)


@pytest.mark.parametrize("count", [1, 40, 400])
def test_an_index_built_fast_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         count: int) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(generated(count, seed=count), encoding="utf-8")
    assert built(path, True, monkeypatch) == built(path, False, monkeypatch)


def test_a_late_surprise_hands_over_to_the_strict_loader(tmp_path: Path) -> None:
    """Events read fast before the fast reader gives up are kept, and the strict loader
    gives the rest: the same events, once each, and its own problems."""
    text = generated(50)
    for tail, count, problem in (
            ("  - id: z\n    date: 2015\n    title: |\n      T\n", 51, ""),
            ("  - id: z\n    date: 2015\n    title: >\n      T\n\n      U\n", 51, ""),
            ("  - id: z\n    date: 2015\n    title: T # note\n", 51, ""),
            ("  - id: z\n    date: 2015\n    title: !!int 5\n", 50, "tag !!int"),
            ("  - id: e-3\n    date: 2015\n    title: T\n", 50, "duplicate id")):
        path = tmp_path / "late.yaml"
        path.write_text(text + tail, encoding="utf-8")
        assert fast_alone(path) is None
        fast, strict = both(path)
        assert fast == strict
        (_, problems), events = fast
        assert problem in " ".join(p.message for p in problems)
        assert bool(problems) == bool(problem)
        if not problems:
            assert len(events) == count


def test_the_fast_reader_reads_pieces_of_any_size() -> None:
    """A stream may answer in small pieces; chunks are cut between items."""
    data = generated(30).encode()

    class Trickle(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            return super().read(min(7, size if size and size > 0 else 7))

    events: list[Event] = []
    whole: list[Event] = []
    assert fast_source(Trickle(data), "t", events.append) is not None
    assert fast_source(io.BytesIO(data), "t", whole.append) is not None
    assert events == whole
    assert len(events) == 30
