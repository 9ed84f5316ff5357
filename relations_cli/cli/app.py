"""The Typer app and the one exit-code boundary: every outcome becomes a status once."""

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click.exceptions import (  # typer<0.29 vendors click here
    ClickException,
    NoArgsIsHelpError,
)
from typer.core import TyperGroup

from relations_cli._version import __version__
from relations_cli.cli.options import ColorMode
from relations_cli.core.errors import (
    ExitStatus,
    Interrupted,
    OutputError,
    Problem,
    RelationsError,
    TimelineError,
)

__all__ = ["app", "exit_if_empty", "note"]


class _Boundary(TyperGroup):
    """Turns every outcome into an exit status once: one stderr line, never a traceback."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv or bool(os.environ.get("RELATIONS_DEBUG"))
        previous = _stop_on_signals()
        try:
            status = self._outcome(argv, prog_name, complete_var, windows_expand_args,
                                   debug, **extra)
        except KeyboardInterrupt:  # a stop that landed while an outcome was being reported
            status = ExitStatus.INTERRUPTED
        finally:
            # From here on a stop is recorded, never raised, and then held until the process
            # has exited: a Ctrl-C that lands after the work (even while the interpreter
            # shuts down, when Python puts back the default action) still exits 130, never
            # dies by the signal.
            _closing[:] = [True]
            pending = _hold_stops()
            whole = standalone_mode and bool(_whole_process)
            if not whole:  # a caller goes on after this run (tests, a library): as it was
                _restore_signals(previous)
                _release_stops(pending)
        stopped = _stopped_by or [n for n in pending.get("stops", ()) if n in signal_numbers()]
        if stopped:  # a stopped run says so, whatever it had reached: 128 + the signal
            status = 128 + stopped[0]
        if whole:
            sys.exit(int(status))  # the stops stay held: the process ends with this status
        _stopped_by.clear()
        _closing.clear()
        if standalone_mode:
            sys.exit(int(status))
        return int(status)

    def _outcome(self, argv: list[str], prog_name: str | None, complete_var: str | None,
                 windows_expand_args: bool, debug: bool, **extra: Any) -> int:
        try:
            if sys.stdout is None:  # started with stdout closed (`>&-`)
                raise OutputError("standard output is closed; redirect it to a file or "
                                  "use --output")
            shell = _shell_asked(argv)
            if shell is not None:
                return _show_completion(shell, standalone_mode=False)
            if any(key.startswith("_RELATIONS_COMPLETE") for key in os.environ):
                _fold_completion(self)
            result = super().main(argv, prog_name or "relations", complete_var,
                                  standalone_mode=False,
                                  windows_expand_args=windows_expand_args, **extra)
            status = result if isinstance(result, int) else ExitStatus.OK
            sys.stdout.flush()  # a full disk shows here, not at exit
        except NoArgsIsHelpError as error:
            # `relations` alone: the help is what was wanted, on stderr as usage errors are.
            note_text = error.format_message()
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if sys.stderr is not None:
                    print(note_text, file=sys.stderr)
            status = ExitStatus.ERROR
        except ClickException as error:
            context = getattr(error, "ctx", None)
            path = context.command_path if context else "relations"
            status = _fail(f"{error.format_message()} (see '{path} --help')", ExitStatus.ERROR)
        except TimelineError as error:
            status = _fail(_refused(error.problems), error.exit_status)
        except RelationsError as error:
            status = _fail(str(error), error.exit_status)
        except (KeyboardInterrupt, typer.Abort):
            # Temporary files are gone by now: each writer removes its own on the way out.
            status = ExitStatus.INTERRUPTED
        except BrokenPipeError:
            # The reader went away (`| head -1`): what it took was all it wanted.
            from relations_cli.render.present import silence_stdout

            silence_stdout()
            status = ExitStatus.OK
        except OSError as error:
            # A full disk or a closed stream on stdout: one line, naming it. An error about
            # a file names that file, never standard output.
            if error.filename is not None:
                where = os.fsdecode(error.filename)
            else:
                _drop_stdout()
                where = "standard output"
            status = _fail(f"{where}: {_reason(error)}", ExitStatus.ERROR)
        except Exception as error:
            if _interrupted(error):
                # A stop that landed inside something that wraps what it meets, such as a
                # class being made during an import (RuntimeError: __set_name__).
                return int(ExitStatus.INTERRUPTED)
            if debug:
                raise
            status = _fail(f"internal error: {type(error).__name__}: {error} "
                           "(run with --debug for the traceback)", ExitStatus.ERROR)
        return int(status)


def _interrupted(error: BaseException) -> bool:
    """Whether a stop (Ctrl-C, or a signal the boundary turned into one) caused the error."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


_whole_process: list[bool] = []  # set by the console script: this run's status is the process's
_stopped_by: list[int] = []  # the first stop signal of this run
_closing: list[bool] = []  # set once the outcome is known: stops are then only recorded
_STOPS = ("SIGINT", "SIGTERM", "SIGHUP")


def as_the_whole_process() -> None:
    """Called by the console script before the run: its status will be the process's, so
    once the outcome is known the stop signals are held until the process has exited."""
    _whole_process[:] = [True]


def signal_numbers() -> list[int]:
    import signal

    return [getattr(signal, name) for name in _STOPS if hasattr(signal, name)]


_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_ZSH_ANY_CASE = ("\n# Values in any case: `--person x` offers Xi Jinping.\n"
                 "zstyle ':completion:*:*:relations:*' matcher-list '' "
                 "'m:{[:lower:][:upper:]}={[:upper:][:lower:]}'\n")


def _shell_asked(argv: Sequence[str]) -> str | None:
    """The shell named by `--show-completion SHELL` (Typer's own option takes none and
    guesses the shell it runs in)."""
    for number, arg in enumerate(argv):
        if arg.startswith("--show-completion="):
            return arg.partition("=")[2]
        if arg == "--show-completion" and number + 1 < len(argv) \
                and not argv[number + 1].startswith("-"):
            return argv[number + 1]
    return None


def _show_completion(shell: str, standalone_mode: bool) -> int:
    from typer._completion_shared import get_completion_script

    if shell not in _SHELLS:
        status = _fail(f"--show-completion: no shell '{shell}' (one of "
                       f"{', '.join(_SHELLS)})", ExitStatus.ERROR)
    else:
        script = get_completion_script(prog_name="relations",
                                       complete_var="_RELATIONS_COMPLETE", shell=shell)
        if shell == "zsh":
            # zsh filters the values itself, by case unless told otherwise.
            script = script.replace("\n_relations_completion() {", _ZSH_ANY_CASE
                                    + "\n_relations_completion() {", 1)
        print(script.rstrip("\n"))
        status = ExitStatus.OK
    if standalone_mode:
        sys.exit(int(status))
    return int(status)


def _fold_completion(group: Any) -> None:
    """Complete option values whatever their case (`--person x` offers Xi Jinping): Typer
    keeps only values starting with the word exactly as typed, so ask it for every value
    and keep those starting with the word in any case."""
    from typer._click.shell_completion import CompletionItem

    def folded(complete: Any) -> Any:
        def complete_any_case(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
            key = incomplete.casefold()
            return [item for item in complete(ctx, param, "")
                    if str(item.value).casefold().startswith(key)]

        return complete_any_case

    for command in getattr(group, "commands", {}).values():
        for param in command.params:
            complete = getattr(param, "_custom_shell_complete", None)
            if complete is not None and not getattr(complete, "folded", False):
                param._custom_shell_complete = folded(complete)
                param._custom_shell_complete.folded = True


def _stop_on_signals() -> dict[int, Any]:
    """Ctrl-C, SIGTERM and SIGHUP stop the run: cleanup runs, then exit 128 + N. Only the
    first stop is raised (a second one while cleaning up is recorded, so the unwinding is
    never cut short by a traceback), and none once the outcome is known.
    Returns the handlers it replaced."""
    import signal

    def stop(number: int, frame: object) -> None:
        if _stopped_by or _closing:
            _stopped_by[:] = _stopped_by or [number]
            return
        _stopped_by[:] = [number]
        raise Interrupted(number)

    previous = {}
    for number in signal_numbers():
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            handler = signal.getsignal(number)
            if number == signal.SIGINT and handler is signal.SIG_IGN:
                continue  # started with Ctrl-C ignored (`nohup`, a background job): keep it
            previous[number] = signal.signal(number, stop)
    return previous


def _hold_stops() -> dict[str, Any]:
    """Blocks the stop signals until exit; what was blocked before, and the stops pending."""
    import signal

    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, signal_numbers())
        return {"mask": before, "stops": sorted(signal.sigpending())}
    except (AttributeError, ValueError, OSError):
        return {}


def _release_stops(held: dict[str, Any]) -> None:
    import signal

    if "mask" in held:
        with contextlib.suppress(ValueError, OSError):
            signal.pthread_sigmask(signal.SIG_SETMASK, held["mask"])


def _restore_signals(previous: dict[int, Any]) -> None:
    import signal

    for number, handler in previous.items():
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(number, handler)


def _refused(problems: list[Problem]) -> str:
    """The one line for a refused timeline: its root cause, then where the full list is."""
    from pathlib import Path

    from relations_cli.store.validation import root_cause_first

    first = root_cause_first(problems)[0]
    if not Path(first.path).is_file():  # missing, a folder, standard input: nothing to list
        return str(first)
    more = len(problems) - 1
    others = f"{more} more {'problem' if more == 1 else 'problems'}: " if more else ""
    return f"{first}; {others}run 'relations validate {first.path}' for the full list"


def _drop_stdout() -> None:
    """After stdout failed, what is left in its buffer must not fail again at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _reason(error: OSError) -> str:
    import errno

    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return (error.strerror or str(error)).lower()


def _fail(message: str, status: int) -> int:
    from relations_cli.render.safe import visible

    note(f"error: {visible(message)}")
    return status


def note(message: str) -> None:
    """A message for the person, on stderr, prefixed with the program's name."""
    # With stderr closed or full, the message is lost but the exit status still tells.
    # A closed stderr is None, and print(file=None) would write to stdout: never.
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"relations: {message}", file=stream, flush=True)


app = typer.Typer(
    cls=_Boundary,
    name="relations",
    help="""Explore a YAML timeline of dated events: chronologies, searches and summaries.

    Reads the bundled China–Russia timeline (2015–2016) unless --data or $RELATIONS_DATA
    names another. On a terminal it draws in color; piped, it prints plain lines.

    \b
    Examples:
      relations timeline --since 2015
      relations search Kerry
      relations timeline --category trade --format csv > trade.csv
    """,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"relations {__version__}")
        raise typer.Exit()


# Options that may also stand before the command, as in git: `relations --data x timeline`.
# Each has the name of the command option it stands for; a command's own wins.
GLOBAL_VALUE_OPTIONS = ("--data", "-d", "--color", "--width")


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug",
                                        help="Show a traceback for internal errors.")] = False,
    data: Annotated[str | None, typer.Option(
        "--data", "-d", metavar="PATH", show_default=False,
        help="Timeline file to read, for any command.")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read the YAML afresh, for any command.")] = False,
    color: Annotated[ColorMode | None, typer.Option(
        "--color", case_sensitive=False, show_default=False,
        help="Color, for any command.")] = None,
    width: Annotated[int | None, typer.Option(
        "--width", min=20, max=1000, show_default=False,
        help="Columns for drawn output, for any command.")] = None,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Never page a long result, for any command.")] = False,
) -> None:
    """Explore a YAML timeline of dated events."""


def exit_if_empty(items: Sequence[object], total: int, what: str = "events",
                  looked_for: str = "") -> None:
    """Exit 1, as grep does, when a command found nothing; the note says how much was there
    (and, given `looked_for`, what was looked for)."""
    if not items:
        noun = "event" if total == 1 else "events"
        note(f"no {what} match{looked_for} ({total} {noun} in the timeline)")
        raise typer.Exit(ExitStatus.NO_MATCH)


def print_count(count: int) -> None:
    """--count: the number of rows a listing would print, alone on stdout."""
    print(count)
