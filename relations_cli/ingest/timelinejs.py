"""TimelineJS3 JSON: our own `--format timelinejs` export and Knight Lab's examples.

A slide's dates keep the parts written (a `year` alone is that year); `group` is the category,
`unique_id` the id, `media` the media. The slide's text is read back into the fields our
export wrote it from (summary, date note, place, quotes, sources) when it has our export's
shape; any other HTML becomes the summary as plain text. The `title` slide gives the
timeline's title and description; `eras` are eras.
"""

from __future__ import annotations

import html
import re
from typing import Any

from relations_cli.core.errors import IngestError
from relations_cli.core.text import SOURCE_DATE_LOOK
from relations_cli.ingest.base import Draft, Ingested, Problem, ReadOptions
from relations_cli.ingest.cells import DraftMaker
from relations_cli.ingest.html_text import plain_text
from relations_cli.ingest.text import json_document

__all__ = ["read", "read_document"]

_BLOCK = re.compile(r"<p>.*?</p>|<blockquote>.*?</blockquote>|<ul>.*?</ul>", re.DOTALL)
_QUOTE = re.compile(r"<blockquote>“(.*)”(?: — (.*))?</blockquote>", re.DOTALL)
_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>(.*)', re.DOTALL)
# A source our export marked part by part, where its commas could be misread.
_MARKED = re.compile(r'<span class="(title|publisher|date)">(.*?)</span>', re.DOTALL)


def read(data: bytes, options: ReadOptions) -> Ingested:
    document: Any = json_document(data, options.name, options.encoding, "a timeline")
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise IngestError(f"{options.name}: not a TimelineJS timeline (an object with a list "
                          "of `events`)")
    return read_document(document, options)


def read_document(document: dict[str, Any], options: ReadOptions) -> Ingested:
    ingested = Ingested()
    title = document.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), dict):
        ingested.title = plain_text(_text(title["text"].get("headline"))) or None
        ingested.description = plain_text(_text(title["text"].get("text"))) or None
    maker = DraftMaker(options, sheet=False)
    for number, slide in enumerate(document["events"], start=1):
        if not isinstance(slide, dict):
            ingested.problems.append(Problem(number, "", "a slide is a JSON object"))
            continue
        try:
            values = _slide(slide)
        except ValueError as error:
            ingested.problems.append(Problem(number, "start_date", str(error)))
            continue
        row = maker.make(number, values, ingested.problems)
        if row is not None:
            ingested.rows.append(row)
    for number, era in enumerate(document.get("eras") or [], start=1):
        try:
            start, end = _date(era.get("start_date")), _date(era.get("end_date"))
            headline = plain_text(_text((era.get("text") or {}).get("headline")))
        except (ValueError, AttributeError):
            ingested.problems.append(Problem(number, "eras", "an era has a start_date, an "
                                             "end_date and a headline"))
            continue
        era_draft: Draft = {"start": start, "end": end, "headline": headline}
        ingested.eras.append(era_draft)
    return ingested


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _part(date: dict[str, Any], key: str) -> int | None:
    value = date.get(key)
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{key} '{value}' is not a whole number") from None


def _date(date: Any) -> str:
    """A TimelineJS date object as a timeline date, as precise as its parts."""
    if date is None:
        return ""
    if not isinstance(date, dict):
        raise ValueError("a date is an object with year, month, day")
    year, month, day = _part(date, "year"), _part(date, "month"), _part(date, "day")
    if year is None:
        raise ValueError("a date needs a year")
    text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
            hour = _part(date, "hour")
            if hour is not None:
                minute, second = _part(date, "minute") or 0, _part(date, "second")
                text += f"T{hour:02d}:{minute:02d}" + (
                    f":{second:02d}" if second is not None else "")
    return text


def _slide(slide: dict[str, Any]) -> list[tuple[str, str, Any]]:
    start = _date(slide.get("start_date"))
    try:
        end = _date(slide.get("end_date"))
    except ValueError as error:
        raise ValueError(f"end_date: {error}") from None
    given = slide.get("text")
    text: dict[str, Any] = given if isinstance(given, dict) else {}
    values: list[tuple[str, str, Any]] = [
        ("id", "unique_id", slide.get("unique_id")),
        ("date", "start_date", start), ("end", "end_date", end),
        ("title", "headline", plain_text(_text(text.get("headline")))),
        ("category", "group", re.sub(r"\s+", "-", _text(slide.get("group")).strip())),
    ]
    shown = _text(slide.get("display_date"))
    if shown and not end and " – " not in shown:  # ours says a span in words: "A – B"
        values.append(("date_note", "display_date", shown))
    values.extend(_body(_text(text.get("text"))))
    media = slide.get("media")
    if isinstance(media, dict) and media.get("url"):
        # TimelineJS shows a credit and a caption as HTML.
        values.append(("media", "media", {
            "url": _text(media["url"]), "credit": plain_text(_text(media.get("credit"))),
            "caption": plain_text(_text(media.get("caption")))}))
    return values


def _body(markup: str) -> list[tuple[str, str, Any]]:
    """The fields our export writes into a slide's text, or the text as the summary."""
    blocks = _BLOCK.findall(markup)
    if "".join(blocks) != markup.strip():
        return [("summary", "text", plain_text(markup))]
    fields: dict[str, Any] = {}
    quotes: list[dict[str, str]] = []
    sources: list[dict[str, str]] = []
    after_sources = False
    for block in blocks:
        if after_sources and block.startswith("<ul>"):
            sources.extend(_source(item) for item in _ITEM.findall(block))
            continue
        quote = _QUOTE.fullmatch(block)
        if quote:
            quotes.append({"by": _inner(quote.group(2) or ""),
                           "text": _inner(quote.group(1))})
        elif block == "<p>Sources:</p>":
            after_sources = True
        elif block.startswith("<p><em>") and block.endswith("</em></p>"):
            fields["date_note"] = _inner(block[7:-9])
        elif block.startswith("<p>Place: "):
            fields["place"] = _inner(block[10:-4])
        elif block.startswith(("<p>People: ", "<ul>")):
            continue  # said again by the quotes and people of the timeline; figures are lost
        elif "summary" not in fields:
            fields["summary"] = _inner(block[3:-4])
    values = [(key, "text", value) for key, value in fields.items()]
    if quotes:
        values.append(("quotes", "text", quotes))
    if sources:
        values.append(("sources", "text", sources))
    return values


def _inner(markup: str) -> str:
    """The text of a block: as our export escaped it (line breaks kept), or, with tags in
    it, as a reader sees it."""
    return plain_text(markup) if "<" in markup else html.unescape(markup)


def _source(item: str) -> dict[str, str]:
    link = _LINK.fullmatch(item)
    if '<span class="' in item:
        marked = dict(_MARKED.findall(item))
        source = {"title": html.unescape(link.group(2) if link else marked.get("title", "")),
                  "url": html.unescape(link.group(1)) if link else ""}
        for name in ("publisher", "date"):
            source[name] = html.unescape(marked.get(name, "").removeprefix(", "))
        return {key: value for key, value in source.items() if value}
    title, url, rest = (link.group(2), html.unescape(link.group(1)), link.group(3)) if link \
        else (item.split(", ")[0], "", item[len(item.split(", ")[0]):])
    source = {"title": html.unescape(title), "url": url}
    extra = [html.unescape(part) for part in rest.split(", ")[1:]]
    if extra and SOURCE_DATE_LOOK.fullmatch(extra[-1]):
        source["date"] = extra.pop()
    if extra:
        source["publisher"] = ", ".join(extra)
    return {key: value for key, value in source.items() if value}
