"""HTML (a TimelineJS slide's text) as plain text: tags gone, entities read, paragraphs and
line breaks kept as line breaks, scripts and styles dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["plain_text"]

_BREAKS = frozenset({"p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "ul", "ol"})
_HIDDEN = frozenset({"script", "style"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data.replace("\n", " "))


def plain_text(html: str) -> str:
    """The text a reader sees in `html`; text without tags comes back as it was (trimmed)."""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = _SPACES.sub(" ", "".join(parser.parts))
    return _LINES.sub("\n", text).strip()
