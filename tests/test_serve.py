"""`relations serve` (issue 23), its pieces in-process: the reload hook, the error page, the
watch, the hosts answered, the change stream's waiting. The server as a process:
tests/test_serve_process.py; the page in a real browser: tests/browser/test_serve.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relations_cli.core.query import Query
from relations_cli.serve.page import Built, build_page, error_page, with_reload_hook
from relations_cli.serve.server import Preview, _hosts
from relations_cli.store.watch import Watch
from tests.helpers import BUNDLED, MINIMAL, invoke, write

# -- the pieces ------------------------------------------------------------------------------


def test_the_hook_goes_before_the_body_end_and_nowhere_else() -> None:
    page = "<html><head><title>t</title></head><body><p>x</p></body></html>"
    hooked = with_reload_hook(page, "12-3")
    assert hooked.count("<script") == 1
    assert hooked.index('id="relations-serve"') < hooked.index("</body>")
    assert 'var version = "12-3";' in hooked
    assert '<link rel="icon" href="data:,">' in hooked.split("</head>")[0]
    assert with_reload_hook("no body", "1-1").startswith("no body<script")
    with pytest.raises(ValueError, match="digits and dashes"):
        with_reload_hook(page, '1"; alert(1); "')


def test_an_exported_page_has_no_hook() -> None:
    result = invoke("timeline", "--data", str(BUNDLED), "--format", "html")
    assert result.status == 0, result
    assert "relations-serve" not in result.stdout
    assert "EventSource" not in result.stdout


def test_the_error_page_shows_messages_as_text() -> None:
    page = error_page(["t.yaml:3:5: title </pre><script>alert(1)</script> & \x1b[31m",
                       "second"])
    assert "<script>alert" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\e[31m" in page
    assert page.count("<pre") == 1
    many = error_page([f"problem {n}" for n in range(60)])
    assert "problem 49" in many
    assert "problem 50" not in many
    assert "and 10 more" in many


def test_a_broken_timeline_builds_an_error_page_never_an_exception(tmp_path: Path) -> None:
    broken = write(tmp_path, "events:\n  - id: a\n    date: 2015-02-30\n    title: A\n")
    built = build_page(str(broken), Query(), use_cache=False)
    assert not built.ok
    assert built.report.startswith(f"{broken}:3:11: ")
    assert "2015-02-30 does not exist" in built.html
    fine = build_page(str(write(tmp_path, MINIMAL)), Query(), use_cache=False)
    assert fine.ok
    assert fine.report == "1 event"
    assert "First event" in fine.html
    gone = build_page(str(tmp_path / "missing.yaml"), Query(), use_cache=False)
    assert not gone.ok
    assert "no such file" in gone.report


def test_the_watch_sees_every_change_even_within_the_clock_granularity(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    watch = Watch(str(path))
    assert not watch.changed()
    stat = os.stat(path)
    # The same size and the same times: only the content tells.
    path.write_text(MINIMAL.replace("First", "Fyrst"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert watch.changed()
    assert not watch.changed()
    path.unlink()
    assert watch.changed()
    write(tmp_path, MINIMAL)
    assert watch.changed()
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder, MINIMAL, "one.yaml")
    in_folder = Watch(str(folder))
    write(folder, MINIMAL.replace("first", "second"), "two.yaml")
    assert in_folder.changed()


def test_the_hosts_answered() -> None:
    assert _hosts("127.0.0.1", 8000) == frozenset({"127.0.0.1:8000", "localhost:8000",
                                                  "[::1]:8000"})
    assert _hosts("::1", 80) == frozenset({"127.0.0.1:80", "localhost:80", "[::1]:80"})
    assert _hosts("0.0.0.0", 8000) is None
    assert _hosts("192.0.2.7", 9) == frozenset({"192.0.2.7:9"})


def test_a_change_stream_waits_for_the_next_version() -> None:
    preview = Preview()
    preview.publish(Built("<body></body>", True, "1 event"))
    first = preview.version
    assert preview.next_version("", 5) == first  # a new stream gets the version at once
    assert preview.next_version(first, 0.01) == first  # nothing new: the same, after a wait
    preview.publish(Built("<body></body>", True, "2 events"))
    assert preview.next_version(first, 5) not in (None, first)
    preview.stop()
    assert preview.next_version(first, 5) is None


def test_the_served_page_is_the_export_filters_colors_and_language_alike(tmp_path: Path) -> None:
    # A filtered preview colors categories from the whole timeline, and speaks --lang, as
    # `timeline --format html` with the same options writes the page.
    from relations_cli.core.query import Query as Wanted

    built = build_page(str(BUNDLED), Wanted(categories=("trade",)), use_cache=False, lang="fr")
    exported = invoke("timeline", "--data", str(BUNDLED), "--category", "trade", "--format",
                      "html", "--lang", "fr", "--no-cache")
    assert exported.status == 0, exported
    assert built.ok
    assert built.html == exported.stdout
