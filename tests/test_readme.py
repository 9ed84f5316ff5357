"""README's output examples are the tool's real output: each `$ relations ...` line of a
plain fenced block is run again and its output compared with the lines under it.

A command with no pipe is drawn as on a terminal of 88 columns without color; `| cat` is the
piped output, `| cut -f...` picks tab-separated fields of it. A block that ends in `...`
shows only the first lines. `UPDATE_README=1` rewrites the examples from the tool (only for
intended changes). Blocks fenced as ```console (writing a timeline) change files and are not
run here.
"""

from __future__ import annotations

import os
import shlex

import pytest

from tests.helpers import ROOT, invoke

README = ROOT / "README.md"
WIDTH = "88"


def examples(text: str) -> list[tuple[int, str, list[str]]]:
    """(line number, command, expected lines) for each `$ relations` line of a plain block."""
    found: list[tuple[int, str, list[str]]] = []
    lines = text.splitlines()
    inside = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            inside = not inside and line == "```"
            continue
        if inside and line.startswith("$ relations "):
            expected = []
            for later in lines[number + 1:]:
                if later.startswith(("$ ", "```")):
                    break
                expected.append(later)
            found.append((number, line[2:], expected))
    return found


def output_of(command: str) -> list[str]:
    """What the command prints, as README shows it."""
    program, _, pipe = command.partition(" | ")
    args = shlex.split(program)[1:]
    if not pipe:
        args += ["--format", "pretty", "--width", WIDTH, "--color", "never"]
    result = invoke(*args)
    assert result.status in (0, 1), result
    lines = result.stdout.splitlines()
    if pipe.startswith("cut -f"):
        fields = [int(n) - 1 for n in pipe.split("-f")[1].split(",")]
        lines = ["\t".join(line.split("\t")[n] for n in fields) for line in lines]
    else:
        assert pipe in ("", "cat"), f"README pipes to something this test cannot run: {pipe}"
    return lines


def shown(expected: list[str], actual: list[str]) -> list[str]:
    """The actual lines as the example shows them: cut after as many lines as it shows when
    it ends in `...`."""
    if expected and expected[-1] == "...":
        return [*actual[: len(expected) - 1], "..."]
    return actual


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(("number", "command", "expected"), EXAMPLES,
                         ids=[f"line {n + 1}: {c}" for n, c, _ in EXAMPLES])
def test_readme_example_is_real_output(number: int, command: str,
                                       expected: list[str]) -> None:
    actual = shown(expected, output_of(command))
    if os.environ.get("UPDATE_README") and actual != expected:
        _rewrite(number, expected, actual)
        return
    assert actual == expected, "\n".join(
        ["README differs (UPDATE_README=1 rewrites it):", *actual])


def _rewrite(number: int, expected: list[str], actual: list[str]) -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    # The command again, nearest where it was: an earlier rewrite may have moved it.
    command = next(c for n, c, _ in EXAMPLES if n == number)
    start = min((i for i, line in enumerate(lines) if line == "$ " + command),
                key=lambda i: abs(i - number))
    lines[start + 1: start + 1 + len(expected)] = actual
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")
