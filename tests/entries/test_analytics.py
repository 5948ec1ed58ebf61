"""Every results figure against values worked out by hand on tests/entries/analytics_data.py.

Times are compared to the millisecond: SQLite's julianday() arithmetic is that precise.
"""

from datetime import date

import pytest
from django.core.cache import cache

from entries.analytics import Scope, results
from entries.analytics.answers import Bar, Change, histogram
from entries.analytics.audience import Day, Row
from entries.models import Entry
from tests.entries import analytics_data
from tests.entries.documents import branching_quiz
from tests.factories import AnswerFactory, CampaignVersionFactory, EntryFactory

pytestmark = pytest.mark.django_db

MAR_2, MAR_3, MAR_4 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz())


@pytest.fixture
def data(quiz):
    return analytics_data.build(quiz)


def by_key(steps):
    return {s.key: s for s in steps}


def test_totals_and_funnel_over_every_version(quiz, data):
    figures = results(Scope(quiz))
    t = figures.totals
    assert (t.views, t.starts, t.completions, t.partial, t.disqualified) == (19, 7, 4, 3, 1)
    steps = figures.steps
    assert [s.key for s in steps] == ["about", "taste", "strength"]
    assert [s.reached for s in steps] == [7, 6, 4]  # E2 was shown strength, then went back
    assert [s.stopped for s in steps] == [1, 1, 1]  # E4, E3, E7
    assert steps[0].stop_rate == pytest.approx(1 / 7)


def test_median_time_per_step(quiz, data):
    steps = by_key(results(Scope(quiz)).steps)
    # about: E1 20, E2 40, E3 10, E5 30 (v2 has no intro: E6 and E7 untimed) -> (20+30)/2
    assert (steps["about"].median_seconds, steps["about"].timed) == (pytest.approx(25, abs=1e-3), 4)
    # taste: E1 30, E2 5+8 (both visits, the client's own back event ignored), E5 10, E6 20,
    # E7 10 -> 10, 10, 13, 20, 30
    assert (steps["taste"].median_seconds, steps["taste"].timed) == (pytest.approx(13, abs=1e-3), 5)
    # strength: E1 10, E5 60; E7 never submitted it
    strength = steps["strength"]
    assert (strength.median_seconds, strength.timed) == (pytest.approx(35, abs=1e-3), 2)


def test_one_version(quiz, data):
    v1 = by_key(results(Scope(quiz, version_id=data["v1"].pk)).steps)
    assert [v1[k].median_seconds for k in ("about", "taste", "strength")] == [
        pytest.approx(25, abs=1e-3), pytest.approx(13, abs=1e-3), pytest.approx(35, abs=1e-3)]
    figures = results(Scope(quiz, version_id=data["v2"].pk))
    t = figures.totals
    assert (t.views, t.starts, t.completions, t.partial) == (4, 2, 1, 1)
    v2 = by_key(figures.steps)
    assert [v2[k].reached for k in ("about", "taste", "strength")] == [2, 2, 1]
    assert v2["about"].median_seconds is None
    assert v2["about"].timed == 0
    assert v2["taste"].median_seconds == pytest.approx(15, abs=1e-3)
    assert v2["strength"].median_seconds is None
    drink = {q.key: q for q in figures.questions}["drink"]
    assert drink.bars == [Bar("Coffee", 0), Bar("Tea", 1), Bar("Water", 1)]


def test_date_range(quiz, data):
    figures = results(Scope(quiz, start=MAR_3, end=MAR_3))
    t = figures.totals
    assert (t.views, t.starts, t.completions, t.partial) == (5, 2, 0, 2)
    steps = by_key(figures.steps)
    assert (steps["about"].reached, steps["taste"].reached, steps["strength"].reached) == (2, 1, 0)
    assert steps["about"].median_seconds == pytest.approx(10, abs=1e-3)
    assert figures.daily == [Day(MAR_3, 2, 0)]
    assert figures.referrals.referred == 2
    assert figures.referrals.top[0].label == "ada@example.com"
    # From the first day on: the cohort started Mar 3 or later
    later = results(Scope(quiz, start=MAR_3))
    assert later.totals.starts == 5
    assert later.totals.views == 9


def test_answer_distributions_and_changes(quiz, data):
    questions = {q.key: q for q in results(Scope(quiz)).questions}
    assert list(questions) == ["name", "email", "utm_source", "drink", "rating"]
    assert (questions["name"].answered, questions["name"].chart, questions["name"].bars) == (
        6, "count", [])
    assert questions["email"].answered == 0  # E1's row holds no value
    drink = questions["drink"]
    assert drink.label == "Coffee or tea?"
    assert drink.chart == "bars"
    assert drink.bars == [Bar("Coffee", 2), Bar("Tea", 2), Bar("Water", 1)]
    assert (drink.answered, drink.changed) == (5, 1)
    assert drink.changes == [Change("Coffee", "Tea", 1)]
    assert drink.change_rate == pytest.approx(1 / 5)
    rating = questions["rating"]
    assert rating.chart == "histogram"
    assert rating.bars == [Bar("1", 0), Bar("2", 0), Bar("3", 0), Bar("4", 1), Bar("5", 1)]
    assert rating.changes == [Change("2", "5", 1)]


def test_outcomes_days_sources_referrals(quiz, data):
    figures = results(Scope(quiz))
    assert figures.outcomes == [Row("Coffee it is", 2, 2), Row("A tea person", 2, 2)]
    assert figures.daily == [Day(MAR_2, 2, 2), Day(MAR_3, 2, 0), Day(MAR_4, 3, 2)]
    assert figures.sources == [Row("Direct", 2, 1), Row("newsletter", 2, 1),
                               Row("instagram", 1, 0), Row("news.example.org", 1, 1),
                               Row("www.example.com", 1, 1)]
    assert figures.utm_campaigns == [Row("spring", 2, 1)]
    assert figures.utm_mediums == [Row("email", 1, 1)]
    referrals = figures.referrals
    assert (referrals.referred, referrals.completed, referrals.referrers) == (3, 1, 2)
    e1, e2 = data["entries"][:2]
    assert [(r.label, r.entry_id, r.referred, r.completed) for r in referrals.top] == [
        ("ada@example.com", e1.pk, 2, 0), ("Bo", e2.pk, 1, 1)]


def test_empty_campaign(quiz):
    figures = results(Scope(quiz))
    assert figures.empty
    assert [s.reached for s in figures.steps] == [0, 0, 0]
    assert figures.daily == []
    assert figures.sources == []
    assert figures.referrals.top == []
    assert all(q.answered == 0 for q in figures.questions)
    ranged = results(Scope(quiz, start=MAR_2, end=MAR_3))
    assert ranged.daily == [Day(MAR_2, 0, 0), Day(MAR_3, 0, 0)]


def test_another_campaign_never_counts(quiz, data, publish):
    other = publish(branching_quiz())
    analytics_data.entry(other.published_version, analytics_data.T0,
                         events=[("view", "about", 0, analytics_data.SERVER)])
    assert results(Scope(quiz)).totals.starts == 7
    assert results(Scope(other)).totals.starts == 1


def test_multiple_choice_and_number_questions():
    version = CampaignVersionFactory(definition={
        "schema": 1, "name": "Survey", "kind": "survey",
        "steps": [{"key": "s1", "questions": [
            {"key": "toppings", "kind": "multiple_choice", "label": "Toppings", "choices": [
                {"key": "ham", "label": "Ham"}, {"key": "olive", "label": "Olive"},
                {"key": "egg", "label": "Egg"}]},
            {"key": "age", "kind": "number", "label": "Age"},
            {"key": "ok", "kind": "yes_no", "label": "OK?"},
        ]}],
    })
    for toppings, age, ok in [(["ham", "olive"], 18, True), (["olive"], 34, True),
                              (["ham", "olive"], 35.5, False), (None, 61, None)]:
        entry = EntryFactory(version=version)
        AnswerFactory(entry=entry, question_key="toppings", value=toppings)
        AnswerFactory(entry=entry, question_key="age", value=age)
        AnswerFactory(entry=entry, question_key="ok", value=ok)
    questions = {q.key: q for q in results(Scope(version.campaign)).questions}
    assert questions["toppings"].answered == 3
    assert questions["toppings"].bars == [Bar("Ham", 2), Bar("Olive", 3), Bar("Egg", 0)]
    # 18 to 61 over at most 10 ranges: 4.3 wide, rounded up to 5, from 15
    assert [b.label for b in questions["age"].bars] == [
        "15–20", "20–25", "25–30", "30–35", "35–40", "40–45", "45–50", "50–55", "55–60", "60–65"]
    assert [b.count for b in questions["age"].bars] == [1, 0, 0, 1, 1, 0, 0, 0, 0, 1]
    assert questions["ok"].bars == [Bar("Yes", 2), Bar("No", 1)]


def test_histogram_edges():
    assert histogram([]) == []
    assert histogram([(3, 2)]) == [Bar("3", 2)]
    assert histogram([(1, 1), (3, 4)]) == [Bar("1", 1), Bar("2", 0), Bar("3", 4)]
    assert histogram([(0.5, 1), (0.75, 1)]) == [
        Bar("0.5–0.55", 1), Bar("0.55–0.6", 0), Bar("0.6–0.65", 0), Bar("0.65–0.7", 0),
        Bar("0.7–0.75", 0), Bar("0.75–0.8", 1)]
    assert histogram([(0.1, 1), (0.3, 1), (1.0, 2)])[-1] == Bar("1–1.1", 2)
    bars = histogram([(0, 1), (1000, 1)])
    assert len(bars) == 11
    assert bars[0] == Bar("0–100", 1)
    assert bars[-1] == Bar("1000–1100", 1)
    assert sum(b.count for b in histogram([(-7.5, 3), (12, 1), (99, 2)])) == 6


def test_partial_entries_made_without_javascript_count_in_full(client, quiz):
    """Through the real runtime with plain POSTs: no client events at all."""
    cache.clear()
    client.get(f"/c/{quiz.slug}/")
    finished = client.post(f"/c/{quiz.slug}/?utm_source=qr").headers["Location"]
    client.get(finished)
    client.post(finished, {"step": "about", "name": "Ada"})
    client.get(finished)
    client.post(finished, {"step": "taste", "drink": "coffee"})
    client.post(finished, {"action": "back"})
    client.post(finished, {"step": "taste", "drink": "tea"})
    partial = client.post(f"/c/{quiz.slug}/").headers["Location"]
    client.post(partial, {"step": "about", "name": "Bo"})
    figures = results(Scope(quiz))
    t = figures.totals
    assert (t.views, t.starts, t.completions, t.partial) == (1, 2, 1, 1)
    steps = by_key(figures.steps)
    assert [steps[k].reached for k in ("about", "taste", "strength")] == [2, 2, 1]
    assert [steps[k].stopped for k in ("about", "taste", "strength")] == [0, 1, 0]
    assert steps["about"].timed == 2
    assert steps["taste"].timed == 1
    assert steps["taste"].median_seconds >= 0
    drink = {q.key: q for q in figures.questions}["drink"]
    assert drink.changes == [Change("Coffee", "Tea", 1)]
    assert figures.sources[0] == Row("Direct", 1, 0) or figures.sources[0] == Row("qr", 1, 1)
    assert {r.label for r in figures.sources} == {"Direct", "qr"}
    assert Entry.objects.filter(status="completed").get().outcome == "tea-lover"


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8101", "https://forms.example.net"])
def test_a_referrer_that_is_our_own_page_is_direct(quiz, settings, site_url):
    """Entries recorded their own start page as the referrer when the visitor came with none:
    at analysis time that, and any page of this site, is Direct, so old data is right too."""
    settings.SITE_URL = site_url
    own_page = f"http://127.0.0.1:8101/c/{quiz.slug}/"
    for referrer in (own_page, own_page + "?utm_x=1", f"{site_url}/app/campaigns/1/share/",
                     "https://news.example.org/story"):
        EntryFactory(campaign=quiz, version=quiz.published_version,
                     source={"referrer": referrer})
    figures = results(Scope(quiz))
    assert [(row.label, row.entries) for row in figures.sources] == [("Direct", 3),
                                                                    ("news.example.org", 1)]
