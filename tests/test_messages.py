"""Messages: the root cause first, a pointer to validate, and data that stays valid on a
stream that is not UTF-8."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import LEAKY_VARIABLES, ROOT, invoke, write

SLIPPED = """\
events:
  - id: a
    date: 2015-01-01
    title: A
  - id: b
   date: 2015-01-02
    title: B
"""


def test_validate_lists_the_parsers_complaint_first_in_words_of_indentation(
        tmp_path: Path) -> None:
    path = write(tmp_path, SLIPPED)
    result = invoke("validate", str(path))
    assert result.status == 2, result
    lines = result.stdout.splitlines()
    assert "not valid YAML" in lines[0]
    assert "indentation" in lines[0]
    assert any("has no" in line for line in lines[1:])  # the knock-on effects, after it


def test_a_refused_file_names_the_root_cause_and_points_to_validate(tmp_path: Path) -> None:
    path = write(tmp_path, SLIPPED)
    result = invoke("timeline", "--data", str(path))
    assert result.status == 2, result
    assert result.stderr.count("\n") == 1
    line = result.stderr.strip()
    assert line.startswith(f"relations: error: {path}:6:4: not valid YAML")
    assert "indentation" in line
    assert line.endswith(f"; 2 more problems: run 'relations validate {path}' for the full "
                         "list")


def test_a_missing_file_gets_no_pointer(tmp_path: Path) -> None:
    result = invoke("timeline", "--data", str(tmp_path / "missing.yaml"))
    assert result.status == 2, result
    assert "relations validate" not in result.stderr


def _in_c_locale(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="",
               PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("PYTHONIOENCODING")
    return subprocess.run([sys.executable, "-m", "relations_cli", *args], capture_output=True,
                          env=env, timeout=60, check=False)


def test_json_in_a_c_locale_escapes_beyond_ascii_and_stays_the_same_document(
        tmp_path: Path) -> None:
    for fmt in ("json", "jsonl"):
        done = _in_c_locale("people", "--format", fmt, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        text = done.stdout.decode("ascii")  # nothing beyond ASCII
        assert "\\\\" not in text.replace('\\\\"', "")  # no backslash escapes of escapes
        expected = invoke("people", "--format", fmt).stdout
        if fmt == "json":
            assert json.loads(text) == json.loads(expected)
        else:
            assert [json.loads(x) for x in text.splitlines()] == [
                json.loads(x) for x in expected.splitlines()]
        assert "\\u4e60" in text  # 习, escaped as JSON does


def test_csv_in_a_c_locale_is_utf8_with_a_note(tmp_path: Path) -> None:
    for fmt in ("csv", "tsv"):
        done = _in_c_locale("people", "--format", fmt, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        text = done.stdout.decode("utf-8")
        assert "习近平" in text
        assert "\\u" not in text
        assert "\\x" not in text
        assert text == invoke("people", "--format", fmt).stdout
        assert f"writing {fmt.upper()} as UTF-8" in done.stderr.decode("ascii", "replace")
    rows = list(csv.reader(done.stdout.decode("utf-8").splitlines(), delimiter="\t"))
    assert len({len(row) for row in rows}) == 1


def test_json_in_a_c_locale_keeps_latin_and_astral_characters(tmp_path: Path) -> None:
    title = "Café 😀 – 习近平"
    path = write(tmp_path, f"events:\n  - id: e\n    date: 2016\n    title: {title}\n")
    done = _in_c_locale("timeline", "--data", str(path), "--format", "json",
                        tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("ascii"))[0]["title"] == title
