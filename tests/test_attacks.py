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
from tests.conftest import FIXTURES, MINIMAL, invoke, run, write

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
            atomic_output(str(target), force, None) as stream:
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
            atomic_output(str(link), True, None) as stream:
        stream.write("x")
    assert link.is_symlink()
    assert stat.S_ISFIFO(os.stat(link).st_mode)


def test_a_dangling_symlink_is_refused_and_never_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    link = tmp_path / "out.txt"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputError, match="dangling"), \
            atomic_output(str(link), False, None) as stream:
        stream.write("x")
    assert link.is_symlink()
    assert not elsewhere.exists()
    with atomic_output(str(link), True, None) as stream:
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
    from relations_cli.store.index import _index_path, open_index

    path = write(tmp_path, MINIMAL)
    open_index(path).db.close()
    stamp = cache.fingerprint(path)
    with open(path, "r+b") as handle:
        handle.write(path.read_bytes().replace(b"First event", b"Fixed event"))
    monkeypatch.setattr(cache, "fingerprint", lambda source: stamp)  # times cannot tell
    assert cache.fresh_index(_index_path(path), path) is None
    assert open_index(path).select(Query())[0].title == "Fixed event"
