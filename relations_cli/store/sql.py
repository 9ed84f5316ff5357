"""A Query as SQL over the index's tables: the same selection the in-memory engine makes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from relations_cli.core.errors import QueryError
from relations_cli.core.query import Query
from relations_cli.core.text import words

__all__ = ["SQLITE_MAX_INT", "Selection", "pairs", "selection"]

SQLITE_MAX_INT = (1 << 63) - 1


class Selection(NamedTuple):
    """A WHERE clause (empty, or starting with " WHERE") and its parameters. When
    `terms_in_python` is set, the engine must check the query on the events themselves: the
    search terms were left out (a term with a line break spans fields in memory), or --fuzzy
    loosened the date bounds."""

    where: str
    params: list[Any]
    terms_in_python: bool = False


def _glob_literal(text: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


_GLOB_SPECIAL = re.compile(r"[*?\[]")


def _trigram_serves(key: str) -> bool:
    """Whether the trigram index may answer `body GLOB '*key*'`. SQLite 3.40 (Debian 12's)
    measures each literal run of a GLOB pattern in bytes (later versions count characters): a
    run of one or two characters in three bytes or more (`0é` in the key `*0é`, whose `*` is
    bracketed) became a phrase without a trigram, which found nothing or crashed the process.
    Such keys, and keys under three characters, are looked for in every body."""
    return len(key) >= 3 and all(len(run) >= 3 or len(run.encode()) < 3
                                 for run in _GLOB_SPECIAL.split(key))


def pairs(name: str, shift: int, where: str = "") -> str:
    """The (value, event) pairs of tags, actors or named people (`name`: tag, actor, named),
    for the values of `<name>_names` that `where` keeps (all without it): each value's pairs
    are one range of rowids, so SQLite reads only those."""
    mask = (1 << shift) - 1
    found = f" WHERE {where}" if where else ""
    return (f"SELECT id AS value, pair & {mask} AS event FROM {name}_names JOIN {name}_events "
            f"ON pair BETWEEN id << {shift} AND id << {shift} | {mask}{found}")


def check_limit(query: Query) -> None:
    if query.limit is not None and not 0 <= query.limit <= SQLITE_MAX_INT:
        raise QueryError(f"--limit {query.limit} is out of range (at most {SQLITE_MAX_INT})")


def selection(query: Query, max_span: int, shift: int) -> Selection:
    """The WHERE clause of a query; `max_span` is the longest span of any event, in days,
    `shift` the index's pair_shift (see `pairs`)."""
    check_limit(query)
    clauses: list[str] = []
    params: list[Any] = []
    start, end = query.bounds
    if query.fuzzy and not query.within:
        # --fuzzy: a qualified date may reach FUZZY_MAX_DAYS further than its columns say, so
        # the bounds loosen by that much and the engine checks the events found (in_python).
        from relations_cli.core.dates import FUZZY_MAX_DAYS
        from relations_cli.core.model import Day

        start = None if start is None else Day(start - FUZZY_MAX_DAYS)
        end = None if end is None else Day(end + FUZZY_MAX_DAYS)
    if query.within:
        if start:
            clauses.append("first_day >= ?")
            params.append(start.toordinal())
        if end:
            clauses.append("last_day <= ?")
            params.append(end.toordinal())
    else:
        if start:
            # The second bound follows from the first (no event is longer than max_span)
            # and lets SQLite seek in the chronological index instead of scanning it.
            clauses.append("last_day >= ? AND first_day >= ?")
            params += [start.toordinal(), start.toordinal() - max_span]
        if end:
            clauses.append("first_day <= ?")
            params.append(end.toordinal())
    if query.categories:
        folded = sorted({c.casefold() for c in query.categories})
        clauses.append(f"coalesce(category_folded, category) IN ({','.join('?' * len(folded))})")
        params += folded
    if query.tags:
        folded = sorted({t.casefold() for t in query.tags})
        marks = ",".join("?" * len(folded))
        clauses.append(f"n IN (SELECT event FROM ({pairs('tag', shift, f'folded IN ({marks})')}))")
        params += folded
    _words_clause(query.actors,
                  f"n IN (SELECT event FROM ({pairs('actor', shift, 'instr(words, ?)')}))",
                  clauses, params)
    named = pairs("named", shift, "instr(words, ?) OR folded IN (SELECT folded FROM aliases "
                  "WHERE instr(words, ?))")
    _words_clause(query.people, f"n IN (SELECT event FROM ({named}))", clauses, params,
                  repeat=2)
    aliased = pairs("named", shift,
                    "folded IN (SELECT folded FROM aliases WHERE instr(names, ?))")
    _words_clause(query.places, "place IN (SELECT id FROM places WHERE instr(words, ?))",
                  clauses, params)
    keys = [term.casefold() for term in query.terms if term.strip()]
    in_python = any("\n" in key or "\r" in key for key in keys)
    rechecked = in_python or (query.fuzzy and not query.within)
    if keys and not in_python:
        parts = []
        for key in keys:
            own = ("body GLOB ?", f"*{_glob_literal(key)}*") if _trigram_serves(key) else \
                ("instr(body, ?)", key)
            # One list of rowids (a UNION) rather than the OR of two: SQLite then looks
            # each event up once.
            parts.append(f"n IN (SELECT rowid FROM search WHERE {own[0]} "
                         f"UNION SELECT event FROM ({aliased}))")
            params += [own[1], key]
        clauses.append("(" + (" OR " if query.any_term else " AND ").join(parts) + ")")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return Selection(where, params, rechecked)


def _words_clause(values: Sequence[str], clause: str, clauses: list[str],
                  params: list[Any], repeat: int = 1) -> None:
    if not values:
        return
    needles = [" " + " ".join(words(value)) + " " for value in values if words(value)]
    if not needles:
        clauses.append("0")  # no value has a word: nothing can match, as in memory
        return
    clauses.append("(" + " OR ".join([clause] * len(needles)) + ")")
    for needle in needles:
        params += [needle] * repeat
