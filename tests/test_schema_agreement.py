"""The schema and the loader agree (issue 23): one corpus of accepted and refused timelines,
fed to both, with the schema reading the YAML twice: as the loader does (every value the
text written, PyYAML's BaseLoader) and as editors' YAML 1.2 language servers do (numbers,
booleans, null). Any disagreement fails, but for those a JSON Schema cannot express, each
listed below with the reason.

The corpus: every string of the EDTF corpus (tests/fixtures/edtf-corpus.tsv) as an event's
`date`, as its `end` and as a source's `date`, quoted and, where YAML allows, plain; every form
of tests/publish_forms.py; and timelines that each test one rule of a field.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
import yaml

from relations_cli.core.schema import timeline_schema
from relations_cli.store import loader
from tests.publish_forms import EXTRA_DATES
from tests.test_edtf_corpus import ROWS
from tests.test_schema import _read as read_yaml_12

jsonschema = pytest.importorskip("jsonschema")

EVENT = "events:\n  - id: a\n    title: x\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def _plain_ok(text: str) -> bool:
    """Whether `text` may stand as a plain YAML scalar and still be read as that text."""
    try:
        read = yaml.load(f"key: {text}\n", Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return False
    return isinstance(read, dict) and read.get("key") == text.strip()


DATES = [row.text for row in ROWS] + [d for d in EXTRA_DATES if d not in {r.text for r in ROWS}]
MORE_DATES = [
    "2016-21-05", "196X-05", "1985-XX-05", "0 BC", "0000 BC", "AD 0", "2015-02-29",
    "2016-02-29", "1900-02-29", "2000-02-29", "-0004-02-29", "-0100-02-29", "2015-04-31",
    "2015-06-31", "9999-24", "winter 9999", "Winter 9998", "44 BC/AD 10", "44 BC/..",
    "2015-09-03T10:00-00:00", "2015-09-03T10:00+14:30", "2015-09-03T10:00+15:00",
    "2015-09-03T10:00-12:30", "2015-09-03T10:00+05", "2015-09-03T10:00+0530",
    "2015-09-03T24:00", "2015-09T10:00", " 2015 ", "", "  ", "..", "2015/..", "2015/",
    "../2015", "/2015", "2015 / 2016", "2015-09/2015-09-03T10:00Z", "spring  2016",
    "spring2016", "44bc", "44 B.C.E.", "a.d. 476", "476 ce", "9999 BC", "10000 BC",
    "196X~", "196X?/1970", "2004-XX~", "2004-06-XX%", "1985-XX-XX", "2015-XX-01",
    "2015-13", "2015-00", "2015-01-00", "2015-1-1", "15", "0015", "-15", "+2015",
    "2015-09-03T10:00:00.5Z", "1969-07-20T20:17Z~", "1969-07-20t20:17z", "03/07/2016",
    "2016/03/07", "2016.03.07", "2016-03-07 10:00", "Q1 2016", "2016Q1", "Sep 2015",
    "-0000", "-0000-01", "0000", "-0043", "0044", "476", "0000-02-29", "-9999-24", "-9999", "9999",
]


def _date_cases() -> dict[str, str]:
    cases: dict[str, str] = {}
    for text in DATES + MORE_DATES:
        forms = [("quoted", _q(text))] + ([("plain", text)] if _plain_ok(text) else [])
        for how, written in forms:
            cases[f"date {how} {text!r}"] = f"{EVENT}    date: {written}\n"
            cases[f"end {how} {text!r}"] = f"{EVENT}    date: '-9999'\n    end: {written}\n"
            cases[f"source date {how} {text!r}"] = (
                f"{EVENT}    date: 2015\n    sources:\n      - title: s\n"
                f"        date: {written}\n")
    return cases


def _field_cases() -> dict[str, str]:
    def event(*lines: str, date: str = "2015") -> str:
        return "events:\n  - " + "\n    ".join(["id: a", f"date: {date}", *lines]) + "\n"

    return {
        "minimal": event("title: x"),
        "empty summary": event("title: x", "summary:"),
        "null summary": event("title: x", "summary: ~"),
        "number summary": event("title: x", "summary: 32.9"),
        "boolean summary": event("title: x", "summary: yes"),
        "empty title": event('title: ""'),
        "blank title": event('title: "   "'),
        "no title value": event("title:"),
        "number title": event("title: 2016"),
        "boolean title": event("title: true"),
        "id number": "events:\n  - id: 2016\n    date: 2015\n    title: x\n",
        "id negative": "events:\n  - id: -5\n    date: 2015\n    title: x\n",
        "id float": "events:\n  - id: 1.5\n    date: 2015\n    title: x\n",
        "id capitals": "events:\n  - id: Abc\n    date: 2015\n    title: x\n",
        "id spaces": "events:\n  - id: ' a-b '\n    date: 2015\n    title: x\n",
        "id underscore": "events:\n  - id: a_b\n    date: 2015\n    title: x\n",
        "id empty": "events:\n  - id: ''\n    date: 2015\n    title: x\n",
        "category word": event("title: x", "category: trade"),
        "category hyphen": event("title: x", "category: arms-control"),
        "category cyrillic": event("title: x", "category: безопасность"),
        "category dot": event("title: x", "category: a.b"),
        "category underscore first": event("title: x", "category: _x"),
        "category underscore after": event("title: x", "category: x_y"),
        "category hyphen first": event("title: x", "category: -x"),
        "category two words": event("title: x", "category: two words"),
        "category number": event("title: x", "category: 2016"),
        "category negative": event("title: x", "category: -5"),
        "category empty": event("title: x", "category:"),
        "category quoted empty": event("title: x", "category: ''"),
        "tags scalars": event("title: x", "tags: [yes, 1, 2.5, true]"),
        "tags empty": event("title: x", "tags:"),
        "tags mapping": event("title: x", "tags: {a: 1}"),
        "tags nested": event("title: x", "tags: [[a]]"),
        "end empty": event("title: x", 'end: ""'),
        "end null": event("title: x", "end:"),
        "end and interval": event("title: x", "end: 2016", date="2015/2016"),
        "end and open interval": event("title: x", "end: 2016", date="2015/.."),
        "quote empty by": event("title: x", "quotes:", "  - by: ''", "    text: t"),
        "quote no text": event("title: x", "quotes:", "  - by: b"),
        "quote numbers": event("title: x", "quotes:", "  - by: 1", "    text: 2"),
        "figure number": event("title: x", "figures:", "  - label: l", "    value: 32.9"),
        "figure empty value": event("title: x", "figures:", "  - label: l", "    value:"),
        "source url number": event("title: x", "sources:", "  - title: t", "    url: 1"),
        "source empty title": event("title: x", "sources:", "  - title: ''"),
        "source unknown field": event("title: x", "sources:", "  - title: t", "    x: 1"),
        "person": "people:\n  - name: A\n    role: r\n    aliases: [B, 1]\nevents: []\n",
        "person empty name": "people:\n  - name: ''\nevents: []\n",
        "people empty": "people:\nevents: []\n",
        "title of timeline empty": "title:\nevents: []\n",
        "events empty": "events:\n",
        "events list empty": "events: []\n",
        "events mapping": "events: {a: 1}\n",
        "no events": "title: x\n",
        "top unknown": "events: []\nextra: 1\n",
        "event unknown field": event("title: x", "colour: red"),
        "event not a mapping": "events:\n  - just text\n",
    }


CASES = {**_date_cases(), **_field_cases()}


def _loader_accepts(text: str) -> bool:
    return loader.parse_timeline(text)[1] == []


@functools.cache
def _validator() -> Any:
    return jsonschema.Draft7Validator(timeline_schema())


def _schema_accepts(value: Any) -> bool:
    return not list(_validator().iter_errors(value))


def _read_as_the_loader(text: str) -> Any:
    # Every scalar the text written, with the parser the loader uses (libyaml's, when PyYAML
    # has it: store/loader._yaml_loader).
    return yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))


# Disagreements no JSON Schema can express, by the part of the case's name that names them.
# Both readings: one value compared with another (an end before its start; the EDTF corpus
# has one interval that ends first).
BEYOND_A_SCHEMA = {
    "'2018-21/2017-01-01'": "an interval whose end is before its start",
}
# The loader's reading (BaseLoader) loses whether a scalar was quoted:
LOADER_READING = {
    "tags empty": "`tags:` (plain, an empty list) and `tags: ''` (refused) both read as ''",
    "events empty": "`events:` is read as '', as `events: ''` would be",
    "people empty": "`people:` is read as '', as `people: ''` would be",
}


def _editor_loses_it(name: str) -> str | None:
    """The editors' reading (YAML 1.2) loses the digits of a plain number: `19`, `0019` and
    `+19` are all the number 19, and `-0000` is 0, so a schema cannot refuse `19` (a year
    has four digits) and accept `0019`; it takes every number from -9999 to 9999."""
    text = name.partition(" plain ")[2][1:-1]
    if text and text.lstrip("+-").isdigit():
        return "a plain number"
    return None


def _why(name: str, reading: str) -> str | None:
    table = {**BEYOND_A_SCHEMA, **(LOADER_READING if reading == "loader" else {})}
    found = next((why for key, why in table.items() if key in name), None)
    if found is None and reading == "editor":
        return _editor_loses_it(name)
    return found


@pytest.mark.parametrize("reading", ["loader", "editor"])
def test_the_schema_and_the_loader_agree(reading: str) -> None:
    read = _read_as_the_loader if reading == "loader" else read_yaml_12
    disagree = {}
    explained = set()
    for name, text in CASES.items():
        loader_says = _loader_accepts(text)
        schema_says = _schema_accepts(read(text))
        if loader_says != schema_says:
            why = _why(name, reading)
            if why is None:
                disagree[name] = f"loader {'accepts' if loader_says else 'refuses'}, schema " \
                                 f"{'accepts' if schema_says else 'refuses'}"
            else:
                explained.add(name)
    assert disagree == {}, "\n".join(f"{k}: {v}" for k, v in sorted(disagree.items()))
    # Every exception listed is met: none stays behind once the schema or loader changes.
    for key in BEYOND_A_SCHEMA if reading == "editor" else {**BEYOND_A_SCHEMA, **LOADER_READING}:
        assert any(key in name for name in explained), key


def test_the_corpus_has_both_verdicts() -> None:
    verdicts = [_loader_accepts(text) for text in CASES.values()]
    assert sum(verdicts) > 300
    assert len(verdicts) - sum(verdicts) > 300


@pytest.mark.parametrize("name", [
    "empty summary", "id number", "end empty", "tags scalars", "category cyrillic",
    "date plain '-0043'", "date quoted '44 bc'", "date quoted 'SPRING 2016'",
])
def test_editors_no_longer_flag_valid_files(name: str) -> None:
    text = CASES[name]
    assert _loader_accepts(text)
    assert _schema_accepts(read_yaml_12(text))


@pytest.mark.parametrize("name", [
    "date quoted '2016-21-05'", "date quoted '196X-05'", "date quoted '1985-XX-05'",
    "date quoted '0 BC'", "empty title", "blank title", "date quoted '2015-02-29'",
    "date quoted '9999-24'", "date quoted '2015-09-03T10:00-00:00'", "end and interval",
])
def test_editors_flag_invalid_files(name: str) -> None:
    text = CASES[name]
    assert not _loader_accepts(text)
    assert not _schema_accepts(read_yaml_12(text))


def test_the_patterns_read_the_same_in_javascript() -> None:
    """Editors run the schema's patterns as ECMA-262 regular expressions (with the `u` flag,
    as VS Code's JSON service and Ajv do), jsonschema as Python's: both give every string of
    the corpus the same verdict."""
    import re
    import subprocess

    from relations_cli.core import schema
    from tests.test_publish_forms import _node

    patterns = {"date": schema.DATE_PATTERN, "when": schema.WHEN_PATTERN,
                "category": schema.CATEGORY_PATTERN, "id": schema.ID_PATTERN}
    strings = [*DATES, *MORE_DATES, "безопасность", "a.b", "x_y", "_x", "-x", "a—b", " a "]
    script = ("const [p, s] = JSON.parse(require('fs').readFileSync(0, 'utf8')); const o = {};"
              "for (const k in p) { const r = new RegExp(p[k], 'u');"
              " o[k] = s.map(x => r.test(x)); }"
              "process.stdout.write(JSON.stringify(o));")
    done = subprocess.run([_node(), "-e", script], input=json.dumps([patterns, strings]),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    in_javascript = json.loads(done.stdout)
    for key, pattern in patterns.items():
        in_python = [re.search(pattern, text) is not None for text in strings]
        assert in_javascript[key] == in_python, key
