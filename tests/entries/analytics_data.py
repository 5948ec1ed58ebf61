"""A small fixed data set for the results figures: entries at known times with known paths,
answers, first answers, interactions and views; every expected figure is worked out by hand in
tests/entries/test_analytics.py.

The campaign is tests/entries/documents.py's branching quiz (about → taste → strength, tea ends
at `taste`). v1 has an intro; v2 has none (so its first step cannot be timed) and offers Water.
Times are seconds after each entry's start.
"""

import copy
from datetime import UTC, datetime, timedelta

from entries.models import Answer, DailyViews, Entry, EntryStatus, Interaction
from tests.entries.documents import branching_quiz
from tests.factories import CampaignVersionFactory

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SERVER = {"by": "server"}


def second_version(campaign):
    document = copy.deepcopy(branching_quiz())
    document["intro"] = None
    document["steps"][1]["questions"][0]["choices"].append({"key": "water", "label": "Water"})
    return CampaignVersionFactory(campaign=campaign, number=2, definition=document)


def entry(version, started, *, completed=None, events=(), answers=None, **fields):
    """An entry started at `started` and completed `completed` seconds later (None: not);
    `events` are (kind, step, seconds, data), `answers` {key: value} or {key: (value,
    first_value, changes)}, and `fields` the entry's own (status, current_step, outcome,
    source, referred_by, email, name)."""
    made = Entry.objects.create(
        campaign=version.campaign, version=version, **{"status": EntryStatus.STARTED, **fields},
        completed_at=started + timedelta(seconds=completed) if completed is not None else None,
    )
    Entry.objects.filter(pk=made.pk).update(started_at=started)  # auto_now_add ignores a value
    made.refresh_from_db()
    Interaction.objects.bulk_create(
        Interaction(entry=made, kind=kind, step_key=step, at=started + timedelta(seconds=at),
                    data=data)
        for kind, step, at, data in events
    )
    rows = []
    for key, given in (answers or {}).items():
        value, first, changes = given if isinstance(given, tuple) else (given, given, 0)
        rows.append(Answer(entry=made, question_key=key, value=value, first_value=first,
                           changes=changes, answered_at=started))
    Answer.objects.bulk_create(rows)
    return made


def build(campaign):
    v1 = campaign.published_version
    v2 = second_version(campaign)
    day = timedelta(days=1)
    e1 = entry(v1, T0, status=EntryStatus.COMPLETED, completed=60, outcome="coffee-lover",
               email="ada@example.com", name="Ada",
               source={"utm_source": "newsletter", "utm_campaign": "spring",
                       "utm_medium": "email"},
               events=[("view", "about", 0, SERVER), ("view", "about", 1, SERVER),
                       ("view", "about", 2, {"by": "client"}), ("focus", "about", 3,
                                                                {"question": "name"}),
                       ("time", "about", 19, {"ms": 17000}),
                       ("submit", "about", 20, {}), ("view", "taste", 20, SERVER),
                       ("change", "taste", 30, {"question": "drink", "first": "tea",
                                                "value": "coffee"}),
                       ("submit", "taste", 50, {}), ("view", "strength", 50, SERVER),
                       ("submit", "strength", 60, {})],
               answers={"name": "Ada", "email": None, "drink": "coffee", "rating": 4})
    e2 = entry(v1, T0 + timedelta(hours=1), status=EntryStatus.COMPLETED, completed=58,
               outcome="tea-lover", name="Bo",
               source={"referrer": "https://www.Example.com/post/1"},
               events=[("view", "about", 0, SERVER), ("submit", "about", 40, {}),
                       ("view", "taste", 40, SERVER), ("submit", "taste", 45, {}),
                       ("view", "strength", 45, SERVER),
                       ("back", "strength", 49, {"by": "client"}),
                       ("back", "taste", 50, SERVER),
                       ("submit", "taste", 58, {"changed": ["drink"]})],
               answers={"name": "Bo", "drink": ("tea", "coffee", 1)})
    e3 = entry(v1, T0 + day - timedelta(hours=1), current_step="taste", referred_by=e1,
               events=[("view", "about", 0, SERVER), ("submit", "about", 10, {}),
                       ("view", "taste", 10, SERVER), ("view", "taste", 11, SERVER)],
               answers={"name": "Cy"})
    e4 = entry(v1, T0 + day + timedelta(hours=2), current_step="about", referred_by=e1,
               source={"utm_source": "newsletter"},
               events=[("view", "about", 0, SERVER), ("invalid", "about", 5, {"fields": ["name"]})])
    e5 = entry(v1, T0 + 2 * day, status=EntryStatus.DISQUALIFIED, completed=100,
               outcome="coffee-lover", referred_by=e2, email="di@example.com",
               source={"utm_source": "", "referrer": "https://news.example.org/x?y=1"},
               events=[("view", "about", 0, SERVER), ("submit", "about", 30, {}),
                       ("view", "taste", 30, SERVER), ("submit", "taste", 40, {}),
                       ("view", "strength", 40, SERVER), ("submit", "strength", 100, {})],
               answers={"name": "Di", "drink": "coffee", "rating": (5, 2, 1)})
    e6 = entry(v2, T0 + 2 * day + timedelta(hours=5), status=EntryStatus.COMPLETED,
               completed=20.5, outcome="tea-lover", source={"referrer": "not a url"},
               events=[("view", "about", 0, SERVER), ("submit", "about", 0.5, {}),
                       ("view", "taste", 0.5, SERVER), ("submit", "taste", 20.5, {})],
               answers={"name": "Ed", "drink": "tea"})
    e7 = entry(v2, T0 + 2 * day + timedelta(hours=6), current_step="strength",
               source={"utm_source": "instagram", "utm_campaign": "spring"},
               events=[("view", "about", 0, SERVER), ("submit", "about", 0.2, {}),
                       ("view", "taste", 0.2, SERVER), ("submit", "taste", 10.2, {}),
                       ("view", "strength", 10.2, SERVER)],
               answers={"name": "Flo", "drink": "water"})
    DailyViews.objects.bulk_create([
        DailyViews(campaign=campaign, version=v1, day=T0.date(), views=10),
        DailyViews(campaign=campaign, version=v1, day=(T0 + day).date(), views=5),
        DailyViews(campaign=campaign, version=v2, day=(T0 + 2 * day).date(), views=4),
    ])
    return {"v1": v1, "v2": v2, "entries": [e1, e2, e3, e4, e5, e6, e7]}
