"""One self-contained web page: the chronology with filters, no network needed.

Text from the timeline reaches the page only through Jinja2's autoescaping, and reaches its
script only as JSON inside `<script type="application/json">` with `<`, `>` and `&` escaped,
so no value can close the element or start markup. Only http, https and mailto URLs become
links. Jinja2 is imported here, and this module only when `--format html` is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from relations_cli.core.model import Event, Media, Period, Precision
from relations_cli.core.people import people_of
from relations_cli.render.detail import EventView
from relations_cli.render.publish import (
    NO_CATEGORY,
    Publication,
    category_colors,
    link_target,
    publication,
    readable_period,
)
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["page_data", "render_html", "script_json"]

TEMPLATE = "page.html.j2"


def _v(text: str) -> str:
    """Data text as text: control and bidi characters made visible (the template escapes)."""
    return visible(text, keep_newlines=True)


def script_json(value: Any) -> str:
    """JSON that may stand inside a <script> element: nothing in it can close the element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _when(event: Event) -> str:
    if event.end is None:
        return readable_period(event.date)
    return f"{readable_period(event.date)} – {readable_period(event.end)}"


_COARSE_ORDER = ["century", "decade", "year", "quarter", "season", "month", "day"]


def _precision_note(event: Event) -> str:
    coarse = [p for p in (event.date, event.end)
              if p is not None and p.precision is not Precision.DAY]
    if not coarse:
        return ""
    return "dated only to the " + " and ".join(
        sorted({p.precision.value for p in coarse}, key=_COARSE_ORDER.index))


def _iso(period: Period) -> str:
    # A valid HTML date, month or year string, at the precision written (EDTF's qualifiers,
    # seasons, decades and years before the common era have none beyond their first year).
    year = period.start.year
    if year < 1:
        return ""
    if period.precision is Precision.DAY:
        return period.start.isoformat()
    if period.precision is Precision.MONTH:
        return f"{year:04d}-{period.start.month:02d}"
    return f"{year:04d}"


def _overall(events: Sequence[Event]) -> str:
    if not events:
        return ""
    first = min(events, key=lambda e: e.first_day).date
    last = max(events, key=lambda e: e.last_day)
    return f"{readable_period(first)} to {readable_period(last.end or last.date)}"


def page_data(events: Sequence[Event], context: Publication) -> dict[str, Any]:
    """The page's view: every value a string already made visible, ready to be escaped."""
    timeline = context.timeline
    registry = people_of(timeline.people)
    colors = category_colors(events)
    start = min((e.first_day for e in events), default=None)
    end = max((e.drawn_last_day for e in events), default=None)
    days = end - start + 1 if start is not None and end is not None else 1

    def canonical(name: str) -> str:
        person = registry.get(name)
        return person.name if person else name

    items = []
    people: dict[str, None] = {}
    for event in events:
        category = event.category or NO_CATEGORY
        named = [canonical(n) for n in event.named_people]
        people.update((n, None) for n in named)
        left = (event.first_day - start) / days * 100 if start is not None else 0.0
        width = (min(event.last_day, end or event.last_day) - event.first_day + 1) / days * 100
        items.append({
            "id": event.id,
            "title": _v(event.title),
            "when": _when(event),
            "date_iso": _iso(event.date),
            "end_iso": _iso(event.end) if event.end else "",
            "precision_note": _precision_note(event),
            "is_span": event.end is not None,
            "fuzzy": _precision_note(event) != "",
            "bar_left": f"{left:.3f}",
            "bar_width": f"{max(width, 0.0):.3f}",
            "category": _v(category),
            "color": colors[category],
            "summary": _v(event.summary),
            "date_note": _v(event.date_note),
            "place": _v(event.place),
            "actors": [_v(a) for a in event.actors],
            "tags": [_v(t) for t in event.tags],
            "people": [
                {"name": _v(name), "role": _v(person.role) if person else ""}
                for name, person in ((n, registry.get(n)) for n in event.named_people)
            ],
            "quotes": [{"by": _v(q.by), "text": _v(q.text)} for q in event.quotes],
            "figures": [{"label": _v(f.label), "value": _v(f.value), "unit": _v(f.unit),
                         "change": _v(f.change)} for f in event.figures],
            "sources": [{"title": _v(s.title or s.url), "url": link_target(s.url),
                         "raw_url": _v(s.url) if not link_target(s.url) else "",
                         "publisher": _v(s.publisher), "date": _v(s.date)}
                        for s in event.sources],
            "media": _media(event.media, context.timeline.path) if event.media else None,
            "search": {
                "id": event.id,
                "category": category,
                "people": named,
                "text": " ".join([
                    event.id, event.title, event.summary, category, event.place,
                    *event.actors, *event.tags, *named, *event.named_people,
                    *(q.text for q in event.quotes), event.date.text,
                    event.end.text if event.end else "",
                ]).lower(),
            },
        })
    return {
        "title": _v(timeline.title or "Timeline"),
        "description": _v(timeline.description),
        "filters": [(label, _v(value)) for label, value in context.filters],
        "events": items,
        "count": len(items),
        "categories": [{"name": _v(name), "value": name, "color": color}
                       for name, color in colors.items()],
        "people": sorted(((_v(n), n) for n in people), key=lambda p: p[0].casefold()),
        "span": _overall(events),
        "detail": context.detail,
        "script_data": script_json({"events": [item["search"] for item in items]}),
    }


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}
_LARGEST_IMAGE = 5 << 20  # bytes: a picture, not a film, goes inside the page


def _media(media: Media, timeline_path: str) -> dict[str, str]:
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
    return {"url": link or "", "raw_url": _v(media.url) if not link else "",
            "credit": _v(media.credit), "caption": _v(media.caption), "image": image}


def render_html(events: Sequence[Event], context: Publication) -> Iterator[str]:
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
    data = page_data(events, context)
    # script_json escapes <, > and &, so the JSON cannot end its <script> element; HTML
    # entities would not be decoded inside one, so it goes in as it is.
    data["script_data"] = Markup(data["script_data"])
    yield from template.generate(**data)


def html_events(events: Sequence[Event], look: Look) -> Iterator[str]:
    """The registry's entry point for a listing of events."""
    return render_html(events, publication(look.timeline, look.query))


def html_event(view: EventView, look: Look) -> Iterator[str]:
    """The registry's entry point for `show`: the one event, in full."""
    return render_html([view.event], publication(look.timeline, detail=True))


# This module's entries of the format registry (render/formats.FORMATS).
HTML = Written(events=html_events, event=html_event)
