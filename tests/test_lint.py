"""Warnings beyond the shape: the pure checks (no Typer), then `validate` and `--strict`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from relations_cli.core.lint import LintKind, lint, near_miss
from relations_cli.store.loader import parse_timeline
from tests.helpers import BUNDLED, invoke, write

HEADER = """\
people:
  - name: Xi Jinping
    aliases: [Xi]
  - name: Nobody Named
events:
"""


def event(n: int, date: str = "2015-01-01", **fields: str) -> str:
    text = f"  - id: e{n}\n    date: {date}\n    title: Event {n}\n"
    return text + "".join(f"    {key}: {value}\n" for key, value in fields.items())


def warnings_of(text: str) -> list[str]:
    timeline, problems = parse_timeline(text, "t.yaml")
    assert timeline is not None, problems
    return [str(w) for w in lint(timeline, text.splitlines())]


def test_registry_people_missing_and_never_named() -> None:
    text = HEADER + event(1, people="[Xi, Li Keqiang]")
    assert warnings_of(text) == [
        "t.yaml:4:5: warning: 'Nobody Named' is in the people registry but no event names them",
        "t.yaml:9:18: warning: 'Li Keqiang' (event 'e1') is not in the people registry",
    ]


def test_without_a_registry_people_are_free() -> None:
    assert warnings_of("events:\n" + event(1, people="[Anyone]")) == []


def test_quote_speakers_count_as_named() -> None:
    text = ("people:\n  - name: Hu Hao\nevents:\n" + event(1)
            + "    quotes:\n      - by: Hu Hao\n        text: Hello.\n")
    assert warnings_of(text) == []


def test_near_misses_by_case_and_by_spelling() -> None:
    text = "events:\n" + "".join(event(n, category="trade", tags="[diplomacy]")
                                 for n in range(3))
    text += event(3, category="Trade") + event(4, tags="[diplomcy]")
    assert warnings_of(text) == [
        "t.yaml:20:15: warning: category 'Trade' (event 'e3') is used once; did you mean "
        "'trade' (used 3 times)?",
        "t.yaml:24:12: warning: tag 'diplomcy' (event 'e4') is used once; did you mean "
        "'diplomacy' (used 3 times)?",
    ]


def test_near_miss_needs_a_much_more_frequent_value() -> None:
    assert near_miss("Trade", Counter({"Trade": 1, "trade": 1})) is None
    assert near_miss("Trade", Counter({"Trade": 1, "trade": 2})) == "trade"
    assert near_miss("energy", Counter({"energy": 1, "economy": 9})) is None
    assert near_miss("trade", Counter({"trade": 2, "Trade": 9})) is None  # not used once


def test_a_source_needs_a_url_or_a_publisher() -> None:
    text = "events:\n" + event(1) + ("    sources:\n      - title: A rumour\n"
                                     "      - title: Print\n        publisher: Paper\n"
                                     "      - title: Web\n        url: https://example.org\n")
    assert warnings_of(text) == [
        "t.yaml:6:16: warning: source 'A rumour' of event 'e1' has no URL (nor a publisher "
        "to find it by)"]


def test_one_event_out_of_order_in_an_ordered_file() -> None:
    dates = ["2015-01-01", "2015-02-01", "2015-03-01", "2014-06-01", "2015-04-01"]
    text = "events:\n" + "".join(event(n, d) for n, d in enumerate(dates))
    [warning] = warnings_of(text)
    assert warning.startswith("t.yaml:12:11: warning: event 'e3' (2014-06-01) is out of date "
                              "order")
    assert "move it before 'e0' (2015-01-01)" in warning


def test_a_file_in_no_order_or_reverse_order_is_not_warned() -> None:
    dates = ["2015-05-01", "2015-04-01", "2015-03-01", "2015-02-01", "2015-01-01"]
    assert warnings_of("events:\n" + "".join(event(n, d) for n, d in enumerate(dates))) == []


def test_kinds_are_typed_and_columns_fall_back_without_lines() -> None:
    timeline, _ = parse_timeline(HEADER + event(1, people="[Xi]"), "t.yaml")
    assert timeline is not None
    [warning] = lint(timeline)
    assert warning.kind is LintKind.UNUSED_PERSON
    assert (warning.line, warning.column) == (1, 1)


def test_the_bundled_timeline_has_nothing_to_report() -> None:
    outcome = invoke("validate", str(BUNDLED), "--strict")
    assert outcome.status == 0, outcome
    assert "warning" not in outcome.stderr


def test_validate_warns_on_stderr_and_strict_fails(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + event(1, people="[Xi]"))
    outcome = invoke("validate", str(path))
    assert outcome.status == 0, outcome
    assert outcome.stdout == ""
    assert f"{path}:4:5: warning: 'Nobody Named' is in the people registry" in outcome.stderr
    strict = invoke("validate", str(path), "--strict")
    assert strict.status == 2, strict
    assert "1 warning in" in strict.stderr


# -- accepting a warning (issue 21): `# relations: accept [KIND, ...]` on its line -----------

NEAR = "events:\n" + event(1, tags="[crewed]") + event(2, tags="[crewed]")


def test_a_comment_accepts_the_warning_on_its_line() -> None:
    warned = NEAR + event(3, tags="[uncrewed]")
    assert len(warnings_of(warned)) == 1
    assert warnings_of(NEAR + event(3, tags="[uncrewed]  # relations: accept")) == []
    assert warnings_of(NEAR + event(3, tags="[uncrewed]  # relations: accept near-miss")) == []


def test_an_accept_names_the_kinds_it_accepts_and_only_its_line() -> None:
    # Another kind named: the near-miss stays.
    assert len(warnings_of(NEAR + event(3, tags="[uncrewed]  # relations: accept source-url"))) \
        == 1
    # The comment is on another line of the event: the warning stays.
    assert len(warnings_of(NEAR + event(3, tags="[uncrewed]",
                                        place="Moon  # relations: accept"))) == 1
    # A '#' inside a value is not a comment.
    assert len(warnings_of(NEAR + event(3, tags="[uncrewed]", place="'a#relations: accept'"))) \
        == 1


def test_strict_passes_a_file_whose_warnings_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, NEAR + event(3, tags="[uncrewed]"))
    refused = invoke("validate", "--strict", "--data", str(path))
    assert refused.status == 2
    assert "did you mean 'crewed'" in refused.stderr
    path.write_text(NEAR + event(3, tags="[uncrewed]  # relations: accept near-miss"),
                    encoding="utf-8")
    passed = invoke("validate", "--strict", "--data", str(path))
    assert passed.status == 0, passed
    assert "warning" not in passed.stderr


def test_strict_flags_a_source_url_that_is_not_a_web_or_mail_address(tmp_path: Path) -> None:
    def sourced(url: str) -> str:
        return ("events:\n" + event(1) + "    sources:\n      - title: S\n"
                f"        url: '{url}'\n")

    for url in ("nasa.gov", "javascript:alert(1)", "ftp://example.org/x", "www.nasa.gov/x"):
        warned = warnings_of(sourced(url))
        assert len(warned) == 1, url
        assert f"the URL '{url}' of source 'S' (event 'e1')" in warned[0]
        assert warned[0].startswith("t.yaml:7:")  # the url line
    for url in ("https://www.nasa.gov/", "http://example.org", "mailto:desk@example.org",
                "HTTPS://EXAMPLE.ORG/a?b#c"):
        assert warnings_of(sourced(url)) == [], url
    path = write(tmp_path, sourced("javascript:alert(1)"))
    assert invoke("validate", "--strict", "--data", str(path)).status == 2
