import copy

import pytest
from django.utils import timezone

from campaigns.blueprints import gallery_template
from entries.demo import demo_visitors_seed
from entries.models import Answer, DailyViews, Entry, EntryStatus, Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(publish):
    return publish(copy.deepcopy(gallery_template("personality-quiz").document))


def test_demo_visitors_leave_partial_and_completed_entries_spread_over_past_weeks(quiz):
    assert demo_visitors_seed(campaign=quiz, visitors=40) == 40
    entries = Entry.objects.filter(campaign=quiz)
    statuses = set(entries.values_list("status", flat=True))
    assert statuses == {EntryStatus.STARTED, EntryStatus.COMPLETED}
    now = timezone.now()
    days = {e.started_at.date() for e in entries}
    assert len(days) > 5
    assert all(e.started_at < now for e in entries)
    assert all(e.completed_at > e.started_at for e in entries if e.completed_at)
    assert all(e.outcome for e in entries.filter(status=EntryStatus.COMPLETED))


def test_demo_events_follow_each_other_in_time_and_time_each_submitted_step(quiz):
    demo_visitors_seed(campaign=quiz, visitors=10)
    for entry in Entry.objects.filter(campaign=quiz):
        moments = [i.at for i in entry.interactions.order_by("id") if i.kind != "time"]
        assert moments == sorted(moments)
        submits = entry.interactions.filter(kind="submit").count()
        assert entry.interactions.filter(kind="time").count() == submits
        assert all(i.data["ms"] > 0 for i in entry.interactions.filter(kind="time"))


def test_demo_answers_match_the_entries_and_views_outnumber_starts(quiz):
    demo_visitors_seed(campaign=quiz, visitors=30)
    for entry in Entry.objects.filter(campaign=quiz):
        assert entry.answer_values == dict(
            Answer.objects.filter(entry=entry).values_list("question_key", "value"))
    views = sum(DailyViews.objects.filter(campaign=quiz).values_list("views", flat=True))
    assert views > Entry.objects.filter(campaign=quiz).count()
    assert Interaction.objects.filter(kind="back").exists()  # some changed their minds


def test_demo_contest_entries_are_judged_on_their_human_pace(publish):
    giveaway = publish(copy.deepcopy(gallery_template("giveaway").document))
    demo_visitors_seed(campaign=giveaway, visitors=20)
    completed = Entry.objects.filter(campaign=giveaway, status=EntryStatus.COMPLETED)
    assert completed.exists()
    assert not any("faster than a person" in " ".join(e.fraud["reasons"]) for e in completed)
