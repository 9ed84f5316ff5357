"""The console script's entry point, and the one place that lists the start-up rules.

The start-up rules, each with what it saves today on the bundled `timeline --since 2015`
written to a pipe (whole-process CPU, medians of 30 runs paired with the rule undone, on a
shared 2-core machine, issue 24; docs/performance.md has the commands):

1. Modules deferred (DEFERRED, below): 0.365 s instead of 0.394 s, 0.91x.
2. One command family imported and one parser built (cli/__init__: `_FAMILY_OF`,
   `_app_for`): 0.376 s instead of 0.430 s, 0.86x.
3. The format registry's classes plain slotted classes, not dataclasses
   (render/renderers._Frozen): four classes made in 89 ms of a bare interpreter's CPU
   instead of 92 ms, 0.93x: a few milliseconds.
4. Each format's renderer module imported only by its entry's `load` (render/formats):
   not undone here (every format would load its module), kept as the registry's shape.
5. The garbage collector off while the command line is imported, and what was imported
   frozen before the command runs (`main`, below): 0.141 s instead of 0.179 s, 0.79x
   (31 pairs with farm-bench, a loaded machine); 288.8 M instructions instead of 325.2 M,
   0.89x (callgrind, which the load does not move: bench/startup.py --instructions).

Rules under 2 ms go: "no `from __future__ import annotations` in cli/" saved nothing
(0.349 s with the rule, 0.344 s without, 1.01x) and is gone (cli/options.py keeps its own
reason, which is not speed: its groups read their annotations as objects).

Importing the command line (Typer, Click, Rich) takes most of a short run. A Ctrl-C,
SIGTERM or SIGHUP that lands meanwhile, before the boundary of cli/app.py has set its own
handlers, would show a KeyboardInterrupt traceback from deep inside an import. So the first
thing done is to make those stops end the process quietly with 128 + N (130 for Ctrl-C):
nothing has been written yet, so there is nothing to clean up. The boundary then replaces
these handlers with its own, which unwind (removing temporary files) before exiting.

This module imports only `gc`, `os`, `signal` and `sys`: nothing may come before the handlers.

Then, before Typer is imported, the standard modules it (and what it imports) loads for
features a run seldom uses are deferred: each stands in `sys.modules` as a placeholder
until one of its attributes is first read, which imports the real module and hands over.
A run that never starts a process, wraps text or completes a shell word saves their import,
about a twentieth of its start-up; one that does loads them then, unchanged.

What importing makes (modules, classes, Typer's and Click's objects) lives until the process
exits, so the collector's passes over it are wasted: they are a tenth of a short run, the
one at exit included. The collector is off while the command line is imported; then those
objects are frozen (`gc.freeze`: the collector never looks at them again) and it is back on
for the command itself, so a long run (an index build, `serve`, `browse`) collects its own
cycles as before.
"""

import gc
import os
import signal
import sys

__all__ = ["defer_unused_modules", "main"]

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


# Imported by Typer, Click or the standard library at start-up, used only inside functions a
# plain run does not call (processes, shell completion, tracebacks, text wrapping, bracketed
# URL hosts, locales, compressed archives). Each is imported with a plain `import NAME`
# wherever it is: a `from NAME import x` would read an attribute, and load it, at once.
DEFERRED = ("subprocess", "shellingham", "textwrap", "ipaddress", "locale", "tokenize",
            "linecache", "bz2", "lzma")
# A deferred module that needs a compiled part the Python may have been built without: only
# deferred when that part is there, so `import bz2` still fails where it would have.
_NEEDS = {"bz2": "_bz2", "lzma": "_lzma"}


class _Deferred(type(sys)):  # type: ignore[misc]
    """A module not imported yet: reading any attribute it lacks imports the real module,
    which then replaces this placeholder in sys.modules; this one forwards to it from then
    on, for the modules that bound it by name meanwhile.

    Not importlib.util.LazyLoader: its module loads on any attribute read, `__spec__`
    included, and every later `import NAME` reads `__spec__`, so none stayed unloaded."""

    def __getattr__(self, name: str) -> object:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._real(), name, value)

    def __dir__(self) -> list[str]:
        return dir(self._real())

    def _real(self) -> object:
        import importlib

        name = str(self.__name__)
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return importlib.import_module(name)


def defer_unused_modules() -> None:
    """Put a placeholder for each module of DEFERRED not imported yet (see _Deferred)."""
    from importlib.machinery import PathFinder

    for name in DEFERRED:
        if name in sys.modules:
            continue
        needed = _NEEDS.get(name)
        if needed and needed not in sys.modules and needed not in sys.builtin_module_names \
                and PathFinder.find_spec(needed) is None:
            continue
        sys.modules[name] = _Deferred(name)


def main() -> None:
    """Run `relations` as the whole process (see relations_cli.cli.main)."""
    _stop_quietly()
    gc.disable()
    defer_unused_modules()
    from relations_cli.cli import main as run

    gc.freeze()
    gc.enable()
    run()
