"""`--format sqlite` (issue 23): a database the data tools people have can read.

Each file is opened with sqlite-utils, as its users open it, and its counts and joins are held
to relations' own answers (`timeline`, `people`, `quotes`, `figures`, `summary --by category`)
as JSON; the CREATE statements are held to a golden file (UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from relations_cli.core.model import Event
from relations_cli.render import database
from tests.helpers import BUNDLED, FIXTURES, LEAKY_VARIABLES, ROOT, invoke, on_terminal, write
from tests.publish_forms import forms, write_forms

GOLDEN = Path(__file__).resolve().parent / "golden" / "sqlite.schema.sql.txt"
TABLES = {"timeline", "events", "people", "aliases", "event_people", "actors", "tags",
          "quotes", "figures", "sources"}


def _json(*args: str) -> Any:
    result = invoke(*args, "--format", "json")
    assert result.status == 0, result
    return json.loads(result.stdout)


def _database(tmp_path: Path, *args: str, name: str = "timeline.db") -> sqlite_utils.Database:
    path = tmp_path / name
    result = invoke(*args, "--output", str(path))
    assert result.status == 0, result
    assert result.stdout == ""
    return sqlite_utils.Database(path)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite_utils.Database]:
    db = _database(tmp_path_factory.mktemp("db"), "timeline", "--data", str(BUNDLED))
    yield db
    db.close()


def _rows(db: sqlite_utils.Database, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, params).fetchall()]


# -- what the file holds ------------------------------------------------------------------------


def test_the_schema_is_the_golden_one(bundled: sqlite_utils.Database) -> None:
    statements = [sql for (sql,) in _rows(
        bundled, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    version = _rows(bundled, "PRAGMA user_version")[0][0]
    text = f"-- PRAGMA user_version = {version}\n" + "".join(f"{s};\n" for s in statements)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8", newline="")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert statements == database.schema()


def test_the_tables_and_their_foreign_keys(bundled: sqlite_utils.Database) -> None:
    assert set(bundled.table_names()) == TABLES
    references = {(fk.table, fk.column, fk.other_table, fk.other_column)
                  for name in TABLES for fk in bundled.table(name).foreign_keys}
    for name in ("event_people", "actors", "tags", "quotes", "figures", "sources"):
        assert (name, "event_id", "events", "id") in references
    for name in ("aliases", "event_people", "quotes"):
        assert (name, "person_id", "people", "id") in references
    assert _rows(bundled, "PRAGMA foreign_key_check") == []
    assert bundled.table("events").pks == ["id"]


def test_events_are_the_timeline_in_its_order(bundled: sqlite_utils.Database) -> None:
    expected = _json("timeline", "--data", str(BUNDLED))
    assert bundled["events"].count == len(expected)
    rows = list(bundled.query("SELECT * FROM events ORDER BY position"))
    assert [r["id"] for r in rows] == [e["id"] for e in expected]
    assert [r["position"] for r in rows] == list(range(1, len(expected) + 1))
    for row, event in zip(rows, expected, strict=True):
        assert (row["date"], row["end_date"], row["title"]) == (
            event["date"], event["end"], event["title"])
        assert (row["summary"] or "", row["category"] or "", row["place"] or "",
                row["date_note"] or "") == (event["summary"], event["category"],
                                            event["place"], event["date_note"])
        actors = _rows(bundled, "SELECT actor FROM actors WHERE event_id = ? ORDER BY position",
                       event["id"])
        tags = _rows(bundled, "SELECT tag FROM tags WHERE event_id = ? ORDER BY position",
                     event["id"])
        sources = list(bundled.query(
            "SELECT title, url, publisher, date FROM sources WHERE event_id = ? "
            "ORDER BY position", [event["id"]]))
        assert [a for (a,) in actors] == event["actors"]
        assert [t for (t,) in tags] == event["tags"]
        assert [{k: v or "" for k, v in s.items()} for s in sources] == event["sources"]


def test_people_are_relations_people_with_their_counts(bundled: sqlite_utils.Database) -> None:
    expected = _json("people", "--data", str(BUNDLED))
    rows = list(bundled.query("SELECT * FROM people ORDER BY id"))
    assert [r["name"] for r in rows] == [p["name"] for p in expected]
    assert [r["role"] or "" for r in rows] == [p["role"] for p in expected]
    for person in expected:
        aliases = _rows(bundled, "SELECT alias FROM aliases JOIN people ON people.id = "
                        "person_id WHERE name = ? ORDER BY position", person["name"])
        assert [a for (a,) in aliases] == person["aliases"]
    # The join: each person's events and quotes, through the aliases the events use.
    events = dict(_rows(bundled, "SELECT people.name, count(event_people.event_id) FROM people "
                        "LEFT JOIN event_people ON event_people.person_id = people.id "
                        "GROUP BY people.id"))
    quotes = dict(_rows(bundled, "SELECT people.name, count(quotes.text) FROM people "
                        "LEFT JOIN quotes ON quotes.person_id = people.id GROUP BY people.id"))
    assert events == {p["name"]: p["events"] for p in expected}
    assert quotes == {p["name"]: p["quotes"] for p in expected}
    assert any(p["aliases"] for p in expected)  # the bundled timeline has aliases to resolve


def test_quotes_joined_to_events_and_people_are_relations_quotes(
        bundled: sqlite_utils.Database) -> None:
    expected = _json("quotes", "--data", str(BUNDLED))
    rows = _rows(bundled, """
        SELECT events.id, people.name, quotes.text FROM quotes
        JOIN events ON events.id = quotes.event_id
        LEFT JOIN people ON people.id = quotes.person_id
        ORDER BY events.position, quotes.position""")
    assert rows == [(q["event"], q["by"], q["text"]) for q in expected]


def test_figures_and_categories_are_relations_answers(bundled: sqlite_utils.Database) -> None:
    figures = _json("figures", "--data", str(BUNDLED))
    rows = list(bundled.query("SELECT figures.*, events.id AS event FROM figures JOIN events "
                              "ON events.id = event_id ORDER BY events.position, "
                              "figures.position"))
    assert [(r["event"], r["label"], r["value"], r["unit"] or "", r["change"] or "")
            for r in rows] == [(f["event"], f["label"], f["value"], f["unit"], f["change"])
                               for f in figures]
    assert all(r["number"] == float(r["value"]) for r in rows)
    summary = _json("summary", "--data", str(BUNDLED), "--by", "category")
    counted = dict(_rows(bundled, "SELECT coalesce(category, '(none)'), count(*) FROM events "
                         "GROUP BY 1"))
    assert counted == {g["category"]: g["count"] for g in summary["groups"]}
    assert bundled["timeline"].count == 1


def test_every_date_form_keeps_its_text_and_its_first_and_last_day(tmp_path: Path) -> None:
    data = write_forms(tmp_path / "forms.yaml")
    db = _database(tmp_path, "timeline", "--data", str(data))
    rows = {r["id"]: r for r in db.query("SELECT * FROM events")}
    every = forms()
    assert len(rows) == len(every)
    # SQLite's own calendar reads the Julian day numbers back (it knows years 0 to 9999).
    for form in every:
        row = rows[form.id]
        last = form.last or form.start
        assert row["date"] == form.start.text or form.end is None
        assert (row["first_day"], row["last_day"]) == (form.start.start.isoformat(),
                                                       last.end.isoformat())
        assert row["last_julian_day"] - row["first_julian_day"] == last.end - form.start.start
        if not row["first_day"].startswith("-"):
            assert _rows(db, "SELECT date(?)", row["first_julian_day"])[0][0] == row["first_day"]
    # The chronology's order is the order of the first and last days, across the era.
    ordered = [r["id"] for r in db.query(
        "SELECT id FROM events ORDER BY first_julian_day, last_julian_day, position")]
    assert ordered == [r["id"] for r in db.query("SELECT id FROM events ORDER BY position")]


def test_an_unknown_or_open_end_is_kept_as_written(tmp_path: Path) -> None:
    data = write(tmp_path, """\
events:
  - {id: open, date: 2015-09/.., title: Open}
  - {id: unknown, date: 2015-09/, title: Unknown}
  - {id: none, date: 2015-09, title: None}
""")
    db = _database(tmp_path, "timeline", "--data", str(data))
    rows = {r["id"]: (r["end_date"], r["last_day"], r["end_precision"])
            for r in db.query("SELECT * FROM events")}
    assert rows == {"open": ("..", "9999-12-31", None), "unknown": ("", "2015-09-30", None),
                    "none": (None, "2015-09-30", None)}


def test_filters_choose_the_events_and_people_named_only_by_events_are_people(
        tmp_path: Path) -> None:
    data = write(tmp_path, """\
people:
  - {name: Xi Jinping, role: President, aliases: [习近平]}
events:
  - {id: a, date: 2015, title: A, category: trade, people: [习近平, Nobody]}
  - {id: b, date: 2016, title: B, category: war, quotes: [{by: Somebody, text: Hi}]}
""")
    db = _database(tmp_path, "timeline", "--data", str(data), "--category", "trade")
    assert _rows(db, "SELECT id FROM events") == [("a",)]
    assert _rows(db, "SELECT name, in_registry FROM people ORDER BY id") == [
        ("Xi Jinping", 1), ("Nobody", 0)]
    # 习近平 is Xi Jinping: names come resolved through the registry, as in every export.
    assert _rows(db, "SELECT people.name, quoted_only FROM event_people JOIN "
                 "people ON people.id = person_id ORDER BY position") == [
        ("Xi Jinping", 0), ("Nobody", 0)]
    whole = _database(tmp_path, "timeline", "--data", str(data), name="whole.db")
    assert _rows(whole, "SELECT people.name, speaker, quoted_only FROM quotes JOIN people ON "
                 "people.id = quotes.person_id JOIN event_people USING (event_id, person_id)"
                 ) == [("Somebody", "Somebody", 1)]


def test_one_event_and_several_files(tmp_path: Path) -> None:
    one = _database(tmp_path, "show", "palmyra-retaken", "--data", str(BUNDLED), name="one.db")
    assert _rows(one, "SELECT id, file FROM events") == [("palmyra-retaken", None)]
    other = write(tmp_path, "events:\n  - {id: zz, date: 2020, title: Other}\n", "other.yaml")
    both = _database(tmp_path, "timeline", "--data", str(FIXTURES / "sample.yaml"), "--data",
                     str(other), name="both.db")
    assert _rows(both, "SELECT file FROM events WHERE id = 'zz'") == [(str(other),)]


# -- where it goes -----------------------------------------------------------------------------


def test_the_extensions_choose_sqlite(tmp_path: Path) -> None:
    for name in ("x.db", "x.sqlite", "x.sqlite3"):
        result = invoke("timeline", "--data", str(BUNDLED), "--output", str(tmp_path / name))
        assert result.status == 0, result
        assert (tmp_path / name).read_bytes().startswith(b"SQLite format 3\x00")


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "x.db"
    target.write_bytes(b"old")
    result = invoke("timeline", "--data", str(BUNDLED), "--output", str(target))
    assert result.status == 2, result
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"old"
    result = invoke("timeline", "--data", str(BUNDLED), "--output", str(target), "--force")
    assert result.status == 0, result
    assert sqlite3.connect(target).execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "x.db"
    target.write_bytes(b"old")

    def broken(event: Event, registry: database.Registry) -> Iterator[tuple[str, ...]]:
        raise OSError(28, "No space left on device")
        yield ()

    parts = list(database.EVENT_LISTS)
    parts[-1] = parts[-1]._replace(rows=broken)
    monkeypatch.setattr(database, "EVENT_LISTS", tuple(parts))
    result = invoke("timeline", "--data", str(BUNDLED), "--output", str(target), "--force")
    assert result.status == 2, result
    assert "no space left on device" in result.stderr
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["x.db"]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_a_pipe_gets_the_file_and_a_terminal_is_refused(tmp_path: Path) -> None:
    piped = tmp_path / "piped.db"
    with piped.open("wb") as handle:
        done = subprocess.run([sys.executable, "-m", "relations_cli", "timeline", "--data",
                               str(BUNDLED), "--format", "sqlite"], stdout=handle,
                              stderr=subprocess.PIPE, env=_environment(), timeout=60,
                              check=False)
    assert done.returncode == 0, done.stderr
    db = sqlite_utils.Database(piped)
    assert db["events"].count == len(_json("timeline", "--data", str(BUNDLED)))
    shown = on_terminal(["timeline", "--data", str(BUNDLED), "--format", "sqlite"])
    assert shown.status == 2, shown
    assert shown.stdout == ""
    assert shown.stderr == ("relations: error: sqlite is a binary file: give --output FILE, "
                            "or redirect standard output to a file\n")


def test_tags_count_like_relations_values(bundled: sqlite_utils.Database) -> None:
    result = invoke("values", "tag", "--data", str(BUNDLED), "--format", "json")
    assert result.status == 0, result
    expected = {row["tag"]: row["events"] for row in json.loads(result.stdout)}
    assert dict(_rows(bundled, "SELECT tag, count(DISTINCT event_id) FROM tags GROUP BY tag")
                ) == expected


def test_the_readme_example_is_real(tmp_path: Path) -> None:
    """README's sqlite3 example: its query on the bundled timeline prints the lines shown."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("$ relations timeline --output timeline.db\n", 1)[1].split("```", 1)[0]
    command, *shown = block.splitlines()
    assert command.startswith('$ sqlite3 timeline.db "')
    sql = command.split('"', 2)[1]
    db = _database(tmp_path, "timeline", "--data", str(BUNDLED))
    assert ["|".join(str(value) for value in row) for row in _rows(db, sql)] == shown
