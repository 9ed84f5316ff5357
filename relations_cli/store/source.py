"""Which timelines a command reads: --data (repeatable; a file, a folder or `-` for standard
input), then $RELATIONS_DATA (paths separated by ':'), then the bundled one."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from relations_cli.core.errors import Problem, TimelineError

if TYPE_CHECKING:
    from relations_cli.core.engine import Engine
    from relations_cli.store.index import IndexEngine

__all__ = [
    "STDIN",
    "default_data_path",
    "open_engine",
    "open_index",
    "resolve_data_path",
    "resolve_data_paths",
]

DATA_ENV = "RELATIONS_DATA"
STDIN = "-"  # the --data value that reads the timeline from standard input
STDIN_NAME = "<stdin>"


def _given(option: str | Sequence[str] | None) -> list[str]:
    """The paths named by --data, else by $RELATIONS_DATA; empty for the bundled timeline."""
    if isinstance(option, str):
        return [option] if option else []
    if option:
        return [value for value in option if value]
    return [part for part in os.environ.get(DATA_ENV, "").split(":") if part]


def resolve_data_paths(option: str | Sequence[str] | None) -> list[Path]:
    """Every timeline file in use, in order: a folder gives its *.yaml and *.yml files,
    sorted; `-` stays `-` (standard input)."""
    given = _given(option)
    if not given:
        return [default_data_path()]
    paths: list[Path] = []
    for value in given:
        path = Path(value)
        if value != STDIN and path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise TimelineError([Problem(value, 1, 1, "is a folder with no *.yaml or "
                                             "*.yml timeline in it")])
            paths += found
        else:
            paths.append(path)
    if sum(str(p) == STDIN for p in paths) > 1:
        raise TimelineError([Problem(STDIN_NAME, 1, 1, "standard input (--data -) can be "
                                     "read only once")])
    return list(dict.fromkeys(paths))


def resolve_data_path(option: str | Sequence[str] | None) -> Path:
    """The first timeline file in use (the only one, unless several are named)."""
    return resolve_data_paths(option)[0]


def default_data_path() -> Path:
    """The bundled timeline: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data" / "events.yaml"
    return packaged if packaged.is_file() else package.parent / "data" / "events.yaml"


def open_engine(option: str | Sequence[str] | None, use_cache: bool = True,
                progress: Callable[[int, int], None] | None = None) -> Engine:
    """The query engine for the timelines in use: for one file its index (from the cache
    when fresh); for several, one engine over all their indexes; for `-`, standard input."""
    paths = resolve_data_paths(option)
    if len(paths) == 1:
        return _open_one(paths[0], use_cache, progress)
    from relations_cli.store.multi import MultiEngine

    engines = [(_name(p), _open_one(p, use_cache, progress)) for p in paths]
    return MultiEngine(engines, _ids_verdict(paths) if use_cache else None)


def _ids_verdict(paths: Sequence[Path]) -> Path | None:
    """Where the cache remembers that these files, exactly as they are (size, times, inode),
    use no id twice; None when that cannot be known (standard input, no cache folder, or a
    file changed so recently that an edit could keep its times)."""
    import hashlib
    import json
    import time

    from relations_cli.store.cache import GRANULARITY_NS, cache_dir, fingerprint

    folder = cache_dir()
    if folder is None or any(str(p) == STDIN for p in paths):
        return None
    try:
        prints = [fingerprint(p) for p in paths]
        newest = max(max(os.stat(p).st_mtime_ns, os.stat(p).st_ctime_ns) for p in paths)
    except OSError:
        return None
    if newest + GRANULARITY_NS >= time.time_ns():
        return None
    key = hashlib.sha256(json.dumps(prints, sort_keys=True).encode()).hexdigest()[:32]
    return folder / "checked" / f"ids-{key}"


def _name(path: Path) -> str:
    return STDIN_NAME if str(path) == STDIN else str(path)


def _open_one(path: Path, use_cache: bool,
              progress: Callable[[int, int], None] | None) -> Engine:
    if str(path) == STDIN:
        import sys

        from relations_cli.core.engine import MemoryEngine
        from relations_cli.store.loader import load_stream

        return MemoryEngine(load_stream(sys.stdin.buffer, STDIN_NAME))
    return open_index(path, use_cache, progress)


def open_index(source: Path, use_cache: bool = True,
               progress: Callable[[int, int], None] | None = None) -> IndexEngine:
    """The index of a timeline file, in order: locate it in the cache, check that it is
    fresh, build it if not (store/build: in order, or in two halves on two cores), open it.
    Without a usable cache (none, or one that cannot be written: a full disk, any SQLite
    error) it is built in memory. Raises TimelineError for a missing or invalid file, and
    then keeps no index."""
    import contextlib
    import sqlite3

    from relations_cli.store import cache
    from relations_cli.store.index import IndexEngine

    if not source.is_file():
        from relations_cli.store.loader import open_timeline_file

        handle, _ = open_timeline_file(source)  # raises the file's own one-line problem
        handle.close()
    shown = os.fsdecode(source)

    def build(db: sqlite3.Connection) -> None:
        # Imported only to build: the reading (and YAML) is not loaded when the index is fresh.
        from relations_cli.store.build import build_index

        build_index(db, source, progress)

    folder = cache.cache_dir() if use_cache else None
    if use_cache and folder is None:
        cache.notice("no usable home folder for the cache; answering from memory")
    if folder is not None:
        index = cache.index_path(source, folder)
        db = cache.fresh_index(index, source)
        if db is not None:
            cache.mark_used(index)
            cache.housekeep(folder, keep=index, force=False)

            def recover() -> sqlite3.Connection:  # the index found damaged mid-query
                with contextlib.suppress(OSError):
                    index.unlink()
                return cache.built_index(index, source, build)

            return IndexEngine(db, shown, recover)
        try:
            return IndexEngine(cache.built_index(index, source, build), shown)
        except (OSError, sqlite3.Error) as error:
            reason = (error.strerror or error) if isinstance(error, OSError) else error
            cache.notice(f"cannot write the index in {os.fsdecode(folder)} ({reason}); "
                         "answering from memory")
    db = sqlite3.connect(":memory:")
    build(db)
    return IndexEngine(db, shown)
