"""The bundled timeline: faithful to the article, every derived date explained."""

from __future__ import annotations

from datetime import date

import pytest

from relations_cli import load_timeline
from relations_cli.core.model import Event, Source, Timeline
from relations_cli.core.people import people_of
from tests.helpers import BUNDLED, invoke

# Every source is either the article, cited always in exactly this form, or a public-record
# source: a page a reader can open, with a URL and a date.
ARTICLE = Source(title="Warming Relations", publisher="Beijing Review", date="2016-04")


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return load_timeline(BUNDLED)


def test_every_event_has_a_source_a_category_and_a_date_note(bundled: Timeline) -> None:
    for event in bundled.events:
        assert event.sources, event.id
        assert event.category, event.id
        assert event.date_note, event.id  # every date here was worked out from the text


def test_the_article_dates(bundled: Timeline) -> None:
    expected = {
        "palmyra-retaken": "2016-03-27",
        "russia-partial-withdrawal-syria": "2016-03-15",  # 12 days before Palmyra
        "kerry-moscow-visit-2016-03": "2016-03-24",
        "beijing-victory-parade": "2015-09-03",  # "last September"
        "victory-day-parade-moscow": "2015-05-09",  # "just a few months before"
        "customs-2015-trade-figures": "2016-01-13",
        "mofcom-trade-outlook-briefing": "2016-01-06",
        "gabuev-beijing-event": "2016-03-07",
        "warming-relations-published": "2016-04",
    }
    for event_id, when in expected.items():
        event = bundled.event(event_id)
        assert event is not None, event_id
        assert event.date.text == when, event_id


def test_withdrawal_was_twelve_days_before_palmyra(bundled: Timeline) -> None:
    palmyra = bundled.event("palmyra-retaken")
    withdrawal = bundled.event("russia-partial-withdrawal-syria")
    assert palmyra is not None
    assert withdrawal is not None
    assert palmyra.first_day - withdrawal.first_day == 12


def test_kerrys_third_visit_in_ten_months(bundled: Timeline) -> None:
    visits = [e for e in bundled.events if "kerry" in e.id and "visit" in e.id
              and "John Kerry" in e.people and "pushkov" not in e.id]
    assert [e.id for e in visits][-1] == "kerry-moscow-visit-2016-03"
    assert len(visits) == 3
    months = (visits[-1].first_day.year - visits[0].first_day.year) * 12 + (
        visits[-1].first_day.month - visits[0].first_day.month)
    assert months == 10
    for context in visits[:2]:
        assert all(s.publisher != "Beijing Review" for s in context.sources)


def test_trade_figures_have_the_right_direction(bundled: Timeline) -> None:
    event = bundled.event("customs-2015-trade-figures")
    assert event is not None
    figures = {f.label: f for f in event.figures}
    exports = figures["China's exports to Russia, 2015"]
    imports = figures["China's imports from Russia, 2015"]
    assert (exports.value, exports.unit) == ("32.9", "billion USD")
    assert (imports.value, imports.unit) == ("31.4", "billion USD")
    assert "third" in exports.change
    assert "fifth" in imports.change
    assert exports.change.startswith("down 34.4% year on year")  # the customs briefing
    assert imports.change.startswith("down 19.1% year on year")
    assert event.people == ("Huang Songping",)


def test_quotes_have_speakers_from_the_registry(bundled: Timeline) -> None:
    speakers = {q.by for e in bundled.events for q in e.quotes}
    assert speakers == {"Alexei Pushkov", "Shen Danyang", "Alexander Gabuev", "Hu Hao",
                        "Feng Yujun"}
    for name in speakers:
        person = people_of(bundled.people).get(name)
        assert person is not None
        assert person.role, name


def test_people_can_be_found_in_other_scripts(bundled: Timeline) -> None:
    for alias, name in (("习近平", "Xi Jinping"), ("Си Цзиньпин", "Xi Jinping"),
                        ("Владимир Путин", "Vladimir Putin")):
        person = people_of(bundled.people).get(alias)
        assert person is not None
        assert person.name == name


def test_spans_and_partial_dates_are_kept(bundled: Timeline) -> None:
    history = bundled.event("sino-soviet-confrontation")
    assert history is not None
    assert (history.first_day.to_date(), history.last_day.to_date()) == (date(1960, 1, 1),
                                                                   date(1979, 12, 31))
    visit = bundled.event("xi-first-state-visit-moscow")
    assert visit is not None
    assert (visit.first_day.to_date(), visit.last_day.to_date()) == (date(2013, 3, 22),
                                                               date(2013, 3, 24))
    interview = bundled.event("gabuev-interview-central-asia")
    assert interview is not None
    assert interview.date.text == "2016-04"  # dated by publication, not a guessed March


def is_article(source: Source) -> bool:
    return (source.title, source.publisher) == (ARTICLE.title, ARTICLE.publisher)


def public_record_sources(event: Event) -> list[Source]:
    return [s for s in event.sources if not is_article(s)]


def test_the_article_is_always_cited_the_same_way(bundled: Timeline) -> None:
    for event in bundled.events:
        for source in event.sources:
            if source.title == ARTICLE.title or source.publisher == ARTICLE.publisher:
                assert source == ARTICLE, event.id


def test_every_public_record_source_has_a_url_and_a_date(bundled: Timeline) -> None:
    cited = 0
    for event in bundled.events:
        for source in public_record_sources(event):
            cited += 1
            assert source.url.startswith(("https://", "http://")), (event.id, source.title)
            assert source.date, (event.id, source.title)
            assert source.publisher, (event.id, source.title)
    assert cited >= 20


def test_events_from_the_public_record_say_so_and_cite_it(bundled: Timeline) -> None:
    """An event draws on the public record exactly when its date_note says "public record",
    and then it cites at least one public-record source (which the test above checks)."""
    users = [e.id for e in bundled.events if public_record_sources(e)]
    assert len(users) >= 15
    for event in bundled.events:
        says = "public record" in event.date_note.lower()
        assert says == bool(public_record_sources(event)), event.id


def test_no_derived_date_goes_unexplained(bundled: Timeline) -> None:
    """Every date here is derived: the article dates its events relatively or not at all, and
    gives no year with its days. So each date_note says where the date comes from: the
    article's own words (quoted), the public record, or the article's publication."""
    for event in bundled.events:
        note = event.date_note.strip().lower()
        assert note, event.id
        assert '"' in note or "public record" in note or "publication" in note, event.id


def test_the_air_campaign_does_not_end_at_the_withdrawal(bundled: Timeline) -> None:
    campaign = bundled.event("russian-air-campaign-syria")
    withdrawal = bundled.event("russia-partial-withdrawal-syria")
    assert campaign is not None
    assert withdrawal is not None
    assert campaign.first_day.to_date() == date(2015, 9, 30)
    assert campaign.last_day != withdrawal.first_day
    assert campaign.end is None or campaign.last_day > withdrawal.first_day
    assert "partial withdrawal" in campaign.date_note
    listed = invoke("timeline", "--on", "2016-03-15").stdout
    assert "russia-partial-withdrawal-syria" in listed
    assert "russian-air-campaign-syria" not in listed  # not shown as ending that day


def test_the_announced_visit_is_not_dated_to_the_whole_year(bundled: Timeline) -> None:
    announced = bundled.event("putin-china-visit-announced")
    assert announced is not None
    assert announced.last_day.to_date() < date(2016, 4, 30)  # made by the time the article appeared
    assert "inference" in announced.date_note
    assert "Hangzhou" in announced.date_note
    october = invoke("timeline", "--on", "2016-10")
    assert "putin-china-visit-announced" not in october.stdout
    assert "putin-china-visit-announced" in invoke("timeline", "--on", "2016-03").stdout
