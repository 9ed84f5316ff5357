"""Attacks on the promises: the answers are the file's answers, and nothing is clobbered.

Each test reproduces one attack of issue 9 and failed before its fix.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from relations_cli.core.errors import OutputError
from relations_cli.core.query import Query
from relations_cli.store.atomic import atomic_output
from tests.helpers import FIXTURES, MINIMAL, invoke, run, write

SAMPLE = str(FIXTURES / "sample.yaml")


# -- item 6: devices, FIFOs, sockets and dangling links are never written ---------------------


def _special(tmp_path: Path, kind: str) -> Path:
    target = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
        server.close()
    else:
        device = os.makedev(1, 3)  # what /dev/null is, made here, in a temporary folder
        try:
            os.mknod(target, (stat.S_IFCHR if kind == "char" else stat.S_IFBLK) | 0o600,
                     device)
        except PermissionError:
            pytest.skip("mknod needs privileges here")
    return target


@pytest.mark.parametrize("kind", ["fifo", "socket", "char", "block"])
@pytest.mark.parametrize("force", [False, True])
def test_output_never_replaces_a_device_fifo_or_socket(tmp_path: Path, kind: str,
                                                       force: bool) -> None:
    target = _special(tmp_path, kind)
    before = os.lstat(target)
    with pytest.raises(OutputError, match="not a regular file"), \
            atomic_output(str(target), force, ()) as stream:
        stream.write("clobbered")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == \
        (before.st_mode, before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == [kind]


def test_output_to_a_fifo_on_the_command_line_is_one_error_line(tmp_path: Path) -> None:
    target = _special(tmp_path, "fifo")
    result = run("timeline", "--data", SAMPLE, "--output", str(target), "--force", timeout=30)
    assert result.status == 2, result
    assert result.stderr.startswith("relations: error: ")
    assert "regular file" in result.stderr
    assert stat.S_ISFIFO(os.lstat(target).st_mode)


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    device = _special(tmp_path, "fifo")
    link = tmp_path / "link"
    link.symlink_to(device)
    with pytest.raises(OutputError, match="not a regular file"), \
            atomic_output(str(link), True, ()) as stream:
        stream.write("x")
    assert link.is_symlink()
    assert stat.S_ISFIFO(os.stat(link).st_mode)


def test_a_dangling_symlink_is_refused_and_never_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    link = tmp_path / "out.txt"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputError, match="dangling"), \
            atomic_output(str(link), False, ()) as stream:
        stream.write("x")
    assert link.is_symlink()
    assert not elsewhere.exists()
    with atomic_output(str(link), True, ()) as stream:
        stream.write("forced")
    assert not elsewhere.exists(), "the link was followed"
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "forced"


# -- item 2: a stale index is never trusted ----------------------------------------------------


def _same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite in place (same inode, same size) and set the modification time back."""
    before = os.stat(path)
    data = path.read_bytes()
    assert len(old) == len(new)
    with open(path, "r+b") as handle:
        handle.write(data.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == \
        (before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_same_size_edit_touched_back_is_seen(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    assert "First event" in invoke("timeline", "--data", str(path)).stdout
    _same_size_edit(path, b"First event", b"Fixed event")
    result = invoke("timeline", "--data", str(path))
    assert "Fixed event" in result.stdout, result
    listing = invoke("cache", "--format", "json")
    assert '"fresh": true' in listing.stdout, listing


def test_a_racily_clean_index_checks_the_content(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system with coarse times, an edit right after the build keeps size and
    times: the content hash recorded for such a build tells the difference."""
    from relations_cli.store import cache
    from relations_cli.store.index import _index_path
    from relations_cli.store.source import open_index

    path = write(tmp_path, MINIMAL)
    open_index(path).db.close()
    stamp = cache.fingerprint(path)
    with open(path, "r+b") as handle:
        handle.write(path.read_bytes().replace(b"First event", b"Fixed event"))
    monkeypatch.setattr(cache, "fingerprint", lambda source: stamp)  # times cannot tell
    assert cache.fresh_index(_index_path(path), path) is None
    assert open_index(path).select(Query())[0].title == "Fixed event"


# -- items 9 to 14: faults degrade, never fail ----------------------------------------------------


def test_a_full_cache_disk_answers_from_memory_with_one_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from relations_cli.store import cache

    def full(*args: object) -> object:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache, "built_index", full)
    path = write(tmp_path, MINIMAL)
    result = invoke("timeline", "--data", str(path))
    assert result.status == 0, result
    assert "First event" in result.stdout
    assert result.stderr.count("relations: note: ") == 1, result
    assert "database or disk is full" in result.stderr


@pytest.mark.parametrize("name", ["a#b", "c?d", "e%41f", "g h"])
def test_cache_paths_with_uri_characters_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              name: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name))
    path = write(tmp_path, MINIMAL)
    for _ in range(2):
        result = invoke("timeline", "--data", str(path))
        assert result.status == 0, result
        assert result.stderr == "", result
    listing = invoke("cache", "--format", "json")
    assert '"fresh": true' in listing.stdout, listing
    assert (tmp_path / name / "relations").is_dir()


def test_a_file_name_that_is_not_utf8_can_be_queried(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.yaml"
    with open(raw, "w", encoding="utf-8") as handle:
        handle.write(MINIMAL)
    name = os.fsdecode(raw)
    for _ in range(2):
        result = invoke("timeline", "--data", name)
        assert result.status == 0, result
        assert "First event" in result.stdout
    listing = invoke("cache", "--format", "json")
    assert listing.status == 0, listing
    assert "caf\\\\xe9.yaml" in listing.stdout, listing
    assert '"fresh": true' in listing.stdout


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write(tmp_path, MINIMAL)
    assert invoke("timeline", "--data", str(path)).status == 0
    assert not (tmp_path / "relative-cache").exists()
    assert list((tmp_path / "home" / ".cache" / "relations").glob("*.sqlite"))


def test_no_usable_home_answers_from_memory_with_a_note(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "")
    path = write(tmp_path, MINIMAL)
    result = invoke("timeline", "--data", str(path))
    assert result.status == 0, result
    assert "First event" in result.stdout
    assert "no usable home" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.yaml"]


def test_a_full_disk_under_the_output_file_is_one_line(tmp_path: Path) -> None:
    import errno

    target = tmp_path / "out.json"
    with pytest.raises(OutputError, match=r"out.json: no space left on device"), \
            atomic_output(str(target), False, ()):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_and_exit_2() -> None:
    import subprocess
    import sys

    from tests.helpers import LEAKY_VARIABLES, ROOT

    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "relations_cli", "timeline", "--data",
                               SAMPLE], stdout=full, stderr=subprocess.PIPE, text=True,
                              env=env, check=False, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "relations: error: standard output: no space left on device\n"


def test_closed_stdout_and_stderr_keep_the_exit_status(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.helpers import LEAKY_VARIABLES, ROOT

    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    base = [sys.executable, "-m", "relations_cli", "timeline", "--data", SAMPLE]
    # stdout closed: a clear error, exit 2
    closed_out = subprocess.run([*base], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, env=env, check=False, timeout=60,
                                preexec_fn=lambda: os.close(1))
    assert closed_out.returncode == 2, closed_out.stderr
    assert "standard output is closed" in closed_out.stderr
    assert "Traceback" not in closed_out.stderr
    # stderr closed: an error still exits 2, and its message never goes to stdout
    closed_err = subprocess.run([*base, "--since", "not a date"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env, check=False,
                                timeout=60, preexec_fn=lambda: os.close(2))
    assert closed_err.returncode == 2
    assert closed_err.stdout == ""


def test_an_out_of_range_limit_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    for extra in ([], ["--no-cache"]):
        result = invoke("timeline", "--data", str(path), "--limit", str(10**30), *extra)
        assert result.status == 2, result
        assert result.stderr.startswith("relations: error: ")
        assert "out of range" in result.stderr
        assert "internal error" not in result.stderr


# -- items 15 to 17, and 5: what the reader reports and how the engines agree -----------------


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\ufffe"])
def test_a_control_character_is_reported_where_it_stands(tmp_path: Path, char: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(("\ufeffevents:\r\n  - id: a\r\n    date: 2015\r\n    title: bé "
                      f"{char}x\r\n").encode("utf-8", "surrogatepass"))
    result = invoke("validate", "--data", str(path))
    assert result.status == 2, result
    first = result.stdout.splitlines()[0] if result.stdout else result.stderr.splitlines()[0]
    assert f"t.yaml:4:15: a control character (U+{ord(char):04X})" in first, result
    assert "\\n" not in result.stdout + result.stderr


def test_a_duplicate_person_is_reported_at_the_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, "people:\n  - name: A\n  - name: B\n  - name: A\n" + MINIMAL)
    result = invoke("validate", "--data", str(path))
    assert result.status == 2, result
    assert "timeline.yaml:4:1: 'A' is listed twice in people (first at line 2)" in \
        result.stdout + result.stderr


def test_data_from_empty_standard_input_is_one_error_naming_stdin() -> None:
    # `--data -` reads standard input (tests/test_multi.py); nothing there is a plain error.
    result = invoke("timeline", "--data", "-")
    assert result.status == 2, result
    assert result.stderr.startswith("relations: error: <stdin>:1:1: the file is empty")
    assert result.stderr.count("\n") == 1


def test_the_engines_agree_on_a_term_with_a_line_break(tmp_path: Path) -> None:
    from relations_cli.core.engine import MemoryEngine
    from relations_cli.store.loader import load_timeline
    from relations_cli.store.source import open_index

    path = write(tmp_path, "people:\n  - name: Xi Jinping\n    aliases: [Xi]\n"
                 "events:\n  - id: a\n    date: 2015\n    title: Talks\n    people: [Xi]\n"
                 "  - id: b\n    date: 2016\n    title: Trade\n    summary: talks\n")
    memory = MemoryEngine(load_timeline(path))
    index = open_index(path, use_cache=False)
    for term in ("xi\nxi jinping", "a\ntalks", "talks\ntalks", "trade\ntalks", "\n"):
        for any_term in (False, True):
            query = Query(terms=(term, "talks"), any_term=any_term)
            assert [e.id for e in index.select(query)] == \
                [e.id for e in memory.select(query)], repr(term)
            assert index.summarize(query, ["year"]) == memory.summarize(query, ["year"])


def test_the_engines_order_case_variants_alike(tmp_path: Path) -> None:
    from relations_cli.core.engine import MemoryEngine
    from relations_cli.store.loader import load_timeline
    from relations_cli.store.source import open_index

    path = write(tmp_path, "events:\n"
                 "  - id: a\n    date: 2015-01-01\n    title: A\n    category: trade\n"
                 "  - id: b\n    date: 2015-01-02\n    title: B\n    category: Trade\n"
                 "  - id: c\n    date: 2015-01-03\n    title: C\n    category: TRADE\n")
    memory = MemoryEngine(load_timeline(path))
    index = open_index(path, use_cache=False)
    for by in (["category"], ["year", "category"], ["category", "month"]):
        assert index.summarize(Query(), by) == memory.summarize(Query(), by), by


def test_a_shared_alias_is_reported_at_the_second_claims_line(tmp_path: Path) -> None:
    """Issue 9 item 3: `validate` names the entry that makes the second claim, FILE:LINE:COL."""
    path = write(tmp_path, "title: Shared\n"
                           "people:\n"
                           "  - name: A One\n"
                           "    aliases: [Boss]\n"
                           "  - name: B Two\n"
                           "    aliases: [Boss]\n"
                           "  - name: C Three\n"
                           "    aliases: [a one]\n"
                           "events:\n"
                           "  - id: e\n"
                           "    date: 2015-01-01\n"
                           "    title: E\n")
    outcome = invoke("validate", "--data", str(path))
    assert outcome.status == 2, outcome
    assert f"{path}:5:5: people: alias 'Boss' is claimed by both A One and B Two" \
        in outcome.stdout, outcome
    assert f"{path}:7:5: people: 'a one' is the name of A One: it cannot also name C Three" \
        in outcome.stdout, outcome
    assert ":1:1:" not in outcome.stdout
