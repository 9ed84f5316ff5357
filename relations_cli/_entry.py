"""The console script's entry point.

Importing the command line (Typer, Click, Rich) takes most of a short run. A Ctrl-C,
SIGTERM or SIGHUP that lands meanwhile, before the boundary of cli/app.py has set its own
handlers, would show a KeyboardInterrupt traceback from deep inside an import. So the first
thing done is to make those stops end the process quietly with 128 + N (130 for Ctrl-C):
nothing has been written yet, so there is nothing to clean up. The boundary then replaces
these handlers with its own, which unwind (removing temporary files) before exiting.

This module imports only `os` and `signal`: nothing may come before the handlers.
"""

import os
import signal

__all__ = ["main"]

_STOPS = ("SIGINT", "SIGTERM", "SIGHUP")


def _quiet_exit(number: int, frame: object) -> None:
    os._exit(128 + number)


def _stop_quietly() -> None:
    for name in _STOPS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            if signal.getsignal(number) is signal.SIG_IGN:
                continue  # started with it ignored (`nohup`, a background job): keep it
            signal.signal(number, _quiet_exit)
        except (ValueError, OSError):  # not the main thread
            continue


def main() -> None:
    """Run `relations` as the whole process (see relations_cli.cli.main)."""
    _stop_quietly()
    from relations_cli.cli import main as run

    run()
