"""A long result on a terminal goes through a pager, as git does; anything else does not."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import BUNDLED, ROOT, on_terminal

SGR = re.compile(r"\x1b\[[0-9;]*m")


def fake_pager(tmp_path: Path, body: str = 'cat > "$PAGED"') -> str:
    """A pager script that records what it was given (and its LESS) in files."""
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\nprintf %s "$LESS" > "$PAGED.less"\n{body}\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def paged_env(tmp_path: Path, pager: str, variable: str = "RELATIONS_PAGER") -> dict[str, str]:
    return {variable: pager, "PAGED": str(tmp_path / "paged.txt"),
            "XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.mark.parametrize("variable", ["RELATIONS_PAGER", "PAGER"])
def test_a_listing_longer_than_the_terminal_goes_through_the_pager(
        tmp_path: Path, variable: str) -> None:
    env = paged_env(tmp_path, fake_pager(tmp_path), variable)
    result = on_terminal(["timeline", "--data", str(BUNDLED)], env, lines=20)
    assert result.status == 0, result
    paged = (tmp_path / "paged.txt").read_text(encoding="utf-8")
    assert "events, " in SGR.sub("", paged)  # the whole chronology, footer too
    assert "\x1b[" in paged  # colored, as on the terminal
    assert "events, " not in SGR.sub("", result.stdout)  # nothing printed besides
    assert (tmp_path / "paged.txt.less").read_text(encoding="utf-8") == "FRX"


def test_relations_pager_wins_and_less_settings_are_kept(tmp_path: Path) -> None:
    env = paged_env(tmp_path, fake_pager(tmp_path))
    env.update(PAGER="/nonexistent/pager", LESS="-S")
    result = on_terminal(["timeline", "--data", str(BUNDLED)], env, lines=20)
    assert result.status == 0, result
    assert (tmp_path / "paged.txt").exists()
    assert (tmp_path / "paged.txt.less").read_text(encoding="utf-8") == "-S"


def test_a_short_result_is_not_paged(tmp_path: Path) -> None:
    env = paged_env(tmp_path, fake_pager(tmp_path))
    result = on_terminal(["search", "Kerry"], env, lines=200)
    assert result.status == 0, result
    assert not (tmp_path / "paged.txt").exists()
    assert "4 events" in result.stdout


@pytest.mark.parametrize("where", ["after", "before"])
def test_no_pager_prints_straight_to_the_terminal(tmp_path: Path, where: str) -> None:
    env = paged_env(tmp_path, fake_pager(tmp_path))
    args = ["timeline", "--no-pager"] if where == "after" else ["--no-pager", "timeline"]
    result = on_terminal(args, env, lines=20)
    assert result.status == 0, result
    assert not (tmp_path / "paged.txt").exists()
    assert "events, " in SGR.sub("", result.stdout)


@pytest.mark.parametrize("pager", ["/nonexistent/pager", "failing", "", "cat"])
def test_a_missing_or_failing_pager_falls_back_to_printing(tmp_path: Path, pager: str) -> None:
    if pager == "failing":
        pager = fake_pager(tmp_path, "exit 3")
    result = on_terminal(["timeline"], paged_env(tmp_path, pager), lines=20)
    assert result.status == 0, result
    text = SGR.sub("", result.stdout)
    assert text.count("events, ") == 1  # printed once, whole
    assert "Traceback" not in result.stderr


def test_a_pipe_is_never_paged_and_head_stays_quiet(tmp_path: Path) -> None:
    script = fake_pager(tmp_path)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **paged_env(tmp_path, script)}
    done = subprocess.run(["sh", "-c", f"{sys.executable} -m relations_cli timeline | head -1"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""
    assert not (tmp_path / "paged.txt").exists()


def test_quitting_the_pager_early_ends_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("events:\n" + "".join(
        f"  - id: e{n}\n    date: 2015-01-{1 + n % 28:02d}\n    title: Event {n}\n"
        for n in range(3000)), encoding="utf-8")
    env = paged_env(tmp_path, fake_pager(tmp_path, 'head -c 100 > "$PAGED"'))
    result = on_terminal(["timeline", "--data", str(big)], env, lines=20)
    assert result.status == 0, result
    assert result.stderr.count("\n") <= 1  # at most the note on a long result
    assert "Traceback" not in result.stderr
    assert "Event 2999" not in result.stdout  # not printed again after the pager quit


def test_a_pager_with_arguments_and_a_pipe_runs_through_the_shell(tmp_path: Path) -> None:
    # As git runs $PAGER: `sh -c`, so arguments, quotes, pipes and redirections work.
    pager = "sed 's/^/paged: /' | cat > \"$PAGED\""
    result = on_terminal(["timeline"], paged_env(tmp_path, pager, "PAGER"), lines=20)
    assert result.status == 0, result
    paged = SGR.sub("", (tmp_path / "paged.txt").read_text(encoding="utf-8")).splitlines()
    assert paged
    assert all(line.startswith("paged: ") for line in paged)
    assert "events, " not in SGR.sub("", result.stdout)


def test_a_pager_command_that_fails_in_the_shell_falls_back_to_printing(
        tmp_path: Path) -> None:
    result = on_terminal(["timeline"], paged_env(tmp_path, "/nonexistent/pager -R"), lines=20)
    assert result.status == 0, result
    assert SGR.sub("", result.stdout).count("events, ") == 1
