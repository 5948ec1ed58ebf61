"""A campaign with two published versions that asked different questions, and hostile answers."""

from django.utils import timezone

from tests.factories import (
    AnswerFactory,
    CampaignFactory,
    CampaignVersionFactory,
    EntryFactory,
    InteractionFactory,
)

V1 = {
    "schema": 1, "name": "Colours", "kind": "quiz",
    "steps": [{"key": "s1", "title": "About you", "questions": [
        {"key": "name", "kind": "short_text", "label": "Your name"},
        {"key": "colours", "kind": "multiple_choice", "label": "Favourite colours", "choices": [
            {"key": "red", "label": "Red"}, {"key": "blue", "label": "Blue, obviously"}]},
        {"key": "age", "kind": "number", "label": "Age"},
    ]}],
    "outcomes": [{"key": "explorer", "title": "The Explorer"}],
}
V2 = {
    "schema": 1, "name": "Colours", "kind": "quiz",
    "steps": [{"key": "s1", "title": "About you", "questions": [
        {"key": "intro", "kind": "statement", "label": "Hello"},
        {"key": "name", "kind": "short_text", "label": "Your name"},
        {"key": "colours", "kind": "multiple_choice", "label": "Favourite colours", "choices": [
            {"key": "red", "label": "Crimson"}, {"key": "blue", "label": "Blue, obviously"}]},
        # Same label as another question: the header must still be unique.
        {"key": "city", "kind": "short_text", "label": "Your name"},
        {"key": "utm_source", "kind": "hidden", "label": "Campaign source"},
    ]}],
    "outcomes": [{"key": "explorer", "title": "The Explorer"}],
}

HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1:A2)", "\tTabbed", "\rReturned",
           'She said "hi"\nand left', "Zoë 😀 日本語"]


def two_version_campaign(**campaign_fields):
    campaign = CampaignFactory(slug="colours", **campaign_fields)
    v1 = CampaignVersionFactory(campaign=campaign, number=1, definition=V1)
    v2 = CampaignVersionFactory(campaign=campaign, number=2, definition=V2)
    return campaign, v1, v2


def hostile_entries(campaign, v1, v2):
    """One v1 entry per hostile value (as its name answer) plus a completed v2 entry."""
    entries = []
    for index, value in enumerate(HOSTILE):
        entry = EntryFactory(version=v1, campaign=campaign, email=f"p{index}@example.org",
                             name=value, score=-2 if index == 2 else index,
                             source={"utm_source": "=evil()", "referrer": "https://ex.org/a"})
        AnswerFactory(entry=entry, question_key="name", value=value, first_value=value)
        AnswerFactory(entry=entry, question_key="colours", value=["red", "blue"],
                      first_value=["red"], changes=1)
        AnswerFactory(entry=entry, question_key="age", value=-3 if index == 0 else 30 + index,
                      first_value=30)
        entries.append(entry)
    completed = EntryFactory(version=v2, campaign=campaign, email="ada@example.org", name="Ada",
                             status="completed", completed_at=timezone.now(), score=7.5,
                             outcome="explorer", fraud={"score": 80, "reasons": ["burst"]},
                             consent={"rules_version": 2})
    AnswerFactory(entry=completed, question_key="name", value="Ada", first_value="Ada")
    AnswerFactory(entry=completed, question_key="colours", value=["red"], first_value=["red"])
    AnswerFactory(entry=completed, question_key="city", value="Paris", first_value="Paris")
    AnswerFactory(entry=completed, question_key="utm_source", value="newsletter",
                  first_value="newsletter")
    InteractionFactory(entry=completed, step_key="s1", kind="change",
                       data={"question": "colours", "first": "blue", "value": "red"})
    InteractionFactory(entry=completed, step_key="s1", kind="time", data={"ms": 4200})
    entries.append(completed)
    return entries
