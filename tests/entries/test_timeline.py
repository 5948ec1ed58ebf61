"""An entry as the entry page reads it: answers as its version asked them, path and timing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from entries.timeline import entry_detail
from tests.entries.export_data import two_version_campaign
from tests.factories import AnswerFactory, EntryFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def test_answers_path_and_time_per_step_with_and_without_javascript():
    campaign, v1, _ = two_version_campaign()
    entry = EntryFactory(version=v1, campaign=campaign, trail=["s1"], current_step="")
    AnswerFactory(entry=entry, question_key="colours", value=["blue"], first_value=["red"],
                  changes=2)
    start = timezone.now() - timedelta(minutes=5)
    InteractionFactory(entry=entry, kind="view", at=start, data={"by": "server"})
    InteractionFactory(entry=entry, kind="submit", at=start + timedelta(seconds=12))
    detail = entry_detail(entry)
    [step] = detail.steps
    assert step.visited
    assert step.seconds == 12
    answers = {a.question.key: a for a in step.questions}
    assert answers["colours"].shown == "Blue, obviously"
    assert answers["colours"].first_shown == "Red"
    assert answers["colours"].changes == 2
    assert not answers["name"].answered
    assert answers["age"].shown == ""
    assert detail.path == ["s1"]
    assert [e.label for e in detail.timeline] == ["Step viewed", "Step submitted"]

    InteractionFactory(entry=entry, kind="time", at=start + timedelta(seconds=11),
                       data={"ms": 9500})
    assert entry_detail(entry).steps[0].seconds == 9.5  # the browser's report wins
