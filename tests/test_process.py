"""Real processes: pipes, terminals, signals, locales and --output, as a shell sees them."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relations_cli.store.atomic import atomic_output
from tests.helpers import FIXTURES, LEAKY_VARIABLES, MINIMAL, ROOT, read_all, run, write

SAMPLE = str(FIXTURES / "sample.yaml")
ERROR_LINE = re.compile(r"^relations: error: .+\n\Z")


def big_timeline(tmp_path: Path, count: int) -> Path:
    lines = ["events:"]
    for n in range(count):
        day = f"{2000 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines += [f"  - id: event-{n}", f"    date: {day}",
                  f"    title: Event number {n} with a reasonably long title to fill pipes"]
    return write(tmp_path, "\n".join(lines) + "\n", "big.yaml")


def env_for(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def test_piped_output_is_plain_and_the_same_as_the_format() -> None:
    piped = run("timeline", "--data", SAMPLE)
    explicit = run("timeline", "--data", SAMPLE, "--format", "plain")
    assert piped.status == 0, piped
    assert piped.stdout == explicit.stdout
    assert "\x1b" not in piped.stdout


@pytest.mark.parametrize("columns", ["20", "80", "500"])
def test_piped_lines_are_never_wrapped_or_padded(columns: str) -> None:
    result = run("timeline", env={"COLUMNS": columns})
    lines = result.stdout.splitlines()
    assert len(lines) == run("timeline", "--format", "jsonl").stdout.count("\n")
    assert all(line == line.rstrip() for line in lines)
    assert any(len(line) > 80 for line in lines)


def test_head_ends_quietly(tmp_path: Path) -> None:
    big = big_timeline(tmp_path, 3000)
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m relations_cli timeline "
                       f"--data {big} | head -1"],
        capture_output=True, text=True, env=env_for(), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    big = big_timeline(tmp_path, 3000)
    # Nobody reads stdout, so the process blocks writing once the pipe is full; then Ctrl-C.
    process = subprocess.Popen(
        [sys.executable, "-m", "relations_cli", "timeline", "--data", str(big)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for())
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    assert ready, "no output within 30 s"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


def test_output_writes_a_file_in_the_format_its_extension_names(tmp_path: Path) -> None:
    target = tmp_path / "trade.csv"
    result = run("timeline", "--data", SAMPLE, "--category", "trade", "--output", str(target))
    assert result.status == 0, result
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("id,date,end,title")
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_output_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    refused = run("timeline", "--data", SAMPLE, "--output", str(target))
    assert refused.status == 2, refused
    assert ERROR_LINE.match(refused.stderr)
    assert "already exists (add --force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    forced = run("timeline", "--data", SAMPLE, "--output", str(target), "--force")
    assert forced.status == 0, forced
    assert target.read_text(encoding="utf-8").startswith("2015\tyear-only")


def test_output_never_overwrites_the_timeline_it_reads(tmp_path: Path) -> None:
    source = write(tmp_path, MINIMAL)
    result = run("timeline", "--data", str(source), "--output", str(source), "--force")
    assert result.status == 2, result
    assert "refusing to overwrite the timeline being read" in result.stderr
    assert source.read_text(encoding="utf-8") == MINIMAL



@pytest.mark.parametrize("command", [["timeline"], ["summary"], ["chart"], ["people"]])
def test_output_never_overwrites_any_of_several_timelines_read(
        tmp_path: Path, command: list[str]) -> None:
    first = write(tmp_path, MINIMAL, "first.yaml")
    second = write(tmp_path, MINIMAL.replace("first", "second"), "second.yaml")
    before = second.read_bytes()
    result = run(*command, "--data", str(first), "--data", str(second),
                 "--output", str(second), "--force")
    assert result.status == 2, result
    assert ERROR_LINE.match(result.stderr)
    assert "refusing to overwrite the timeline being read" in result.stderr
    assert second.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_never_overwrites_a_timeline_read_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "timelines"
    folder.mkdir()
    write(folder, MINIMAL, "a.yaml")
    second = write(folder, MINIMAL.replace("first", "second"), "b.yaml")
    before = second.read_bytes()
    result = run("timeline", "--data", str(folder), "--output", str(second), "--force")
    assert result.status == 2, result
    assert "refusing to overwrite the timeline being read" in result.stderr
    assert second.read_bytes() == before


def test_output_into_a_missing_directory_is_one_error_line(tmp_path: Path) -> None:
    result = run("timeline", "--output", str(tmp_path / "no" / "such" / "dir.txt"))
    assert result.status == 2, result
    assert ERROR_LINE.match(result.stderr), result


def test_an_error_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    def write_half_then_fail() -> None:
        with atomic_output(str(target), True, ()) as stream:
            stream.write("half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half_then_fail()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_non_utf8_locale_degrades_to_escapes(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("First event", "习近平 и Путин"))
    result = run("timeline", "--data", str(path), "--format", "plain",
                 env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
                      "PYTHONIOENCODING": ""})
    assert result.status == 0, result
    assert "\\u4e60\\u8fd1\\u5e73" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["plain", "pretty", "json", "csv", "markdown"])
def test_lang_c_reads_and_writes_names_in_any_script(tmp_path: Path, fmt: str) -> None:
    # With LANG=C alone Python coerces the locale to UTF-8 (PEP 538): names come out whole.
    result = run("search", "习近平", "--format", fmt, env={"LANG": "C"})
    assert result.status == 0, result
    assert "Traceback" not in result.stderr
    assert "Putin watches the Beijing victory parade" in result.stdout


def test_a_non_utf8_locale_still_reads_utf8_arguments(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("First event", "习近平 visits"))
    result = run("search", "习近平", "--data", str(path),
                 env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    assert result.status == 0, result
    assert "first" in result.stdout


def _on_terminal(args: list[str], tmp_path: Path) -> tuple[int, str, str]:
    import pty

    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "relations_cli", *args],
                               stdin=secondary, stdout=secondary, stderr=subprocess.PIPE,
                               env=env_for(TERM="xterm-256color", COLUMNS="100", RELATIONS_PAGER="",
                                           XDG_CACHE_HOME=str(tmp_path / "cache")),
                               close_fds=True)
    os.close(secondary)
    received = read_all(main)
    _, stderr = process.communicate(timeout=60)
    os.close(main)
    return process.returncode, received.decode("utf-8"), stderr.decode("utf-8")


def test_a_terminal_receives_only_the_programs_own_escape_codes(tmp_path: Path) -> None:
    status, text, _ = _on_terminal(["timeline", "--data", SAMPLE], tmp_path)
    assert status == 0
    assert "\x1b[" in text  # colored: this is a terminal
    assert "● " in text
    # The hostile title arrives escaped; every escape sequence left is a color (SGR) code.
    assert "\\e[31mred\\e[0m" in text
    assert "\u202e" not in text
    assert "\x9b" not in text
    without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "\x1b" not in without_sgr


@pytest.mark.parametrize(
    ("env", "colored"),
    [
        ({}, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"CLICOLOR_FORCE": "1"}, True),
        ({"FORCE_COLOR": "0"}, False),
    ],
)
def test_color_follows_the_environment(env: dict[str, str], colored: bool) -> None:
    result = run("timeline", "--data", SAMPLE, env=env)
    assert ("\x1b[" in result.stdout) is colored, result


def test_color_option_beats_the_environment() -> None:
    assert "\x1b[" in run("timeline", "--data", SAMPLE, "--color", "always",
                          env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run("timeline", "--data", SAMPLE, "--color", "never",
                              env={"FORCE_COLOR": "1"}).stdout


def test_installed_entry_point_runs_from_another_directory(tmp_path: Path) -> None:
    result = run("search", "Kerry", cwd=tmp_path)
    assert result.status == 0, result
    assert "kerry-moscow-visit-2016-03" in result.stdout


def test_a_long_result_on_a_terminal_streams_as_lines(tmp_path: Path) -> None:
    big = big_timeline(tmp_path, 800)
    status, shown, stderr = _on_terminal(["timeline", "--data", str(big)], tmp_path)
    assert status == 0
    assert "800 events, one a line" in stderr
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", shown).splitlines() if line]
    assert len(lines) == 800
    assert "\x1b[" in shown  # still colored


def test_validate_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    lines = ["events:"] + [f"  - id: e{n}\n    date: 2015-02-30\n    title: T" for n in range(3000)]
    broken = write(tmp_path, "\n".join(lines) + "\n")
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m relations_cli validate {broken} | head -1"],
        capture_output=True, text=True, env=env_for(), timeout=60, check=False)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr


def test_a_terminal_and_a_pipe_get_the_same_events(tmp_path: Path) -> None:
    piped = run("search", "Kerry")
    status, shown, _ = _on_terminal(["search", "Kerry"], tmp_path)
    assert status == 0
    plain_titles = [line.split("\t")[3] for line in piped.stdout.splitlines()]
    drawn = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert len(plain_titles) == 4
    assert all(title in drawn for title in plain_titles)
    assert "4 events" in drawn
