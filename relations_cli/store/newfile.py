"""The text of a new timeline file, as `relations new` and `relations import` create it."""

from __future__ import annotations

from pathlib import Path

from relations_cli.store.yamltext import yaml_scalar

__all__ = ["NEW_TIMELINE", "new_timeline_text", "schema_path"]

NEW_TIMELINE = """\
# yaml-language-server: $schema={schema}
title: {title}
{description}people: []
# An event looks like this; 'relations add --data {name}' writes them for you:
#   - id: palmyra-retaken
#     date: 2016-03-27          # YYYY, YYYY-MM or YYYY-MM-DD
#     title: Syrian troops retake Palmyra
#     category: security
#     people: [Vladimir Putin]
#     sources:
#       - title: Warming Relations
#         publisher: Beijing Review
events:{empty}
"""


def schema_path() -> Path:
    return Path(__file__).resolve().parent.parent / "schema" / "timeline.schema.json"


def new_timeline_text(path: Path, title: str | None = None, description: str | None = None,
                      schema: str | None = None, empty: bool = True) -> str:
    """The file's text up to its events (`events: []` when `empty`, else `events:` with the
    events to follow, each as store/yamltext.render_event writes it)."""
    name = title.strip() if title and title.strip() else \
        path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Timeline"
    about = f"description: {yaml_scalar(description.strip())}\n" \
        if description and description.strip() else ""
    return NEW_TIMELINE.format(schema=schema or schema_path().as_uri(), title=yaml_scalar(name),
                               description=about, name=path.name, empty=" []" if empty else "")
