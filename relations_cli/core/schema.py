"""The timeline format as a JSON Schema (draft-07), for editors' YAML language servers.

The schema is built here from one table of fields; the file shipped in the package
(relations_cli/schema/timeline.schema.json) is this function's output, and a test checks
that both agree with the loader's field lists. Editors read YAML 1.2, where `2015` is a
number and `32.9` a float, so such values are allowed where the loader reads them as text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["timeline_schema"]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# One date: YYYY, YYYY-MM or YYYY-MM-DD and EDTF level 1 (core/dates): a signed year, seasons
# 21-24, unspecified digits X, a time of day with an optional zone, one qualifier ? ~ %; or a
# readable year with its era (44 BC, AD 476) or season (spring 2016).
_YEAR = r"(?:(?!-0000)-?\d{4}|\d{3}X|\d{2}XX)"
_ONE = (_YEAR + r"(?:-(?:0[1-9]|1[0-2]|2[1-4]|XX)(?:-(?:0[1-9]|[12]\d|3[01]|XX)"
        r"(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?)?)?[?~%]?")
_READABLE = (r"\d{1,4} ?(?:BCE?|B\.C\.|CE|AD|A\.D\.)|(?:AD|A\.D\.) ?\d{1,4}"
             r"|(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter) -?\d{4}")
DATE_PATTERN = rf"^(?:{_ONE}|{_READABLE})$"
# A date may also be an EDTF interval: an end after '/', open ('..') or unknown (empty).
WHEN_PATTERN = rf"^(?:{_ONE}|{_READABLE})(?:/(?:{_ONE}|{_READABLE}|\.\.)?)?$"
END_PATTERN = rf"^(?:{_ONE}|{_READABLE}|\.\.)$"
CATEGORY_PATTERN = r"^[^\s_-][^\s]*$"

_TEXT: dict[str, Any] = {"type": ["string", "number"]}
_DATE: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": DATE_PATTERN},
              {"type": "integer", "minimum": 0, "maximum": 9999}],
}
_WHEN: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": WHEN_PATTERN}, _DATE["anyOf"][1]]}
_END: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": END_PATTERN}, _DATE["anyOf"][1]]}


def _field(base: dict[str, Any], description: str, example: Any, **more: Any) -> dict[str, Any]:
    return {**base, "description": description, "examples": [example], **more}


def _texts(description: str, example: list[str]) -> dict[str, Any]:
    return {"type": ["array", "null"], "items": _TEXT, "description": description,
            "examples": [example]}


def _records(description: str, item: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    return {"type": ["array", "null"], "items": item, "description": description,
            "examples": [[example]]}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


QUOTE = _object({
    "by": _field(_TEXT, "Who said it, as named in people.", "Shen Danyang"),
    "text": _field(_TEXT, "What they said.", "The foundation of cooperation is solid."),
}, ["by", "text"])
FIGURE = _object({
    "label": _field(_TEXT, "What is counted.", "China's exports to Russia, 2015"),
    "value": _field(_TEXT, "The number, as written.", 32.9),
    "unit": _field(_TEXT, "Its unit.", "billion USD"),
    "change": _field(_TEXT, "How it changed.", "down more than a third year on year"),
}, ["label", "value"])
SOURCE = _object({
    "title": _field(_TEXT, "Title of the source.", "Warming Relations"),
    "url": _field({"type": "string"}, "Where to read it.", "https://example.org/article"),
    "publisher": _field(_TEXT, "Who published it.", "Beijing Review"),
    "date": _field(_DATE, "When it was published: YYYY, YYYY-MM or YYYY-MM-DD.", "2016-04"),
}, ["title"])
PERSON = _object({
    "name": _field(_TEXT, "The name events use.", "Xi Jinping"),
    "role": _field(_TEXT, "Who they are.", "President of China"),
    "aliases": _texts("Other names they may be found by.", ["习近平"]),
}, ["name"])
EVENT = _object({
    "id": _field({"type": "string", "pattern": ID_PATTERN},
                 "Unique id: lowercase words joined by '-'.", "palmyra-retaken"),
    "date": _field(_WHEN, "When: YYYY, YYYY-MM or YYYY-MM-DD, or EDTF level 1 (1960~, "
                   "2016-21, 196X, -0043, 44 BC, 1969-07-20T20:17Z, 2015-09/2016-03); kept "
                   "as written.", "2016-03-27"),
    "end": _field(_END, "Last day of a span, in the same forms, or '..' (open); not before "
                  "date.",
                  "2016-03-31"),
    "title": _field(_TEXT, "What happened, in one line.", "Syrian troops retake Palmyra"),
    "summary": _field(_TEXT, "A few sentences in your own words.",
                      "Backed by Russian air strikes, Syrian troops retake the city."),
    "category": _field({"type": ["string", "null"], "pattern": CATEGORY_PATTERN},
                       "One word that groups events.", "security"),
    "actors": _texts("Countries or organisations involved.", ["China", "Russia"]),
    "people": _texts("People involved, by the names in people.", ["Vladimir Putin"]),
    "place": _field(_TEXT, "Where.", "Palmyra"),
    "tags": _texts("Free keywords.", ["syria", "military"]),
    "quotes": _records("What people said.", QUOTE,
                       {"by": "Vladimir Putin", "text": "Well done."}),
    "figures": _records("Numbers the event reports.", FIGURE,
                        {"label": "Exports", "value": 32.9, "unit": "billion USD"}),
    "sources": _records("Where it comes from.", SOURCE,
                        {"title": "Warming Relations", "publisher": "Beijing Review"}),
    "date_note": _field(_TEXT, "How the date was worked out.",
                        "The article says 'last Sunday'; dated from the issue."),
}, ["id", "date", "title"])


def timeline_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a timeline file."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "relations timeline",
        "description": "A timeline of dated events for the relations command line.",
        **_object({
            "title": _field(_TEXT, "Title of the timeline.", "China–Russia relations"),
            "description": _field(_TEXT, "What it covers.", "Events and voices, 2015–2016."),
            "people": _records("Registry of people: roles and other names.", PERSON,
                               {"name": "Xi Jinping", "role": "President of China"}),
            "events": _records("The events, in date order.", EVENT,
                               {"id": "palmyra-retaken", "date": "2016-03-27",
                                "title": "Syrian troops retake Palmyra"}),
        }, ["events"]),
    }
