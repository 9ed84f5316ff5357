"""Issue 22, item 7: what makes a large import fast must not change what it writes.

The batch renderer (store/yamltext.EventTexts) writes the same bytes as render_event on any
draft; the column-at-a-time reading of a sheet gives the same drafts and problems as the
row-at-a-time one.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from relations_cli.store.yamltext import (
    FIELD_ORDER,
    LIST_FIELDS,
    RECORD_FIELDS,
    EventTexts,
    _plain_ok,
    _quick_plain,
    render_event,
)

# Text as it comes: mostly the letters, digits and punctuation the quick regexes look at, with
# YAML's words, indicators and breaks mixed in, and any character at all.
_PIECES = ["no", "On", "NULL", "y", ": ", ":", "#", " #", "?", "-", "'", '"', "[", "]", ",",
           "{", "}", " ", "\n", "\u2028", "\x85", "\ufeff", "\t", "~", "=", "<<", ".inf",
           "0", "1:20", "010", "2016-03", "e", "Z", "é", "习", "https://x.org/a?b#c"]
_TEXT = st.one_of(
    st.lists(st.sampled_from(_PIECES) | st.text("aZ09 .;/()_'\"!?&%=+*@$~<>^|`:-",
                                               max_size=4), max_size=6).map("".join),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
)
_DATES = st.sampled_from(["2016", "2016-03", "2016-03-04", "2016-03/2016-05", "2016~", "",
                          "1:20", "no"]) | _TEXT


def _value(key: str) -> st.SearchStrategy[Any]:
    odd: st.SearchStrategy[Any] = st.none() | st.just([]) | st.just(())
    if key in LIST_FIELDS:
        return odd | _TEXT | st.lists(_TEXT, max_size=3)
    if key in RECORD_FIELDS:
        record = st.dictionaries(st.sampled_from(RECORD_FIELDS[key]),
                                 _DATES if key == "sources" else _TEXT, max_size=4)
        return odd | _TEXT | st.lists(record, max_size=3)
    if key == "media":
        return odd | st.dictionaries(st.sampled_from(["url", "credit", "caption"]), _TEXT,
                                     min_size=1)
    if key in ("date", "end"):
        return odd | _DATES
    return odd | _TEXT | st.integers(0, 3) | st.lists(_TEXT, max_size=2)


_DRAFTS = st.fixed_dictionaries({}, optional={key: _value(key) for key in FIELD_ORDER})


@settings(max_examples=400, deadline=None)
@given(st.lists(_DRAFTS, max_size=8), st.sampled_from([(2, 4), (0, 2), (4, 6)]),
       st.sampled_from(["\n", "\r\n"]))
def test_the_batch_renderer_writes_what_render_event_writes(
        drafts: list[dict[str, Any]], style: tuple[int, int], newline: str) -> None:
    dash, indent = style
    expected: list[str | type[Exception]] = []
    for draft in drafts:
        try:
            expected.append(render_event(draft, dash, indent, newline))
        except (TypeError, AttributeError):
            expected.append(Exception)  # a draft no writer takes: none to compare
    if Exception in expected:
        return
    texts = EventTexts(dash, indent, newline)
    assert texts(drafts) == expected
    assert texts(drafts) == expected  # and again, from its caches


@settings(max_examples=2000, deadline=None)
@given(_TEXT)
def test_quick_plain_never_says_plain_where_the_closer_look_would_quote(value: str) -> None:
    if value and _quick_plain(value):
        assert _plain_ok(value, False)
