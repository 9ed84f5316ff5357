"""Importing drafts into a timeline file: what is new is added, what is there is skipped (or,
with `update`, refreshed), and a file that does not exist is created as `new` creates one.

An event is already there when the timeline has its id, or an event on the same date (the
same days at the same precision) with the same title. The timeline is read once, streamed, to
find those; the new events then go in, and with `update` the changed ones are edited, through
store/changes.change: one write for all of them. A new file is written whole, its events in
the sources' order (a large sheet as it is read, in bounded memory), through a temporary file
linked into place: it never replaces a file created meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relations_cli.core.dates import cached_event_when
from relations_cli.core.errors import DateError, TimelineError, WriteError
from relations_cli.core.model import Event
from relations_cli.core.records import event_record
from relations_cli.ingest.base import Draft, Ingested, Problem, Row

if TYPE_CHECKING:
    from relations_cli.store.changes import Outcome
    from relations_cli.store.yamltext import EventTexts

__all__ = ["ImportResult", "Prepared", "create_streamed", "import_rows", "prepare", "prepared",
           "write_new_file"]

# Above this many events a new file is not parsed again after it is written: each draft was
# checked as the loader checks an event (ingest/cells.check_draft), and the strict loader on
# a million events takes minutes (docs/performance.md).
CHECK_LIMIT = 20_000

_Key = tuple[int, int, str, str]


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    added: list[str] = field(default_factory=list)
    skipped: int = 0
    updated: list[str] = field(default_factory=list)
    created: bool = False
    # The diff, or what works it out when it is first read (a write's Outcome): only a dry
    # run shows it.
    shown: str | Outcome = ""

    @property
    def diff(self) -> str:
        return self.shown if isinstance(self.shown, str) else self.shown.diff


def _key(date: str, title: str) -> _Key | None:
    try:
        start, _ = cached_event_when(date)
    except DateError:
        return None
    return (int(start.start), int(start.end), start.precision.value, title.strip())


def _event_key(event: Event) -> _Key:
    return (int(event.date.start), int(event.date.end), event.date.precision.value,
            event.title)


def import_rows(path: Path, rows: Sequence[Row], title: str | None = None,
                description: str | None = None, update: bool = False,
                dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Bring the rows' drafts into the timeline at `path` (created when missing)."""
    result = ImportResult()
    drafts: list[Draft] = []
    seen_ids: set[str] = set()
    seen_keys: set[_Key] = set()
    for row in rows:  # a source that repeats an event brings it once
        draft = row.draft
        event_id = str(draft.get("id") or "")
        key = _key(str(draft.get("date", "")), str(draft.get("title", "")))
        if (event_id and event_id in seen_ids) or (key is not None and key in seen_keys):
            result.skipped += 1
            continue
        if event_id:
            seen_ids.add(event_id)
        if key is not None:
            seen_keys.add(key)
        drafts.append(draft)
    if not path.exists():
        _create(path, drafts, title, description, dry_run, result, progress)
        return result
    present = _present(path, seen_ids, seen_keys)
    new: list[Draft] = []
    changed: list[tuple[str, dict[str, Any]]] = []
    for draft in drafts:
        event = present.get(str(draft.get("id") or "")) or present.get(
            _key(str(draft.get("date", "")), str(draft.get("title", ""))))
        if event is None:
            new.append(draft)
            continue
        changes = _changes(draft, event) if update else {}
        if changes:
            changed.append((event.id, changes))
        else:
            result.skipped += 1
    if new or changed:
        from relations_cli.store.changes import change

        # One write for every new and changed event: one lock, one check of what changes,
        # one file installed.
        outcome = change(path, new, changed, dry_run, checked=all(row.checked for row in rows))
        result.added.extend(outcome.ids[: len(new)])
        result.updated.extend(event_id for event_id, _ in changed)
        result.shown = outcome
    return result


def _present(path: Path, ids: set[str], keys: set[_Key]) -> dict[Any, Event]:
    """The timeline's events that have one of the ids or keys, by id and by key: asked of
    its fresh index (a few lookups, whatever the file's size), else from one reading of it."""
    from relations_cli.store.fastread import read_timeline

    found: dict[Any, Event] = {}

    def keep(event: Event) -> None:
        key = _event_key(event)
        if event.id in ids or key in keys:
            found[event.id] = event
            found.setdefault(key, event)

    if _from_index(path, ids, keys, keep):
        return found
    _, problems = read_timeline(path, keep)
    if problems:
        raise TimelineError(problems)
    return found


def _from_index(path: Path, ids: set[str], keys: set[_Key],
                keep: Callable[[Event], None]) -> bool:
    """Hand `keep` the events of the fresh index with one of the ids, or with the first day
    and the title of one of the keys (and maybe a few more); False when there is no fresh
    index."""
    import json
    import sqlite3

    from relations_cli.core.records import event_from_record
    from relations_cli.store.cache import cache_dir, fresh_index, index_path
    from relations_cli.store.rows import Packer, title_key

    folder = cache_dir()
    if folder is None:
        return False
    real = Path(os.path.realpath(path))
    try:
        db = fresh_index(index_path(real, folder), real)
    except (OSError, sqlite3.Error):
        return False
    if db is None:
        return False
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        packer = Packer(meta.get("dictionary", b""))
        # Each list goes in as one JSON array, so one statement asks for all of it.
        by_id = db.execute("SELECT record, line FROM events WHERE id IN "
                           "(SELECT value FROM json_each(?))", [json.dumps(sorted(ids))])
        # The events with a wanted title on its day, found by (title key, first day) in
        # their own index: only they are inflated (the first day of a month or a year holds
        # thousands of events in a large timeline, and inflating them all was most of an
        # import's time). A key two titles share brings an event `keep` leaves.
        wanted = sorted({(title_key(key[3]), key[0]) for key in keys})
        by_key = db.execute(
            "WITH w(title_key, first_day) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]') FROM json_each(?)) "
            "SELECT e.record, e.line FROM w CROSS JOIN events AS e "
            "ON e.title_key = w.title_key AND e.first_day = w.first_day", [json.dumps(wanted)])
        for record, line in [*by_id, *by_key]:
            keep(event_from_record(json.loads(packer.record(record)), line))
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return True


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v not in ("", None)}
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    return value


def _changes(draft: Draft, event: Event) -> dict[str, Any]:
    """The fields the draft gives that differ from the event's (never its id)."""
    record = event_record(event)
    changes: dict[str, Any] = {}
    for key, value in draft.items():
        if key == "id":
            continue
        have = record.get(key)
        if key == "date" and record.get("end") == "":
            have = f"{have}/"
        if _comparable(value) != _comparable(have if have is not None else ""):
            changes[key] = value
    return changes


# -- a new file ------------------------------------------------------------------------------


def _create(path: Path, drafts: list[Draft], title: str | None, description: str | None,
            dry_run: bool, result: ImportResult,
            progress: Callable[[int, int], None] | None) -> None:
    from relations_cli.store.newfile import new_timeline_text
    from relations_cli.store.write import diff, event_id_for

    taken = {str(draft["id"]) for draft in drafts if draft.get("id")}
    for draft in drafts:
        if not draft.get("id"):
            draft["id"] = event_id_for(str(draft.get("title", "")), taken)
            taken.add(draft["id"])
    head = new_timeline_text(path, title, description, empty=not drafts)
    result.added.extend(str(draft["id"]) for draft in drafts)
    result.created = True
    if dry_run:
        result.shown = diff("", "".join(_text(head, drafts, None)), path.name)
        return
    if len(drafts) <= CHECK_LIMIT:
        from relations_cli.store.install import check

        check("".join(_text(head, drafts, None)), str(path))
    write_new_file(path, _text(head, drafts, progress))


def _text(head: str, drafts: Sequence[Draft],
          progress: Callable[[int, int], None] | None) -> Iterator[str]:
    from relations_cli.store.yamltext import EventTexts

    texts = EventTexts(2, 4, "\n")
    yield head
    for start in range(0, len(drafts), 5000):
        yield "".join(texts(drafts[start : start + 5000]))
        if progress is not None and start + 5000 <= len(drafts):
            progress(start + 5000, len(drafts))


def write_new_file(path: Path, chunks: Iterator[str]) -> None:
    """Write a new file whole, then link it into place: never over a file that exists, and
    never half written where the name points."""
    import tempfile

    from relations_cli.store.atomic import reason

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".import",
                                         dir=folder)
    except OSError as error:
        raise WriteError(f"{path}: cannot create: {reason(error)}; nothing created") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise WriteError(f"{path}: was created meanwhile; nothing written") from None
        except OSError as error:
            raise WriteError(f"{path}: cannot create: {reason(error)}; nothing created") \
                from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class Prepared:
    """A batch of a source's events ready to be written: each one's id ("" when it has none
    yet), its date-and-title key, its title when it has no id, and its text (without an id
    line when it has no id: the id is given where all ids are known); with the batch's bad
    rows and what the source says of the timeline. Made here or in a worker process
    (store/parallel_import), so it holds only what pickles."""

    ids: list[str] = field(default_factory=list)
    keys: list[_Key | None] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None
    description: str | None = None
    notes: list[str] = field(default_factory=list)
    eras: list[Draft] = field(default_factory=list)
    # Rows of the source read for it, blank ones too, and lines (store/parallel_import).
    read: int = 0
    lines: int = 0

    def extend(self, other: Prepared) -> None:
        """The events and bad rows of the batch that follows, added."""
        self.ids += other.ids
        self.keys += other.keys
        self.titles += other.titles
        self.texts += other.texts
        self.problems += other.problems


def prepare(part: Ingested, texts: EventTexts) -> Prepared:
    """The batch's events as text, with what a new file needs to know of each."""
    drafts = [row.draft for row in part.rows]
    ids = [str(draft.get("id") or "") for draft in drafts]
    return Prepared(
        ids=ids,
        keys=[_key(str(draft.get("date", "")), str(draft.get("title", ""))) for draft in drafts],
        titles=[str(draft.get("title", "")) if not event_id else ""
                for draft, event_id in zip(drafts, ids, strict=True)],
        texts=texts(drafts), problems=part.problems, title=part.title,
        description=part.description, notes=part.notes, eras=part.eras)


def prepared(parts: Iterable[Ingested]) -> Iterator[Prepared]:
    """Each batch prepared here, in order."""
    from relations_cli.store.yamltext import EventTexts

    texts = EventTexts(2, 4, "\n")
    for part in parts:
        yield prepare(part, texts)


def _all_new(part: Prepared, taken: set[str], seen: set[int]) -> bool:
    """Whether each event of the batch has an id and a key, and neither is in the batch twice
    nor seen before; if so, they are now."""
    if None in part.keys:
        return False
    ids, keys = set(part.ids), set(map(hash, part.keys))
    if not (len(ids) == len(keys) == len(part.ids) and "" not in ids
            and taken.isdisjoint(ids) and seen.isdisjoint(keys)):
        return False
    taken |= ids
    seen |= keys
    return True


def create_streamed(path: Path, batches: Iterable[Prepared], skip_bad: bool,
                    report: Callable[[Problem], None]) -> ImportResult:
    """A new timeline written as its sources are read, batch by batch, in bounded memory:
    the events in the sources' order (each checked as the loader checks an event), each bad
    row reported as it is met. With a bad row and not `skip_bad`, nothing is created."""
    from relations_cli.store.newfile import new_timeline_text
    from relations_cli.store.write import event_id_for
    from relations_cli.store.yamltext import with_id

    result = ImportResult(created=True)
    taken: set[str] = set()
    seen: set[int] = set()  # hashes of (days, precision, title): 8 bytes an event, not 80
    bad = [0]

    def chunks() -> Iterator[str]:
        head: str | None = None
        for part in batches:
            for problem in part.problems:
                bad[0] += 1
                report(problem)
            if head is None and (part.texts or part.title):
                head = new_timeline_text(path, part.title, part.description, empty=False)
                yield head
            if _all_new(part, taken, seen):  # the common case, taken a batch at a time
                result.added += part.ids
                yield "".join(part.texts)
                continue
            out: list[str] = []
            for event_id, key, title, text in zip(part.ids, part.keys, part.titles, part.texts,
                                                  strict=True):
                if (event_id and event_id in taken) or (key is not None and hash(key) in seen):
                    result.skipped += 1
                    continue
                if key is not None:
                    seen.add(hash(key))
                if not event_id:
                    event_id = event_id_for(title, taken)
                    text = with_id(text, event_id)
                taken.add(event_id)
                result.added.append(event_id)
                out.append(text)
            yield "".join(out)
        if bad[0] and not skip_bad:
            raise WriteError(f"{bad[0]} bad {'row' if bad[0] == 1 else 'rows'}; nothing "
                             "written (--skip-bad writes the good rows)")
        if not result.added:
            raise WriteError("no event to import; nothing written")

    write_new_file(path, chunks())
    return result
