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


# -- issue 25: no claim beyond its source ---------------------------------------------------------

# Every quoted fragment of the article, with its speaker, as the article cuts it: a phrase of the
# article's own ("Gabuev told Beijing Review", "he said") between two fragments ends a quote.
ARTICLE_FRAGMENTS = [
    ("Alexei Pushkov", "There's nothing more powerful in politics than need. Under its influence, "
                       "forgetting about isolating Russia, the United States has begun to move."),
    ("Shen Danyang", "The foundation of China-Russia economic and trade cooperation is solid. The "
                     "two countries will make efforts to buoy declining bilateral trade"),
    ("Alexander Gabuev", "invent everything themselves"),
    ("Alexander Gabuev", "see a 10-15 year window in which to sell them everything"),
    ("Hu Hao", "China will not seek its sphere of influence in Central Asia, which provides some "
               "assurances for Russia."),
    ("Alexander Gabuev", "Conventional wisdom is that China and Russia will have a conflict there"),
    ("Alexander Gabuev", "But if you look at the fundamentals inside there is a lot in common."),
    ("Alexander Gabuev", "Central Asians also don't feel comfortable with Chinese immigrating in "
                         "large numbers, though they are very comfortable with them buying their "
                         "things"),
    ("Alexander Gabuev", "They have a deep-seated fear of being colonized. So for local actors a "
                         "division of labor is preferred. They are used to Russia's presence and "
                         "would not be comfortable with a Chinese military presence in Central "
                         "Asia."),
    ("Alexander Gabuev", "the elites of the two countries are just not very well connected"),
    ("Alexander Gabuev", "mistrust on the Russian side is of long-term Chinese intentions."),
    ("Feng Yujun", "I think China-Russia relations are entering a new normal. We need to promote "
                   "understanding of China and Russia as neighbors; we will not repeat the "
                   "tragedy and the confrontation of the 1960s and 1970s."),
    ("Feng Yujun", "The mindsets are mostly outdated and won't serve us well if we hold on to "
                   "them"),
    ("Feng Yujun", "We also have unrealistic expectations of each other, which will only lead to "
                   "disappointment."),
    ("Hu Hao", "We should not be afraid of these challenges, we should have the courage to solve "
               "them."),
]
# The fragments the article ties to Gabuev's interview: "Gabuev told Beijing Review", "Gabuev
# added" and the sentence that follows on. The elites and the mistrust it gives with no setting.
INTERVIEW_FRAGMENTS = {5, 6, 7, 8}


def _plain(text: str) -> str:
    """A quote compared by its words: dashes, curly apostrophes and end punctuation aside."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    return " ".join(text.split()).strip(" .,").casefold()


def _fragment_of(speaker: str, text: str) -> int:
    found = [n for n, (by, fragment) in enumerate(ARTICLE_FRAGMENTS)
             if by == speaker and _plain(text) in _plain(fragment)]
    assert len(found) == 1, (speaker, text)
    return found[0]


def test_every_quote_is_one_fragment_of_the_article(bundled: Timeline) -> None:
    """A quote never joins two fragments across the article's own words between them."""
    for event in bundled.events:
        for quote in event.quotes:
            _fragment_of(quote.by, quote.text)


def test_the_interview_holds_only_what_the_article_ties_to_it(bundled: Timeline) -> None:
    interview = bundled.event("gabuev-interview-central-asia")
    article = bundled.event("warming-relations-published")
    assert interview is not None
    assert article is not None
    assert {_fragment_of(q.by, q.text) for q in interview.quotes} == INTERVIEW_FRAGMENTS
    unplaced = {_fragment_of(q.by, q.text) for q in article.quotes if q.by == "Alexander Gabuev"}
    assert unplaced == {9, 10}
    assert "without a setting" in interview.date_note
    assert "does not say where or when" in article.date_note
    # The article: "Gabuev believes the mistrust on the Russian side is of long-term Chinese
    # intentions", not that the mistrust is on the Russian side alone.
    assert "mistrust" not in interview.summary
    assert "mistrust, he says, is on the Russian side" not in article.summary
    assert "mistrust on the Russian side is of" in article.summary


def test_credit_for_palmyra_is_reported_as_given_to_russia(bundled: Timeline) -> None:
    for event_id in ("palmyra-retaken", "russia-partial-withdrawal-syria"):
        event = bundled.event(event_id)
        assert event is not None
        assert "was given to Russia" in event.summary, event_id
        assert "article reports" in event.summary, event_id
        assert "gives Russia" not in event.summary, event_id
        assert "gets much of the credit" not in event.summary, event_id


def test_the_agreements_signed_in_beijing_are_counted_as_each_source_does(
        bundled: Timeline) -> None:
    visit = bundled.event("putin-state-visit-beijing-2016")
    assert visit is not None
    urls = {s.url for s in visit.sources}
    # "more than 30" is People's Daily Online's count, "nearly 30" Xi's as the ministry has it:
    # both, each with its source, or neither.
    counts = {"more than 30": "http://en.people.cn/n3/2016/0626/c90000-9077523.html",
              "nearly 30": "https://www.fmprc.gov.cn/mfa_eng/topics_665678/"
                           "XJPCXBZCESGJTLDRDSYCFHJCXYGHD/t1395078.shtml"}
    said = [words for words in counts if words in visit.summary]
    assert said in ([], list(counts))
    for words in said:
        assert counts[words] in urls, words
    assert "People's Daily" in visit.summary
    assert "foreign ministry" in visit.summary


def test_pushkovs_tweet_cites_what_carries_it(bundled: Timeline) -> None:
    tweet = bundled.event("pushkov-tweet-on-kerry-visit")
    assert tweet is not None
    carriers = public_record_sources(tweet)
    assert [(s.publisher, s.date, s.url) for s in carriers] == [
        ("RT", "2016-03-25", "https://www.rt.com/op-ed/337214-kerry-moscow-visit-lavrov-putin/")]
    assert all("255138" not in s.url for s in tweet.sources)  # silent on Pushkov
    note = tweet.date_note
    assert "25 March 2016" in note
    assert "What is known" in note
    assert "What is not known" in note
    assert tweet.date.text == "2016-03-24?"  # the day is inferred, and marked so
    assert tweet.first_day.to_date() == date(2016, 3, 24)


def test_the_trade_outlook_keeps_the_articles_could(bundled: Timeline) -> None:
    outlook = bundled.event("mofcom-trade-outlook-briefing")
    assert outlook is not None
    assert "expects" not in outlook.title
    assert "could" in outlook.title
    assert "could begin increasing" in outlook.summary


def test_the_aiib_is_not_china_led_and_has_no_russian_actor(bundled: Timeline) -> None:
    bank = bundled.event("aiib-opens")
    assert bank is not None
    assert "China-led" not in bank.summary
    assert "Russia" not in bank.actors


def test_each_claim_about_the_beijing_parade_names_its_source(bundled: Timeline) -> None:
    parade = bundled.event("beijing-victory-parade")
    assert parade is not None
    sputnik = [s for s in parade.sources if s.publisher == "Sputnik"]
    assert len(sputnik) == 1
    assert "New Year reception" in sputnik[0].title
    assert "recalling" not in sputnik[0].title  # Putin's remarks did not recall the parade
    assert "Russian troops took part rests on the article alone" in parade.date_note
    assert "the article says Russian troops" in parade.summary


def test_the_korea_herald_is_cited_only_for_what_it_says(bundled: Timeline) -> None:
    proposed = bundled.event("maritime-silk-road-proposed")
    assert proposed is not None
    herald = [s for s in proposed.sources if "Korea Herald" in s.publisher]
    assert len(herald) == 1
    assert "no mention of a maritime silk road" in herald[0].title
    assert "does not mention a maritime silk road" in proposed.date_note
    speech = [s for s in proposed.sources if "Maritime Silk Road" in s.title]
    assert [s.publisher for s in speech] == ["China Daily"]
