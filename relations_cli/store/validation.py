"""Checking timeline files: a typed report per file, for `validate` and anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from relations_cli.core.errors import Problem
from relations_cli.core.model import Event
from relations_cli.core.people import People
from relations_cli.store.loader import stream_timeline

__all__ = ["Validation", "validate_path"]


@dataclass(frozen=True)
class Validation:
    """What checking one file found."""

    path: Path
    events: int
    people: int
    problems: list[Problem]

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_path(path: Path, progress: Callable[[int, int], None] | None = None) -> Validation:
    """Check one file, streamed so a file of any length is checked in bounded memory; its
    problems in file order (a parser's complaint before its knock-on effects)."""
    counted = [0]

    def count(_: Event) -> None:
        counted[0] += 1

    header, problems = stream_timeline(path, count, progress)
    registry = People(header.people)
    problems = problems + [Problem(str(path), 1, 1, f"people: {message}")
                           for message in registry.problems()]
    ordered = sorted(problems, key=lambda p: (p.line, p.column))
    return Validation(path, counted[0], len(registry), ordered)
