"""Fixtures only (what tests share otherwise is in tests/helpers.py): an isolated
environment and a fixed width for every test."""

from __future__ import annotations

import compileall
import os
import signal
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

import tests.budgets  # noqa: F401  (registers and loads the Hypothesis profiles)
from tests.helpers import LEAKY_VARIABLES, ROOT

# A test run started as a background job of a non-interactive shell (nohup, `cmd &` in a CI
# script) ignores SIGINT, and every process it starts would inherit that: the tests that press
# Ctrl-C on a child would see it run on. A handler of our own is reset to the default in each
# child, as a terminal's Ctrl-C expects.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# Tests known to take many seconds of CPU or of waiting (measured with --durations): marked
# `slow` here, in one list, so that `-m "not slow"` is the quick loop of editing, and started
# first, in the order of this list (the longest first), so that on several workers
# (pytest-xdist) they run beside the rest, not after it: the fault injection (9 s of CPU,
# more on a busy machine) starts at once, so no worker waits for it at the end.
SLOW = (
    "tests/test_signals.py::test_fault_injection_on_a_large_build",
    "tests/browser/",  # a real Chromium
    "tests/test_signals.py::test_a_stopped_build_leaves_nothing_behind",
    "tests/test_browse.py",  # Textual, and tmux
    "tests/test_properties.py",
    "tests/test_report_fastpath.py",
    "tests/test_report_engines.py",
    "tests/test_split.py::test_every_cut_reads_as_the_sequential_reading",
    "tests/test_fastread.py::test_generated_timelines_read_the_same",
    "tests/test_grammar.py::test_every_format_prints_a_figure_value_as_written",
    "tests/test_pager.py",
    # A second or more each: split builds, concurrent processes, Hypothesis over engines.
    "tests/test_index.py::test_a_split_build",
    "tests/test_index.py::test_any_combination_of_filters_agrees",
    "tests/test_index.py::test_two_concurrent_first_runs_are_safe",
    "tests/test_index.py::test_an_index_damaged_past_its_header_is_rebuilt_mid_query",
    "tests/test_index.py::test_the_engines_agree_on_line_breaks_in_terms_and_case_variants",
    "tests/test_edtf.py::test_fuzzy_only_widens_and_the_engines_agree",
    "tests/test_edtf.py::test_ordering_follows_start_then_end",
    "tests/test_edtf.py::test_a_year_before_the_common_era_as_a_real_command_line",
    "tests/test_fastpath.py::test_records_format_like_events_on_any_text",
    "tests/test_fastpath.py::test_fast_and_careful_records_mixed_in_one_batch",
    "tests/test_split.py::test_a_cut_inside_a_block_scalar_is_refused",
    "tests/test_publish.py::test_ics_start_and_exclusive_end_cover_each_period",
    "tests/test_write.py::test_concurrent_adds_in_processes_all_land",
    # Hypothesis over every field and style of a write; real processes for FIFOs, editors,
    # SIGKILL and the lock.
    "tests/test_write_promises.py::test_any_text",
    "tests/test_write_promises.py::test_adds_keep_an_ordered_file_ordered",
    "tests/test_write_promises.py::test_a_write_killed_by_sigkill",
    "tests/test_write_promises.py::test_the_edited_copy_is_kept",
    "tests/test_publish_forms.py",  # one timeline of every date form in four calendar readers
    "tests/test_schema_agreement.py",
    # Real processes on pseudo-terminals and pipes: a third of a second each, 15 s in all.
    "tests/test_terminal_views.py::test_a_terminal_draws_what_its_width_draws",
    "tests/test_process.py",
    "tests/test_serve_process.py",  # a server process per test, 1-5 s each (issue 23)
    # Hypothesis over imports and exports of whole timelines, and over reports of every
    # command: 1 to 7 s of CPU each.
    "tests/test_import_roundtrip.py",
    # A large sheet read in pieces by real worker processes (and Ctrl-C to them, and the
    # progress bar on a terminal), and Hypothesis over sheets cut in pieces: 1-2 s each.
    "tests/test_import_pieces.py",
    "tests/test_people_resolution.py::test_renaming_a_mention_to_an_alias_changes_no_report",
    "tests/test_ingest_markwhen.py::test_any_text_comes_back_from_our_export",
    "tests/test_ingest_markwhen.py::test_control_characters_and_huge_input_never_raise",
    "tests/test_ingest_ics.py::test_control_characters_and_huge_calendars_never_raise",
    "tests/test_markwhen.py::test_parser_reads_every_event_at_its_period",  # node, Markwhen's
    "tests/test_index.py::test_filters_over_historical_dates_agree",
    "tests/test_index.py::test_search_and_filters_agree_on_any_text",
    # One to four seconds each: Hypothesis over import drafts and calendars, a wait past the
    # file system's timestamp granularity, a sheet of many rows, node's Markwhen parser, and
    # every query in every record format.
    "tests/test_import_scale.py::test_a_draft_the_reader_accepts_is_an_event_the_loader",
    "tests/test_import_scale.py::test_the_batch_renderer_writes_what_render_event_writes",
    "tests/test_cache_lock.py::test_finding_the_index_built_under_the_lock",
    "tests/test_import_scale.py::test_a_batch_passes_only_when_check_draft_finds_nothing",
    "tests/test_ingest_ics.py::test_any_vevent_reads_or_is_a_problem",
    "tests/test_import_scale.py::test_quick_plain_never_says_plain",
    "tests/test_markwhen.py::test_parser_reads_every_title_and_section",
    "tests/test_import.py::test_a_large_sheet_is_read_in_batches",
    "tests/test_fastpath.py::test_records_format_like_events_for_every_query",
)


def pytest_configure(config: pytest.Config) -> None:
    """The program's bytecode, compiled once before any worker starts (into the ignored
    `__pycache__` folders, where pip puts it for an installed copy): the suite runs the
    source tree in its workers and in about 190 subprocesses (`PYTHONPATH`), and where
    PYTHONDONTWRITEBYTECODE is set, as in many containers and CI images, no import writes it,
    so each process compiled the modules it imports again, 0.2 s of CPU each."""
    if not hasattr(config, "workerinput"):  # the controller, or the only process with -n 0
        compileall.compile_dir(ROOT / "relations_cli", quiet=1)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    """pytest keeps its rewriting of each test module's asserts (a fifth of collecting, in
    each worker) as bytecode in `tests/__pycache__`, and reads it back on the next run; but it
    writes it only where bytecode may be written. Allowed while the test modules are
    collected, so that PYTHONDONTWRITEBYTECODE does not make every run rewrite them again."""
    kept = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = kept


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    rank = {}
    for item in items:
        # Hypothesis marks the tests it runs; `-m property` selects them (tests/budgets.py).
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
        for place, prefix in enumerate(SLOW):
            if item.nodeid.startswith(prefix):
                item.add_marker(slow)
                rank[item.nodeid] = place
                break
    # Stable: the slow ones first, in the order of SLOW; then the rest in their own order.
    items.sort(key=lambda item: rank.get(item.nodeid, len(SLOW)))


@pytest.fixture(scope="session", autouse=True)
def worker_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A cache folder of each worker's own, for what runs before a test's own environment is
    set (module-scoped fixtures that open an index): never the user's, never shared."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("worker-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in LEAKY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
