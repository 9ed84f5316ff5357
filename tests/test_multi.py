"""Several timelines read as one, folders, $RELATIONS_DATA with ':', and standard input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relations_cli.core.errors import TimelineError
from relations_cli.core.query import Query
from relations_cli.store.source import open_engine
from tests.helpers import BUNDLED, invoke, run, write


def timeline(*events: tuple[str, str], people: str = "") -> str:
    text = f"people:\n{people}" if people else ""
    text += "events:\n"
    for event_id, date in events:
        text += f"  - id: {event_id}\n    date: {date}\n    title: Event {event_id}\n"
    return text


def two_files(tmp_path: Path) -> tuple[Path, Path]:
    first = write(tmp_path, timeline(("a1", "2015-01"), ("a2", "2016-06")), "a.yaml")
    second = write(tmp_path, timeline(("b1", "2014"), ("b2", "2015-03-01"), ("b3", "2017")),
                   "b.yaml")
    return first, second


def test_events_merge_in_date_order(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    engine = open_engine([str(first), str(second)])
    assert [e.id for e in engine.select(Query())] == ["b1", "a1", "b2", "a2", "b3"]
    assert [e.id for e in engine.select(Query(limit=2, reverse=True))] == ["b3", "a2"]
    assert engine.count() == 5
    found = engine.event("b2")
    assert found is not None
    assert found.file == str(second)
    assert engine.summarize(Query(), ("year",)).count == 5


def test_an_id_in_two_files_names_both(tmp_path: Path) -> None:
    first = write(tmp_path, timeline(("same", "2015")), "a.yaml")
    second = write(tmp_path, timeline(("other", "2014"), ("same", "2016")), "b.yaml")
    outcome = invoke("timeline", "--data", str(first), "--data", str(second))
    assert outcome.status == 2, outcome
    assert (f"{second}:5:5: duplicate id 'same' (also at {first}:2:5)") in outcome.stderr


def test_a_person_described_differently_names_both(tmp_path: Path) -> None:
    first = write(tmp_path, timeline(("a", "2015"), people="  - name: Xi\n    role: One\n"),
                  "a.yaml")
    second = write(tmp_path, timeline(("b", "2015"), people="  - name: Xi\n    role: Two\n"),
                   "b.yaml")
    with pytest.raises(TimelineError) as raised:
        open_engine([str(first), str(second)])
    assert str(raised.value) == (f"{second}:2:5: person 'Xi' is described differently in "
                                 f"{first}:2:5; describe them the same way in both "
                                 "registries, or in one")
    same = write(tmp_path, timeline(("c", "2015"), people="  - name: Xi\n    role: One\n"),
                 "c.yaml")
    assert len(open_engine([str(first), str(same)]).registry.people) == 1


def test_a_folder_reads_its_yaml_files_sorted(tmp_path: Path) -> None:
    two_files(tmp_path)
    write(tmp_path, "not a timeline", "notes.txt")
    outcome = invoke("timeline", "--data", str(tmp_path), "--format", "plain")
    assert outcome.status == 0, outcome
    assert [line.split("\t")[1] for line in outcome.stdout.splitlines()] == [
        "b1", "a1", "b2", "a2", "b3"]
    empty = tmp_path / "empty"
    empty.mkdir()
    outcome = invoke("timeline", "--data", str(empty))
    assert outcome.status == 2, outcome
    assert "no *.yaml or *.yml timeline" in outcome.stderr


def test_env_holds_several_paths(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    outcome = invoke("timeline", "--format", "plain",
                     env={"RELATIONS_DATA": f"{first}:{second}"})
    assert outcome.status == 0, outcome
    assert len(outcome.stdout.splitlines()) == 5


def test_json_names_the_file_only_with_several(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    several = json.loads(invoke("timeline", "-d", str(first), "-d", str(second),
                                "--format", "json").stdout)
    assert {record["file"] for record in several} == {str(first), str(second)}
    one = json.loads(invoke("timeline", "-d", str(first), "--format", "json").stdout)
    assert all("file" not in record for record in one)


def test_data_from_standard_input() -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    outcome = run("timeline", "--data", "-", "--format", "json", "--limit", "1", stdin=text)
    assert outcome.status == 0, outcome
    [record] = json.loads(outcome.stdout)
    assert record["id"] == "sino-soviet-confrontation"
    assert "file" not in record
    bad = run("timeline", "--data", "-",
              stdin="events:\n  - id: x\n    date: 2015-13\n    title: X\n")
    assert bad.status == 2, bad
    assert bad.stderr.startswith("relations: error: <stdin>:3:11: ")
    valid = run("validate", "--data", "-", "--strict", stdin=text)
    assert valid.status == 0, valid
    assert "<stdin> is valid" in valid.stderr


def test_writes_refuse_several_files(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    before = first.read_bytes()
    for args in (["-d", str(first), "-d", str(second)], ["-d", str(tmp_path)], ["-d", "-"]):
        outcome = invoke("add", *args, "--date", "2016", "--title", "New")
        assert outcome.status == 2, outcome
        assert "a write changes one timeline file" in outcome.stderr
    outcome = invoke("remove", "a1", env={"RELATIONS_DATA": f"{first}:{second}"})
    assert outcome.status == 2, outcome
    assert first.read_bytes() == before


@pytest.mark.parametrize("by", [("year",), ("month",), ("category",), ("quarter", "category"),
                                ("person",), ("decade", "tag")])
@pytest.mark.parametrize("use_cache", [True, False])
def test_a_summary_of_several_files_is_the_summary_of_their_events(
        tmp_path: Path, by: tuple[str, ...], use_cache: bool) -> None:
    # The bundled timeline cut in three files: counted per file and added up, the summary
    # must be the one its events give read as one file (the busiest month decided again).
    text = BUNDLED.read_text(encoding="utf-8")
    head, _, body = text.partition("\nevents:\n")
    items = ["  - id: " + chunk for chunk in body.split("\n  - id: ")]
    items[0] = items[0].removeprefix("  - id: ")
    parts = [items[0::3], items[1::3], items[2::3]]
    paths = [write(tmp_path, head + "\nevents:\n" + "".join(
        item if item.endswith("\n") else item + "\n" for item in part), f"part{n}.yaml")
        for n, part in enumerate(parts)]
    whole = open_engine(str(BUNDLED), use_cache=use_cache).summarize(Query(), by)
    split = open_engine([str(p) for p in paths], use_cache=use_cache).summarize(Query(), by)
    assert split.count == whole.count
    assert split.groups == whole.groups
    assert split.apart == whole.apart
    assert split.busiest == whole.busiest
    assert (split.start, split.end) == (whole.start, whole.end)
    assert split.span == whole.span
    assert split.first is not None
    assert whole.first is not None
    assert (split.first.id, split.last and split.last.id) == (
        whole.first.id, whole.last and whole.last.id)


def test_a_checked_set_of_files_is_not_checked_again(tmp_path: Path) -> None:
    from relations_cli.store.multi import MultiEngine

    first, second = two_files(tmp_path)
    verdict = tmp_path / "checked" / "ids"
    engines = [(str(p), open_engine(str(p))) for p in (first, second)]
    checked = MultiEngine(engines, verdict)
    assert verdict.exists()
    trusted = MultiEngine(engines, verdict)
    for engine in (checked, trusted):
        assert sorted(engine.ids()) == ["a1", "a2", "b1", "b2", "b3"]
        found = engine.event("b2")
        assert found is not None
        assert found.file == str(second)
        assert engine.event("nope") is None


def test_a_changed_file_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from relations_cli.store.source import _ids_verdict

    first, second = two_files(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # Files changed just now could be edited again without a change of times: no verdict.
    assert _ids_verdict([first, second]) is None
    later = time.time_ns() + 5_000_000_000
    monkeypatch.setattr(time, "time_ns", lambda: later)
    before = _ids_verdict([first, second])
    assert before is not None
    second.write_text(timeline(("b1", "2014"), ("a1", "2015")), encoding="utf-8")
    after = _ids_verdict([first, second])
    assert after is not None
    assert after != before
    with pytest.raises(TimelineError, match="duplicate id 'a1'"):
        open_engine([str(first), str(second)])
