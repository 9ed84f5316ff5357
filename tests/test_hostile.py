"""Hostile files and text: every case ends in output or one error line, never raw bytes."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relations_cli.render.safe import json_dumps, json_shown_as_is, neutralise_formula, visible
from tests.helpers import MINIMAL, ROOT, invoke, write

HOSTILE_SEQUENCES = {
    "csi": ("\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m"),
    "osc8": ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\\e]8;;http://x\\e\\link\\e]8;;\\e\\"),
    "osc52": ("\x1b]52;c;cm0gLXJm\x07", "\\e]52;c;cm0gLXJm\\x07"),
    "c1-csi": ("\x9b31m", "\\x9b31m"),
    "bidi": ("abc\u202edef\u2066", "abc\\u202edef\\u2066"),
    "zero-width": ("a\u200bb\u200dc\ufeff", "a\\u200bb\\u200dc\\ufeff"),
    "line-separator": ("a\u2028b", "a\\u2028b"),
    "nul-and-del": ("a\x00b\x7f", "a\\x00b\\x7f"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SEQUENCES))
def test_visible_escapes_each_kind_of_sequence(name: str) -> None:
    raw, shown = HOSTILE_SEQUENCES[name]
    assert visible(raw) == shown


@pytest.mark.parametrize("name", sorted(HOSTILE_SEQUENCES))
def test_json_escapes_and_round_trips(name: str) -> None:
    raw, _ = HOSTILE_SEQUENCES[name]
    encoded = json_dumps({"title": raw})
    assert json.loads(encoded) == {"title": raw}
    assert not any(ch in encoded for ch in "\x1b\x9b\u202e\u200b\u2028\x00\x7f")


def _as_in_json(text: str) -> str:
    return "".join(char for char in text if char >= " " or char == "\n")


@given((st.lists(st.sampled_from(["a", "\n", "\u00a0", "\u5e73", "\u0416", "\x7f",
                                   *(raw for raw, _ in HOSTILE_SEQUENCES.values())]))
        .map("".join) | st.text()).map(_as_in_json))
def test_json_text_is_shown_as_is_exactly_when_visible_leaves_it(text: str) -> None:
    # JSON text holds no raw C0 control but its layout's line feeds (json.dumps escapes
    # them); for such text the quick answers (ASCII, printable) agree with escaping.
    assert json_shown_as_is(text) == all(visible(line) == line for line in text.split("\n"))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise_formula(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["1=1", "a-b", "", "text"])
def test_ordinary_cells_are_left_alone(cell: str) -> None:
    assert neutralise_formula(cell) == cell


def hostile_timeline(tmp_path: Path) -> Path:
    title = "[bold]x[/] :smile: " + "".join(raw for raw, _ in HOSTILE_SEQUENCES.values())
    # A JSON string, with its \\uXXXX escapes, is also a YAML double-quoted scalar.
    return write(tmp_path, MINIMAL.replace("First event", json.dumps(title)))


@pytest.mark.parametrize("fmt", ["plain", "pretty", "table", "markdown", "csv", "tsv"])
@pytest.mark.parametrize("color", ["always", "never"])
def test_no_format_lets_a_sequence_through(tmp_path: Path, fmt: str, color: str) -> None:
    path = hostile_timeline(tmp_path)
    result = invoke("timeline", "--data", str(path), "--format", fmt, "--color", color)
    assert result.status == 0, result
    assert "[bold]x[/] :smile:" in result.stdout.replace("\\[", "[").replace("\\]", "]")
    without_colors = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert not any(ch in without_colors for ch in "\x1b\x9b\u202e\u2066\u200b\u2028\x07")


def test_csv_formula_title_is_neutralised(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("First event", "'=HYPERLINK(\"http://x\")'"))
    result = invoke("timeline", "--data", str(path), "--format", "csv")
    row = list(csv.reader(io.StringIO(result.stdout)))[1]
    assert row[3] == "'=HYPERLINK(\"http://x\")"


def test_a_hostile_file_name_is_escaped_in_the_error(tmp_path: Path) -> None:
    name = tmp_path / "[bold]x\x1b[31m.yaml"
    result = invoke("timeline", "--data", str(name))
    assert result.status == 2, result
    assert "[bold]x\\e[31m.yaml:1:1: no such file" in result.stderr
    assert "\x1b" not in result.stderr


def _bomb(item: str) -> str:
    """A billion-laughs document of under 600 bytes; `item` is how each anchor is written."""
    lines = [item.format(name="a", value='["lol","lol","lol","lol","lol","lol","lol","lol"]')]
    names = "abcdefghi"
    for previous, current in itertools.pairwise(names):
        value = "[" + ",".join([f"*{previous}"] * 9) + "]"
        lines.append(item.format(name=current, value=value))
    return "\n".join(lines) + "\n"


def _run_limited(path: Path) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    # The timeout is a safety net, not a measurement: a bomb that expanded would never end.
    return subprocess.run([sys.executable, "-m", "relations_cli", "timeline", "--data",
                           str(path)], capture_output=True, text=True, cwd=ROOT, timeout=20,
                          preexec_fn=limit_memory, env={"PYTHONPATH": str(ROOT)}, check=False)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_bomb("{name}: &{name} {value}") + "events: *i\n",
         ":1:1: unknown field 'a' in the timeline"),
        ("events:\n" + _bomb("  - &{name} {value}"), ":2:5: an event must be a mapping"),
    ],
)
def test_an_alias_bomb_fails_fast_in_bounded_memory(tmp_path: Path, document: str,
                                                    message: str) -> None:
    assert len(document) < 700
    path = write(tmp_path, document)
    done = _run_limited(path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr, done.stderr


@pytest.mark.parametrize("depth", [200, 5000, 100_000])
def test_deep_nesting_anywhere_is_one_error_line(tmp_path: Path, depth: int) -> None:
    for text in ("events: " + "[" * depth + "]" * depth + "\n",
                 "x: " + "{a: " * depth + "1" + "}" * depth + "\n",
                 "[" * depth + "\n"):
        path = write(tmp_path, text)
        result = invoke("timeline", "--data", str(path))
        assert result.status == 2, result
        assert result.stderr.count("\n") == 1, result
        assert result.stderr.startswith(f"relations: error: {path}:"), result


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("place", "{a: b}", "'place' in event 'first' must be text, not a mapping"),
        ("summary", "[a]", "'summary' in event 'first' must be text, not a list"),
        ("actors", "{a: b}", "'actors' in event 'first' must be a list, not a mapping"),
        ("actors", "[[a]]", "each item of 'actors' in event 'first' must be text, not a list"),
        ("quotes", "[text]", "a quote in 'quotes' in event 'first' must be a mapping"),
        ("figures", "[{label: x}]", "a figure has no 'value'"),
        ("sources", "[{url: x}]", "a source has no 'title'"),
        ("sources", "[{title: x, date: 2015-13}]", "date of a source: month 13 does not exist"),
        ("end", "[2015]", "'end' in event 'first' must be text, not a list"),
        ("date_note", "{a: 1}", "'date_note' in event 'first' must be text, not a mapping"),
    ],
)
def test_wrong_types_in_any_field(tmp_path: Path, field: str, value: str, message: str) -> None:
    path = write(tmp_path, MINIMAL + f"    {field}: {value}\n")
    result = invoke("timeline", "--data", str(path))
    assert result.status == 2, result
    assert message in result.stderr, result
    assert result.stderr.count("\n") == 1


def test_people_registry_types(tmp_path: Path) -> None:
    path = write(tmp_path, "people:\n  - name: [x]\n" + MINIMAL)
    result = invoke("timeline", "--data", str(path))
    assert result.status == 2, result
    assert "'name' in a person must be text, not a list" in result.stderr


def test_printable_text_needs_no_escaping() -> None:
    # visible() skips its search for printable text: that is exact only while every
    # character it escapes is unprintable.
    from relations_cli.render.safe import _pattern

    unsafe = _pattern("all")
    leaks = [hex(code) for code in range(0x110000)
             if unsafe.match(chr(code)) and chr(code).isprintable()]
    assert leaks == []
