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
from relations_cli.store.atomic import atomic_output
from tests.conftest import FIXTURES, run

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
