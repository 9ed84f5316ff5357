"""The format registry (render/formats.py): each entry renders exactly the kinds it claims,
with typed renderers (mypy checks each against its kind), and no renderer is found by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from relations_cli.render.formats import FORMATS, Binary, Drawn, Kind, Written

KINDS = {Kind.EVENTS: "events", Kind.EVENT: "event", Kind.REPORT: "report", Kind.CHART: "chart"}
# The formats that write a listing's stored records and a report's text rows as they are.
STREAMING = {"plain", "json", "jsonl", "csv", "tsv"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_exactly_the_kinds_it_claims(name: str) -> None:
    fmt = FORMATS[name]
    renderers = fmt.load()
    assert isinstance(renderers, (Written, Drawn, Binary))
    rendered = {kind for kind, field in KINDS.items()
                if getattr(renderers, field, None) is not None}
    assert rendered == set(fmt.kinds), name
    if isinstance(renderers, Written):
        streams = renderers.records is not None
        assert streams == (renderers.rows is not None) == (name in STREAMING), name


def test_the_drawn_formats_are_pretty_and_table() -> None:
    drawn = {name for name, fmt in FORMATS.items() if isinstance(fmt.load(), Drawn)}
    assert drawn == {"pretty", "table"}


def test_the_binary_format_is_sqlite() -> None:
    binary = {name for name, fmt in FORMATS.items() if isinstance(fmt.load(), Binary)}
    assert binary == {"sqlite"}


def test_no_renderer_is_found_by_its_name() -> None:
    """render/ dispatches on the typed fields of Written and Drawn, not on `{format}_{kind}`
    names looked up with getattr."""
    render = Path(__file__).resolve().parent.parent / "relations_cli" / "render"
    for module in render.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "import_module" not in text, module.name
        assert "_{kind" not in text, module.name
        assert "_{suffix" not in text, module.name
