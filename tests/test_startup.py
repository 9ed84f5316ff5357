"""Start-up: a run imports only the family of its command, and gets the same command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import BUNDLED


def _names() -> dict[str, str]:
    from relations_cli.cli import _FAMILY_OF, _command_name, app

    registered = {_command_name(info): info.callback.__module__.rsplit(".", 1)[1]
                  for info in app.registered_commands}
    assert registered == _FAMILY_OF
    return registered


def test_the_family_table_names_every_command_and_its_module() -> None:
    assert len(_names()) >= 18


@pytest.mark.parametrize("argv", [["timeline", "--since", "2015"], ["--no-cache", "people"],
                                  ["cache"], ["schema"]])
def test_a_run_imports_only_its_commands_family(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from relations_cli.cli import _FAMILY_OF, _app_for, _command_in\n"
        f"lean = _app_for({argv!r})\n"
        "names = [i.callback.__name__ for i in lean.registered_commands]\n"
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
    assert len(_app_for([]).registered_commands) == whole
    assert len(_app_for(["--help"]).registered_commands) == whole
    assert len(_app_for(["no-such-command"]).registered_commands) == whole


def test_the_lean_run_prints_what_the_whole_app_prints() -> None:
    from tests.helpers import invoke

    argv = ["--data", str(BUNDLED), "--no-cache", "timeline", "--since", "2015"]
    code = ("import sys\nfrom relations_cli.cli import main\n"
            f"sys.argv = ['relations', *{argv!r}]\nmain()\n")
    lean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    whole = invoke(*argv)
    assert (lean.returncode, lean.stdout) == (whole.status, whole.stdout)
