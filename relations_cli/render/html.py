"""One self-contained web page: the chronology with filters, no network needed.

The events reach the page once, as compact JSON (an array per event, tables for categories
and people) inside `<script type="application/json">`, with `<`, `>`, `&`, U+2028 and U+2029
escaped so no value can close the element; the page's script draws only the events on screen
(a virtual list of blocks) and searches and filters the data, so a page of 100,000 events
opens as fast as a small one and weighs less than its YAML (issue 23). The script puts data on
the page only as text (`textContent`, text nodes), never as markup. The page's own words
(header, legend, time axis, counts) go through Jinja2's autoescaping. Only http, https and
mailto URLs become links. Jinja2 is imported here, and this module only when `--format html`
is asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from relations_cli.core.model import Event, Media, Period, Precision
from relations_cli.core.people import people_of
from relations_cli.render.detail import EventView
from relations_cli.render.publish import (
    NO_CATEGORY,
    WORDS,
    Publication,
    axis_ticks,
    category_colors,
    link_target,
    period_in_words,
    publication,
    when_in_words,
)
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["MESSAGES", "page_data", "render_html", "script_json"]

TEMPLATE = "page.html.j2"
FIRST_SCREEN = 40  # events sent ahead of the rest, and drawn before the rest has arrived
AXIS_LABELS = 6  # at most this many labels on the time axis: they fit a phone's width

# The page's own words, in each language of --lang (render/publish.WORDS has the dates').
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "events": "events", "event": "event", "search": "Search",
        "loading": "Searching the first events; the others are still arriving.",
        "search_hint": "words in the events", "categories": "Categories", "person": "Person",
        "everyone": "everyone", "shown": "{shown} of {total} events shown",
        "exact": "exact date or span", "fuzzy": "dated only to the month or year, or "
        "approximate", "selection": "Selection used", "filter": "Filter the events",
        "list": "Events in date order", "axis": "Time axis",
        "place": "Place", "actors": "Actors", "people": "People", "quotes": "Quotes",
        "figures": "Figures", "figure": "Figure", "value": "Value", "change": "Change",
        "sources": "Sources", "tags": "Tags", "id": "id", "span": "span on the time axis",
        "media": "media", "credit": "Credit",
        "date": "date on the time axis",
        "noscript": "This page draws its events with JavaScript, which is turned off. "
        "`relations timeline --format markdown` gives the same events as text.",
        "footer": "Made with relations. Works offline; nothing on this page loads from "
        "elsewhere.",
        "precision": "Dated only to the {what}.", "and": " and ",
        "approximate": "The date is approximate.", "uncertain": "The date is uncertain.",
        "both": "The date is approximate and uncertain.",
        "end_approximate": "The end is approximate.", "end_uncertain": "The end is uncertain.",
        "end_both": "The end is approximate and uncertain.",
        "century": "century", "decade": "decade", "year": "year", "quarter": "quarter",
        "season": "season", "month": "month", "day": "day",
    },
    "fr": {
        "events": "événements", "event": "événement", "search": "Rechercher",
        "loading": "Recherche dans les premiers événements ; les autres arrivent encore.",
        "search_hint": "mots des événements", "categories": "Catégories",
        "person": "Personne", "everyone": "tout le monde",
        "shown": "{shown} sur {total} événements affichés",
        "exact": "date exacte ou période", "fuzzy": "daté seulement au mois ou à l'année, ou "
        "approximatif", "selection": "Sélection utilisée", "filter": "Filtrer les événements",
        "list": "Événements par date", "axis": "Axe du temps",
        "place": "Lieu", "actors": "Acteurs", "people": "Personnes", "quotes": "Citations",
        "figures": "Chiffres", "figure": "Chiffre", "value": "Valeur", "change": "Variation",
        "sources": "Sources", "tags": "Mots-clés", "id": "id",
        "media": "média", "credit": "Crédit",
        "span": "période sur l'axe du temps", "date": "date sur l'axe du temps",
        "noscript": "Cette page affiche ses événements avec JavaScript, qui est désactivé. "
        "`relations timeline --format markdown` donne les mêmes événements en texte.",
        "footer": "Fait avec relations. Fonctionne hors ligne ; rien sur cette page ne vient "
        "d'ailleurs.",
        "precision": "Daté seulement {what}.", "and": " et ",
        "approximate": "La date est approximative.", "uncertain": "La date est incertaine.",
        "both": "La date est approximative et incertaine.",
        "end_approximate": "La fin est approximative.", "end_uncertain": "La fin est incertaine.",
        "end_both": "La fin est approximative et incertaine.",
        "century": "au siècle", "decade": "à la décennie", "year": "à l'année",
        "quarter": "au trimestre", "season": "à la saison", "month": "au mois", "day": "au jour",
    },
}  # fmt: skip

_COARSE_ORDER = ["century", "decade", "year", "quarter", "season", "month", "day"]
_QUALIFIED = {"~": "approximate", "?": "uncertain", "%": "both"}
# Characters that must not stand raw in a <script> element's text, or in JavaScript source.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def _v(text: str) -> str:
    """Data text as text: control and bidi characters made visible (the template escapes)."""
    return visible(text, keep_newlines=True)


def _script_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def script_json(value: Any) -> str:
    """JSON that may stand inside a <script> element: nothing in it can close the element.
    Non-ASCII text stays as it is (UTF-8), a third of the size of `\\uXXXX` escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE.sub(_script_escape, text)


def date_note(event: Event, lang: str = "en") -> str:
    """What a reader should know of the dates beyond the words: how coarse they are, and
    whether they are approximate or uncertain (`Dated only to the year. The date is
    approximate.`)."""
    return _date_note(event.date, event.end, lang)


@lru_cache(maxsize=8192)
def _date_note(date: Period, end: Period | None, lang: str) -> str:
    from relations_cli.core.dates import qualifier_of

    words = MESSAGES[lang]
    notes = []
    coarse = sorted({p.precision.value for p in (date, end)
                     if p is not None and p.precision is not Precision.DAY
                     and p.text != ".." and not p.unknown},
                    key=_COARSE_ORDER.index)
    if coarse:
        notes.append(words["precision"].format(
            what=words["and"].join(words[name] for name in coarse)))
    for key, period in (("", date), ("end_", end)):
        qualifier = qualifier_of(period) if period is not None else ""
        if qualifier:
            notes.append(words[key + _QUALIFIED[qualifier]])
    return " ".join(notes)


def _iso(event: Event) -> str:
    # A valid HTML date, month or year string, at the precision written (EDTF's qualifiers,
    # seasons, decades and years before the common era have none beyond their first year).
    period = event.date
    year = period.start.year
    if year < 1:
        return ""
    if period.precision is Precision.DAY:
        return period.start.isoformat()
    if period.precision is Precision.MONTH:
        return f"{year:04d}-{period.start.month:02d}"
    return f"{year:04d}"


def _trimmed(row: list[Any]) -> list[Any]:
    """An event's array without its empty fields at the end (the page reads them as empty)."""
    while row and row[-1] in ("", [], 0):
        row.pop()
    return row


def page_data(events: Sequence[Event], context: Publication,
              all_categories: Sequence[str] = (), lang: str = "en") -> dict[str, Any]:
    """The page's view: the template's values, and the compact data its script draws from.

    Each event is one array, its fields in the order the page's script reads them (the
    template's comment names them); categories and people are indexes into the tables
    beside them, and an event's first day on the axis is given as the days after the
    previous event's, a number of a few digits."""
    timeline = context.timeline
    registry = people_of(timeline.people)
    colors = category_colors([*all_categories, *(e.category or NO_CATEGORY for e in events)])
    first = min((e.first_day for e in events), default=None)
    last = max((e.drawn_last_day for e in events), default=None)

    category_index: dict[str, int] = {}
    people_index: dict[str, int] = {}
    people_table: list[list[str]] = []

    named: dict[str, tuple[int, bool]] = {}  # each name as written, looked up once

    def person_number(name: str) -> tuple[int, bool]:
        if name in named:
            return named[name]
        person = registry.get(name)
        canonical = person.name if person else name
        if canonical not in people_index:
            people_index[canonical] = len(people_table)
            people_table.append([_v(canonical), _v(person.role) if person else ""])
        named[name] = people_index[canonical], canonical != name
        return named[name]

    used = sorted({e.category or NO_CATEGORY for e in events}, key=lambda n: (n.casefold(), n))
    for name in used:
        category_index[name] = len(category_index)
    rows = []
    previous = 0
    for event in events:
        category = event.category or NO_CATEGORY
        numbers = []
        aliases = []
        for name in event.named_people:
            number, alias = person_number(name)
            if number not in numbers:
                numbers.append(number)
            if alias:
                aliases.append(_v(name))
        note = date_note(event, lang)
        start = event.first_day - first if first is not None else 0
        end = min(event.last_day, last) - first if first is not None and last is not None else 0
        rows.append(_trimmed([
            event.id, _v(event.title), when_in_words(event, lang), _iso(event),
            category_index[category], start - previous, end - start, _v(event.summary),
            (1 if event.end is not None else 0) | (2 if note else 0), note,
            _v(event.date_note), _v(event.place),
            [_v(a) for a in event.actors], [_v(t) for t in event.tags], numbers,
            [[_v(q.by), _v(q.text)] for q in event.quotes],
            [[_v(f.label), _v(f.value), _v(f.unit), _v(f.change)] for f in event.figures],
            [[_v(s.title or s.url), link_target(s.url) or "",
              "" if link_target(s.url) else _v(s.url), _v(s.publisher), _v(s.date)]
             for s in event.sources],
            aliases,
            _media(event.media, context.timeline.path) if event.media else [],
        ]))
        previous = start
    days = (last - first + 1) if first is not None and last is not None else 1
    ticks = [] if first is None or last is None else [
        {"left": f"{(day - first) / days * 100:.2f}", "label": label}
        for day, label in axis_ticks(first, last, AXIS_LABELS, lang)]
    messages = MESSAGES[lang]
    categories = [{"name": _v(name), "value": name, "color": colors[name]} for name in used]
    first_screen = {
        "categories": [[c["name"], c["color"]] for c in categories],
        "people": people_table,
        "days": days,
        "detail": context.detail,
        "messages": messages,
        "events": rows[:FIRST_SCREEN],
    }
    span = ""
    if events:
        earliest = min(events, key=lambda e: e.first_day).date
        latest = max(events, key=lambda e: e.last_day)
        span = WORDS[lang].span.format(start=period_in_words(earliest, lang),
                                       end=period_in_words(latest.end or latest.date, lang))
    return {
        "lang": lang,
        "t": messages,
        "title": _v(timeline.title or "Timeline"),
        "description": _v(timeline.description),
        "filters": [(label, _v(value)) for label, value in context.filters],
        "count": len(rows),
        "categories": categories,
        "people": sorted(((row[0], str(number)) for number, row in enumerate(people_table)),
                         key=lambda p: p[0].casefold()),
        "ticks": ticks,
        "span": span,
        "detail": context.detail,
        "first_data": script_json(first_screen),
        "script_data": script_json({"events": rows[FIRST_SCREEN:]}),
    }


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}
_LARGEST_IMAGE = 5 << 20  # bytes: a picture, not a film, goes inside the page


def _media(media: Media, timeline_path: str) -> list[str]:
    """An event's media on the page: its credit and caption, a link to it, and the picture
    itself only when it is a file beside the timeline (embedded, so the page stays one file
    and loads nothing from elsewhere)."""
    import base64
    import os

    link = link_target(media.url)
    image = ""
    kind = _IMAGE_TYPES.get(os.path.splitext(media.url)[1].lower())
    if link is None and kind and timeline_path:
        where = os.path.join(os.path.dirname(os.path.abspath(timeline_path)), media.url)
        try:
            if os.path.getsize(where) <= _LARGEST_IMAGE:
                with open(where, "rb") as stream:
                    image = f"data:{kind};base64," + base64.b64encode(stream.read()).decode()
        except OSError:
            image = ""
    # As the page's script reads it: link, the URL as text when it is no link, credit,
    # caption, the picture itself.
    return [link or "", _v(media.url) if not link else "", _v(media.credit),
            _v(media.caption), image]


def render_html(events: Sequence[Event], context: Publication,
                all_categories: Sequence[str] = (), lang: str = "en") -> Iterator[str]:
    """The page, streamed from the template."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    environment = Environment(
        loader=PackageLoader("relations_cli.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template(TEMPLATE)
    data = page_data(events, context, all_categories, lang)
    # script_json escapes <, > and &, so the JSON cannot end its <script> element; HTML
    # entities would not be decoded inside one, so it goes in as it is.
    data["first_data"] = Markup(data["first_data"])
    data["script_data"] = Markup(data["script_data"])
    yield from template.generate(**data)


def html_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_html(events, publication(look.timeline, look.query), look.categories(),
                       look.lang)


def html_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_html([view.event], publication(look.timeline, detail=True),
                       look.categories(), look.lang)


# This module's entries of the format registry (render/formats.FORMATS).
HTML = Written(events=html_events, event=html_event)
