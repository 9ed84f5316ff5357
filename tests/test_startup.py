"""Start-up: a run imports only the family of its command, and gets the same command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
import typer

from tests.helpers import BUNDLED


def _names() -> dict[str, str]:
    from relations_cli.cli import _FAMILY_OF, _command_name, app

    registered = {_command_name(info): info.callback.__module__.rsplit(".", 1)[1]
                  for info in app.registered_commands}
    # A group of commands (`person`) by the module of its commands.
    for group in app.registered_groups:
        assert group.typer_instance is not None
        commands = group.typer_instance.registered_commands
        registered[str(group.name)] = commands[0].callback.__module__.rsplit(".", 1)[1]
    assert registered == _FAMILY_OF
    return registered


def test_the_family_table_names_every_command_and_its_module() -> None:
    assert len(_names()) >= 18


@pytest.mark.parametrize("argv", [["timeline", "--since", "2015"], ["--no-cache", "people"],
                                  ["cache"], ["schema"], ["person", "--help"]])
def test_a_run_imports_only_its_commands_family(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from relations_cli.cli import _FAMILY_OF, _app_for, _command_in\n"
        f"lean = _app_for({argv!r})\n"
        "names = [i.callback.__name__ for i in lean.registered_commands]\n"
        "names += [i.name for i in lean.registered_groups]\n"
        "loaded = sorted(f for f in ('read', 'reports', 'cache', 'write', 'browse')\n"
        "                if 'relations_cli.cli.' + f in sys.modules)\n"
        "print(len(names), _FAMILY_OF[_command_in(sys.argv[1:])], ' '.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, check=True)
    count, family, loaded = done.stdout.split(" ", 2)
    assert count == "1"
    # reports borrows one helper from read; nothing else comes along.
    assert set(loaded.split()) <= {family, "read"}, done.stdout


def test_help_and_unknown_names_get_the_whole_app() -> None:
    from relations_cli.cli import _app_for

    whole = len(_names())

    def size(app: typer.Typer) -> int:
        return len(app.registered_commands) + len(app.registered_groups)

    assert size(_app_for([])) == whole
    assert size(_app_for(["--help"])) == whole
    assert size(_app_for(["no-such-command"])) == whole


def test_the_lean_run_prints_what_the_whole_app_prints() -> None:
    from tests.helpers import invoke

    argv = ["--data", str(BUNDLED), "--no-cache", "timeline", "--since", "2015"]
    code = ("import sys\nfrom relations_cli.cli import main\n"
            f"sys.argv = ['relations', *{argv!r}]\nmain()\n")
    lean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    whole = invoke(*argv)
    assert (lean.returncode, lean.stdout) == (whole.status, whole.stdout)


# -- what a listing does not import -------------------------------------------------------------

_RUN = ("import sys\n"
        "from relations_cli._entry import main\n"
        "sys.argv = ['relations', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    import json\n"
        "    real = type(sys)\n"
        "    loaded = sorted(n for n, m in sys.modules.items() if type(m) is real)\n"
        "    print(json.dumps(loaded), file=sys.stderr)\n")


def _loaded_by(*argv: str) -> set[str]:
    """The modules really imported (not deferred) by a run of the console script's entry."""
    import json

    done = subprocess.run([sys.executable, "-c", _RUN, *argv], capture_output=True,
                          text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_a_listing_imports_neither_report_modules_nor_the_index_builder() -> None:
    from relations_cli._entry import DEFERRED

    argv = ("--data", str(BUNDLED), "timeline", "--since", "2015")
    _loaded_by(*argv)  # builds the index, if the cache has none yet
    loaded = _loaded_by(*argv)
    unwanted = {"relations_cli.render.tables", "relations_cli.render.detail",
                "relations_cli.store.build", "relations_cli.store.parallel",
                "relations_cli.store.loader", "relations_cli.render.terminal", "rich", "yaml",
                "dateutil", *DEFERRED}
    assert loaded & unwanted == set()


def test_plain_iso_filter_dates_compile_no_date_pattern() -> None:
    code = ("import re, sys\n"
            "from relations_cli.core import dates\n"
            "compiled = []\n"
            "real = re.compile\n"
            "re.compile = lambda *a: compiled.append(a) or real(*a)\n"
            "for text in ('2015', '2015-09', '2016-02-29', ' 0044 '):\n"
            "    dates.parse_filter_date(text)\n"
            "    dates.parse_event_date(text)\n"
            "print(len(compiled))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "0"


@pytest.mark.parametrize("text", ["2015", "2015-09", "2015-09-03", "2016-02-29", "2015-02-29",
                                  "2015-00", "2015-13", "2015-09-00", "2015-09-31", "0000",
                                  "9999-12-31", "2015-21", "2015-9", "2015-09-3", "2015-X9",
                                  "201X", "٢٠١٥", "2015-09~", "2015/09"])
def test_plain_iso_dates_read_as_the_edtf_rules_read_them(text: str) -> None:
    from relations_cli.core import dates
    from relations_cli.core.errors import DateError

    def outcome(read: Callable[[str], object]) -> object:
        try:
            return read(text)
        except DateError as error:
            return f"DateError: {error}"

    fast = outcome(dates._plain_iso)
    if fast is not None:  # a form it reads: the same period, or the same error
        assert fast == outcome(dates._one_edtf)
    else:
        assert text.strip() not in ("2015", "2015-09", "2015-09-03", "2016-02-29")


def test_deferred_modules_work_when_used() -> None:
    code = ("import sys\n"
            "from relations_cli._entry import DEFERRED, defer_unused_modules\n"
            "for name in DEFERRED:\n"
            "    sys.modules.pop(name, None)\n"
            "defer_unused_modules()\n"
            "import subprocess, textwrap, ipaddress, locale, linecache, traceback\n"
            "from bz2 import compress\n"
            "assert type(subprocess).__name__ == '_Deferred'\n"
            "done = subprocess.run([sys.executable, '-c', 'print(6 * 7)'],\n"
            "                      stdout=subprocess.PIPE, text=True, check=True)\n"
            "print(done.stdout.strip(), textwrap.wrap('a b', 1), ipaddress.ip_address('::1'),\n"
            "      bool(locale.getpreferredencoding()), len(compress(b'x')) > 0)\n"
            "subprocess.DEVNULL_COPY = subprocess.DEVNULL\n"
            "assert sys.modules['subprocess'].DEVNULL_COPY == subprocess.DEVNULL\n"
            "try:\n"
            "    raise ValueError('shown')\n"
            "except ValueError:\n"
            "    print(traceback.format_exc().splitlines()[-1])\n"
            "print(bool(linecache.getline(textwrap.__file__, 1)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == ["42 ['a', 'b'] ::1 True True",
                                        "ValueError: shown", "True"]


def test_a_run_builds_the_option_signature_of_its_command_alone() -> None:
    code = ("from relations_cli.cli import _app_for, _families\n"
            "_app_for(['--data', 'x', 'search', 'Kerry'])\n"
            "read = _families(('read',)).registered_commands\n"
            "print(' '.join(i.callback.__name__ for i in read\n"
            "               if '__signature__' in vars(i.callback)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["search"]


def test_the_command_runs_with_the_collector_on_and_the_imports_frozen() -> None:
    # A long run (an index build, serve, browse) must still collect its own cycles; what the
    # start-up imported is frozen, so no pass walks it again.
    code = ("import gc, sys\n"
            "import relations_cli.cli\n"
            "def command():\n"
            "    print(gc.isenabled(), gc.get_freeze_count() > 1000)\n"
            "relations_cli.cli.main = command\n"
            "from relations_cli._entry import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["True", "True"]
