"""What tests share: running the program (in-process and as a subprocess), the paths of the
sample timelines, the environment variables kept out, and small timeline makers."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLED = ROOT / "data" / "events.yaml"
LEAKY_VARIABLES = (
    "RELATIONS_DATA", "RELATIONS_DEBUG", "RELATIONS_MAX_BYTES", "NO_COLOR", "FORCE_COLOR",
    "CLICOLOR_FORCE", "COLUMNS", "LINES", "TERM", "PAGER", "RELATIONS_PAGER",
    "RELATIONS_CACHE_MAX", "RELATIONS_DATES",
)  # fmt: skip


@dataclass
class Outcome:
    status: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # shown by pytest when an assertion on it fails
        return f"exit {self.status}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


# The Click command Typer builds for each command name (see invoke): built once in a process,
# then run again and again, as a Click command may be (it keeps nothing between runs).
_COMMANDS: dict[str | None, Any] = {}


def invoke(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run a command in-process through Typer's CliRunner, with the app the console script
    runs: the command asked for alone (relations_cli.cli._app_for), not every command. Typer
    turns the app it is given into Click commands on every call, 3 ms a command: with the
    whole app that was 48 of the 58 ms of a typical call, and a fifth of the suite; the one
    command still took 3 ms of every call, so its Click command is built once per name and
    kept (`_COMMANDS`). Completion gets the whole app, built afresh, as the program does."""
    import typer.main

    from relations_cli.cli import _app_for, _command_in

    wanted = list(args)
    command: Any
    if any(key.startswith("_RELATIONS_COMPLETE") for key in [*(env or {}), *os.environ]):
        from relations_cli.cli import app

        command = typer.main.get_command(app)
    else:
        name = _command_in(wanted)
        command = _COMMANDS.get(name)
        if command is None:
            command = _COMMANDS[name] = typer.main.get_command(_app_for(wanted))
    return _in_process(command, wanted, env)


def _in_process(command: Any, args: list[str], env: dict[str, str] | None) -> Outcome:
    """What `CliRunner.invoke` does with the Click command of an app: the run in the
    runner's isolation (its streams and environment), its exit status as the runner reads a
    SystemExit, 1 for an exception."""
    runner = CliRunner()
    with runner.isolation(env=env) as (stdout, stderr, _):
        try:
            command.main(args=args, prog_name=runner.get_default_prog_name(command))
            status = 0
        except SystemExit as stop:
            code = 0 if stop.code is None else stop.code
            if not isinstance(code, int):
                sys.stdout.write(f"{code}\n")
                code = 1
            status = code
        except Exception:
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return Outcome(status, out.decode(runner.charset, "replace").replace("\r\n", "\n"),
                   err.decode(runner.charset, "replace").replace("\r\n", "\n"))


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        stdin: str | None = None, timeout: float = 60) -> Outcome:
    """Run the program as a real subprocess, `python -m relations_cli ARGS`."""
    full_env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    full_env["PYTHONPATH"] = str(ROOT)
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "relations_cli", *args],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
        env=full_env, cwd=cwd or ROOT, input=stdin, timeout=timeout, check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def write(tmp_path: Path, text: str, name: str = "timeline.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
events:
  - id: first
    date: 2015-09-03
    title: First event
"""


def on_terminal(args: list[str] | tuple[str, ...], env: dict[str, str] | None = None,
                columns: int = 80, lines: int = 24, timeout: float = 60) -> Outcome:
    """Run the program with stdin and stdout on a pseudo-terminal of the given size (stderr
    apart); stdout comes back as the terminal received it, with `\\r\\n` made `\\n`."""
    import fcntl
    import pty
    import struct
    import termios

    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    full_env.update({"PYTHONPATH": str(ROOT), "TERM": "xterm-256color"})
    full_env.update(env or {})
    process = subprocess.Popen([sys.executable, "-m", "relations_cli", *args],
                               stdin=secondary, stdout=secondary, stderr=subprocess.PIPE,
                               env=full_env, close_fds=True)
    os.close(secondary)
    received = read_all(main)
    _, stderr = process.communicate(timeout=timeout)
    os.close(main)
    return Outcome(process.returncode, received.decode("utf-8").replace("\r\n", "\n"),
                   stderr.decode("utf-8"))


def read_all(main: int) -> bytes:
    """Everything a program wrote to a pseudo-terminal, until it closes its side."""
    received = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the program's side is closed
            break
        if not chunk:
            break
        received += chunk
    return received
