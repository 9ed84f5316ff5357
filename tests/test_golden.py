"""Golden files: each output format, byte for byte. Regenerate with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, invoke

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = str(FIXTURES / "sample.yaml")

CASES = {
    "timeline.plain": ["timeline", "--format", "plain"],
    "timeline.json": ["timeline", "--format", "json"],
    "timeline.jsonl": ["timeline", "--format", "jsonl"],
    "timeline.csv": ["timeline", "--format", "csv"],
    "timeline.tsv": ["timeline", "--format", "tsv"],
    "timeline.md": ["timeline", "--format", "markdown"],
    "timeline.table": ["timeline", "--format", "table"],
    "timeline.pretty-80": ["timeline", "--format", "pretty", "--width", "80"],
    "timeline.pretty-160": ["timeline", "--format", "pretty", "--width", "160"],
    "timeline.pretty-color": ["timeline", "--format", "pretty", "--width", "80", "--color",
                              "always"],
    "timeline.plain-color": ["timeline", "--format", "plain", "--color", "always"],
    "search.pretty-color": ["search", "parade", "--format", "pretty", "--width", "80",
                            "--color", "always"],
    "show.plain": ["show", "trade-figures"],
    "show.md": ["show", "trade-figures", "--format", "markdown"],
    "show.json": ["show", "trade-figures", "--format", "json"],
    "show.pretty-80": ["show", "trade-figures", "--format", "pretty", "--width", "80"],
    "show-hostile.pretty-80": ["show", "hostile", "--format", "pretty", "--width", "80"],
    "summary.plain": ["summary", "--by", "month"],
    "summary.json": ["summary", "--by", "month", "--format", "json"],
    "summary.csv": ["summary", "--by", "year", "--by", "category", "--format", "csv"],
    "summary.pretty-80": ["summary", "--by", "month", "--format", "pretty", "--width", "80"],
    "summary.pretty-160": ["summary", "--by", "quarter", "--format", "pretty", "--width", "160"],
    "chart.pretty-80": ["chart", "--width", "80"],
    "chart.pretty-160": ["chart", "--width", "160"],
    "chart-people.pretty-80": ["chart", "--by", "person", "--width", "80"],
    "chart.json": ["chart", "--format", "json"],
    "people.plain": ["people"],
    "people.pretty-80": ["people", "--format", "pretty", "--width", "80"],
    "people.pretty-160": ["people", "--format", "pretty", "--width", "160"],
    "person.pretty-80": ["people", "Hu Hao", "--format", "pretty", "--width", "80"],
    "quotes.plain": ["quotes"],
    "quotes.pretty-80": ["quotes", "--format", "pretty", "--width", "80"],
    "figures.csv": ["figures", "--format", "csv"],
    "figures.pretty-80": ["figures", "--format", "pretty", "--width", "80"],
    "figures.pretty-160": ["figures", "--format", "pretty", "--width", "160"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden_file(name: str) -> None:
    result = invoke(*CASES[name], "--data", SAMPLE)
    assert result.status == 0, result
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_text(encoding="utf-8"), f"{name} differs from {golden}"


@pytest.mark.parametrize("name", sorted(n for n in CASES if "color" not in n))
def test_golden_files_hold_no_raw_control_bytes(name: str) -> None:
    text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\x1b\x9b\u202e\x07"), name


@pytest.mark.parametrize("name", sorted(n for n in CASES if "-80" in n or "-160" in n))
def test_drawings_stay_within_their_width(name: str) -> None:
    width = 80 if "-80" in name else 160
    lines = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in lines) <= width, name
