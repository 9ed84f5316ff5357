"""The chart as a standalone SVG: lanes of events over a time axis, real text, a legend.

Laid out from the chart's own document (lanes of events with their dates), `width` columns of
8 px wide, like the text chart's `--width`. Every event has a row with its title as text, so
the picture can be searched and its text selected; marks carry the full text as a tooltip.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from relations_cli.core.dates import cached_event_date
from relations_cli.core.model import Day, Period, Precision, year_text
from relations_cli.render.chart import ChartView, chart_document
from relations_cli.render.publish import NO_CATEGORY, category_colors
from relations_cli.render.renderers import Look, Written
from relations_cli.render.safe import visible

__all__ = ["COLUMN_PX", "render_svg"]

COLUMN_PX = 8
MARGIN = 12
ROW = 18
FONT = 11
CHAR = FONT * 0.62  # a monospace character's advance, a little over the usual 0.6 em
AXIS = 34


def _text(value: str, limit: int) -> str:
    value = " ".join(visible(value).split())
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


def _colors(lanes: Sequence[Mapping[str, Any]], all_categories: Sequence[str]) -> dict[str, str]:
    """The legend: each category drawn, with the color the whole timeline gives it (the same
    as on its HTML page, render/publish.category_colors)."""
    drawn = {e["category"] or NO_CATEGORY for lane in lanes for e in lane["events"]}
    colors = category_colors([*all_categories, *drawn])
    return {name: color for name, color in colors.items() if name in drawn}


def _ticks(start: Day, end: Day, room: int) -> list[tuple[Day, str]]:
    """Round dates along the axis, as many as fit `room` labels: months, quarters or years."""
    for months, label in ((1, "month"), (3, "quarter"), (12, "year"), (24, "year"),
                          (60, "year"), (120, "year"), (600, "year"), (1200, "year")):
        index = start.year * 12 + start.month - 1
        index = -(-index // months) * months
        found: list[tuple[Day, str]] = []
        # Stops one past `room`: a level with more labels than fit is not listed whole.
        while index // 12 <= min(end.year, 9999) and len(found) <= room:
            day = Day.of(index // 12, index % 12 + 1, 1)
            if start <= day <= end:
                year = year_text(day.year)
                text = (year if label == "year" else
                        f"{year}Q{(day.month - 1) // 3 + 1}" if label == "quarter"
                        else f"{year}-{day.month:02d}")
                found.append((day, text))
            index += months
        if len(found) <= room:
            return found
    return []


def render_svg(document: Mapping[str, Any], columns: int,
               all_categories: Sequence[str] = ()) -> Iterator[str]:
    """The chart document (as `chart --format json` writes it) as one SVG, `columns` × 8 px
    wide, its categories colored as the whole timeline's `all_categories` are."""
    width = columns * COLUMN_PX
    lanes = document["lanes"]
    colors = _colors(lanes, all_categories)
    start = Day.fromisoformat(document["first_day"])
    end = Day.fromisoformat(document["last_day"])
    days = end - start + 1
    label_px = int(width * 0.38)
    x0, x1 = MARGIN + label_px, width - MARGIN
    label_chars = int((label_px - 8) / CHAR)

    def x(day: int) -> float:
        return x0 + (day - start) * (x1 - x0) / days

    body: list[str] = []
    # The legend: each category's color, wrapped to the width.
    y = MARGIN + FONT
    lx = MARGIN
    body.append(f'<g class="legend" font-size="{FONT}">')
    for name, color in colors.items():
        shown = _text(name, int((width - 2 * MARGIN - 16) / CHAR))
        needed = 16 + len(shown) * CHAR + 14
        if lx > MARGIN and lx + needed > width - MARGIN:
            lx, y = MARGIN, y + ROW
        body.append(f'<rect x="{lx}" y="{y - FONT + 1}" width="11" height="11" '
                    f'fill="{color}"/><text x="{lx + 16}" y="{y}">{escape(shown)}</text>')
        lx += int(needed)
    body.append("</g>")
    y += ROW
    top = y
    for lane in lanes:
        y += ROW
        body.append(f'<g class="lane"><text class="lane-label" x="{MARGIN}" y="{y}" '
                    f'font-weight="bold">{escape(_text(lane["lane"], label_chars))}</text>')
        body.append(f'<line x1="{MARGIN}" x2="{x1}" y1="{y + 5}" y2="{y + 5}" '
                    'stroke="#ccc" stroke-width="1"/>')
        for event in lane["events"]:
            y += ROW
            first: Period = cached_event_date(event["date"])
            last: Period = cached_event_date(event["end"]) if event["end"] else first
            fuzzy = event["end"] is None and first.precision is not Precision.DAY
            color = colors[event["category"] or NO_CATEGORY]
            when = first.text + ("/" if event["end"] == "" else
                                 f" to {last.text}" if event["end"] else "")
            tip = escape(visible(f"{when}: {event['title']}"))
            body.append(f'<g class="event"><title>{tip}</title>'
                        f'<text x="{MARGIN + 8}" y="{y}">'
                        f'{escape(_text(event["title"], label_chars - 1))}</text>')
            left, right = x(first.start), x(last.end + 1)
            if right - left < 4 and not fuzzy and first.precision is Precision.DAY:
                body.append(f'<circle cx="{(left + right) / 2:.1f}" cy="{y - 4}" r="4" '
                            f'fill="{color}"/>')
            else:
                style = (f'fill="{color}" fill-opacity="0.35" stroke="{color}" '
                         'stroke-dasharray="3 2"' if fuzzy else f'fill="{color}"')
                body.append(f'<rect x="{left:.1f}" y="{y - 9}" '
                            f'width="{max(right - left, 3):.1f}" height="10" rx="2" {style}/>')
            body.append("</g>")
        body.append("</g>")
    y += ROW // 2
    body.append(f'<g class="axis" font-size="{FONT - 1}"><line x1="{x0}" x2="{x1}" y1="{y}" '
                f'y2="{y}" stroke="#333"/>')
    room = max(1, int((x1 - x0) / (8 * CHAR)))
    for day, label in _ticks(start, end, room):
        tx = x(day)
        body.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{y + 4}" '
                    'stroke="#999" stroke-width="0.5"/>')
        anchor = "end" if tx + len(label) * CHAR > width - 2 else "start"
        body.append(f'<text x="{tx + (2 if anchor == "start" else 0):.1f}" y="{y + 16}" '
                    f'text-anchor="{anchor}">{escape(label)}</text>')
    body.append("</g>")
    height = y + AXIS
    title = f"Chart by {document['by']}, {document['date']} to {document['end']}"
    yield (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} '
           f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}">\n')
    yield f"<title>{escape(title)}</title>\n"
    yield f'<rect width="{width}" height="{height}" fill="#fff"/>\n'
    for part in body:
        yield part + "\n"
    yield "</svg>\n"


def svg_chart(view: ChartView, look: Look) -> Iterator[str]:
    """The registry's entry point: the chart's document, with the first and last days the axis
    spans, drawn `look.width` columns wide."""
    events = view.lanes.events
    if not events:
        return iter(())
    document = dict(chart_document(view.lanes),
                    first_day=min(e.first_day for e in events).isoformat(),
                    last_day=max(e.last_day for e in events).isoformat())
    return render_svg(document, look.width, look.categories())


# This module's entries of the format registry (render/formats.FORMATS).
SVG = Written(chart=svg_chart)
