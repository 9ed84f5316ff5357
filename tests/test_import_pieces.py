"""Issue 22, item 7: a new timeline from a large sheet is read in pieces on every core, and
writes byte for byte what reading it in order writes, with the same messages.

The pieces are made small here (a few hundred bytes) so that a sheet of a few dozen rows is
cut in many places: inside multi-line cells, after a CRLF, at a stray quote. Most checks
hand the pieces to workers that run in this process (each job and answer pickled, as a pool
does); a few start real worker processes.
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relations_cli.core.errors import RelationsError
from relations_cli.ingest.base import Problem, ReadOptions
from relations_cli.ingest.formats import format_named
from relations_cli.ingest.pieces import Cutter, piece_rows
from relations_cli.store.importing import create_streamed, prepared
from relations_cli.store.parallel_import import prepared_source
from relations_cli.store.workers import Here, Workers
from tests.budgets import examples
from tests.helpers import LEAKY_VARIABLES, ROOT


class PickledHere(Workers):
    """Workers that do each job here, the job and its answer pickled as a pool pickles them."""

    def __init__(self) -> None:
        super().__init__(2)
        self.jobs = 0

    def submit(self, function: Callable[[Any], Any], job: Any) -> Here[Any]:  # type: ignore[override]
        self.jobs += 1
        sent = pickle.loads(pickle.dumps(job))
        return Here(lambda job: pickle.loads(pickle.dumps(function(job))), sent)


def _import(data: bytes, fmt: str, size: int | None, workers: Workers | None,
            tmp_path: Path, name: str = "sheet") -> tuple[bytes | None, list[Problem], str]:
    """What importing the bytes into a new timeline writes, reports and says: read in pieces
    of `size` bytes by `workers`, or (size None) in order."""
    folder = tmp_path / ("order" if size is None else "pieces")  # the name gives the title
    folder.mkdir(exist_ok=True)
    target = folder / f"{name}.yaml"
    target.unlink(missing_ok=True)
    options = ReadOptions(name="sheet.csv")
    problems: list[Problem] = []
    raw = cast("io.BufferedReader", io.BufferedReader(io.BytesIO(data)))
    if size is None:
        from relations_cli.ingest.formats import streamer_of

        streamer = streamer_of(format_named(fmt))
        assert streamer is not None
        batches = prepared(streamer(raw, options))
    else:
        assert workers is not None
        batches = prepared_source(raw, format_named(fmt), options, workers, size)
    try:
        result = create_streamed(target, batches, True, problems.append)
    except RelationsError as error:
        return None, problems, str(error)
    text = target.read_bytes()
    return text, problems, f"{len(result.added)} added, {result.skipped} skipped"


def _agree(apart: tuple[bytes | None, list[Problem], str],
           in_order: tuple[bytes | None, list[Problem], str]) -> None:
    """The same file, bad rows and words. When the source itself cannot be read (a row that
    is not CSV), both stop with the same error and write nothing, and the bad rows listed
    before it may be more in pieces: a piece's are listed as it is taken, while reading in
    order lists a batch's (2,000 rows) once it is whole."""
    if in_order[0] is None and in_order[2].startswith("sheet.csv"):
        assert (apart[0], apart[2]) == (None, in_order[2])
        assert apart[1][: len(in_order[1])] == in_order[1]
    else:
        assert apart == in_order


# -- cutting -------------------------------------------------------------------------------

_CELL = st.lists(st.sampled_from(["a", "Z", " ", ",", '"', "\n", "\r", "\r\n", "é", "\t", "习"]),
                 max_size=8).map("".join)


@given(rows=st.lists(st.lists(_CELL, min_size=1, max_size=4), max_size=30),
       crlf=st.booleans(), size=st.integers(64, 200))
@settings(max_examples=examples(300))
def test_pieces_end_where_rows_end_and_read_alone_as_in_order(rows: list[list[str]], crlf: bool,
                                                              size: int) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = out.getvalue().encode()
    pieces = list(Cutter(io.BytesIO(data), True, size))
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])
    apart = [cells for at, piece in enumerate(pieces)
             for _, cells in piece_rows(piece, True, "s.csv", None, at == len(pieces) - 1)[0]]
    assert apart == list(csv.reader(io.StringIO(data.decode(), newline=""), strict=True))


def test_a_source_without_a_row_end_in_reach_stops_being_cut() -> None:
    data = b'a,"' + b"x\n" * 5000 + b'"\n'
    cutter = Cutter(io.BytesIO(data), True, 64)
    assert list(cutter) == []
    assert cutter.stuck
    assert data.startswith(cutter.held)


# -- the same file, the same messages ------------------------------------------------------

_HEADER = ["id", "date", "title", "summary", "tags", "sources"]
_TITLES = st.sampled_from(["Talks", "Talks", "Visit to Moscow", "A \"quoted\" title",
                           "Line\nbreak", "Bell\x07", "", "  spaced  ", "习近平"])
_DATES = st.sampled_from(["2016", "2016-03", "2016-03-04", "2016-02-30", "soon", "", "2016Q1"])
_SUMMARY = st.sampled_from(["", "Two\nlines", "With, comma", 'Says "no"', "x" * 300, "\r\n"])
_SOURCES = st.sampled_from(["", '[{"title": "Report", "url": "https://example.org/a"}]',
                            "[{broken", '[{"title": "T", "date": "2016Q1"}]'])


@st.composite
def _sheets(draw: st.DrawFn) -> bytes:
    """A sheet as people have them: ids or none, repeats, bad cells, cells over several
    lines, CRLF or LF, a BOM; and some rows written by hand, with a quote inside an unquoted
    cell or a row that is not CSV."""
    with_ids = draw(st.booleans())
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(_HEADER if with_ids else _HEADER[1:])
    for number in range(draw(st.integers(0, 40))):
        if draw(st.integers(0, 30)) == 0:
            out.write(draw(st.sampled_from(['x,2016,5" tall,,\n', '2016,"a"b,c\n',
                                            ",,,,,\n", "\n", '2016,"open\n'])))
            continue
        cells = [draw(_DATES), draw(_TITLES) + f" {number % 7}", draw(_SUMMARY), "a; b",
                 draw(_SOURCES)]
        writer.writerow(([f"e-{number % 13}"] if with_ids else []) + cells)
    data = out.getvalue().encode()
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@given(data=_sheets(), size=st.integers(64, 400))
@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_a_sheet_read_in_pieces_writes_and_says_what_reading_in_order_does(
        data: bytes, size: int, tmp_path: Path) -> None:
    in_order = _import(data, "csv", None, None, tmp_path)
    _agree(_import(data, "csv", size, PickledHere(), tmp_path), in_order)


@given(lines=st.lists(st.sampled_from(["2016\tTalks", "2016-03\tVisit\\tthere", "soon\tBad",
                                       "", "2016\t", "2017\tTalks", "2017\tÉté\\n"]),
                      max_size=40), size=st.integers(64, 200))
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_tsv_read_in_pieces_is_the_tsv_read_in_order(lines: list[str], size: int,
                                                       tmp_path: Path) -> None:
    data = ("date\ttitle\n" + "".join(f"{line}\n" for line in lines)).encode()
    _agree(_import(data, "tsv", size, PickledHere(), tmp_path),
           _import(data, "tsv", None, None, tmp_path))


def _numbered_sheet(rows: int, bad: dict[int, str] | None = None) -> bytes:
    """A sheet without ids: `rows` events, some over two lines, and the cells `bad` gives
    for some row numbers (the header is row 1)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "title", "summary"])
    for row in range(2, rows + 2):
        if bad and row in bad:
            writer.writerow(bad[row].split("|"))
        else:
            writer.writerow([f"2016-{row % 12 + 1:02d}", f"Event {row}",
                             "two\nlines" if row % 3 == 0 else "one"])
    return out.getvalue().encode()


def test_bad_rows_and_lines_are_numbered_as_in_the_source(tmp_path: Path) -> None:
    data = _numbered_sheet(300, {250: "2016|Bell\x07|x", 290: "never|Late|x"})
    workers = PickledHere()
    written, problems, said = _import(data, "csv", 200, workers, tmp_path)
    assert workers.jobs > 10  # the pieces went to the workers
    assert [(problem.row, problem.column) for problem in problems] == [(250, "title"),
                                                                       (290, "date")]
    assert (written, problems, said) == _import(data, "csv", None, None, tmp_path)
    broken = data + b'2016,"a"b,c\n'
    lines = data.count(b"\n") + 1
    refused = _import(broken, "csv", 200, PickledHere(), tmp_path)
    assert refused[0] is None
    assert refused[2].startswith(f"sheet.csv:{lines}: not valid CSV")
    _agree(refused, _import(broken, "csv", None, None, tmp_path))


def test_a_quote_inside_an_unquoted_cell_is_read_in_order_from_there(tmp_path: Path) -> None:
    rows = _numbered_sheet(200).decode().splitlines(keepends=True)
    rows[20] = '2016-05,Five" tall,"a\n'  # the reader takes the quote as text; the count does not
    rows[21] = 'b"\n'
    data = "".join(rows).encode()
    workers = PickledHere()
    outcome = _import(data, "csv", 150, workers, tmp_path)
    assert outcome[0] is not None
    assert b"Five\" tall" in outcome[0]
    assert outcome == _import(data, "csv", None, None, tmp_path)


# -- real worker processes -------------------------------------------------------------------


def test_real_workers_write_what_reading_in_order_writes(tmp_path: Path) -> None:
    data = _numbered_sheet(3000, {2999: "2016|Bell\x07|x"})
    with Workers(2) as workers:
        outcome = _import(data, "csv", 4096, workers, tmp_path)
        assert workers.pool is not None  # they were started
    assert outcome == _import(data, "csv", None, None, tmp_path)
    assert outcome[2] == "2999 added, 0 skipped"  # and 1 bad row left out


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env.update({"PYTHONPATH": str(ROOT), **extra})
    return env


def test_the_command_reads_a_large_sheet_on_every_core(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    source.write_bytes(_numbered_sheet(4000, {3990: "2016|Bell\x07|x"}))
    outcomes = []
    for size in ("4096", str(1 << 30)):
        target = tmp_path / f"t{size}.yaml"
        done = subprocess.run(
            [sys.executable, "-m", "relations_cli", "import", str(source), "--data",
             str(target), "--skip-bad"], capture_output=True, text=True, check=False,
            env=_environment(RELATIONS_IMPORT_PIECE_BYTES=size), timeout=120)
        assert done.returncode == 0, done.stderr
        outcomes.append((target.read_text(encoding="utf-8").split("\n", 5)[5],
                         done.stderr.replace(str(target), "T")))
    assert outcomes[0] == outcomes[1]
    assert f"{source}:3990:title: holds the control character U+0007" in outcomes[0][1]


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_ctrl_c_stops_a_parallel_import_and_its_workers(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    source.write_bytes(_numbered_sheet(60_000))
    target = tmp_path / "t.yaml"
    mark = f"relations-test-{os.getpid()}-{time.monotonic_ns()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "import", str(source), "--data", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=_environment(RELATIONS_IMPORT_PIECE_BYTES="65536", RELATIONS_TEST_MARK=mark))
    deadline = time.monotonic() + 60
    while len(_marked(mark)) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # until the workers are up
    assert process.poll() is None, "finished before it could be stopped"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not target.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["big.csv"]
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(mark) == []  # no worker left behind


def _marked(mark: str) -> list[int]:
    """The processes whose environment holds the mark."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_large_import_draws_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import pty

    from tests.helpers import read_all

    source = tmp_path / "big.csv"
    source.write_bytes(_numbered_sheet(3000))
    env = _environment(RELATIONS_IMPORT_PIECE_BYTES="4096", RELATIONS_PROGRESS_DELAY="0",
                       TERM="xterm-256color")
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "import", str(source), "--data",
         str(tmp_path / "t.yaml")], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    drawn = read_all(main).decode("utf-8", "replace")
    process.communicate(timeout=120)
    os.close(main)
    assert process.returncode == 0
    assert "relations: importing" in drawn
    assert "created with 3000 added" in drawn
    piped = subprocess.run(
        [sys.executable, "-m", "relations_cli", "import", str(source), "--data",
         str(tmp_path / "u.yaml")], capture_output=True, text=True, env=env, check=False,
        timeout=120)
    assert piped.returncode == 0
    assert piped.stderr == f"relations: created with 3000 added, 0 skipped, 0 updated in " \
        f"{tmp_path / 'u.yaml'}\n"
