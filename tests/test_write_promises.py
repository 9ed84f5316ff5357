"""The promises of a write (issue 20), each tried as a user, an attacker and another tool would:
no injected field, no cut value, no lost comment or update, a clear refusal for what cannot be
written, and the same bytes whichever way the write finds its events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import TimelineError, WriteError
from relations_cli.store import changes
from relations_cli.store.atomic import leftovers, temp_prefix
from relations_cli.store.install import commit, read_snapshot
from relations_cli.store.loader import parse_timeline
from relations_cli.store.write import add_events, remove_event, set_fields
from relations_cli.store.yamltext import yaml_scalar
from tests.budgets import examples
from tests.helpers import LEAKY_VARIABLES, ROOT, invoke, run

STYLES = """\
title: Styles
events:
  # the block one
  - id: block
    date: 2015-01-01
    title: Block title   # trailing on the title
    place: Beijing
  - {id: flow, date: 2015-02-01, title: Flow title, place: Moscow}
  - "id": quoted
    "date": "2015-03-01"
    "title": 'Quoted title'
    "place": "Sochi"
  - id: last
    date: 2015-04-01
    title: Last
"""


def _file(tmp_path: Path, text: str, name: str = "t.yaml", newline: str = "\n",
          bom: bool = False) -> Path:
    path = tmp_path / name
    raw = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    return path


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def _events(path: Path) -> dict[str, Any]:
    timeline, problems = parse_timeline(_text(path), str(path))
    assert not problems, problems
    assert timeline is not None
    return {event.id: event for event in timeline.events}


def _pure_python(path: Path) -> dict[str, dict[str, Any]]:
    """The file as PyYAML's pure-Python loader (the README's fallback) reads it."""
    loaded = yaml.load(_text(path), Loader=yaml.SafeLoader)
    return {str(event["id"]): event for event in loaded["events"]}


def _index(path: Path) -> None:
    assert invoke("timeline", "--data", str(path), "--count").status == 0


# -- 1. values are written for their context ------------------------------------------------------


@pytest.mark.parametrize("value", [
    "b, 'place':Moscow, 'tags':[evil]", "b, summary", "b}", "x]", "{a: 1}", "a: b", "what?",
    "a?b", "a:b", "#tag", "a #b", "x, y: z",
])
def test_edit_set_on_a_flow_event_never_injects_a_field(tmp_path: Path, value: str) -> None:
    path = _file(tmp_path, STYLES)
    outcome = invoke("edit", "flow", "--data", str(path), "--set", f"title={value}")
    assert outcome.status == 0, outcome
    event = _events(path)["flow"]
    assert event.title == value
    assert (event.place, event.tags, event.summary) == ("Moscow", (), "")
    assert _pure_python(path)["flow"]["title"] == value


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\r", "\n", "\r\n"])
def test_a_value_with_any_line_break_reads_back_whole(tmp_path: Path, separator: str) -> None:
    path = _file(tmp_path, STYLES)
    title = f"Public note{separator}#secret part"
    outcome = invoke("add", "--data", str(path), "--date", "2015-01-15", "--title", title,
                     "--id", "note")
    assert outcome.status == 0, outcome
    events = _events(path)
    assert events["note"].title == title
    assert _pure_python(path)["note"]["title"] == title
    assert set(events) == {"block", "note", "flow", "quoted", "last"}
    assert "\u2028" not in _text(path)
    assert "\u2029" not in _text(path)


def test_tags_with_question_marks_read_in_the_pure_python_loader(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "Q",
                     "--tag", "what?", "--tag", "a?b", "--tag", "x:y")
    assert outcome.status == 0, outcome
    assert _pure_python(path)["q"]["tags"] == ["what?", "a?b", "x:y"]


@pytest.mark.parametrize("value", ["a\u2028b", "x\x85y", "c\u2029", "a, b", "k?", "a:b", "[x]"])
def test_yaml_scalar_quotes_what_a_context_would_misread(value: str) -> None:
    for flow in (False, True):
        written = yaml_scalar(value, flow=flow)
        document = f"[{written}]" if flow else f"key: {written}"
        loaded = yaml.load(document, Loader=yaml.SafeLoader)
        assert (loaded[0] if flow else loaded["key"]) == value


_ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
_TEXT_FIELDS = ("title", "summary", "place", "date_note")


@settings(max_examples=examples(120), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=_ANY_TEXT, key=st.sampled_from(_TEXT_FIELDS),
       target=st.sampled_from(["block", "flow", "quoted", "last"]),
       ending=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans())
def test_any_text_in_any_field_of_any_style_reads_back_exactly(
        tmp_path_factory: pytest.TempPathFactory, value: str, key: str, target: str,
        ending: str, bom: bool) -> None:
    assume(value.strip() == value and value.strip())
    path = _file(tmp_path_factory.mktemp("styles"), STYLES, newline=ending, bom=bom)
    before = _events(path)
    raw_before = path.read_bytes()
    try:
        changes.edit(path, target, {key: value})
    except (WriteError, TimelineError):
        assert path.read_bytes() == raw_before  # refused (a value the format forbids)
        return
    after = _events(path)
    assert getattr(after[target], key) == value
    assert _pure_python(path)[target][key] == value
    for event_id, event in before.items():
        if event_id != target:
            assert after[event_id]._replace(line=0) == event._replace(line=0)  # but its line
        else:
            assert after[event_id]._replace(**{key: value}, line=0) == event._replace(
                **{key: value}, line=0)
    assert ending in _text(path)
    if ending != "\r\n":
        assert "\r\n" not in _text(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == bom


@settings(max_examples=examples(80), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=_ANY_TEXT, tags=st.lists(_ANY_TEXT, max_size=3),
       people=st.lists(_ANY_TEXT, max_size=2), said=_ANY_TEXT)
def test_any_text_added_reads_back_exactly(tmp_path_factory: pytest.TempPathFactory,
                                           title: str, tags: list[str], people: list[str],
                                           said: str) -> None:
    assume(all(v.strip() == v for v in (title, said, *tags, *people)))
    path = _file(tmp_path_factory.mktemp("add"), STYLES)
    draft = {"id": "new", "date": "2015-02-15", "title": title, "tags": tags,
             "people": people, "quotes": [{"by": "Someone", "text": said}]}
    try:
        changes.add(path, [draft])
    except (WriteError, TimelineError):
        return
    event = _events(path)["new"]
    assert (event.title, list(event.tags), list(event.people)) == (title, tags, people)
    assert event.quotes[0].text == said
    loaded = _pure_python(path)["new"]
    assert loaded["title"] == title
    assert loaded.get("tags", []) == tags


# -- 2. comments belong to their lines -------------------------------------------------------------

COMMENTED = """\
events:
  - id: a
    date: 2015
    title: A   # on a's title
  # above b, b's own
  - id: b      # on b's id
    date: 2016 # on b's date
    # inside b, own line
    title: B   # on b's title
    tags:      # on the tags key
      - x      # on x
      - y
    summary: |  # on the header
      Two
      lines
    # below b's last line, b's own
  # above c, c's own
  - id: c
    date: 2017
    title: C
"""


def _comments(text: str) -> list[str]:
    return [line[line.index("#"):].rstrip() for line in text.splitlines() if "#" in line]


@pytest.mark.parametrize("assignment", [
    "place=Moscow", "end=2016-06", "date_note=Said so", "tags=p; q", "summary=One line",
    "title=New B", "tags=", "summary=", "category=diplomacy",
])
def test_changing_adding_or_removing_a_field_keeps_every_comment(tmp_path: Path,
                                                                 assignment: str) -> None:
    path = _file(tmp_path, COMMENTED)
    outcome = invoke("edit", "b", "--data", str(path), "--set", assignment)
    assert outcome.status == 0, outcome
    assert sorted(_comments(_text(path))) == sorted(_comments(COMMENTED))
    key, _, value = assignment.partition("=")
    event = _events(path)["b"]
    shown = getattr(event, key)
    if key == "tags":
        assert list(shown) == [v.strip() for v in value.split(";") if v.strip()]
    elif key == "end":
        assert shown is not None
        assert shown.text == value
    else:
        assert shown == value
    # Nothing outside event b changed.
    text = _text(path)
    assert text.startswith(COMMENTED[: COMMENTED.index("  # above b")])
    assert text.endswith(COMMENTED[COMMENTED.index("  # above c") :])


def test_remove_takes_the_event_s_own_lines_and_nothing_else(tmp_path: Path) -> None:
    path = _file(tmp_path, COMMENTED)
    assert invoke("remove", "b", "--data", str(path)).status == 0
    text = _text(path)
    assert text == COMMENTED[: COMMENTED.index("  # above b")] + \
        COMMENTED[COMMENTED.index("  # above c") :]
    assert "b's own" not in text
    assert "on b's" not in text


def test_remove_the_last_event_takes_its_trailing_comments(tmp_path: Path) -> None:
    text = COMMENTED + "    # c's last words\n# the file's own end\n"
    path = _file(tmp_path, text)
    assert invoke("remove", "c", "--data", str(path)).status == 0
    left = _text(path)
    assert "c's" not in left
    assert left.endswith("# below b's last line, b's own\n# the file's own end\n")


# -- 3. never over another change ------------------------------------------------------------------


def test_a_same_size_change_with_its_mtime_restored_is_not_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import relations_cli.store.install as install

    monkeypatch.setattr(install, "_racy", lambda info: False)  # times alone must tell
    path = _file(tmp_path, STYLES)
    snapshot = read_snapshot(path)
    assert not snapshot.content_hash
    info = os.stat(path)
    time.sleep(0.01)
    changed = _text(path).replace("Last", "Lost").encode()
    with open(path, "r+b") as handle:  # in place: same inode, same size
        handle.write(changed)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == info.st_mtime_ns
    with pytest.raises(WriteError, match="changed on disk"):
        commit(snapshot, set_fields(snapshot.text, "last", {"title": "X"}))
    assert path.read_bytes() == changed


def test_a_racily_clean_file_is_fingerprinted_by_its_content(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)  # just written: within the clock's granularity
    assert read_snapshot(path).content_hash


def test_a_symlinked_timeline_is_written_at_its_target_and_stays_a_link(
        tmp_path: Path) -> None:
    target = _file(tmp_path, STYLES, name="real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert invoke("add", "--data", str(link), "--date", "2016", "--title", "Via link").status \
        == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert "via-link" in _events(target)


def test_a_file_with_several_hard_links_is_refused_not_split(tmp_path: Path) -> None:
    first = _file(tmp_path, STYLES, name="one.yaml")
    second = tmp_path / "two.yaml"
    os.link(first, second)
    outcome = invoke("add", "--data", str(first), "--date", "2016", "--title", "X")
    assert outcome.status == 2
    assert "2 hard links" in outcome.stderr
    assert str(first) in outcome.stderr
    assert first.read_text() == second.read_text() == STYLES
    assert os.stat(first).st_ino == os.stat(second).st_ino


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # A hang would end in run()'s timeout (an error), never in a timed assertion.
    outcome = run("add", "--data", str(fifo), "--date", "2016", "--title", "X", timeout=20)
    assert outcome.status == 2, outcome
    assert "not a regular file" in outcome.stderr
    assert str(fifo) in outcome.stderr


@pytest.mark.parametrize("command", [["add", "--date", "2016", "--title", "X"],
                                     ["remove", "x"], ["edit", "x", "--set", "title=Y"]])
def test_a_device_is_refused(command: list[str]) -> None:
    outcome = invoke(command[0], "--data", "/dev/zero", *command[1:])
    assert outcome.status == 2, outcome
    assert "/dev/zero: is not a regular file" in outcome.stderr


def test_the_size_limit_holds_for_writes(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "X",
                     env={"RELATIONS_MAX_BYTES": "100"})
    assert outcome.status == 2, outcome
    assert "over the 100-byte limit" in outcome.stderr
    assert path.read_text() == STYLES


# -- 4. a write reads windows, not the whole file --------------------------------------------------

ORDERED = "title: Ordered\nevents:\n" + "".join(
    f"  - id: e{n}\n    date: 2015-{n:02d}\n    title: Event {n}   # {n}\n    place: Here\n\n"
    for n in range(1, 13))


@pytest.mark.parametrize(("operation", "arguments"), [
    ("add", {"drafts": [{"date": "2015-06-15", "title": "Mid June"}]}),
    ("add", {"drafts": [{"date": "2014", "title": "First of all"}]}),
    ("add", {"drafts": [{"date": "2016", "title": "Last of all"}]}),
    ("remove", {"event_id": "e1"}),
    ("remove", {"event_id": "e6"}),
    ("remove", {"event_id": "e12"}),
    ("edit", {"event_id": "e6", "changes": {"place": "", "summary": "New", "title": "Six"}}),
    ("edit", {"event_id": "e12", "changes": {"id": "twelve", "end": "2016"}}),
])
@pytest.mark.parametrize("indexed", [True, False])
def test_the_window_path_writes_the_whole_text_path_s_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str,
        arguments: dict[str, Any], indexed: bool) -> None:
    path = _file(tmp_path, ORDERED)
    if indexed:
        _index(path)
    text = _text(path)
    if operation == "add":
        expected = add_events(text, [dict(d, id=d.get("id") or "new")
                                     for d in arguments["drafts"]])
        arguments = {"drafts": [dict(d, id="new") for d in arguments["drafts"]]}
    elif operation == "remove":
        expected = remove_event(text, arguments["event_id"])
    else:
        expected = set_fields(text, arguments["event_id"], arguments["changes"])

    def whole_text_read(*_: object) -> None:
        raise AssertionError("the window path read the whole text")

    monkeypatch.setattr(changes, "read_text", whole_text_read)
    outcome = getattr(changes, operation)(path, **arguments)
    assert outcome.fast
    assert _text(path) == expected


def test_a_fresh_index_spares_the_reading(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, ORDERED)
    _index(path)
    import relations_cli.store.locate as locate

    def no_reading(*_: object) -> None:
        raise AssertionError("read the whole file though the index is fresh")

    monkeypatch.setattr(locate, "from_reading", no_reading)
    monkeypatch.setattr(changes, "from_reading", no_reading)
    assert changes.add(path, [{"date": "2015-03-15", "title": "Ides"}]).fast
    assert "ides" in _events(path)


@pytest.mark.parametrize("indexed", [True, False])
def test_odd_line_breaks_take_the_whole_text_path_with_the_same_result(tmp_path: Path,
                                                                        indexed: bool) -> None:
    # A raw LS in a quoted title: PyYAML counts it as a line break, LF counting does not.
    path = _file(tmp_path, ORDERED.replace("title: Event 3", 'title: "Event\u2028three"'))
    if indexed:
        _index(path)
    expected = set_fields(_text(path), "e9", {"place": "Omsk"})
    outcome = changes.edit(path, "e9", {"place": "Omsk"})
    assert not outcome.fast
    assert _text(path) == expected


# -- 5. date order with every date form ------------------------------------------------------------

_DATES = st.sampled_from([
    "2015", "2015-06", "2015-06-03", "2015-06/2015-09", "2015/", "2015-09/..",
    "1968-12-21/1968-12-27",
    "2015-21", "2016-24", "2015~", "2015-06?", "2015-06-03%", "-0043", "-0043-03-15", "196X",
    "2015-06-03T10:00Z", "2016-03-27", "2014-05/2016",
])


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(start=st.lists(_DATES, min_size=3, max_size=6), added=st.lists(_DATES, min_size=1,
                                                                       max_size=4))
def test_adds_keep_an_ordered_file_ordered_with_every_date_form(
        tmp_path_factory: pytest.TempPathFactory, start: list[str], added: list[str]) -> None:
    from relations_cli.store.write import order_key

    ordered = sorted(start, key=lambda d: order_key(d))  # type: ignore[arg-type, return-value]
    text = "events:\n" + "".join(f"  - id: s{n}\n    date: {d}\n    title: S{n}\n"
                                 for n, d in enumerate(ordered))
    path = _file(tmp_path_factory.mktemp("order"), text)
    for number, date in enumerate(added):
        changes.add(path, [{"id": f"a{number}", "date": date, "title": f"A{number}"}])
    keys = [order_key(event_date) for event_date in _dates_in_file_order(path)]
    assert keys == sorted(keys)  # type: ignore[type-var]
    outcome = invoke("validate", str(path), "--strict")
    assert outcome.status == 0, outcome


def _dates_in_file_order(path: Path) -> list[str]:
    loaded = yaml.load(_text(path), Loader=yaml.BaseLoader)
    return [event["date"] for event in loaded["events"]]


def test_an_add_into_a_file_with_intervals_goes_in_date_order(tmp_path: Path) -> None:
    path = _file(tmp_path, "events:\n  - id: a\n    date: 1968-12-21/1968-12-27\n"
                 "    title: Apollo 8\n  - id: b\n    date: 1969/\n    title: B\n"
                 "  - id: c\n    date: 1970-12/..\n    title: C\n")
    assert invoke("add", "--data", str(path), "--date", "1969-07-20", "--title", "Moon") \
        .status == 0
    assert _dates_in_file_order(path) == ["1968-12-21/1968-12-27", "1969/", "1969-07-20",
                                          "1970-12/.."]
    assert invoke("validate", str(path), "--strict").status == 0


# -- 6. nothing silently dropped -------------------------------------------------------------------


def test_repeated_source_groups_give_several_sources(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "Sourced",
                     "--source-title", "First", "--source-url", "https://one.example/",
                     "--source-title", "Second", "--source-publisher", "Two",
                     "--source-date", "2016-01-02", "--source-title", "Third")
    assert outcome.status == 0, outcome
    sources = _events(path)["sourced"].sources
    assert [(s.title, s.url, s.publisher, s.date) for s in sources] == [
        ("First", "https://one.example/", "", ""), ("Second", "", "Two", "2016-01-02"),
        ("Third", "", "", "")]


@pytest.mark.parametrize(("options", "message"), [
    (["--source-url", "https://x.example/", "--source-title", "T"], "give the title first"),
    (["--source-title", "T", "--source-url", "https://a.example/", "--source-url",
      "https://b.example/"], "a second --source-url for the source 'T'"),
])
def test_a_source_option_that_would_be_dropped_is_an_error(tmp_path: Path, options: list[str],
                                                           message: str) -> None:
    path = _file(tmp_path, STYLES)
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "X", *options)
    assert outcome.status == 2, outcome
    assert message in outcome.stderr
    assert path.read_text() == STYLES


def test_an_empty_json_list_adds_nothing_and_says_so(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = run("add", "--data", str(path), "--json", stdin="[]")
    assert outcome.status == 1, outcome
    assert "nothing added" in outcome.stderr
    assert "added  in" not in outcome.stderr
    assert path.read_text() == STYLES


def test_deeply_nested_json_is_a_usage_error(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = run("add", "--data", str(path), "--json", stdin="[" * 100000 + "]" * 100000)
    assert outcome.status == 2, outcome
    assert "nests too deeply" in outcome.stderr
    assert "Traceback" not in outcome.stderr


# -- 7. leftovers swept ----------------------------------------------------------------------------


def test_a_write_killed_by_sigkill_leaves_a_leftover_the_next_write_sweeps(
        tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    _index(path)  # so that the cache knows the file
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    # A writer that stops for good while its temporary file is open: killed there.
    script = (
        "import os, signal, sys\n"
        "import relations_cli.store.atomic as atomic\n"
        "real = os.replace\n"
        "def stop(*args):\n"
        "    print('ready', flush=True)\n"
        "    signal.pause()\n"
        "os.replace = stop\n"
        "from relations_cli.cli import main\n"
        f"sys.argv = ['relations', 'add', '--data', {str(path)!r}, '--date', '2016',"
        " '--title', 'Killed']\n"
        "main()\n")
    process = subprocess.Popen([sys.executable, "-c", script], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        held = leftovers(tmp_path, path.name)
        assert held == []  # its writer still holds it: not a leftover yet
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    left = leftovers(tmp_path, path.name)
    assert len(left) == 1
    assert left[0].name.startswith(f".{path.name}.")
    assert path.read_text() == STYLES
    listed = invoke("cache", "--format", "json")
    assert listed.status == 0, listed
    assert left[0].name in listed.stdout
    assert invoke("add", "--data", str(path), "--date", "2016", "--title", "Next").status == 0
    assert leftovers(tmp_path, path.name) == []
    assert not left[0].exists()


def test_relations_cache_lists_a_timeline_s_leftovers(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    _index(path)
    leftover = tmp_path / f"{temp_prefix(path.name)}abcd1234.tmp"
    leftover.write_text("half a timeline")
    outcome = invoke("cache", "--format", "json")
    assert outcome.status == 0, outcome
    assert leftover.name in outcome.stdout


@pytest.mark.parametrize("length", [200, 240, 250, 255])
def test_temp_names_fit_name_max_for_any_file_name(tmp_path: Path, length: int) -> None:
    name = "é" * ((length - 5) // 2) + "x" * ((length - 5) % 2) + ".yaml"
    assert len(os.fsencode(name)) == length
    path = tmp_path / name
    assert invoke("new", str(path)).status == 0
    assert len(os.fsencode(temp_prefix(name))) + 12 <= 255
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "Long")
    assert outcome.status == 0, outcome
    assert "long" in _events(path)


# -- 8. edits never lost ---------------------------------------------------------------------------


def _editor(tmp_path: Path, shell: str) -> dict[str, str]:
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + shell + "\n")
    script.chmod(0o755)
    return {"VISUAL": str(script), "EDITOR": str(script)}


@pytest.mark.parametrize(("meanwhile", "said"), [
    ('rm "$T"', "moved or removed while you edited"),
    ('mv "$T" "$T.moved"', "moved or removed while you edited"),
    ('printf "# touched\\n" >> "$T"', "changed on disk while you edited"),
])
def test_the_edited_copy_is_kept_when_the_file_changed_meanwhile(
        tmp_path: Path, meanwhile: str, said: str) -> None:
    path = _file(tmp_path, STYLES)
    editor = _editor(tmp_path, f'for last; do :; done\nsed -i "s/Last/Edited/" "$last"\n'
                               f"{meanwhile}")
    outcome = run("edit", "last", "--data", str(path), env={**editor, "T": str(path)})
    assert outcome.status == 2, outcome
    assert said in outcome.stderr
    assert "your version is in " in outcome.stderr
    kept = Path(outcome.stderr.split("your version is in ")[1].rstrip(")\n"))
    assert "title: Edited" in kept.read_text()
    kept.unlink()


def test_an_editor_that_deletes_its_copy_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    editor = _editor(tmp_path, 'for last; do :; done\nrm "$last"')
    outcome = run("edit", "last", "--data", str(path), env=editor)
    assert outcome.status == 2, outcome
    assert "the copy the editor had is gone" in outcome.stderr
    assert "standard output" not in outcome.stderr
    assert path.read_text() == STYLES


def test_new_on_a_full_disk_leaves_no_file_and_names_it(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    path = tmp_path / "new.yaml"
    outcome = invoke("new", str(path))
    assert outcome.status == 2, outcome
    assert f"{path}: cannot write: no space left on device" in outcome.stderr
    assert not path.exists()


def test_an_os_error_about_a_file_names_the_file_not_standard_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, STYLES)

    def refused(*_: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(changes, "opened_snapshot", refused)
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "X")
    assert outcome.status == 2, outcome
    assert outcome.stderr == f"relations: error: {path}: permission denied\n"


# -- 9. line endings kept, and what a dry run shows ------------------------------------------------


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize("command", [
    ["add", "--date", "2015-02-15", "--title", "Mid"], ["remove", "flow"],
    ["edit", "block", "--set", "end=2015-01-05"], ["edit", "quoted", "--set", "place="],
])
def test_line_endings_are_kept(tmp_path: Path, ending: str, command: list[str]) -> None:
    path = _file(tmp_path, STYLES, newline=ending)
    outcome = invoke(command[0], "--data", str(path), *command[1:])
    assert outcome.status == 0, outcome
    raw = path.read_bytes()
    others = {"\r": [b"\n"], "\r\n": [b"\n\n", b"\r\r"], "\n": [b"\r"]}[ending]
    if ending == "\r\n":
        assert raw.count(b"\r\n") == raw.count(b"\n") == raw.count(b"\r")
    else:
        assert all(other not in raw for other in others)
    _events(path)


def test_the_dry_run_diff_escapes_a_bidi_override(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    outcome = run("add", "--data", str(path), "--date", "2016", "--title",
                  "abc\u202edef", "--dry-run")
    assert outcome.status == 0, outcome
    assert "\u202e" not in outcome.stdout
    assert "+    title: abc" in outcome.stdout


def test_an_error_after_a_refused_write_says_its_line_is_the_would_be_file_s(
        tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    # An end before the date: only the whole event, as it would be written, can say so.
    outcome = invoke("edit", "last", "--data", str(path), "--set", "end=2014")
    assert outcome.status == 2, outcome
    assert "refused, nothing written" in outcome.stderr
    assert "as it would have been written" in outcome.stderr


def test_writes_refuse_a_file_that_is_not_valid(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES.replace("2015-04-01", "2015-04-31"))
    outcome = invoke("add", "--data", str(path), "--date", "2016", "--title", "X")
    assert outcome.status == 2, outcome
    assert f"{path}:" in outcome.stderr
    assert "does not exist" in outcome.stderr


def test_cache_clear_removes_a_timeline_s_leftovers(tmp_path: Path) -> None:
    path = _file(tmp_path, STYLES)
    _index(path)
    leftover = tmp_path / f"{temp_prefix(path.name)}abcd1234.tmp"
    leftover.write_text("half a timeline")
    outcome = invoke("cache", "--clear")
    assert outcome.status == 0, outcome
    assert not leftover.exists()
    assert "removed 1 temporary file" in outcome.stderr
    assert path.read_text() == STYLES


# -- the lock, held only while writing -------------------------------------------------------------


def test_a_dry_run_never_waits_for_the_lock(tmp_path: Path) -> None:
    import fcntl

    path = _file(tmp_path, ORDERED)
    with open(path, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another write in progress
        outcome = run("add", "--data", str(path), "--date", "2015-05-05", "--title", "Planned",
                      "--dry-run", timeout=30)
    assert outcome.status == 0, outcome
    assert "+  - id: planned" in outcome.stdout


def test_a_change_that_lands_while_a_write_is_planned_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, ORDERED)
    real = changes._planned
    landed: list[bool] = []

    def meanwhile(snapshot: Any, fast: Any) -> Any:
        planned = real(snapshot, fast)
        if not landed:  # another write lands between this one's planning and its lock
            landed.append(True)
            changes.add(path, [{"id": "other", "date": "2015-07-07", "title": "Other"}])
        return planned

    monkeypatch.setattr(changes, "_planned", meanwhile)
    changes.add(path, [{"id": "mine", "date": "2015-03-03", "title": "Mine"}])
    assert {"mine", "other"} <= set(_events(path))


def test_several_events_at_once_land_in_their_places_with_the_whole_text_s_bytes(
        tmp_path: Path) -> None:
    path = _file(tmp_path, ORDERED)
    drafts = [{"id": f"new{n}", "date": date, "title": f"New {n}"}
              for n, date in enumerate(["2015-06-15", "2014", "2016", "2015-06-20",
                                        "2015-01"])]
    expected = add_events(_text(path), [dict(d) for d in drafts])
    outcome = changes.add(path, drafts)
    assert outcome.fast
    assert _text(path) == expected
    assert outcome.diff.count("+++ b/") == 1


@pytest.mark.parametrize(("raw", "expected"), [
    (b"a\nb\nc\n", 3), (b"a\r\nb\r\n", 2), (b"a\rb\n", -1), ("a\u2028b\n".encode(), -1),
    ("a\x85b\n".encode(), -1), ("a\u2029\n".encode(), -1), ("Жа–б\n".encode(), 1), (b"", 0),
])
@pytest.mark.parametrize("chunk", [2, 3, 1 << 23])
def test_an_index_notes_whether_lf_counting_finds_the_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes, expected: int,
        chunk: int) -> None:
    import relations_cli.store.locate as locate

    monkeypatch.setattr(locate, "_CHUNK", chunk)  # sequences cut between chunks too
    path = tmp_path / "raw.yaml"
    path.write_bytes(raw * 3)
    assert locate.lf_newlines(path) == (expected * 3 if expected >= 0 else -1)


@pytest.mark.parametrize(("text", "key"), [
    ("events:\n  - id: a\n    date: 2001\n    place: Moscow   # said so\n    title: A\n", "place"),
    ("events:\n  - id: a\n    date: 2001\n    title: A\n    place: Moscow   # said so\n", "place"),
    ("events:\n  - place: Moscow   # said so\n    # and more\n    id: a\n    date: 2001\n"
     "    title: A\n", "place"),
])
def test_a_comment_on_a_removed_field_s_line_moves_to_a_line_of_its_own(text: str,
                                                                        key: str) -> None:
    rewritten = set_fields(text, "a", {key: ""})
    assert "Moscow" not in rewritten
    assert rewritten.count("# said so") == 1
    assert all(comment in rewritten for comment in _comments(text))
