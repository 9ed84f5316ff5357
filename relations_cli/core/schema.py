"""The timeline format as a JSON Schema (draft-07), for editors' YAML language servers.

The schema is built here from one table of fields; the file shipped in the package
(relations_cli/schema/timeline.schema.json) is this function's output, and a test checks
that both agree with the loader's field lists. Editors read YAML 1.2, where `2015` is a
number and `32.9` a float, so such values are allowed where the loader reads them as text.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["timeline_schema"]

ID_PATTERN = r"^\s*[a-z0-9]+(?:-[a-z0-9]+)*\s*$"


def _ci(word: str) -> str:
    """A word in any case, as the loader reads it (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


# One date as core/dates reads it, EDTF levels 0 and 1: a four-digit year (signed, never
# -0000), a month, a day that exists in it (29 February in leap years only), a time of day
# with a zone from -12:00 to +14:00 (never -00:00), a season 21 to 24 (no day; no winter 9999,
# which would end in the year 10000), unspecified digits X where level 1 has them (a year
# standing alone, 196X or 19XX; the month, the day, or both: 2004-XX, 1985-04-XX,
# 1985-XX-XX), and one qualifier ? ~ % for the whole date.
_Y = r"-?\d{4}"
_LEAP = r"-?(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MD = (r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
       r"|02-(?:0[1-9]|1\d|2[0-8]))")
_ZONE = (r"(?:Z|\+(?:(?:0\d|1[0-3])(?::?[0-5]\d)?|14(?::?00)?)"
         r"|-(?:00:?(?:0[1-9]|[1-5]\d)|(?:0[1-9]|1[01])(?::?[0-5]\d)?|12(?::?00)?))")
_TIME = rf"T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?{_ZONE}?"
_DAY = rf"(?:{_Y}-{_MD}|{_LEAP}-02-29)"
_MONTH = rf"{_Y}-(?:0[1-9]|1[0-2])"
_SEASON = rf"(?!9999-24){_Y}-2[1-4]"
_PLAIN = rf"(?!-0000)(?:{_DAY}(?:{_TIME})?|{_MONTH}|{_SEASON}|{_Y})[?~%]?"
_WITH_X = rf"(?!-0000)(?:-?\d\d(?:\dX|XX)|{_MONTH}-XX|{_Y}-XX(?:-XX)?)[?~%]?"
_NUMBER = r"(?!0{1,4}(?!\d))\d{1,4}"  # 1 to 9999: there is no year 0 BC or AD
_ERA_WORD = "|".join(_ci(w) for w in ("BCE", "BC", "B.C.E.", "B.C.", "CE", "AD", "A.D."))
_AD_WORD = "|".join(_ci(w) for w in ("AD", "A.D."))
_SEASON_WORD = "|".join(_ci(w) for w in ("spring", "summer", "autumn", "fall", "winter"))
_READABLE = (rf"{_NUMBER}\s*(?:{_ERA_WORD})|(?:{_AD_WORD})\s*{_NUMBER}"
             rf"|(?!{_ci('winter')}\s+9999)(?:{_SEASON_WORD})\s+{_Y}")
_ONE = rf"(?:{_PLAIN}|{_WITH_X}|{_READABLE})"
# An interval joins dates without X digits or readable forms (`2015-09/2016-03`); its end may
# be open (`..`) or unknown (nothing). The loader strips the spaces around a value.
DATE_PATTERN = rf"^\s*(?:{_ONE}|\.\.)?\s*$"
WHEN_PATTERN = rf"^\s*(?:{_ONE}|{_PLAIN}/(?:{_PLAIN}|\.\.)?)\s*$"
# One word: a letter or digit (of any script) first, then letters, digits, _ and -. JSON
# Schema's patterns are ECMA-262, where \w is ASCII only, so the word characters are written
# as everything but spaces and ASCII punctuation.
CATEGORY_PATTERN = r"^\s*(?:[^\s!-/:-@\[-`{-~][^\s!-,./:-@\[-^`{-~]*)?\s*$"

# Editors read YAML 1.2, where `2015` and `-0043` are numbers, `32.9` a float, `true` a
# boolean and an empty value null; the loader reads every value as the text written, so each
# of them is allowed where text is. A required text may not be empty or only spaces.
_SCALAR = ["string", "number", "boolean", "null"]
_TEXT: dict[str, Any] = {"type": _SCALAR}
_REQUIRED_TEXT: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": r"\S"}, {"type": ["number", "boolean"]}]}
_YEAR_NUMBER: dict[str, Any] = {"type": "integer", "minimum": -9999, "maximum": 9999}
_DATE: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": DATE_PATTERN}, _YEAR_NUMBER,
                                   {"type": "null"}]}
_WHEN: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": WHEN_PATTERN}, _YEAR_NUMBER]}
_END = _DATE
_ID: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": ID_PATTERN},
                                 {"type": "integer", "minimum": 0}]}


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
    "by": _field(_REQUIRED_TEXT, "Who said it, as named in people.", "Shen Danyang"),
    "text": _field(_REQUIRED_TEXT, "What they said.", "The foundation of cooperation is solid."),
}, ["by", "text"])
FIGURE = _object({
    "label": _field(_REQUIRED_TEXT, "What is counted.", "China's exports to Russia, 2015"),
    "value": _field(_REQUIRED_TEXT, "The number, as written.", 32.9),
    "unit": _field(_TEXT, "Its unit.", "billion USD"),
    "change": _field(_TEXT, "How it changed.", "down more than a third year on year"),
}, ["label", "value"])
SOURCE = _object({
    "title": _field(_REQUIRED_TEXT, "Title of the source.", "Warming Relations"),
    "url": _field(_TEXT, "Where to read it.", "https://example.org/article"),
    "publisher": _field(_TEXT, "Who published it.", "Beijing Review"),
    "date": _field(_DATE, "When it was published: YYYY, YYYY-MM or YYYY-MM-DD.", "2016-04"),
}, ["title"])
MEDIA = _object({
    "url": _field(_REQUIRED_TEXT, "The picture, video or page: a web address, or a file beside "
                  "the timeline.", "https://example.org/palmyra.jpg"),
    "credit": _field(_TEXT, "Who made it.", "Reuters"),
    "caption": _field(_TEXT, "What it shows.", "The citadel of Palmyra"),
}, ["url"])
PERSON = _object({
    "name": _field(_REQUIRED_TEXT, "The name events use.", "Xi Jinping"),
    "role": _field(_TEXT, "Who they are.", "President of China"),
    "aliases": _texts("Other names they may be found by.", ["习近平"]),
}, ["name"])
EVENT = _object({
    "id": _field(_ID,
                 "Unique id: lowercase words joined by '-'.", "palmyra-retaken"),
    "date": _field(_WHEN, "When: YYYY, YYYY-MM or YYYY-MM-DD, or EDTF level 1 (1960~, "
                   "2016-21, 196X, -0043, 44 BC, 1969-07-20T20:17Z, 2015-09/2016-03); kept "
                   "as written.", "2016-03-27"),
    "end": _field(_END, "Last day of a span, in the same forms, or '..' (open); not before "
                  "date.",
                  "2016-03-31"),
    "title": _field(_REQUIRED_TEXT, "What happened, in one line.", "Syrian troops retake Palmyra"),
    "summary": _field(_TEXT, "A few sentences in your own words.",
                      "Backed by Russian air strikes, Syrian troops retake the city."),
    "category": _field({"anyOf": [{"type": ["string", "boolean", "null"],
                                   "pattern": CATEGORY_PATTERN},
                                  {"type": "integer", "minimum": 0}]},
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
    "media": {**MEDIA, "description": "A picture, video or page shown with the event (as a "
              "TimelineJS slide shows its media).",
              "examples": [{"url": "https://example.org/palmyra.jpg", "credit": "Reuters"}]},
}, ["id", "date", "title"])
# A date that is an interval already ends: it may not have an `end` as well.
EVENT["if"] = {"properties": {"date": {"type": "string", "pattern": "/"}}, "required": ["date"]}
EVENT["then"] = {"not": {"required": ["end"]}}


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
