import pytest
from django.core.exceptions import ValidationError

from campaigns import flow
from campaigns.documents import draft_document
from campaigns.services.campaigns import campaign_publish
from campaigns.services.content import (
    step_create,
    step_delete,
    step_duplicate,
    step_move,
    step_update,
)
from campaigns.services.drafts import StaleDraft

pytestmark = pytest.mark.django_db


def keys(campaign):
    return list(campaign.steps.values_list("key", flat=True))


def positions(campaign):
    return list(campaign.steps.values_list("position", flat=True))


def test_create_keys_from_the_title_and_places_it(quiz, edit):
    step = edit(step_create, campaign=quiz, title="Your details")
    assert step.key == "your-details"
    assert keys(quiz) == ["about", "taste", "strength", "your-details"]
    edit(step_create, campaign=quiz, title="Your details", position=0)
    assert keys(quiz) == ["your-details-2", "about", "taste", "strength", "your-details"]
    assert positions(quiz) == [0, 1, 2, 3, 4]


def test_every_write_claims_a_revision_and_logs_who_changed_what(quiz, edit, editor):
    before = quiz.revision
    edit(step_create, campaign=quiz, title="Extra")
    quiz.refresh_from_db()
    assert quiz.revision == before + 1
    change = quiz.draft_changes.get(revision=quiz.revision)
    assert change.by == editor
    assert change.summary == "added step “Extra”"


def test_move_renumbers_positions(quiz, edit):
    strength = quiz.steps.get(key="strength")
    edit(step_move, step=strength, position=0)
    assert keys(quiz) == ["strength", "about", "taste"]
    assert positions(quiz) == [0, 1, 2]
    edit(step_move, step=strength, position=99)
    assert keys(quiz) == ["about", "taste", "strength"]


def test_duplicate_gets_fresh_unique_keys_and_rules_follow_its_questions(quiz, edit):
    taste = quiz.steps.get(key="taste")
    copy = edit(step_duplicate, step=taste)
    assert keys(quiz) == ["about", "taste", "taste-2", "strength"]
    assert copy.title == taste.title
    question = copy.questions.get()
    assert question.key == "drink_2"
    assert list(question.choices.values_list("key", flat=True)) == ["coffee", "tea"]
    rule = copy.rules.get()
    assert rule.condition["all"][0]["field"] == "answers.drink_2"
    again = edit(step_duplicate, step=taste)
    assert again.key == "taste-3"
    assert again.questions.get().key == "drink_3"
    assert not [p for p in flow.check(draft_document(quiz)) if p.code == "duplicate_key"]


def test_update_saves_texts_and_turns_plain_text_into_paragraphs(quiz, edit):
    about = quiz.steps.get(key="about")
    edit(step_update, step=about, title="  Hello   there ", body="Line one\nline two\n\nNext",
         button="Go", key="about")
    about.refresh_from_db()
    assert about.title == "Hello there"
    assert about.body == "<p>Line one<br>line two</p><p>Next</p>"
    edit(step_update, step=about, title="Hi", body="<p>Kept <b>as is</b></p>", button="",
         key="intro")
    about.refresh_from_db()
    assert (about.body, about.key) == ("<p>Kept <b>as is</b></p>", "intro")


@pytest.mark.parametrize(("key", "message"), [
    ("taste", "Another step already uses the key “taste”."),
    ("Not a slug!", "Use lower-case letters"),
    ("", "Use lower-case letters"),
])
def test_bad_keys_are_refused_on_the_key_field(quiz, edit, key, message):
    about = quiz.steps.get(key="about")
    with pytest.raises(ValidationError) as refused:
        edit(step_update, step=about, title="x", body="", button="", key=key)
    assert message in refused.value.message_dict["key"][0]


def test_keys_are_locked_once_published(quiz, edit, editor):
    campaign_publish(campaign=quiz, by=editor)
    about = quiz.steps.get(key="about")
    with pytest.raises(ValidationError) as refused:
        edit(step_update, step=about, title="x", body="", button="", key="intro")
    assert "published version" in refused.value.message_dict["key"][0]
    edit(step_update, step=about, title="Still editable", body="", button="", key="about")
    # A new step never takes a key a published version used for something else.
    about.refresh_from_db()
    edit(step_delete, step=quiz.steps.get(key="strength"))
    assert edit(step_create, campaign=quiz, title="Strength").key == "strength-2"


def test_stale_save_is_refused_and_writes_nothing(quiz, editor, owner):
    about = quiz.steps.get(key="about")
    revision = quiz.revision
    step_update(step=about, by=owner, revision=revision, title="Owner's title", body="",
                button="", key="about")
    with pytest.raises(StaleDraft) as stale:
        step_update(step=about, by=editor, revision=revision, title="Editor's title", body="",
                    button="", key="about")
    assert owner.email in str(stale.value)
    assert "edited step" in str(stale.value)
    about.refresh_from_db()
    assert about.title == "Owner's title"
    with pytest.raises(StaleDraft):
        step_create(campaign=quiz, by=editor, revision=revision, title="Late")
    assert not quiz.steps.filter(title="Late").exists()


def test_delete_reports_what_it_broke_and_keeps_one_step(quiz, edit):
    strength = quiz.steps.get(key="strength")
    broken = edit(step_delete, step=strength)
    assert [str(u) for u in broken] == []
    assert keys(quiz) == ["about", "taste"]
    about = quiz.steps.get(key="about")
    broken = edit(step_delete, step=about)
    # The taste step's title recalls the name asked on "about"; outcome bodies do too.
    places = [u.where for u in broken]
    assert "Step 2 “{{ answers.name }}, pick one”: title" in places
    assert any(place.startswith("Outcome “Coffee it is”") for place in places)
    assert positions(quiz) == [0]
    with pytest.raises(ValidationError, match="at least one step"):
        edit(step_delete, step=quiz.steps.get())
