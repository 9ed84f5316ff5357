"""The cache folder of indexes: where an index lives, when it is fresh, locks, listing, sweeping.

An index is trusted only while its timeline file's fingerprint (path, size, modification
and change times, inode) and the tool's version all match what it was built from. A file
changed within the file system's timestamp granularity of the build may look unchanged
(same size, same coarse times), so such an index records a hash of the content and that hash
is checked on the next run, as git does for "racily clean" entries. Indexes are written to a
temporary file and renamed into place under a lock; temporary files a killed build left are
swept when nobody holds their lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from relations_cli._version import __version__

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "CacheEntry",
    "build_stamp",
    "built_index",
    "cache_dir",
    "cache_entries",
    "clear_cache",
    "connect_readonly",
    "fingerprint",
    "fresh_index",
    "housekeep",
    "index_path",
    "locked",
    "mark_used",
    "notice",
    "orphans",
    "path_text",
    "racy_hash",
    "signals_deferred",
    "sweep",
]

SCHEMA_VERSION = 9  # 5: packed records, numbered values; 6: the report tables, chart groups;
# 7: meta "resolve" (some name is an alias); 8: records hold media; 9: events.title_key
APPLICATION_ID = 0x52454C41  # "RELA"
# Coarser than any file system's timestamps (FAT keeps 2 s): an edit this close to a build
# may leave size and times as they were.
GRANULARITY_NS = 2_000_000_000
# The cache's size cap unless RELATIONS_CACHE_MAX says otherwise (bytes, or with K, M or G).
DEFAULT_CACHE_MAX = 2 * 1024**3
# Runs that build nothing still tidy the cache, at most this often (one stat a run).
HOUSEKEEPING_EVERY_S = 24 * 3600
# Without flock, a temporary file is an orphan once it is older than any build could take.
ORPHAN_AGE_S = 24 * 3600
# Which timeline each index was built from, by the index's file name and inode (a rebuild is
# a new file), kept beside them: housekeeping, which follows every build, then looks at files
# instead of opening every index (200 cached indexes cost each build 90 ms).
SOURCES_FILE = "sources.json"


def notice(message: str) -> None:
    """A note on stderr, for a fault the run works around (never on stdout, never raises)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"relations: note: {message}\n")
        sys.stderr.flush()


def cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/relations, else ~/.cache/relations; None with no usable home.

    A relative XDG_CACHE_HOME is ignored, as the XDG spec says."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if base and os.path.isabs(base):
        return Path(base) / "relations"
    # An empty or relative $HOME is no home (expanduser would make "" into "/").
    home = os.environ["HOME"] if "HOME" in os.environ else os.path.expanduser("~")
    if not os.path.isabs(home) or home.strip("/") == "":
        return None
    return Path(home) / ".cache" / "relations"


def path_text(path: Path | str) -> str:
    """A path as text that SQLite can store and a person can read: bytes that are not UTF-8
    are written as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def fingerprint(path: Path) -> dict[str, str]:
    info = os.stat(path)
    return {"source": path_text(path.resolve()), "size": str(info.st_size),
            "mtime_ns": str(info.st_mtime_ns), "ctime_ns": str(info.st_ctime_ns),
            "inode": str(info.st_ino), "version": __version__, "schema": str(SCHEMA_VERSION)}


def build_stamp(path: Path) -> dict[str, str]:
    """What an index records of its file, taken as its build starts, before the file is
    read (an edit made while it is read then shows as a change): the fingerprint, the
    file's path, the time, and the content hash when its times cannot tell a later edit."""
    built_ns = time.time_ns()
    return {**fingerprint(path), "source_bytes": os.fsencode(path.resolve()).hex(),
            "built_ns": str(built_ns), "racy_hash": racy_hash(path, built_ns)}


def racy_hash(path: Path, built_ns: int) -> str:
    """The content hash to record when the file changed within the timestamp granularity of
    the build (an edit right after could keep its times); else "" (times suffice)."""
    info = os.stat(path)
    if max(info.st_mtime_ns, info.st_ctime_ns) + GRANULARITY_NS < built_ns:
        return ""
    return content_hash(path)


def content_hash(path: Path) -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def index_path(path: Path, folder: Path) -> Path:
    """Where a timeline's index lives: named for its path (the index records the path too, so
    two paths that share a name only rebuild each other's index, never misread it)."""
    import zlib

    resolved = path.resolve()
    raw = os.fsencode(resolved)
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in resolved.stem)[:40]
    return folder / f"{stem}-{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.sqlite"


def connect_readonly(index: Path) -> sqlite3.Connection:
    # A URI built from the percent-encoded path: `#`, `?` and `%` in it stay part of the name.
    return sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True)


def fresh_index(index: Path, source: Path) -> sqlite3.Connection | None:
    """A read-only connection to the index when it matches the source as it is now."""
    if not index.is_file():
        return None
    try:
        db = connect_readonly(index)
    except sqlite3.Error:
        return None
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        if application != APPLICATION_ID or schema != SCHEMA_VERSION:
            db.close()
            return None
        meta = dict(db.execute("SELECT key, value FROM meta"))
        current = fingerprint(source)
        if any(meta.get(key) != value for key, value in current.items()):
            db.close()
            return None
        if meta.get("racy_hash") and meta["racy_hash"] != content_hash(source):
            db.close()
            return None
    except (sqlite3.Error, OSError, ValueError):
        db.close()
        return None
    if meta.get("racy_hash"):
        _settle(index, source, meta)
    return db


def built_index(index: Path, source: Path,
                build: Callable[[sqlite3.Connection], object]) -> sqlite3.Connection:
    """The cached index of `source`, built by `build` under the index's lock: into a
    temporary file renamed into place, so a concurrent run never sees half an index. A run
    that waited for the lock finds the index another one built meanwhile, and builds
    nothing; what killed builds left behind is swept first."""
    import tempfile

    index.parent.mkdir(parents=True, exist_ok=True)
    with locked(index.with_suffix(".lock")):
        sweep(index.parent, holding=index)
        db = fresh_index(index, source)
        if db is not None:
            return db
        temporary = ""
        try:
            with signals_deferred():
                fd, temporary = tempfile.mkstemp(prefix=index.name + ".", suffix=".tmp",
                                                 dir=index.parent)
            os.close(fd)
            building = sqlite3.connect(temporary)
            try:
                build(building)
            finally:
                building.close()
            os.replace(temporary, index)
            housekeep(index.parent, keep=index)  # the cache grew: keep it bounded
        except BaseException:
            if temporary:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            raise
    db = fresh_index(index, source)
    if db is None:  # the file changed while it was being indexed: answer from what was read
        db = connect_readonly(index)
    return db


def mark_used(index: Path) -> None:
    """Marks the index as just used (its modification time), for the least-recently-used cap;
    at most once a minute, and never an error (a read-only cache still answers)."""
    with contextlib.suppress(OSError):
        if time.time() - index.stat().st_mtime > 60:
            os.utime(index)


def _settle(index: Path, source: Path, meta: dict[str, str]) -> None:
    """Once the granularity has passed since the file's last change, its times alone will
    show any later edit: the index stops asking for a hash (best effort, under the lock)."""
    info = os.stat(source)
    if max(info.st_mtime_ns, info.st_ctime_ns) + GRANULARITY_NS >= time.time_ns():
        return
    # Never waits: a run that holds the lock itself (a rebuild checking, under it, whether
    # another run built the index meanwhile) would wait for its own lock forever.
    with contextlib.suppress(OSError, sqlite3.Error), \
            locked(index.with_suffix(".lock"), wait=False) as held:
        if not held:
            return
        db = sqlite3.connect(index, timeout=0.1)
        try:
            db.execute("UPDATE meta SET value = '' WHERE key = 'racy_hash' AND value = ?",
                       (meta["racy_hash"],))
            db.commit()
        finally:
            db.close()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait while a temporary file is created and its name kept, so a
    stop never falls between the two (the file would be left behind)."""
    import signal

    wanted = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def locked(lock_path: Path, wait: bool = True) -> Iterator[bool]:
    """Holds the lock file's exclusive lock; yields False when `wait` is off and it is taken."""
    try:
        import fcntl
    except ImportError:  # no flock here: the rename alone still keeps half an index unseen
        yield True
        return
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _owner_index(temporary: Path) -> Path:
    # `NAME.sqlite.RANDOM.tmp` belongs to `NAME.sqlite`.
    return temporary.with_name(temporary.name.split(".sqlite.", 1)[0] + ".sqlite")


def orphans(folder: Path | None, holding: Path | None = None) -> list[Path]:
    """Temporary files no build is writing: their index's lock is free (or held by this
    process, for `holding`), or, with no flock, they are older than a build could take."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    try:
        import fcntl  # noqa: F401
        has_flock = True
    except ImportError:
        has_flock = False
    for temporary in sorted(folder.glob("*.sqlite.*.tmp")):
        owner = _owner_index(temporary)
        if owner == holding:
            found.append(temporary)
            continue
        if not has_flock:
            with contextlib.suppress(OSError):
                if time.time() - temporary.stat().st_mtime > ORPHAN_AGE_S:
                    found.append(temporary)
            continue
        with contextlib.suppress(OSError), locked(owner.with_suffix(".lock"), wait=False) as free:
            if free:
                found.append(temporary)
    return found


def sweep(folder: Path | None, holding: Path | None = None) -> int:
    """Remove orphaned temporary files; how many were removed."""
    removed = 0
    for temporary in orphans(folder, holding):
        with contextlib.suppress(OSError):
            temporary.unlink()
            removed += 1
    return removed


# -- listing and clearing ---------------------------------------------------------------------


class CacheEntry(NamedTuple):
    index_file: Path
    source: str
    events: int
    bytes: int
    fresh: bool
    missing: bool = False  # its timeline file no longer exists: removed on the next build


def cache_max() -> int:
    """The cache's size cap in bytes: RELATIONS_CACHE_MAX (`500M`, `2G`, `1000000`), else
    2 GB; an unreadable value keeps the default."""
    text = os.environ.get("RELATIONS_CACHE_MAX", "").strip().upper().removesuffix("B")
    scale = 1
    if text[-1:] in ("K", "M", "G"):
        scale = 1024 ** ("KMG".index(text[-1]) + 1)
        text = text[:-1]
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_CACHE_MAX
    return int(value * scale) if value >= 0 else DEFAULT_CACHE_MAX


def _known_sources(folder: Path) -> dict[str, list[object]]:
    """What SOURCES_FILE says (index file name: [inode, the timeline's path as hex of its
    bytes]); empty when it is missing or unreadable, which costs only time."""
    import json

    try:
        known = json.loads((folder / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _keep_sources(folder: Path, sources: dict[str, list[object]]) -> None:
    """Replaces SOURCES_FILE whole (a concurrent run's version may win: either is true of the
    indexes it saw, and one missing is read from its index again). Never an error."""
    import json
    import tempfile

    temporary = ""
    try:
        with signals_deferred():
            fd, temporary = tempfile.mkstemp(prefix=f".{SOURCES_FILE}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(sources, stream, separators=(",", ":"), sort_keys=True)
        os.replace(temporary, folder / SOURCES_FILE)
    except OSError:
        with contextlib.suppress(OSError):
            if temporary:
                os.unlink(temporary)


def _recorded_source(entry: object, inode: int) -> bytes | None:
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == inode \
            and isinstance(entry[1], str):
        with contextlib.suppress(ValueError):
            return bytes.fromhex(entry[1])
    return None


def _source_of(index: Path) -> Path | None:
    """The timeline file an index was built from (None when the index cannot be read)."""
    try:
        db = connect_readonly(index)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN "
                                   "('source', 'source_bytes')"))
        finally:
            db.close()
    except sqlite3.Error:
        return None
    raw = meta.get("source_bytes")
    try:
        return Path(os.fsdecode(bytes.fromhex(raw))) if raw else Path(meta["source"])
    except (ValueError, KeyError):
        return None


def housekeep(folder: Path | None, keep: Path | None = None, force: bool = True) -> list[Path]:
    """Keeps the cache bounded: removes indexes whose timeline file no longer exists, then the
    least recently used ones while the folder is over its cap (`keep` stays). Without `force`
    it runs only when the last housekeeping is older than a day. The indexes removed."""
    if folder is None or not folder.is_dir():
        return []
    stamp = folder / "housekeeping"
    if not force:
        with contextlib.suppress(OSError):
            if time.time() - stamp.stat().st_mtime < HOUSEKEEPING_EVERY_S:
                return []
    with contextlib.suppress(OSError):
        stamp.touch()
    removed: list[Path] = []
    kept: list[tuple[float, int, Path]] = []
    known = _known_sources(folder)
    sources: dict[str, list[object]] = {}
    # os.scandir and paths as bytes: this loop runs after every build, over every index.
    with os.scandir(folder) as listing:
        names = sorted(entry.name for entry in listing if entry.name.endswith(".sqlite"))
    for name in names:
        index = folder / name
        try:
            info = os.stat(index)
        except OSError:
            continue
        source = _recorded_source(known.get(name), info.st_ino)
        if source is None:
            read = _source_of(index)
            source = None if read is None else os.fsencode(read)
        if source is not None:
            sources[name] = [info.st_ino, source.hex()]
        if index != keep and source is not None and not os.path.exists(source):
            with contextlib.suppress(OSError):
                index.unlink()
                removed.append(index)
            continue
        kept.append((info.st_mtime, info.st_size, index))
    total, cap = sum(size for _, size, _ in kept), cache_max()
    for _, size, index in sorted(kept):  # oldest use first
        if total <= cap:
            break
        if index == keep:
            continue
        with contextlib.suppress(OSError):
            index.unlink()
            removed.append(index)
            total -= size
    for index in removed:
        sources.pop(index.name, None)
        with contextlib.suppress(OSError):
            index.with_suffix(".lock").unlink()
    if sources != known:
        _keep_sources(folder, sources)
    return removed


def cache_entries() -> list[CacheEntry]:
    entries = []
    folder = cache_dir()
    for index in sorted(folder.glob("*.sqlite")) if folder and folder.is_dir() else []:
        source, events, fresh, missing = "?", 0, False, False
        try:
            db = connect_readonly(index)
            try:
                meta = dict(db.execute("SELECT key, value FROM meta"))
                source, events = meta.get("source", "?"), int(meta.get("count", "0"))
            finally:
                db.close()
            raw = meta.get("source_bytes")
            path = Path(os.fsdecode(bytes.fromhex(raw))) if raw else Path(source)
            missing = not path.exists()
            fresh_db = fresh_index(index, path) if path.is_file() else None
            if fresh_db is not None:
                fresh = True
                fresh_db.close()
        except (sqlite3.Error, ValueError, OSError):
            source = "(unreadable: will be rebuilt)"
        with contextlib.suppress(OSError):
            entries.append(CacheEntry(index, source, events, index.stat().st_size, fresh,
                                      missing))
    return entries


def clear_cache() -> int:
    """Remove every index, lock and orphaned temporary file from the cache folder; the number
    of indexes removed. A temporary file a running build is writing is left to it."""
    folder = cache_dir()
    removed = 0
    if folder is None or not folder.is_dir():
        return 0
    sweep(folder)
    for item in folder.iterdir():
        if item.suffix in (".sqlite", ".lock") or item.name.startswith(
                (SOURCES_FILE, f".{SOURCES_FILE}.")):
            with contextlib.suppress(OSError):
                item.unlink()
                removed += item.suffix == ".sqlite"
    return removed
