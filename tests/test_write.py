"""Writing: add, remove and edit change only the event concerned, safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import WriteError
from relations_cli.store.install import commit, read_snapshot
from relations_cli.store.loader import parse_timeline
from relations_cli.store.write import (
    add_event,
    layout,
    remove_event,
    set_fields,
    yaml_scalar,
)
from tests.budgets import examples
from tests.helpers import BUNDLED, LEAKY_VARIABLES, ROOT, invoke, read_all, run

COMMENTED = """\
# header comment
title: Corpus   # trailing comment
people:
  - name: Xi Jinping
    aliases: [习近平]
events:
  # comment before the first event
  - id: first   # on the id
    date: 2015
    title: 'Single ''quoted'' title'
    tags: [ a,b ,  c ]
    summary: >
      A folded summary that runs
      over two lines.

  # comment between events

  - id: second
    date: "2015-06"
    title: "Double \\"quoted\\" \\u00e9"
    literal_free: no
  - id: third
    date: 2016-01-02
    title: plain title
    quotes:
      - by: Xi Jinping
        text: |
          A literal
            block.
"""
COMMENTED = COMMENTED.replace("    literal_free: no\n", "")
FLOW = """\
title: Flow
events:
  - {id: alpha, date: 2015-01-01, title: Alpha}
  - {id: beta, date: 2015-03-01, title: "Beta, with comma", tags: [x, y]}
  - id: gamma
    date: 2015-05
    title: Gamma
"""
CORPUS = {
    "commented": COMMENTED,
    "crlf": COMMENTED.replace("\n", "\r\n"),
    "bom": "\ufeff" + COMMENTED,
    "bom-crlf": "\ufeff" + COMMENTED.replace("\n", "\r\n"),
    "flow": FLOW,
    "no-final-newline": FLOW.rstrip("\n"),
    "deeper": FLOW.replace("\n  ", "\n      ").replace("events:\n", "events:\n"),
    "events-first": "events:\n- id: one\n  date: 2015\n  title: One\ntitle: Last\n",
    "unordered": "events:\n  - id: late\n    date: 2016\n    title: Late\n"
                 "  - id: early\n    date: 2015\n    title: Early\n",
}


def _bytes_of(text: str) -> bytes:
    return text.encode("utf-8")


def _one_insertion(before: bytes, after: bytes) -> bytes:
    """The bytes inserted (aligned to a line start when several places fit), asserting that
    nothing else changed."""
    added = len(after) - len(before)
    assert added > 0
    prefix = 0
    while prefix < len(before) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(before) and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    first = max(0, len(before) - suffix)
    assert first <= prefix, "bytes outside the new event changed"
    starts = [k for k in range(first, prefix + 1) if k == 0 or before[k - 1 : k] == b"\n"]
    at = starts[0] if starts else first
    return after[at : at + added]


def _one_cut(before: bytes, after: bytes) -> bytes:
    return _one_insertion(after, before)


def _write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _ids(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    timeline, problems = parse_timeline(text)
    assert not problems, problems
    assert timeline is not None
    return [event.id for event in timeline.events]


# -- add -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_add_changes_nothing_outside_the_new_event(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, CORPUS[name])
    before = path.read_bytes()
    outcome = invoke("add", "--data", str(path), "--date", "2015-04", "--title", "NO: 010",
                     "--tag", "1:20", "--quote", "Xi Jinping: #hashtag")
    assert outcome.status == 0, outcome
    assert outcome.stdout == "no-010\n"
    inserted = _one_insertion(before, path.read_bytes())
    assert b"no-010" in inserted
    assert b"date: 2015-04" in inserted
    if "crlf" in name:
        assert inserted.count(b"\n") == inserted.count(b"\r\n")
    else:
        assert b"\r" not in inserted
    assert "no-010" in _ids(path)


def test_add_to_the_bundled_data_goes_in_date_order(tmp_path: Path) -> None:
    path = _write(tmp_path, BUNDLED.read_text(encoding="utf-8"))
    before = path.read_bytes()
    outcome = invoke("add", "--data", str(path), "--date", "2015-09-04", "--title", "Next day",
                     "--id", "next-day")
    assert outcome.status == 0, outcome
    inserted = _one_insertion(before, path.read_bytes())
    assert inserted.startswith(b"\n  - id: next-day\n") or inserted.endswith(b"\n\n")
    text = path.read_text(encoding="utf-8")
    order = list(layout(text).items)
    dates = [item.date for item in order]
    position = [item.id for item in order].index("next-day")
    assert dates[position - 1] <= "2015-09-04" < dates[position + 1]


def test_unordered_file_gets_the_event_at_the_end(tmp_path: Path) -> None:
    path = _write(tmp_path, CORPUS["unordered"])
    assert invoke("add", "--data", str(path), "--date", "2014", "--title", "X").status == 0
    assert [item.id for item in layout(path.read_text()).items] == ["late", "early", "x"]


def test_ordered_file_gets_the_event_first_when_earliest(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    assert invoke("add", "--data", str(path), "--date", "2014", "--title", "X").status == 0
    assert [item.id for item in layout(path.read_text()).items][:2] == ["x", "alpha"]


@pytest.mark.parametrize("events", ["events:\n", "events: []\n", "events: []  # none yet\n"])
def test_add_to_an_empty_list(tmp_path: Path, events: str) -> None:
    path = _write(tmp_path, "title: Empty\n" + events + "people: []\n")
    assert invoke("add", "--data", str(path), "--date", "2015", "--title", "One").status == 0
    assert _ids(path) == ["one"]
    assert path.read_text().startswith("title: Empty\nevents:")
    assert path.read_text().endswith("people: []\n")


def test_id_is_unique_in_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    assert invoke("add", "--data", str(path), "--date", "2015", "--title", "Alpha!").stdout \
        == "alpha-2\n"


def test_json_from_stdin_adds_each_event(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    stdin = ('[{"date": "2015-02", "title": "From JSON", "tags": ["a"],'
             ' "figures": [{"label": "Exports", "value": 32.9}]},'
             ' {"date": "2016", "title": "Second", "id": "second-one"}]')
    outcome = run("add", "--data", str(path), "--json", stdin=stdin)
    assert outcome.status == 0, outcome
    assert outcome.stdout.split() == ["from-json", "second-one"]
    timeline, _ = parse_timeline(path.read_text())
    assert timeline is not None
    event = timeline.event("from-json")
    assert event is not None
    assert event.figures[0].value == "32.9"


@pytest.mark.parametrize("stdin", ['{"date": "2015"}', '{"title": "x", "date": "2015", "x": 1}',
                                   "not json", '[{"date": "2015", "title": ["a"]}]'])
def test_bad_json_is_a_usage_error(tmp_path: Path, stdin: str) -> None:
    path = _write(tmp_path, FLOW)
    outcome = run("add", "--data", str(path), "--json", stdin=stdin)
    assert outcome.status == 2, outcome
    assert path.read_text() == FLOW


@pytest.mark.parametrize("missing", [["--title", "No date"], ["--date", "2015"]])
def test_missing_fields_from_a_script_are_usage_errors(tmp_path: Path,
                                                       missing: list[str]) -> None:
    path = _write(tmp_path, FLOW)
    outcome = run("add", "--data", str(path), *missing, stdin="")
    assert outcome.status == 2, outcome
    assert "needs a" in outcome.stderr
    assert "--help" in outcome.stderr
    assert outcome.stdout == ""
    assert path.read_text() == FLOW


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    outcome = invoke("add", "--data", str(path), "--date", "2015-02", "--title", "Dry",
                     "--dry-run")
    assert outcome.status == 0, outcome
    assert "+  - id: dry\n" in outcome.stdout
    assert outcome.stdout.startswith("--- a/t.yaml")
    assert path.read_text() == FLOW


@pytest.mark.parametrize(("options", "message"), [
    (["--date", "2015-02-30", "--title", "Impossible"], "does not exist"),
    (["--date", "-0000", "--title", "Year zero"], "does not exist"),
    (["--date", "10000", "--title", "Far"], "outside -9999 to 9999"),
    (["--date", "2015", "--title", "Dup", "--id", "alpha"], "duplicate id 'alpha'"),
    (["--date", "2015", "--title", "Bad", "--id", "Not An Id"], "lowercase words"),
    (["--date", "2015", "--title", "Bad", "--category", "two words"], "one word"),
    (["--date", "2016", "--end", "2015", "--title", "Backwards"], "before date"),
])
def test_invalid_writes_leave_the_file_byte_identical(tmp_path: Path, options: list[str],
                                                      message: str) -> None:
    path = _write(tmp_path, "\ufeff" + FLOW.replace("\n", "\r\n"))
    before = path.read_bytes()
    outcome = invoke("add", "--data", str(path), *options)
    assert outcome.status == 2, outcome
    assert message in outcome.stderr
    assert outcome.stderr.count("\n") == 1
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]  # no temporary left behind


def test_the_bundled_timeline_is_never_written(tmp_path: Path) -> None:
    before = BUNDLED.read_bytes()
    for args in (["--data", str(BUNDLED)], []):
        outcome = invoke("add", *args, "--date", "2015", "--title", "No")
        assert outcome.status == 2, outcome
        assert "--data" in outcome.stderr
    assert BUNDLED.read_bytes() == before


def test_relations_data_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    outcome = invoke("add", "--date", "2015", "--title", "Env",
                     env={"RELATIONS_DATA": str(path)})
    assert outcome.status == 0, outcome
    assert "env" in _ids(path)


def test_mode_is_kept_and_the_next_query_sees_the_change(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    path.chmod(0o640)
    assert invoke("timeline", "--data", str(path)).status == 0  # builds the index
    assert invoke("add", "--data", str(path), "--date", "2015-02", "--title", "Seen").status \
        == 0
    assert path.stat().st_mode & 0o777 == 0o640
    outcome = invoke("timeline", "--data", str(path), "--format", "json")
    assert '"id": "seen"' in outcome.stdout


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    snapshot = read_snapshot(path)
    path.write_text(FLOW + "  - id: other\n    date: 2017\n    title: Other\n")
    os.utime(path, ns=(1, 1))
    changed = path.read_bytes()
    with pytest.raises(WriteError, match="changed on disk"):
        commit(snapshot, add_event(snapshot.text, {"date": "2015", "title": "X", "id": "x"}))
    assert path.read_bytes() == changed


def test_commit_refuses_an_invalid_result(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    with pytest.raises(WriteError, match="month 13 does not exist; refused"):
        commit(read_snapshot(path), FLOW.replace("2015-05", "2015-13"))
    assert path.read_text() == FLOW


def test_a_failed_commit_leaves_the_file_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = _write(tmp_path, FLOW)
    snapshot = read_snapshot(path)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError, match=r"t\.yaml: cannot write: no space left on device; "
                                         "nothing written"):
        commit(snapshot, add_event(snapshot.text, {"date": "2015", "title": "X", "id": "x"}))
    assert path.read_text() == FLOW
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_commit_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    path.chmod(0o640)
    snapshot = read_snapshot(path)
    commit(snapshot, add_event(snapshot.text, {"date": "2015", "title": "X", "id": "x"}))
    assert path.stat().st_mode & 0o7777 == 0o640
    assert "id: x" in path.read_text()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_concurrent_adds_in_processes_all_land(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    processes = [
        subprocess.Popen([sys.executable, "-m", "relations_cli", "add", "--data", str(path),
                          "--date", f"2015-0{n}", "--title", f"Concurrent {n}"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for n in range(1, 5)
    ]
    for process in processes:
        _, error = process.communicate(timeout=120)
        assert process.returncode == 0, error
    assert {f"concurrent-{n}" for n in range(1, 5)} <= set(_ids(path))


# -- values read back as written --------------------------------------------------------------


@pytest.mark.parametrize("value", ["NO", "yes", "~", "null", "010", "0x1F", "1:20", "2016-03",
                                   "1e3", "#hashtag", "- dash", "a: b", "a #b", "it's", "'",
                                   '"', "[x]", "{x}", "@at", "`tick", "%", "x\ny", "tab\tin",
                                   "\x85", "\u2028", "é", "\ufeffbom", ".inf", "=", "<<"])
def test_values_yaml_would_misread_are_quoted(value: str) -> None:
    import yaml

    for flow in (False, True):
        written = yaml_scalar(value, flow=flow)
        document = f"x: [{written}]" if flow else f"x: {written}"
        read = yaml.safe_load(document)["x"]
        assert (read[0] if flow else read) == value, written


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30).filter(
    lambda s: bool(s.strip()))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, summary=_TEXT, place=_TEXT, note=_TEXT, item=_TEXT, by=_TEXT, said=_TEXT,
       source=_TEXT, url=_TEXT, label=_TEXT, value=_TEXT)
def test_every_text_field_reads_back_as_written(title: str, summary: str, place: str,
                                                note: str, item: str, by: str, said: str,
                                                source: str, url: str, label: str,
                                                value: str) -> None:
    draft = {
        "id": "new", "date": "2015-06", "title": title, "summary": summary, "place": place,
        "date_note": note, "actors": [item], "people": [item], "tags": [item],
        "quotes": [{"by": by, "text": said}],
        "sources": [{"title": source, "url": url, "publisher": source}],
        "figures": [{"label": label, "value": value, "unit": item, "change": item}],
    }
    for base in (FLOW, CORPUS["crlf"]):
        timeline, problems = parse_timeline(add_event(base, draft))
        assert not problems, problems
        assert timeline is not None
        event = timeline.event("new")
        assert event is not None
        assert (event.title, event.summary, event.place, event.date_note) == (
            title.strip(), summary.strip(), place.strip(), note.strip())
        assert event.actors == event.people == event.tags == (item.strip(),)
        assert tuple(event.quotes[0]) == (by.strip(), said.strip())
        assert (event.sources[0].title, event.sources[0].url) == (source.strip(), url.strip())
        assert tuple(event.figures[0]) == (label.strip(), value.strip(), item.strip(),
                                           item.strip())


# -- remove and edit ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_remove_cuts_only_the_event(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, CORPUS[name])
    ids = _ids(path)
    for event_id in (ids[-1], ids[0])[: len(ids) - 1]:
        before = path.read_bytes()
        outcome = invoke("remove", event_id, "--data", str(path))
        assert outcome.status == 0, outcome
        cut = _one_cut(before, path.read_bytes())
        assert f"id: {event_id}".encode() in cut or f"id: {event_id},".encode() in cut
        assert cut.count(b"id:") == 1
        # The event's own comments go with it (directly above its '-', and on its lines);
        # every other comment stays.
        own = cut.replace(b"# on the id", b"").replace(b"# comment before the first event", b"")
        assert b"#" not in own
        assert event_id not in _ids(path)


def test_remove_from_the_bundled_data(tmp_path: Path) -> None:
    path = _write(tmp_path, BUNDLED.read_text(encoding="utf-8"))
    middle = _ids(path)[5]
    before = path.read_bytes()
    assert invoke("remove", middle, "--data", str(path), "--dry-run").status == 0
    assert path.read_bytes() == before
    assert invoke("remove", middle, "--data", str(path)).status == 0
    cut = _one_cut(before, path.read_bytes())
    assert cut.strip(b"\n").startswith(f"  - id: {middle}\n".encode())
    assert b"\n\n" not in cut.strip(b"\n")  # the event, and one blank line beside it
    assert cut.startswith(b"\n") or cut.endswith(b"\n\n")


def test_remove_an_unknown_id(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    outcome = invoke("remove", "nope", "--data", str(path))
    assert outcome.status == 2
    assert "no event with id 'nope'" in outcome.stderr


def test_remove_the_only_event_leaves_a_valid_empty_list(tmp_path: Path) -> None:
    path = _write(tmp_path, CORPUS["events-first"])
    assert invoke("remove", "one", "--data", str(path)).status == 0
    assert path.read_text() == "events: []\ntitle: Last\n"
    assert _ids(path) == []


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_edit_set_changes_only_that_value(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, CORPUS[name])
    event_id = _ids(path)[-1]
    before = path.read_bytes()
    outcome = invoke("edit", event_id, "--data", str(path), "--set", "title=Yes: 010",
                     "--set", "date=2016-03-27")
    assert outcome.status == 0, outcome
    after = path.read_bytes()
    timeline, _ = parse_timeline(after.decode().removeprefix("\ufeff"))
    assert timeline is not None
    event = timeline.event(event_id)
    assert event is not None
    assert (event.title, event.date.text) == ("Yes: 010", "2016-03-27")
    # Only bytes of that event changed.
    item = next(i for i in layout(before.decode().removeprefix("\ufeff")).items
                if i.id == event_id)
    bom = 3 if before.startswith(b"\xef\xbb\xbf") else 0
    start = len(before.decode()[: item.start + bom].encode()) if bom else \
        len(before.decode()[: item.start].encode())
    assert after[:start] == before[:start]


def test_edit_set_in_place_keeps_the_event_s_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, COMMENTED)
    assert invoke("edit", "first", "--data", str(path), "--set", "id=premier").status == 0
    assert path.read_text() == COMMENTED.replace("id: first   #", "id: premier   #")


def test_edit_set_a_list_or_a_new_field(tmp_path: Path) -> None:
    text = set_fields(FLOW, "gamma", {"tags": "a; b", "place": "Moscow"})
    event = _event(text, "gamma")
    assert (event.tags, event.place) == (("a", "b"), "Moscow")
    assert text.startswith(FLOW[: FLOW.index("  - id: gamma")])


def test_edit_set_refuses_bad_fields_and_invalid_results(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    assert invoke("edit", "alpha", "--data", str(path), "--set", "colour=red").status == 2
    assert invoke("edit", "alpha", "--data", str(path), "--set", "date=2015-02-30").status == 2
    assert invoke("edit", "alpha", "--data", str(path), "--set", "id=beta").status == 2
    assert path.read_text() == FLOW


def _event(text: str, event_id: str):  # type: ignore[no-untyped-def]
    timeline, problems = parse_timeline(text)
    assert timeline is not None, problems
    return timeline.event(event_id)


def test_remove_event_and_add_event_are_inverse() -> None:
    draft = {"id": "mid", "date": "2015-02", "title": "Middle"}
    assert remove_event(add_event(FLOW, draft), "mid") == FLOW
    bundled = BUNDLED.read_text(encoding="utf-8")
    assert remove_event(add_event(bundled, draft), "mid") == bundled


# -- edit in an editor --------------------------------------------------------------------------

EDITOR = """\
import sys
from pathlib import Path

path = Path(sys.argv[-1])
assert sys.argv[-2].startswith("+")
runs = Path(sys.argv[1])
count = int(runs.read_text()) + 1 if runs.exists() else 1
runs.write_text(str(count))
actions = sys.argv[2].split(",")
action = actions[min(count, len(actions)) - 1]
text = path.read_bytes()
if action == "change":
    text = text.replace(b"date: 2015-13", b"date: 2015-05")  # mends a broken first try
    path.write_bytes(text.replace(b"title: Gamma", b"title: Gamma, edited"))
elif action == "break":
    path.write_bytes(text.replace(b"date: 2015-05", b"date: 2015-13"))
elif action == "line":
    Path(str(runs) + ".line").write_text(sys.argv[-2])
"""


def _editor(tmp_path: Path, actions: str) -> dict[str, str]:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    runs = tmp_path / "runs"
    return {"VISUAL": f"{sys.executable} {script} {runs} {actions}"}


def test_edit_in_an_editor_installs_a_valid_change(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    outcome = invoke("edit", "gamma", "--data", str(path), env=_editor(tmp_path, "change"))
    assert outcome.status == 0, outcome
    assert path.read_text() == FLOW.replace("title: Gamma", "title: Gamma, edited")


def test_edit_opens_the_editor_at_the_event_s_line(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    outcome = invoke("edit", "gamma", "--data", str(path), env=_editor(tmp_path, "line"))
    assert outcome.status == 0, outcome
    assert "no change" in outcome.stderr
    assert (tmp_path / "runs.line").read_text() == "+5"
    assert path.read_text() == FLOW


def test_the_editor_runs_through_the_shell_as_git_runs_it(tmp_path: Path) -> None:
    # Variables and quoting in $VISUAL work as in git; a value the shell cannot read is one
    # error line, not a traceback.
    path = _write(tmp_path, FLOW)
    env = _editor(tmp_path, "change")
    env["VISUAL"] = env["VISUAL"].replace(str(tmp_path), '"$EDITED_IN"')
    env["EDITED_IN"] = str(tmp_path)
    outcome = invoke("edit", "gamma", "--data", str(path), env=env)
    assert outcome.status == 0, outcome
    assert path.read_text() == FLOW.replace("title: Gamma", "title: Gamma, edited")
    broken = invoke("edit", "gamma", "--data", str(path), env={"VISUAL": 'vi "unclosed'})
    assert broken.status == 2, broken
    assert broken.stderr.startswith("relations: error: the editor")
    assert broken.stderr.count("\n") == 1


def test_edit_that_breaks_the_file_can_be_edited_again(tmp_path: Path) -> None:
    path = _write(tmp_path, FLOW)
    from typer.testing import CliRunner

    from relations_cli.cli import app

    result = CliRunner().invoke(app, ["edit", "gamma", "--data", str(path)],
                                env=_editor(tmp_path, "break,change"), input="e\n")
    assert result.exit_code == 0, result.stderr
    assert "month 13" in result.stderr
    assert "Edit again or abandon" in result.stderr
    assert path.read_text() == FLOW.replace("title: Gamma", "title: Gamma, edited")


@pytest.mark.parametrize("answer", ["a\n", ""])
def test_edit_that_breaks_the_file_can_be_abandoned(tmp_path: Path, answer: str) -> None:
    path = _write(tmp_path, FLOW)
    from typer.testing import CliRunner

    from relations_cli.cli import app

    result = CliRunner().invoke(app, ["edit", "gamma", "--data", str(path)],
                                env=_editor(tmp_path, "break"), input=answer)
    assert result.exit_code == 2
    assert "abandoned" in result.stderr
    assert path.read_text() == FLOW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["editor.py", "runs", "t.yaml"]


def test_on_a_terminal_missing_fields_are_asked_for(tmp_path: Path) -> None:
    import pty

    path = _write(tmp_path, COMMENTED)
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "add", "--data", str(path)],
        stdin=secondary, stderr=secondary, stdout=subprocess.PIPE, env=env, close_fds=True)
    os.close(secondary)
    os.write(main, b"2015-07\nAsked for\n\nXi Jinping\nBeijing\n")
    shown = read_all(main)
    stdout = process.stdout.read() if process.stdout else b""
    assert process.wait(timeout=60) == 0, shown
    os.close(main)
    assert stdout == b"asked\n"  # an id never ends on a stop-word ("for")
    assert b"Title" in shown
    assert b"in use: Xi Jinping" in shown
    event = _event(path.read_text(), "asked")
    assert (event.date.text, event.people, event.place) == ("2015-07", ("Xi Jinping",),
                                                           "Beijing")


@pytest.mark.parametrize("written", ["2015-09/", "2015-09/..", "2015-09/2016-03"])
def test_rewriting_an_event_keeps_an_open_or_unknown_end(written: str) -> None:
    # A new field is added beside the others: the end written inside the date (EDTF's
    # `2015-09/`, `2015-09/..`) stays as written, not as an empty `end`.
    text = f'events:\n  - id: talks\n    date: "{written}"\n    title: Talks\n'
    rewritten = set_fields(text, "talks", {"place": "Moscow", "tags": "a; b"})
    event = _event(rewritten, "talks")
    assert (event.when, event.place) == (written.replace("/2016", "..2016"), "Moscow")


def test_setting_an_end_replaces_one_written_inside_the_date() -> None:
    text = 'events:\n  - id: talks\n    date: "2015-09/"\n    title: Talks\n'
    rewritten = set_fields(text, "talks", {"end": "2016-03"})
    assert _event(rewritten, "talks").when == "2015-09..2016-03"
