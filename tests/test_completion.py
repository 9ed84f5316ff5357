"""Shell completion: values in any case, aliases offered, and each shell's script."""

from __future__ import annotations

import pytest

from tests.helpers import run


def complete_bash(words: str) -> list[str]:
    result = run(env={"_RELATIONS_COMPLETE": "complete_bash", "COMP_WORDS": words,
                      "COMP_CWORD": str(len(words.split()) - 1)})
    assert result.status == 0, result
    return result.stdout.splitlines()


@pytest.mark.parametrize("typed", ["x", "X", "xI"])
def test_a_person_completes_in_any_case(typed: str) -> None:
    assert complete_bash(f"relations timeline --person {typed}") == ["Xi Jinping"]


def test_aliases_are_offered_in_any_case() -> None:
    assert complete_bash("relations timeline --person джон") == ["Джон Керри"]
    assert "习近平" in complete_bash("relations people --person 习")


def test_other_values_complete_in_any_case() -> None:
    assert complete_bash("relations timeline --category DIP") == ["diplomacy"]


def test_zsh_completion_also_in_any_case() -> None:
    result = run(env={"_RELATIONS_COMPLETE": "complete_zsh",
                      "_TYPER_COMPLETE_ARGS": "relations timeline --person x"})
    assert "Xi Jinping" in result.stdout, result


def test_show_completion_zsh_prints_the_zsh_script() -> None:
    result = run("--show-completion", "zsh")
    assert result.status == 0, result
    assert result.stdout.startswith("#compdef relations\n")
    assert "_RELATIONS_COMPLETE=complete_zsh" in result.stdout
    assert "matcher-list" in result.stdout  # zsh told to match any case
    assert "COMPREPLY" not in result.stdout  # not the bash script


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete_bash"),
                                                ("fish", "complete_fish")])
def test_show_completion_names_its_shell(shell: str, marker: str) -> None:
    result = run("--show-completion", shell)
    assert result.status == 0, result
    assert marker in result.stdout


def test_show_completion_of_an_unknown_shell_is_a_usage_error() -> None:
    result = run("--show-completion", "tcsh")
    assert result.status == 2
    assert "no shell 'tcsh'" in result.stderr
