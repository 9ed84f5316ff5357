"""The bundled timeline: faithful to the article, every derived date explained."""

from __future__ import annotations

from datetime import date

import pytest

from relations_cli import load_timeline
from relations_cli.core.model import Timeline
from tests.helpers import BUNDLED


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
    assert (palmyra.first_day - withdrawal.first_day).days == 12


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
    assert event.people == ("Huang Songping",)


def test_quotes_have_speakers_from_the_registry(bundled: Timeline) -> None:
    speakers = {q.by for e in bundled.events for q in e.quotes}
    assert speakers == {"Alexei Pushkov", "Shen Danyang", "Alexander Gabuev", "Hu Hao",
                        "Feng Yujun"}
    for name in speakers:
        person = bundled.person(name)
        assert person is not None
        assert person.role, name


def test_people_can_be_found_in_other_scripts(bundled: Timeline) -> None:
    for alias, name in (("习近平", "Xi Jinping"), ("Си Цзиньпин", "Xi Jinping"),
                        ("Владимир Путин", "Vladimir Putin")):
        person = bundled.person(alias)
        assert person is not None
        assert person.name == name


def test_spans_and_partial_dates_are_kept(bundled: Timeline) -> None:
    campaign = bundled.event("russian-air-campaign-syria")
    assert campaign is not None
    assert (campaign.first_day, campaign.last_day) == (date(2015, 9, 30), date(2016, 3, 15))
    planned = bundled.event("putin-china-visit-announced")
    assert planned is not None
    assert planned.date.text == "2016"
