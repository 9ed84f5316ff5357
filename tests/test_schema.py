"""The JSON Schema for editors: shipped, printed, in step with the loader, and right."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from relations_cli.core.schema import timeline_schema
from relations_cli.store import loader
from relations_cli.store.write import FIELD_ORDER
from tests.helpers import BUNDLED, FIXTURES, MINIMAL, invoke

jsonschema = pytest.importorskip("jsonschema")
SHIPPED = Path(loader.__file__).resolve().parent.parent / "schema" / "timeline.schema.json"


class _Yaml12Loader(yaml.SafeLoader):
    """Reads as editors' YAML 1.2 language servers do: numbers and booleans, no dates."""


_Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers
          if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _read(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # a SafeLoader subclass


def _validator() -> Any:
    return jsonschema.Draft7Validator(timeline_schema())


def test_the_shipped_file_is_the_schema() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    assert json.loads(shipped) == timeline_schema()
    assert shipped == json.dumps(timeline_schema(), indent=2, ensure_ascii=False) + "\n"


def test_the_schema_is_valid_draft_07() -> None:
    jsonschema.Draft7Validator.check_schema(timeline_schema())
    assert timeline_schema()["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_relations_schema_prints_it() -> None:
    outcome = invoke("schema")
    assert outcome.status == 0, outcome
    assert json.loads(outcome.stdout) == timeline_schema()


def test_the_schema_and_the_loader_name_the_same_fields() -> None:
    schema = timeline_schema()
    assert tuple(schema["properties"]) == loader.TOP_FIELDS
    event = schema["properties"]["events"]["items"]
    assert tuple(event["properties"]) == loader.EVENT_FIELDS == FIELD_ORDER
    for key, fields in (("quotes", loader.QUOTE_FIELDS), ("figures", loader.FIGURE_FIELDS),
                        ("sources", loader.SOURCE_FIELDS)):
        assert tuple(event["properties"][key]["items"]["properties"]) == fields
    person = schema["properties"]["people"]["items"]
    assert tuple(person["properties"]) == loader.PERSON_FIELDS


def test_every_field_has_a_description_and_an_example() -> None:
    def walk(node: dict[str, Any], path: str) -> None:
        for name, child in node.get("properties", {}).items():
            assert child.get("description"), f"{path}.{name}"
            assert child.get("examples"), f"{path}.{name}"
            walk(child.get("items", child), f"{path}.{name}")

    walk(timeline_schema(), "")


@pytest.mark.parametrize("path", [BUNDLED, *sorted(FIXTURES.glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_valid_timelines_validate(path: Path) -> None:
    assert loader.validate_file(path)[1] == []
    errors = list(_validator().iter_errors(_read(path.read_text(encoding="utf-8"))))
    assert errors == []


INVALID = {
    "no events": "title: x\n",
    "no id": "events:\n  - date: 2015\n    title: x\n",
    "no date": "events:\n  - id: a\n    title: x\n",
    "no title": "events:\n  - id: a\n    date: 2015\n",
    "bad id": "events:\n  - id: Not An Id\n    date: 2015\n    title: x\n",
    "unknown field": "events:\n  - id: a\n    date: 2015\n    title: x\n    tittle: y\n",
    "unknown top": "event:\n  - id: a\n",
    "month 13": "events:\n  - id: a\n    date: 2015-13\n    title: x\n",
    "year -0": "events:\n  - id: a\n    date: '-0000'\n    title: x\n",
    "year 10000": "events:\n  - id: a\n    date: 10000\n    title: x\n",
    "time": "events:\n  - id: a\n    date: 2015-01-01T25:00\n    title: x\n",
    "level 2": "events:\n  - id: a\n    date: 2004-?06-11\n    title: x\n",
    "open start": "events:\n  - id: a\n    date: ../2004\n    title: x\n",
    "category": "events:\n  - id: a\n    date: 2015\n    title: x\n    category: two words\n",
    "tags not a list": "events:\n  - id: a\n    date: 2015\n    title: x\n    tags: {a: 1}\n",
    "quote without text": "events:\n  - id: a\n    date: 2015\n    title: x\n"
                          "    quotes:\n      - by: X\n",
    "person without name": "people:\n  - role: r\nevents: []\n",
    "events not a list": "events: x\n",
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_timelines_are_rejected_by_both(name: str) -> None:
    text = INVALID[name]
    assert loader.parse_timeline(text)[1], "the loader accepts it"
    assert list(_validator().iter_errors(_read(text))), "the schema accepts it"


def test_minimal_and_new_timelines_validate(tmp_path: Path) -> None:
    assert not list(_validator().iter_errors(_read(MINIMAL)))
    path = tmp_path / "mine.yaml"
    assert invoke("new", str(path), "--title", "Mine").status == 0
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=file://")
    assert SHIPPED.as_uri() in text
    assert not list(_validator().iter_errors(_read(text)))
    assert loader.parse_timeline(text)[1] == []


def test_new_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("precious")
    outcome = invoke("new", str(path))
    assert outcome.status == 2
    assert "already exists" in outcome.stderr
    assert path.read_text() == "precious"
