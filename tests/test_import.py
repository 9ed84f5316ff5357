"""`relations import`: every format in and back out, idempotence, bad rows, hostile files."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from relations_cli.core.errors import IngestError, MissingExtra
from relations_cli.ingest.base import ReadOptions
from tests.helpers import BUNDLED, FIXTURES, Outcome, invoke, run, write

IMPORT = FIXTURES / "import"

TWO = """\
title: Two
events:
  - id: first
    date: 2015-09-03
    title: First event
  - id: third
    date: 2016-05
    title: Third event
"""


def piped(*args: str, stdin: str | bytes) -> Outcome:
    """A command in-process with standard input."""
    from relations_cli.cli import _app_for

    result = CliRunner().invoke(_app_for(list(args)), list(args), input=stdin)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def records(path: Path) -> list[dict[str, Any]]:
    done = invoke("timeline", "--data", str(path), "--format", "jsonl", "--no-cache")
    assert done.status == 0, done
    return [json.loads(line) for line in done.stdout.splitlines()]


def exported(fmt: str, data: Path = BUNDLED) -> str:
    done = invoke("timeline", "--data", str(data), "--format", fmt, "--no-cache")
    assert done.status == 0, done
    return done.stdout


# -- our own formats, round trips -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_our_own_export_comes_back_whole(tmp_path: Path, fmt: str) -> None:
    source = write(tmp_path, exported(fmt), f"events.{fmt}")
    target = tmp_path / "copy.yaml"
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 0, done
    assert records(target) == records(BUNDLED)
    assert "21 added, 0 skipped, 0 updated" in done.stderr


def test_a_second_import_adds_nothing_and_says_so(tmp_path: Path) -> None:
    source = write(tmp_path, exported("jsonl"), "events.jsonl")
    target = tmp_path / "copy.yaml"
    assert invoke("import", str(source), "--data", str(target)).status == 0
    before = target.read_bytes()
    again = invoke("import", str(source), "--data", str(target))
    assert again.status == 0, again
    assert "0 added, 21 skipped, 0 updated" in again.stderr
    assert target.read_bytes() == before


def test_an_event_with_the_same_date_and_title_is_there_already(tmp_path: Path) -> None:
    target = write(tmp_path, TWO)
    source = write(tmp_path, "date,title\n2015-09-03,First event\n2016-01,Second event\n",
                   "new.csv")
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 0, done
    assert "1 added, 1 skipped, 0 updated" in done.stderr
    assert [r["id"] for r in records(target)] == ["first", "second-event", "third"]
    # In date order, every byte around the new event as it was.
    text = target.read_text()
    assert text.startswith(TWO.split("  - id: third")[0])
    assert text.endswith("  - id: third\n    date: 2016-05\n    title: Third event\n")


def test_update_refreshes_the_changed_fields(tmp_path: Path) -> None:
    target = write(tmp_path, TWO)
    source = write(tmp_path, "id,date,title,summary,tags\nfirst,2015-09-03,First event,"
                   "Now with a summary,a; b\n", "new.csv")
    plain = invoke("import", str(source), "--data", str(target))
    assert "0 added, 1 skipped, 0 updated" in plain.stderr, plain
    done = invoke("import", str(source), "--data", str(target), "--update")
    assert done.status == 0, done
    assert "0 added, 0 skipped, 1 updated" in done.stderr
    first = records(target)[0]
    assert first["summary"] == "Now with a summary"
    assert first["tags"] == ["a", "b"]


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    target = write(tmp_path, TWO)
    source = write(tmp_path, "date,title\n2016-01,Second event\n", "new.csv")
    done = invoke("import", str(source), "--data", str(target), "--dry-run")
    assert done.status == 0, done
    assert "+  - id: second-event" in done.stdout
    assert "would import: 1 added, 0 skipped, 0 updated" in done.stderr
    assert target.read_text() == TWO
    fresh = tmp_path / "fresh.yaml"
    assert invoke("import", str(source), "--data", str(fresh), "--dry-run").status == 0
    assert not fresh.exists()


def test_a_new_timeline_is_created_as_new_creates_one(tmp_path: Path) -> None:
    source = write(tmp_path, "date,title\n2016,B\n2015,A\n", "new.csv")
    target = tmp_path / "made.yaml"
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 0, done
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "title: Made\n" in text
    assert [r["title"] for r in records(target)] == ["A", "B"]
    assert invoke("validate", "--data", str(target)).status == 0


def test_jsonl_from_a_pipe_copies_events_between_timelines(tmp_path: Path) -> None:
    target = tmp_path / "other.yaml"
    listing = run("timeline", "--data", str(BUNDLED), "--format", "jsonl")
    done = run("import", "-", "--from", "jsonl", "--data", str(target), stdin=listing.stdout)
    assert done.status == 0, done
    assert records(target) == records(BUNDLED)


def test_standard_input_needs_its_format_named(tmp_path: Path) -> None:
    done = piped("import", "-", "--data", str(tmp_path / "x.yaml"), stdin="date,title\n")
    assert done.status == 2
    assert "standard input: name its format with --from" in done.stderr


# -- mapping other sheets ---------------------------------------------------------------------


SHEET = "Headline,Start,Notes\nTalks open,20/07/1969,kept aside\n"


def test_an_unmapped_column_is_reported_not_dropped(tmp_path: Path) -> None:
    source = write(tmp_path, SHEET, "sheet.csv")
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--map", "Headline=title",
                  "--map", "Start=date", "--date-format", "%d/%m/%Y")
    assert done.status == 2, done
    assert (f"{source}:1:Notes: column 'Notes' is not a field of an event; map it with --map "
            "'Notes=FIELD' or leave it out with --map 'Notes='") in done.stderr
    assert not target.exists()


def test_map_and_date_format_read_another_sheet(tmp_path: Path) -> None:
    source = write(tmp_path, SHEET, "sheet.csv")
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--map",
                  "Headline=title,Start=date,Notes=", "--date-format", "%d/%m/%Y")
    assert done.status == 0, done
    [event] = records(target)
    assert (event["date"], event["title"]) == ("1969-07-20", "Talks open")


def test_a_mapping_file(tmp_path: Path) -> None:
    source = write(tmp_path, SHEET, "sheet.csv")
    mapping = write(tmp_path, "# column = field\nHeadline = title\nStart = date\nNotes =\n",
                    "sheet.map")
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--map", str(mapping),
                  "--date-format", "%d/%m/%Y")
    assert done.status == 0, done
    assert records(target)[0]["date"] == "1969-07-20"


def test_a_map_to_a_field_events_lack_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, SHEET, "sheet.csv")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"), "--map",
                  "Headline=colour")
    assert done.status == 2
    assert "--map: 'Headline=colour': events have no field 'colour'" in done.stderr


def test_dates_in_any_form_a_filter_reads_are_stored_as_edtf(tmp_path: Path) -> None:
    source = write(tmp_path, 'date,title\n"July 20, 1969",A\n2016Q1,B\n1969-07-20T20:17Z,C\n',
                   "d.csv")
    target = tmp_path / "t.yaml"
    assert invoke("import", str(source), "--data", str(target)).status == 0
    assert [(r["date"], r["end"]) for r in records(target)] == [
        ("1969-07-20", None), ("1969-07-20T20:17Z", None), ("2016-01", "2016-03")]


# -- bad rows and hostile files ---------------------------------------------------------------


BAD = ("date,title,category\n2016,Good,trade\n2016-02-30,Bad date,trade\n2016,,trade\n"
       "2017,Two words,two words\n2018,Also good,\n")


def test_every_bad_row_is_reported_and_nothing_written(tmp_path: Path) -> None:
    source = write(tmp_path, BAD, "bad.csv")
    target = write(tmp_path, TWO)
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 2, done
    lines = done.stderr.splitlines()
    assert f"{source}:3:date: 2016-02-30 does not exist (February 2016 has 29 days)" in lines
    assert f"{source}:4:title: an event needs a title" in lines
    assert (f"{source}:5:category: category 'two words' must be one word, such as trade"
            in lines)
    assert "3 bad rows; nothing written (--skip-bad writes the good rows)" in done.stderr
    assert target.read_text() == TWO


def test_skip_bad_writes_the_good_rows(tmp_path: Path) -> None:
    source = write(tmp_path, BAD, "bad.csv")
    target = write(tmp_path, TWO)
    done = invoke("import", str(source), "--data", str(target), "--skip-bad")
    assert done.status == 0, done
    assert f"{source}:3:date:" in done.stderr
    assert "2 added, 0 skipped, 0 updated, 3 bad left out" in done.stderr
    assert {"good", "also-good"} <= {r["id"] for r in records(target)}


def test_hostile_cells_are_bad_rows(tmp_path: Path) -> None:
    huge = "x" * 70_000
    source = write(tmp_path, f"date,title,summary\n2016,=HYPERLINK(\"http://x\"),\n"
                   f"2016,Bell,ring\x07\n2016,Huge,{huge}\n2016,'=SUM(A1),kept as text\n",
                   "hostile.csv")
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--skip-bad")
    assert done.status == 0, done
    assert f"{source}:2:title: is a spreadsheet formula" in done.stderr
    assert f"{source}:3:summary: holds the control character U+0007" in done.stderr
    assert f"{source}:4:summary: is 70,000 characters long" in done.stderr
    assert [r["title"] for r in records(target)] == ["=SUM(A1)"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty; there is nothing to import"),
    (b"   \n", "is empty; there is nothing to import"),
    (b"\x00\x01\x02binary\x00", "holds NUL characters: a binary file"),
    (b"PK\x03\x04rest of a zip", "is a zip or Office file, not CSV text"),
    ("date,title\n2016,Caf\u00e9\n".encode("latin-1"),
     "not UTF-8 text (byte 0xe9); name its encoding with --encoding"),
    (b"date,title\n2016,\"open quote\n", None),
])
def test_unreadable_files_are_one_line_errors(tmp_path: Path, data: bytes,
                                              message: str | None) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2, done
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("relations: error: ")
    if message:
        assert message in done.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_excel_s_encodings_are_read(tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("date,title\r\n2016,Café 习\r\n".encode(encoding))
    assert source.read_bytes()[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                       codecs.BOM_UTF8[:2])
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 0, done
    assert records(target)[0]["title"] == "Café 习"


def test_another_encoding_is_named(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("date,title\n2016,Café\n".encode("cp1252"))
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--encoding", "cp1252")
    assert done.status == 0, done
    assert records(target)[0]["title"] == "Café"
    wrong = invoke("import", str(source), "--data", str(target), "--encoding", "klingon")
    assert wrong.status == 2
    assert "--encoding: no encoding 'klingon'" in wrong.stderr


def test_a_missing_source_or_a_folder(tmp_path: Path) -> None:
    gone = invoke("import", str(tmp_path / "gone.csv"), "--data", str(tmp_path / "t.yaml"))
    assert gone.status == 2
    assert "gone.csv: cannot read: no such file or directory" in gone.stderr
    folder = invoke("import", str(tmp_path), "--from", "csv", "--data",
                    str(tmp_path / "t.yaml"))
    assert folder.status == 2
    assert "is a folder" in folder.stderr


def test_an_unknown_extension_or_format(tmp_path: Path) -> None:
    source = write(tmp_path, "x", "events.txt")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2
    assert "cannot tell its format from the extension '.txt'; name it with --from" in \
        done.stderr
    other = invoke("import", str(source), "--from", "docx", "--data", str(tmp_path / "t.yaml"))
    assert "--from: no format 'docx'" in other.stderr


def test_bad_json_lines_are_each_reported(tmp_path: Path) -> None:
    source = write(tmp_path, '{"date": "2016", "title": "A"}\nnot json\n'
                   '{"date": "2016", "title": "B", "colour": "red"}\n[1]\n', "x.jsonl")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2, done
    assert f"{source}:2: not JSON" in done.stderr
    assert f"{source}:3:colour: events have no field 'colour'" in done.stderr
    assert f"{source}:4: an event is a JSON object" in done.stderr


def test_json_that_nests_too_deeply(tmp_path: Path) -> None:
    source = write(tmp_path, "[" * 100_000 + "]" * 100_000, "deep.json")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2, done
    assert "Traceback" not in done.stderr


# -- the registry ------------------------------------------------------------------------------


def test_a_reader_not_installed_yet_is_a_clean_error() -> None:
    from relations_cli.ingest.formats import ImportFormat, reader_of

    with pytest.raises(IngestError, match="cannot read later yet"):
        reader_of(ImportFormat("later", "relations_cli.ingest.later", "read", (".later",)))


def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from relations_cli.ingest.formats import ingest

    monkeypatch.setitem(__import__("sys").modules, "python_calamine", None)
    with pytest.raises(MissingExtra, match=r"pip install 'relations-cli\[import\]'"):
        ingest(b"PK\x03\x04", ReadOptions(name="book.xlsx"))


def test_every_format_is_named_once_with_its_extensions() -> None:
    from relations_cli.ingest.formats import IMPORT_FORMATS, format_for

    names = [fmt.name for fmt in IMPORT_FORMATS]
    assert len(names) == len(set(names))
    assert {"ics", "markwhen"} <= set(names)
    for fmt in IMPORT_FORMATS:
        for extension in fmt.extensions:
            assert format_for(f"events{extension.upper()}") is fmt


def test_the_fields_import_reads_are_the_timeline_s() -> None:
    from relations_cli.ingest.cells import FIELDS
    from relations_cli.store.yamltext import FIELD_ORDER

    assert (*FIELD_ORDER, "when") == FIELDS


# -- TimelineJS ------------------------------------------------------------------------------


def test_the_timelinejs_sheet_template(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    eras = tmp_path / "eras.yaml"
    done = invoke("import", str(IMPORT / "timelinejs-sheet.csv"), "--data", str(target),
                  "--eras", str(eras))
    assert done.status == 0, done
    events = records(target)
    assert [(e["date"], e["end"]) for e in events] == [
        ("2015", None), ("2015-09", None), ("2015-09-03T10:30", None),
        ("2015-12-20", "2016-01-10")]
    month = events[1]
    assert month["category"] == "Foreign-Policy"
    assert month["date_note"] == "Early autumn"
    assert month["summary"] == "First & second\nAnother paragraph"
    assert month["media"] == {"url": "https://example.org/a.jpg", "credit": "Example Agency",
                              "caption": "A picture"}
    header = yaml.safe_load(target.read_text())
    assert header["title"] == "An example timeline"
    assert header["description"] == "Made from the TimelineJS template."
    assert yaml.safe_load(eras.read_text()) == [
        {"start": 2015, "end": 2016, "headline": "The first period"}]
    assert "Media Thumbnail column is not kept" in done.stderr
    assert "Background column is not kept" in done.stderr


def test_the_timelinejs_sheet_as_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import csv

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Timeline")
    with open(IMPORT / "timelinejs-sheet.csv", encoding="utf-8") as stream:
        for row in csv.reader(stream):
            sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    source = tmp_path / "sheet.xlsx"
    book.save(source)
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--sheet", "Timeline", "--data", str(target))
    assert done.status == 0, done
    assert [e["date"] for e in records(target)] == [
        "2015", "2015-09", "2015-09-03T10:30", "2015-12-20"]
    missing = invoke("import", str(source), "--sheet", "Nope", "--data", str(target))
    assert "--sheet: " in missing.stderr
    assert "has no sheet 'Nope' (sheets: Notes, Timeline)" \
        in missing.stderr


def test_knight_lab_s_json(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    done = invoke("import", str(IMPORT / "knightlab.json"), "--data", str(target))
    assert done.status == 0, done
    first, second = records(target)
    assert (first["date"], first["title"]) == ("1963-08-09", "A birth\nin New Jersey")
    assert first["summary"] == "Some text about it."
    assert first["media"] == {"url": "https://example.org/one.jpg", "credit": "A credit",
                              "caption": "A caption"}
    assert (second["date"], second["end"], second["category"]) == ("1985", "1986-03", "Albums")
    assert "1 eras not kept: pass --eras FILE" in done.stderr


def test_our_timelinejs_export_comes_back(tmp_path: Path) -> None:
    source = write(tmp_path, exported("timelinejs"), "events.json")
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--from", "timelinejs", "--data", str(target))
    assert done.status == 0, done
    kept = ("id", "title", "summary", "category", "date_note", "place", "quotes")
    for back, original in zip(records(target), records(BUNDLED), strict=True):
        assert {k: back[k] for k in kept} == {k: original[k] for k in kept}
        assert back["date"] == str(original["date"]).rstrip("?~%")  # qualifiers are lost
        assert [s["title"] for s in back["sources"]] == [s["title"] for s in original["sources"]]


# -- spreadsheets ------------------------------------------------------------------------------


def test_an_xlsx_sheet_written_by_openpyxl(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "title", "tags", "figures"])
    sheet.append([dt.datetime(2016, 3, 27), "Palmyra", "a; b", None])
    sheet.append([2015, "A year", None, '[{"label": "Exports", "value": "32.9"}]'])
    sheet.append(["2017", "=1+1", None, None])
    sheet["B4"] = "=CONCATENATE(\"a\",\"b\")"  # a formula: calamine gives no cached value
    source = tmp_path / "book.xlsx"
    book.save(source)
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target), "--skip-bad")
    assert done.status == 0, done
    events = records(target)
    assert [(e["date"], e["title"]) for e in events][:2] == [("2015", "A year"),
                                                             ("2016-03-27", "Palmyra")]
    assert events[0]["figures"] == [{"label": "Exports", "value": "32.9", "unit": "",
                                     "change": ""}]
    assert events[1]["tags"] == ["a", "b"]


def test_an_ods_sheet_written_by_odfpy(tmp_path: Path) -> None:
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Events")
    for cells in (["date", "title"], ["2016-04", "Talks"], ["2015", "Earlier"]):
        row = TableRow()
        for value in cells:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    source = tmp_path / "sheet.ods"
    document.save(str(source))
    target = tmp_path / "t.yaml"
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 0, done
    assert [e["title"] for e in records(target)] == ["Earlier", "Talks"]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    pytest.importorskip("python_calamine")
    source = write(tmp_path, "date,title\n", "fake.xlsx")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2, done
    assert "fake.xlsx: cannot be read as an XLSX workbook" in done.stderr


# -- media -------------------------------------------------------------------------------------


def test_media_goes_out_again_to_timelinejs_and_html(tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(codecs.decode(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082", "hex"))
    target = write(tmp_path, "events:\n  - id: a\n    date: 2016\n    title: A\n    media:\n"
                   "      url: https://example.org/a.jpg\n      credit: <b>Agency</b>\n"
                   "  - id: b\n    date: 2017\n    title: B\n    media:\n"
                   "      url: photo.png\n      caption: Local\n")
    slides = json.loads(exported("timelinejs", target))["events"]
    assert slides[0]["media"] == {"url": "https://example.org/a.jpg",
                                  "credit": "&lt;b&gt;Agency&lt;/b&gt;", "caption": ""}
    assert "media" not in slides[1]  # not a web address TimelineJS could load
    page = exported("html", target)
    # The page's data (its script draws an event's media last: link, URL as text, credit,
    # caption, the picture of a file beside the timeline, embedded).
    first = re.search(r'<script type="application/json" id="relations-first">(.*?)</script>',
                      page, re.S)
    assert first is not None
    events = {event[0]: event for event in json.loads(first.group(1))["events"]}
    assert events["a"][19] == ["https://example.org/a.jpg", "", "<b>Agency</b>", "", ""]
    link, as_text, credit, caption, picture = events["b"][19]
    assert (link, as_text, credit, caption) == ("", "photo.png", "", "Local")
    assert picture.startswith("data:image/png;base64,iVBORw0KGgo")
    assert "<b>Agency" not in page  # data, never markup


def test_bad_media_is_a_problem_of_the_file(tmp_path: Path) -> None:
    target = write(tmp_path, "events:\n  - id: a\n    date: 2016\n    title: A\n    media:\n"
                   "      credit: nobody\n      size: 3\n")
    done = invoke("validate", "--data", str(target))
    assert done.status == 2
    assert "unknown field 'size' in the media of event 'a'" in done.stdout
    assert "the media has no 'url'" in done.stdout


# -- README ----------------------------------------------------------------------------------


def test_the_readme_s_mapping_example_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              ) -> None:
    """The mapping-file example of README's "Importing": its files, its command, its line."""
    import shlex

    from tests.helpers import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("$ cat newsroom.csv\n", 1)[1].split("```", 1)[0]
    files: dict[str, str] = {}
    parts = ("$ cat newsroom.csv\n" + block).split("$ ")[1:]
    for part in parts:
        command, _, output = part.partition("\n")
        if command.startswith("cat "):
            files[command[4:]] = output
        else:
            for name, content in files.items():
                (tmp_path / name).write_text(content, encoding="utf-8")
            monkeypatch.chdir(tmp_path)
            done = invoke(*shlex.split(command)[1:])
            assert done.status == 0, done
            assert done.stderr == output, done
    assert [e["date"] for e in records(tmp_path / "syria.yaml")] == ["2016-02-27", "2016-07-20"]


def test_the_readme_names_every_format_import_reads() -> None:
    from relations_cli.ingest.formats import IMPORT_FORMATS
    from tests.helpers import ROOT

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Importing", 1)[1]
    for fmt in IMPORT_FORMATS:
        assert f"--from {fmt.name}" in section or f"`{fmt.name}`" in section or \
            fmt.name.upper() in section, fmt.name


def test_a_new_timeline_from_a_sheet_with_bad_rows_is_not_created(tmp_path: Path) -> None:
    source = write(tmp_path, BAD, "bad.csv")
    target = tmp_path / "new.yaml"
    done = invoke("import", str(source), "--data", str(target))
    assert done.status == 2, done
    assert f"{source}:4:title: an event needs a title" in done.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left either


def test_a_large_sheet_is_read_in_batches(tmp_path: Path) -> None:
    rows = "".join(f"2016-01-{day % 28 + 1:02d},Event {day}\n" for day in range(5000))
    source = write(tmp_path, "date,title\n" + rows + "2016,Bell\x07\n", "big.csv")
    target = tmp_path / "new.yaml"
    done = invoke("import", str(source), "--data", str(target), "--skip-bad")
    assert done.status == 0, done
    assert f"{source}:5002:title: holds the control character U+0007" in done.stderr
    assert "5000 added, 0 skipped, 0 updated, 1 bad left out" in done.stderr
    assert len(records(target)) == 5000
    assert invoke("validate", "--data", str(target)).status == 0


# -- more error paths --------------------------------------------------------------------------


def test_a_map_that_is_neither_pairs_nor_a_file(tmp_path: Path) -> None:
    source = write(tmp_path, SHEET, "sheet.csv")
    target = str(tmp_path / "t.yaml")
    missing = invoke("import", str(source), "--data", target, "--map", str(tmp_path / "no"))
    assert missing.status == 2
    assert "is neither COLUMN=FIELD nor a mapping file that can be read" in missing.stderr
    empty = invoke("import", str(source), "--data", target, "--map", "=title")
    assert "--map: '=title' is not COLUMN=FIELD" in empty.stderr


def test_a_sheet_with_more_cells_than_its_header(tmp_path: Path) -> None:
    source = write(tmp_path, "date,title\n2016,A,extra\n2017,B\n", "wide.csv")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2
    assert f"{source}:2: 3 cells, but the header has 2 columns" in done.stderr


def test_bad_template_rows(tmp_path: Path) -> None:
    header = (IMPORT / "timelinejs-sheet.csv").read_text().splitlines()[0]
    source = write(tmp_path, header + "\n2015,13,,,,,,,,Bad month,,,,,,,,\n"
                   ",,,,,,,,,No year,,,,,,,,\n2015,,,,,,,,,An era without end,,,,,,era,,\n",
                   "template.csv")
    done = invoke("import", str(source), "--data", str(tmp_path / "t.yaml"))
    assert done.status == 2
    assert f"{source}:2:Year: month '13' is not 1 to 12" in done.stderr
    assert f"{source}:3:date: an event needs a date" in done.stderr
    assert f"{source}:4:Type: an era needs a Year, an End Year and a Headline" in done.stderr


def test_timelinejs_json_that_is_not_a_timeline(tmp_path: Path) -> None:
    source = write(tmp_path, "[1, 2]", "x.json")
    done = invoke("import", str(source), "--from", "timelinejs", "--data",
                  str(tmp_path / "t.yaml"))
    assert done.status == 2
    assert "not a TimelineJS timeline" in done.stderr


def test_eras_never_overwrite_a_file(tmp_path: Path) -> None:
    eras = write(tmp_path, "kept\n", "eras.yaml")
    done = invoke("import", str(IMPORT / "knightlab.json"), "--data", str(tmp_path / "t.yaml"),
                  "--eras", str(eras))
    assert done.status == 2
    assert "already exists; it is never overwritten; nothing written" in done.stderr
    assert eras.read_text() == "kept\n"
    assert not (tmp_path / "t.yaml").exists()


def test_what_is_there_is_found_through_the_fresh_index(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from relations_cli.store import importing

    target = write(tmp_path, TWO)
    assert invoke("timeline", "--data", str(target)).status == 0  # builds the index
    read_whole: list[Path] = []

    def reading(path: Path, sink: object) -> tuple[None, list[object]]:
        read_whole.append(path)
        return None, []

    monkeypatch.setattr("relations_cli.store.fastread.read_timeline", reading)
    found = importing._present(target, {"third"}, {importing._key("2015-09-03", "First event")
                                                   or (0, 0, "", "")})
    assert not read_whole
    assert {key for key in found if isinstance(key, str)} == {"first", "third"}
    source = write(tmp_path, "id,date,title,summary\nthird,2016-05,Third event,New\n"
                   "x,2015-09-03,First event,\n", "again.csv")
    done = invoke("import", str(source), "--data", str(target), "--update")
    assert "0 added, 1 skipped, 1 updated" in done.stderr, done


SAME_DAY = """\
title: Same day
events:
  - id: year
    date: 2015
    title: Same
  - id: month
    date: 2015-01
    title: Same
  - id: day
    date: 2015-01-01
    title: Same
  - id: season
    date: 2015-21
    title: Same
"""


@pytest.mark.parametrize("date", ["2015", "2015-01", "2015-01-01", "2015-21"])
def test_the_index_finds_what_a_reading_finds_on_a_day_of_many_precisions(
        tmp_path: Path, date: str) -> None:
    """Events that start on one day at different precisions: the index lookup (which asks
    only for the wanted precisions) finds the same events as a reading of the file."""
    from relations_cli.store import importing

    target = write(tmp_path, SAME_DAY)
    key = importing._key(date, "Same")
    assert key is not None
    read = importing._present(target, set(), {key})  # no index yet: a reading
    assert invoke("timeline", "--data", str(target)).status == 0  # builds the index
    indexed: dict[Any, Any] = {}
    assert importing._from_index(target, set(), {key},
                                 lambda event: indexed.setdefault(event.id, event))
    assert sorted(event_id for event_id in read if isinstance(event_id, str)) == sorted(
        event_id for event_id in indexed if importing._event_key(indexed[event_id]) == key)
