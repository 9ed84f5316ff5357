"""Checking timeline files: a typed report per file, for `validate` and anything else."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from relations_cli.core.errors import Problem
from relations_cli.core.lint import Linter, LintWarning
from relations_cli.core.model import Event
from relations_cli.core.people import People
from relations_cli.store.loader import read_lines, stream_source, stream_timeline
from relations_cli.store.source import STDIN, STDIN_NAME

__all__ = ["Validation", "explained", "root_cause_first", "validate_path"]

# The parser's complaints that an indentation slip causes, in PyYAML's words.
_INDENTATION_SIGNS = ("did not find expected", "mapping values are not allowed",
                      "expected <block end>", "could not find expected ':'",
                      "while parsing a block")
_INDENTATION_NOTE = ("; check the indentation of this line and the one above (each key of "
                     "an event lines up under its `id`)")


def explained(problem: Problem) -> Problem:
    """The problem in words a person can act on: a parser complaint that an indentation
    slip causes says so."""
    message = problem.message
    if message.startswith("not valid YAML") and "indentation" not in message and any(
            sign in message for sign in _INDENTATION_SIGNS):
        return problem._replace(message=message + _INDENTATION_NOTE)
    return problem


def root_cause_first(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, but the parser's complaints first: what else is wrong (an
    event 'has no title') often follows from them."""
    ordered = sorted(problems, key=lambda p: (p.path, p.line, p.column))
    parser = [explained(p) for p in ordered if p.message.startswith("not valid YAML")]
    return parser + [p for p in ordered if not p.message.startswith("not valid YAML")]


@dataclass(frozen=True)
class Validation:
    """What checking one file found: its problems, and the warnings of a valid file."""

    path: Path
    events: int
    people: int
    problems: list[Problem]
    warnings: list[LintWarning] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_path(path: Path, progress: Callable[[int, int], None] | None = None) -> Validation:
    """Check one file (or `-`, standard input), streamed so a file of any length is checked in
    bounded memory; its problems in file order (a parser's complaint before its knock-on
    effects), and, when there are none, the likely mistakes core/lint finds."""
    stdin = str(path) == STDIN
    name = STDIN_NAME if stdin else str(path)
    counted = [0]
    linter = Linter(name)

    def count(event: Event) -> None:
        counted[0] += 1
        linter.add(event)

    if stdin:
        header, problems = stream_source(sys.stdin.buffer, name, count)
    else:
        header, problems = stream_timeline(path, count, progress)
    registry = People(header.people)
    at = header.people_at  # a claim is reported at the entry that makes it
    problems = problems + [Problem(name, *(at[i] if i < len(at) else (1, 1)),
                                   f"people: {message}")
                           for i, message in registry.claims()]
    ordered = root_cause_first(problems)
    warnings = [] if ordered else linter.finish(
        header.people, None if stdin else lambda: read_lines(path))
    return Validation(Path(name), counted[0], len(registry), ordered, warnings)
