"""The eras file of `--eras` (TimelineJS): a YAML or JSON list of {start, end, headline}.

    - start: 2012-11
      end: 2016
      headline: Xi's first term

Dates are timeline dates (ISO 8601 or EDTF level 1, as an event's `date`); problems are
reported as the loader reports them, FILE:LINE:COL, all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relations_cli.core.errors import DateError, ErasError, Problem
from relations_cli.core.model import Period

if TYPE_CHECKING:
    import yaml

__all__ = ["Era", "load_eras"]

FIELDS = ("start", "end", "headline")
MAX_BYTES = 1 << 20  # an eras file is a handful of lines; anything bigger is a mistake


@dataclass(frozen=True)
class Era:
    """A named stretch of time drawn behind the slides of a TimelineJS timeline."""

    start: Period
    end: Period
    headline: str


def load_eras(path: str) -> tuple[Era, ...]:
    """The eras in the file, in its order; ErasError lists every problem found."""
    import yaml

    try:
        raw = Path(path).read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise ErasError([Problem(path, 1, 1, f"cannot read the eras file: "
                                 f"{error.strerror or error}")]) from None
    if len(raw) > MAX_BYTES:
        raise ErasError([Problem(path, 1, 1, "the eras file is over 1 MiB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ErasError([Problem(path, line, 1, "not UTF-8 text")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ErasError([Problem(path, *where, f"not valid YAML or JSON: "
                                 f"{error.problem or error}")]) from None
    except yaml.YAMLError as error:
        raise ErasError([Problem(path, 1, 1, f"not valid YAML or JSON: {error}")]) from None
    return _Reader(path).eras(root)


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1,
                                     node.start_mark.column + 1, message))

    def eras(self, root: yaml.Node | None) -> tuple[Era, ...]:
        import yaml

        if root is None:
            raise ErasError([Problem(self.path, 1, 1, "the eras file is empty: write a list "
                                     "of {start, end, headline}")])
        if not isinstance(root, yaml.SequenceNode):
            self.problem(root, "the eras file must be a list of {start, end, headline}")
            raise ErasError(self.problems)
        eras = [self.era(node, number) for number, node in enumerate(root.value, start=1)]
        if self.problems:
            raise ErasError(self.problems)
        return tuple(era for era in eras if era is not None)

    def era(self, node: yaml.Node, number: int) -> Era | None:
        import yaml

        what = f"era {number}"
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of start, end and headline")
            return None
        values: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in FIELDS:
                self.problem(key, f"{what}: unknown key {name!r}; an era has "
                             f"{', '.join(FIELDS)}")
            elif name in values:
                self.problem(key, f"{what}: duplicate key {name!r} (first at line "
                             f"{values[name].start_mark.line + 1})")
            else:
                values[name] = value
        for name in FIELDS:
            if name not in values:
                self.problem(node, f"{what}: missing {name!r}")
        texts: dict[str, str] = {}
        for name, value in values.items():
            if not isinstance(value, yaml.ScalarNode) or value.value.strip() == "":
                self.problem(value, f"{what}: {name} must be a non-empty text")
            else:
                texts[name] = value.value.strip()
        start = self.date(values, texts, "start", what)
        end = self.date(values, texts, "end", what)
        if start is not None and end is not None and end.end < start.start:
            self.problem(values["end"], f"{what}: ends ({end.text}) before it starts "
                         f"({start.text})")
            return None
        if start is None or end is None or "headline" not in texts:
            return None
        return Era(start, end, texts["headline"])

    def date(self, values: dict[str, yaml.Node], texts: dict[str, str], name: str,
             what: str) -> Period | None:
        from relations_cli.core.dates import parse_event_date

        if name not in texts:
            return None
        try:
            return parse_event_date(texts[name])
        except DateError as error:
            self.problem(values[name], f"{what}: {name}: {error}")
            return None
