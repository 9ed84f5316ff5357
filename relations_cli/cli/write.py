"""Writing commands: new, add, edit, remove, and the schema for editors.

Everything that writes (store/write.py, the loader for validation) is imported inside the
command that runs, so the reading commands never load it.
"""

import re
import sys
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from typer.core import TyperCommand

from relations_cli.cli.app import app, note
from relations_cli.cli.options import complete_ids
from relations_cli.core.errors import WriteError


class _OptionsInOrder(TyperCommand):
    """Keeps the order in which options were typed (in ctx.meta), so that repeated groups of
    options (`--source-title A --source-url U --source-title B`) pair up as typed."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        import contextlib

        from typer._click.exceptions import UsageError

        with contextlib.suppress(UsageError):  # the real parse below reports it
            _, _, order = self.make_parser(ctx).parse_args(args=list(args))
            ctx.meta["relations.option_order"] = [param.name for param in order]
        return super().parse_args(ctx, args)

DataOpt = Annotated[list[str] | None, typer.Option(
    "--data", "-d", metavar="PATH", show_default=False,
    help="Timeline file to change [default: $RELATIONS_DATA; never the bundled timeline].")]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Print the diff it would apply, and write nothing.")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Refuse a name the file's people registry does not list.")]
# The options that describe the source a --source-title (add) or --add-source-title (edit)
# starts, shared by both commands.
SourceUrlOpt = Annotated[list[str] | None, typer.Option(
    "--source-url", metavar="URL", show_default=False)]
SourcePublisherOpt = Annotated[list[str] | None, typer.Option(
    "--source-publisher", metavar="NAME", show_default=False)]
SourceDateOpt = Annotated[list[str] | None, typer.Option(
    "--source-date", metavar="DATE", show_default=False)]
_LIST = Annotated[list[str] | None, typer.Option(show_default=False)]


def _target(data: list[str] | None) -> Path:
    """The one timeline file a write goes to: never the one inside the package."""
    import os

    from relations_cli.store.source import DATA_ENV, STDIN, default_data_path

    given = [value for value in data or [] if value] or \
        [part for part in os.environ.get(DATA_ENV, "").split(":") if part]
    if not given:
        raise WriteError("which timeline? pass --data FILE (or set $RELATIONS_DATA); the "
                         "bundled timeline is never changed")
    if len(given) > 1 or given[0] == STDIN or Path(given[0]).is_dir():
        raise WriteError(f"{', '.join(given)}: a write changes one timeline file; name exactly "
                         "one with --data FILE (not several, a folder or -)")
    path = Path(given[0])
    try:
        bundled = path.resolve() == default_data_path().resolve()
    except OSError:
        bundled = False
    if bundled:
        raise WriteError(f"{path}: is the bundled timeline, which is never changed; pass "
                         "--data FILE to write to your own")
    return path


class _Shown(Protocol):
    """A write's outcome (store/changes.Outcome, store/importing.ImportResult), whose diff
    is worked out only when read: only a dry run reads it."""

    @property
    def diff(self) -> str: ...


def _report(path: Path, outcome: _Shown, dry_run: bool, done: str) -> None:
    from relations_cli.render.safe import visible

    if dry_run:
        shown_diff = outcome.diff
        # A diff is read by a person: every unsafe character is shown as an escape (a bidi
        # override must not reorder it), line endings stay as they are.
        for line in _LINE.findall(shown_diff):
            body = line.rstrip("\r\n")
            sys.stdout.write(visible(body) + line[len(body) :])
        note(f"dry run: {visible(str(path))} not changed")
    else:
        note(f"{visible(done)} in {visible(str(path))}")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")


# -- dates: one reading for every way a date is typed --------------------------------------------

# The help of every option that takes a date to store (core/dates.EVENT_DATE_HELP says more).
DATE_HELP = ("Any form a filter reads, stored as EDTF: 2016-03-27, 2016-03, 2016, 'July 20, "
             "1969', 'Sep 2015', 2016Q1, 1961~, 196X, 'spring 2016', '44 BC', 2015-09/2016-03.")


def _stored(typed: str, option: str) -> str:
    """The date to store for one typed (EDTF kept as written, any other form a filter reads as
    its EDTF text), said on stderr when it differs; a usage error naming the option if it is
    no date."""
    from relations_cli.core.dates import stored_date
    from relations_cli.core.errors import DateError
    from relations_cli.render.safe import visible

    try:
        stored = stored_date(typed)
    except DateError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None
    if stored != typed.strip():
        note(f"stored '{visible(typed.strip())}' as {visible(stored)}")
    return stored


def _dates_stored(draft: dict[str, Any], json_event: int | None = None) -> None:
    """The draft's dates (date, end, each source's date) as they are to be stored; a bad one
    is named by its option, or by its field in the JSON event `json_event`."""
    def option(key: str, flag: str) -> str:
        return flag if json_event is None else f"--json (event {json_event}, {key})"

    for key in ("date", "end"):
        if draft.get(key):
            draft[key] = _stored(draft[key], option(key, f"--{key}"))
    for source in draft.get("sources") or ():
        if source.get("date"):
            source["date"] = _stored(source["date"], option("sources.date", "--source-date"))


# -- add ------------------------------------------------------------------------------------------


def _quote(text: str, option: str = "--quote") -> dict[str, str]:
    who, colon, said = text.partition(":")
    if not colon or not who.strip() or not said.strip():
        raise typer.BadParameter(f"'{text}' is not WHO: TEXT", param_hint=option)
    return {"by": who.strip(), "text": said.strip()}


FIGURE_FORM = "LABEL=VALUE [UNIT] [; CHANGE]"


def _figure(text: str, option: str = "--figure") -> dict[str, str]:
    """`Exports to Russia, 2015=32.9 billion USD; down a third`: the label up to the first
    '=', the value up to the first space, the unit after it, the change after a ';'."""
    label, equals, rest = text.partition("=")
    measured, _, change = rest.partition(";")
    value, _, unit = measured.strip().partition(" ")
    if not equals or not label.strip() or not value.strip():
        raise typer.BadParameter(f"'{text}' is not {FIGURE_FORM}", param_hint=option)
    return {k: v for k, v in (("label", label.strip()), ("value", value.strip()),
                               ("unit", unit.strip()), ("change", change.strip())) if v}


def _asked(label: str, offered: list[str]) -> str:
    """A missing field, asked for on a terminal, with the values the timeline already uses."""
    if offered:
        # '; ' as lists are typed: names and places may hold commas.
        shown = "; ".join(offered[:12]) + ("; ..." if len(offered) > 12 else "")
        typer.echo(f"{label} in use: {shown}", err=True)
    # Not typer.prompt: it writes a space to stdout, which is for data alone.
    sys.stderr.write(f"{label}: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def _from_json(stream: Any) -> list[dict[str, Any]]:
    import json

    from relations_cli.store.yamltext import FIELD_ORDER, LIST_FIELDS, RECORD_FIELDS

    try:
        loaded = json.load(stream)
    except ValueError as error:
        raise typer.BadParameter(f"standard input is not JSON: {error}",
                                 param_hint="--json") from None
    except RecursionError:
        raise typer.BadParameter("standard input nests too deeply to be an event",
                                 param_hint="--json") from None
    records = loaded if isinstance(loaded, list) else [loaded]
    drafts = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise typer.BadParameter(f"event {number} is not an object", param_hint="--json")
        unknown = sorted(set(record) - set(FIELD_ORDER))
        if unknown:
            raise typer.BadParameter(f"event {number}: unknown field {unknown[0]!r}",
                                     param_hint="--json")
        draft: dict[str, Any] = {}
        for key, value in record.items():
            if value is None:
                continue
            if key in LIST_FIELDS:
                draft[key] = [_json_text(item, key, number) for item in _json_list(value)]
            elif key in RECORD_FIELDS:
                draft[key] = [{k: _json_text(v, f"{key}.{k}", number)
                               for k, v in _json_record(item, key, number).items()}
                              for item in _json_list(value)]
            else:
                draft[key] = _json_text(value, key, number)
        drafts.append(draft)
    return drafts


def _json_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _json_record(value: Any, key: str, number: int) -> dict[str, Any]:
    from relations_cli.store.yamltext import RECORD_FIELDS

    if not isinstance(value, dict) or set(value) - set(RECORD_FIELDS[key]):
        fields = ", ".join(RECORD_FIELDS[key])
        raise typer.BadParameter(f"event {number}: each of {key} is an object with {fields}",
                                 param_hint="--json")
    return value


def _json_text(value: Any, key: str, number: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise typer.BadParameter(f"event {number}: {key} must be text",
                                 param_hint="--json")
    return str(value).strip()


@app.command(cls=_OptionsInOrder)
def add(
    ctx: typer.Context,
    data: DataOpt = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="DATE", show_default=False,
        help="When (required). " + DATE_HELP)] = None,
    title: Annotated[str | None, typer.Option(
        "--title", metavar="TEXT", show_default=False, help="What happened (required).")] = None,
    end: Annotated[str | None, typer.Option(
        "--end", metavar="DATE", show_default=False,
        help="The end of a span, in any form --date takes.")] = None,
    summary: Annotated[str | None, typer.Option(
        "--summary", metavar="TEXT", show_default=False)] = None,
    category: Annotated[str | None, typer.Option(
        "--category", "-c", metavar="NAME", show_default=False, help="One word.")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", "-t", metavar="TAG", show_default=False, help="Repeat for several.")] = None,
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", "-a", metavar="NAME", show_default=False)] = None,
    person: Annotated[list[str] | None, typer.Option(
        "--person", "-p", metavar="NAME", show_default=False)] = None,
    place: Annotated[str | None, typer.Option(
        "--place", metavar="NAME", show_default=False)] = None,
    quote: Annotated[list[str] | None, typer.Option(
        "--quote", "-q", metavar="'WHO: TEXT'", show_default=False)] = None,
    figure: Annotated[list[str] | None, typer.Option(
        "--figure", metavar=f"'{FIGURE_FORM}'", show_default=False,
        help="A figure, such as 'Exports=32.9 billion USD; down a third'.")] = None,
    source_title: Annotated[list[str] | None, typer.Option(
        "--source-title", metavar="TEXT", show_default=False,
        help="Starts a source; the --source-* options after it describe it. Repeat the "
             "group for several sources.")] = None,
    source_url: SourceUrlOpt = None,
    source_publisher: SourcePublisherOpt = None,
    source_date: SourceDateOpt = None,
    date_note: Annotated[str | None, typer.Option(
        "--date-note", metavar="TEXT", show_default=False,
        help="How the date was worked out.")] = None,
    event_id: Annotated[str | None, typer.Option(
        "--id", metavar="ID", show_default=False,
        help="[default: made from the title, unique in the file]")] = None,
    from_json: Annotated[bool, typer.Option(
        "--json", help="Read the event (or a list of them) as JSON from standard input.")] = False,
    strict: StrictOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Add an event to your timeline, at its place in date order.

    Missing required fields are asked for on a terminal; from a script they are a usage
    error. Prints the new event's id.

    \b
    Examples:
      relations add --data mine.yaml --date 2016-03-27 --title "Palmyra retaken" \\
          --category security --person "Vladimir Putin" --quote "Vladimir Putin: Well done."
      echo '{"date": "2016-04", "title": "Talks"}' | relations add --data mine.yaml --json
      relations add --data mine.yaml --date "Jan 13, 2016" --title "Customs figures" \\
          --figure "Exports to Russia, 2015=32.9 billion USD; down more than a third"
      relations add --data mine.yaml --date 2016 --title "A year" --dry-run
    """
    from relations_cli.store.changes import add as add_events

    path = _target(data)
    if from_json:
        drafts = _from_json(sys.stdin)
        if not drafts:
            note(f"nothing added to {path}: the JSON holds no event")
            raise typer.Exit(1)
    else:
        sources = _sources(ctx, {
            "title": source_title, "url": source_url, "publisher": source_publisher,
            "date": source_date})
        drafts = [{
            "id": event_id, "date": date, "end": end, "title": title, "summary": summary,
            "category": category, "actors": actor, "people": person, "place": place,
            "tags": tag, "quotes": [_quote(q) for q in quote or ()],
            "figures": [_figure(f) for f in figure or ()],
            "sources": sources, "date_note": date_note,
        }]
        for key, value in list(drafts[0].items()):
            if isinstance(value, str):
                drafts[0][key] = value.strip()
            elif isinstance(value, list) and value and isinstance(value[0], str):
                drafts[0][key] = [item.strip() for item in value if item.strip()]
        _complete(drafts[0], path)
    for number, draft in enumerate(drafts, start=1):
        for key in ("date", "title"):
            if not draft.get(key):
                where = f"event {number}: " if from_json else ""
                raise typer.BadParameter(f"{where}an event needs a {key}",
                                         param_hint="--json" if from_json else f"--{key}")
        _dates_stored(draft, number if from_json else None)
    _check_names(path, drafts, strict)
    outcome = add_events(path, drafts, dry_run)
    if not dry_run:
        for new_id in outcome.ids:
            print(new_id)
    _report(path, outcome, dry_run, "added " + ", ".join(outcome.ids))


_SOURCE_OPTIONS = {"source_title": "title", "add_source_title": "title", "source_url": "url",
                   "source_publisher": "publisher", "source_date": "date"}


def _sources(ctx: Any, given: dict[str, list[str] | None]) -> list[dict[str, str]]:
    """The sources typed, in the order typed: each --source-title starts one, and the
    --source-url, --source-publisher and --source-date after it describe it. An option that
    has no title before it, or that repeats within one source, is an error, never dropped."""
    order = [_SOURCE_OPTIONS[name] for name in ctx.meta.get("relations.option_order", [])
             if name in _SOURCE_OPTIONS]
    values = {key: list(items or ()) for key, items in given.items()}
    if sum(len(items) for items in values.values()) != len(order):
        raise WriteError("the order of the --source-* options could not be read; nothing "
                         "written")  # never expected: the command's parser records it
    sources: list[dict[str, str]] = []
    for key in order:
        value = values[key].pop(0).strip()
        if key == "title":
            sources.append({"title": value})
            continue
        option = f"--source-{key}"
        if not sources:
            raise typer.BadParameter(f"{option} describes the source named by a --source-title "
                                     "before it; give the title first", param_hint=option)
        if key in sources[-1]:
            raise typer.BadParameter(f"a second {option} for the source "
                                     f"'{sources[-1]['title']}'; start another source with "
                                     "--source-title", param_hint=option)
        sources[-1][key] = value
    for source in sources:
        if not source["title"]:
            raise typer.BadParameter("a source needs a title", param_hint="--source-title")
    return [{k: v for k, v in source.items() if v} for source in sources]


def _complete(draft: dict[str, Any], path: Path) -> None:
    """Ask for what is missing when a person is at the terminal; from a script, nothing."""
    if draft.get("date") and draft.get("title"):
        return
    if not sys.stdin.isatty():
        return  # the caller reports the missing field as a usage error
    from relations_cli.store.loader import validate_file

    timeline, _ = validate_file(path)
    events = timeline.events if timeline else ()
    while not draft.get("date"):
        # Checked as typed, and asked again: nothing typed after it is lost to a bad date.
        typed = _asked("Date (2016-03-27, 'July 20, 1969', 'Sep 2015', 1961~, ...)", [])
        if not typed:
            break  # the caller says an event needs a date
        try:
            draft["date"] = _stored(typed, "Date")
        except typer.BadParameter as error:
            typer.echo(f"{error.format_message()}; try again", err=True)
    if not draft.get("title"):
        draft["title"] = _asked("Title", [])
    if not draft.get("category"):
        draft["category"] = _asked("Category (optional)",
                                   sorted({e.category for e in events if e.category}))
    if not draft.get("people"):
        from relations_cli.core.people import people_of

        registry = people_of(timeline.people if timeline else ())
        known = sorted({p.name for p in registry}
                       | {n for e in events for n in e.people if registry.get(n) is None})
        answer = _asked("People, separated by ';' (optional)", known)
        draft["people"] = [n.strip() for n in answer.split(";") if n.strip()]
    if not draft.get("place"):
        draft["place"] = _asked("Place (optional)", sorted({e.place for e in events if e.place}))


# -- remove and edit -------------------------------------------------------------------------------


@app.command()
def remove(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.",
                                            autocompletion=complete_ids)],
    data: DataOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Remove one event: its lines, and only they, go.

    \b
    Examples:
      relations remove palmyra-retaken --data mine.yaml --dry-run
      relations remove palmyra-retaken --data mine.yaml
    """
    from relations_cli.store.changes import remove as remove_from

    path = _target(data)
    outcome = remove_from(path, event_id, dry_run)
    _report(path, outcome, dry_run, f"removed {event_id}")


def _changes(assignments: list[str]) -> dict[str, Any]:
    from relations_cli.core.text import did_you_mean
    from relations_cli.store.write import list_value
    from relations_cli.store.yamltext import LIST_FIELDS, RECORD_FIELDS, TEXT_FIELDS

    fields = (*TEXT_FIELDS, *LIST_FIELDS)
    changes: dict[str, Any] = {}
    for assignment in assignments:
        key, equals, value = assignment.partition("=")
        key = key.strip()
        if not equals:
            raise typer.BadParameter(f"'{assignment}' is not FIELD=VALUE", param_hint="--set")
        if key in RECORD_FIELDS:
            option = key.removesuffix("s")
            raise typer.BadParameter(f"{key} are records: use --add-{option} and "
                                     f"--remove-{option} N", param_hint="--set")
        if key not in fields:
            raise typer.BadParameter(
                f"no field '{key}'" + did_you_mean(key, fields, "fields: " + ", ".join(fields)),
                param_hint="--set")
        if key in ("id", "date", "title") and not value.strip():
            raise typer.BadParameter(f"{key} cannot be empty", param_hint="--set")
        if key in LIST_FIELDS:
            if "," in value and ";" not in value:
                raise typer.BadParameter(
                    f"lists are separated by ';', as CSV writes them and as a name may hold a "
                    f"comma: write {key}={'; '.join(p.strip() for p in value.split(','))} "
                    f"(or end the value with ';' for one item holding a comma)",
                    param_hint="--set")
            changes[key] = list_value(value)
        elif key in ("date", "end") and value.strip():
            changes[key] = _stored(value, f"--set {key}")
        else:
            changes[key] = value.strip()
    return changes


def _places(numbers: list[int] | None, option: str) -> tuple[int, ...]:
    for number in numbers or ():
        if number < 1:
            raise typer.BadParameter(f"{number}: records are numbered from 1, as show numbers "
                                     "them", param_hint=option)
    return tuple(numbers or ())



@app.command(cls=_OptionsInOrder)
def edit(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.",
                                            autocompletion=complete_ids)],
    data: DataOpt = None,
    assignments: Annotated[list[str] | None, typer.Option(
        "--set", metavar="FIELD=VALUE", show_default=False,
        help="Change a field without an editor (lists: separated by ';'; empty removes it).",
    )] = None,
    add_quote: Annotated[list[str] | None, typer.Option(
        "--add-quote", metavar="'WHO: TEXT'", show_default=False)] = None,
    add_figure: Annotated[list[str] | None, typer.Option(
        "--add-figure", metavar=f"'{FIGURE_FORM}'", show_default=False)] = None,
    add_source_title: Annotated[list[str] | None, typer.Option(
        "--add-source-title", metavar="TEXT", show_default=False,
        help="Adds a source; the --source-* options after it describe it.")] = None,
    source_url: SourceUrlOpt = None,
    source_publisher: SourcePublisherOpt = None,
    source_date: SourceDateOpt = None,
    remove_quote: Annotated[list[int] | None, typer.Option(
        "--remove-quote", metavar="N", show_default=False,
        help="Take out quote N (1-based, as show numbers them); repeat for several.")] = None,
    remove_figure: Annotated[list[int] | None, typer.Option(
        "--remove-figure", metavar="N", show_default=False)] = None,
    remove_source: Annotated[list[int] | None, typer.Option(
        "--remove-source", metavar="N", show_default=False)] = None,
    strict: StrictOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Change one event: in $VISUAL or $EDITOR, or field by field with --set and the
    --add-* and --remove-* options.

    The editor opens a copy of the file at the event's line. On save the whole timeline is
    checked; if it is invalid, the problems are shown and you may edit again or abandon. An
    invalid file is never installed. Records (quotes, figures, sources) are numbered from 1
    as `relations show ID` lists them; removals count from the list as it was.

    \b
    Examples:
      relations edit palmyra-retaken --data mine.yaml
      relations edit palmyra-retaken --data mine.yaml --set date=2016-03-27 --set title="Palmyra"
      relations edit palmyra-retaken --data mine.yaml --set "people=Vladimir Putin; Xi Jinping"
      relations edit palmyra-retaken --data mine.yaml --add-quote "Vladimir Putin: Well done."
      relations edit palmyra-retaken --data mine.yaml --remove-quote 2 --dry-run
      relations edit palmyra-retaken --data mine.yaml --add-source-title "Warming Relations" \\
          --source-publisher "Beijing Review" --source-date 2016-04
    """
    from relations_cli.store.changes import edit as edit_fields
    from relations_cli.store.write import RecordEdit

    path = _target(data)
    changes: dict[str, Any] = _changes(assignments or [])
    sources = _sources(ctx, {"title": add_source_title, "url": source_url,
                             "publisher": source_publisher, "date": source_date})
    _dates_stored({"sources": sources})
    records = {
        "quotes": RecordEdit(_places(remove_quote, "--remove-quote"),
                             tuple(_quote(q, "--add-quote") for q in add_quote or ())),
        "figures": RecordEdit(_places(remove_figure, "--remove-figure"),
                              tuple(_figure(f, "--add-figure") for f in add_figure or ())),
        "sources": RecordEdit(_places(remove_source, "--remove-source"), tuple(sources)),
    }
    changes.update({key: edit for key, edit in records.items() if edit.add or edit.remove})
    _check_names(path, [{"people": changes.get("people"),
                         "quotes": list(records["quotes"].add)}], strict)
    if not changes:
        if dry_run:
            raise typer.BadParameter("--dry-run goes with --set, --add-* or --remove-*",
                                     param_hint="--dry-run")
        _edit_in_editor(path, event_id)
        return
    outcome = edit_fields(path, event_id, changes, dry_run)
    _report(path, outcome, dry_run, f"changed {event_id}")


def _edit_in_editor(path: Path, event_id: str) -> None:
    import dataclasses
    import os
    import subprocess
    import tempfile

    from relations_cli.render.safe import visible
    from relations_cli.store.install import commit, locked_snapshot, read_snapshot
    from relations_cli.store.layout import BREAK, layout
    from relations_cli.store.loader import parse_timeline
    from relations_cli.store.write import find_item

    snapshot = read_snapshot(path)
    items = layout(snapshot.text, str(path)).items
    item = items[find_item(items, event_id, str(path))]
    line = len(BREAK.findall(snapshot.text, 0, item.start)) + 1
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    raw = (b"\xef\xbb\xbf" if snapshot.bom else b"") + snapshot.text.encode("utf-8")
    try:
        fd, copy = tempfile.mkstemp(prefix=f"relations-{path.stem[:100]}-",
                                    suffix=path.suffix[:20] or ".yaml")
    except OSError as error:
        raise WriteError(f"{tempfile.gettempdir()}: cannot make the copy to edit: "
                         f"{(error.strerror or str(error)).lower()}") from None
    keep = False
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(raw)
        while True:
            # As git runs it: through the shell, so `code --wait` and `$HOME/bin/ed` work.
            done = subprocess.run(["sh", "-c", f'{editor} "$@"', editor, f"+{line}", copy],
                                  check=False)
            if done.returncode != 0:
                raise WriteError(f"the editor ({editor}) exited with status {done.returncode}; "
                                 f"{path} not changed")
            try:
                edited = Path(copy).read_bytes()
            except OSError as error:
                raise WriteError(f"{copy}: the copy the editor had is gone "
                                 f"({(error.strerror or str(error)).lower()}); {path} not "
                                 "changed") from None
            if edited == raw:
                note(f"no change to {visible(str(path))}")
                return
            bom = edited.startswith(b"\xef\xbb\xbf")
            try:
                text = edited[3 if bom else 0 :].decode("utf-8")
            except UnicodeDecodeError as error:
                problems = [f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"]
            else:
                problems = [str(p) for p in parse_timeline(text, str(path))[1]]
                if not problems:
                    break
            for problem in problems:
                note(visible(problem))
            try:
                answer = typer.prompt("Edit again or abandon? [e/a]", default="a",
                                      err=True)
            except (typer.Abort, EOFError):
                answer = "a"
            if not str(answer).strip().lower().startswith("e"):
                raise WriteError(f"abandoned: {path} not changed") from None
        # From here the edit is the person's work: whatever stops it, the copy is kept.
        keep = True
        try:
            with locked_snapshot(path):
                commit(dataclasses.replace(snapshot, bom=bom), text, checked=True)
        except WriteError as error:
            reason = str(error).removesuffix(" (run the command again)")
            if "no such file" in reason:
                reason = f"{path}: moved or removed while you edited; nothing written"
            elif "changed on disk" in reason:
                reason = f"{path}: changed on disk while you edited; nothing written"
            raise WriteError(f"{reason} (your version is in {copy})") from None
        keep = False
        note(f"changed {visible(event_id)} in {visible(str(path))}")
    finally:
        if not keep:
            Path(copy).unlink(missing_ok=True)


# -- people: the registry, and the names add and edit write ---------------------------------------


def _registry_of(path: Path) -> Any:
    """The file's people registry (core/people.People), read as any command reads it."""
    from relations_cli.store.source import open_engine

    return open_engine(str(path)).people


def _check_names(path: Path, drafts: list[dict[str, Any]], strict: bool) -> None:
    """A name a new or changed event gives that a registry the file has does not list: a
    warning with the nearest names, an error with --strict (nothing written)."""
    from relations_cli.core.text import did_you_mean
    from relations_cli.render.safe import visible

    named = [name for draft in drafts
             for name in [*(draft.get("people") or ()),
                          *(q.get("by", "") for q in draft.get("quotes") or ())] if name]
    if not named:
        return
    registry = _registry_of(path)
    if not len(registry):
        return  # no registry: naming people freely is the file's choice
    listed = [n for person in registry for n in person.names]
    for name in dict.fromkeys(named):
        if registry.get(name) is not None:
            continue
        message = (f"{path}: '{name}' is not in the people registry"
                   + did_you_mean(name, listed, f"'relations person add {name}' adds them"))
        if strict:
            raise WriteError(message + "; nothing written (--strict)")
        note(f"warning: {visible(message)}")


person_app = typer.Typer(
    name="person", no_args_is_help=True,
    help="Add, change or remove someone in the timeline's people registry.\n\n"
         "\b\nExamples:\n"
         "  relations person add \"Buzz Aldrin\" --data apollo.yaml --role Astronaut\n"
         "  relations person edit Aldrin --data apollo.yaml --set \"aliases=Aldrin; Buzz\"\n"
         "  relations person remove \"Buzz Aldrin\" --data apollo.yaml")
app.add_typer(person_app, name="person")


@person_app.command("add")
def person_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Their full name.")],
    data: DataOpt = None,
    role: Annotated[str | None, typer.Option(
        "--role", metavar="TEXT", show_default=False, help="What they are, briefly.")] = None,
    alias: Annotated[list[str] | None, typer.Option(
        "--alias", metavar="NAME", show_default=False,
        help="Another name events may give them; repeat for several.")] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Add someone to the people registry (made above the events if the file has none).

    \b
    Examples:
      relations person add "Buzz Aldrin" --data apollo.yaml --role "Lunar module pilot"
      relations person add "Xi Jinping" --data mine.yaml --role "President of China" \\
          --alias 习近平 --alias "Си Цзиньпин"
    """
    from relations_cli.store.changes import registry_write
    from relations_cli.store.registry import add_person

    path = _target(data)
    name = name.strip()
    aliases = [a.strip() for a in alias or () if a.strip()]
    if not name:
        raise typer.BadParameter("a person needs a name", param_hint="NAME")
    registry = _registry_of(path)
    for given in (name, *aliases):
        owner = registry.get(given)
        if owner is not None:
            held = "their name" if owner.name.casefold() == given.casefold() else "an alias"
            raise WriteError(f"{path}: '{given}' is already {held} of {owner.name} in the "
                             "people registry; 'relations person edit' changes an entry")
    person = {"name": name, "role": (role or "").strip(), "aliases": aliases}
    outcome = registry_write(path, lambda text: add_person(text, person, str(path)), dry_run)
    _report(path, outcome, dry_run, f"added {name} to the people")


def _person_named(path: Path, registry: Any, wanted: str) -> Any:
    """The registry entry NAME stands for: any name or alias, exactly or by whole words,
    with hints when it names none or several."""
    if not len(registry):
        raise WriteError(f"{path}: the timeline has no people registry; "
                         "'relations person add' starts one")
    return registry.get(wanted) or registry.find_one(wanted, (), str(path))


@person_app.command("edit")
def person_edit(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Any name or alias they go by.")],
    data: DataOpt = None,
    assignments: Annotated[list[str] | None, typer.Option(
        "--set", metavar="FIELD=VALUE", show_default=False,
        help="name=, role= or aliases= (separated by ';'); an empty value removes it.")] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Change someone's entry in the people registry. A new name keeps the old one as an
    alias while events still give it, so no event loses them.

    \b
    Examples:
      relations person edit Aldrin --data apollo.yaml --set role="Lunar module pilot"
      relations person edit "Buzz Aldrin" --data apollo.yaml --set "aliases=Aldrin; Buzz"
      relations person edit Kennedy --data apollo.yaml --set "name=John Fitzgerald Kennedy"
    """
    from relations_cli.core.text import did_you_mean
    from relations_cli.render.safe import visible
    from relations_cli.store.changes import registry_write
    from relations_cli.store.registry import PERSON_FIELDS, edit_person
    from relations_cli.store.write import list_value

    path = _target(data)
    if not assignments:
        raise typer.BadParameter("say what to change with --set FIELD=VALUE",
                                 param_hint="--set")
    from relations_cli.store.source import open_engine

    engine = open_engine(str(path))
    person = _person_named(path, engine.people, name)
    changes: dict[str, Any] = {}
    for assignment in assignments:
        key, equals, value = assignment.partition("=")
        key = key.strip()
        if not equals or key not in PERSON_FIELDS:
            raise typer.BadParameter(
                f"'{assignment}' is not FIELD=VALUE with a field among "
                f"{', '.join(PERSON_FIELDS)}" + did_you_mean(key, PERSON_FIELDS),
                param_hint="--set")
        if key == "name" and not value.strip():
            raise typer.BadParameter("name cannot be empty", param_hint="--set")
        changes[key] = list_value(value) if key == "aliases" else value.strip()
    new_name = changes.get("name", person.name)
    if new_name != person.name:
        owner = engine.people.get(new_name)
        if owner is not None and owner.name != person.name:
            raise WriteError(f"{path}: '{new_name}' is already a name of {owner.name} in the "
                             "people registry")
        aliases = list(changes.get("aliases", person.aliases))
        named = {n.casefold() for n in engine.named()}
        if person.name not in aliases and person.name.casefold() in named:
            # Events give the old name: kept as an alias, they still name this person.
            aliases.append(person.name)
            note(f"kept '{visible(person.name)}' as an alias: events give that name")
        changes["aliases"] = [a for a in aliases if a != new_name]
    outcome = registry_write(path, lambda text: edit_person(text, person.name, changes,
                                                            str(path)), dry_run)
    _report(path, outcome, dry_run, f"changed {new_name} in the people")


@person_app.command("remove")
def person_remove(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Any name or alias they go by.")],
    data: DataOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Remove someone from the people registry; refused while an event names them.

    \b
    Examples:
      relations person remove "Buzz Aldrin" --data apollo.yaml --dry-run
    """
    from relations_cli.store.changes import registry_write
    from relations_cli.store.loader import parse_timeline
    from relations_cli.store.registry import naming_events, remove_person

    path = _target(data)
    person = _person_named(path, _registry_of(path), name)

    def plan(text: str) -> str:
        timeline, _ = parse_timeline(text, str(path))
        ids = naming_events(timeline, person) if timeline is not None else []
        if ids:
            shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10
                                           else "")
            raise WriteError(f"{path}: {person.name} is named by {len(ids)} "
                             f"event{'s' if len(ids) > 1 else ''} ({shown}); remove or change "
                             "them first; nothing written")
        return remove_person(text, person.name, str(path))

    outcome = registry_write(path, plan, dry_run)
    _report(path, outcome, dry_run, f"removed {person.name} from the people")


# -- new and schema ------------------------------------------------------------------------------


def _schema_path() -> Path:
    from relations_cli.store.newfile import schema_path

    return schema_path()


@app.command()
def new(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The file to create.")],
    title: Annotated[str | None, typer.Option(
        "--title", metavar="TEXT", show_default=False,
        help="The timeline's title [default: from the file name].")] = None,
    schema: Annotated[str | None, typer.Option(
        "--schema", metavar="URL", show_default=False,
        help="Schema for the editor modeline [default: the installed one].")] = None,
) -> None:
    """Create a new timeline file, ready for 'relations add' and for your editor's YAML
    language server. Never overwrites a file.

    \b
    Examples:
      relations new syria.yaml --title "Syria, 2015–2016"
      relations add --data syria.yaml --date 2015-09-30 --title "Russian air campaign begins"
    """
    import os

    from relations_cli.render.safe import visible
    from relations_cli.store.install import check
    from relations_cli.store.newfile import new_timeline_text

    text = new_timeline_text(path, title, schema=schema)
    check(text, str(path))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise WriteError(f"{path}: already exists; 'relations new' never overwrites") from None
    except OSError as error:
        raise WriteError(f"{path}: cannot create: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException as error:
        # Never leave an empty or half-written file that the next `new` calls existing.
        path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            from relations_cli.store.atomic import reason

            raise WriteError(f"{path}: cannot write: {reason(error)}; nothing created") \
                from None
        raise
    note(f"created {visible(str(path))}")


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft-07) of the timeline format, for editors.

    \b
    Examples:
      relations schema > timeline.schema.json
      # then, first line of a timeline: # yaml-language-server: $schema=timeline.schema.json
    """
    sys.stdout.write(_schema_path().read_text(encoding="utf-8"))
