from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns import flow
from campaigns.documents import draft_document
from campaigns.services.campaigns import campaign_publish
from campaigns.services.content import (
    ChoiceFields,
    QuestionFields,
    choice_create,
    choice_delete,
    choice_move,
    choice_update,
    question_create,
    question_delete,
    question_duplicate,
    question_move,
    question_update,
    validation_clean,
)
from tests.factories import StepFactory

pytestmark = pytest.mark.django_db


def save(edit, question, **changes):
    fields = {"kind": question.kind, "label": question.label, "help": question.help,
              "required": question.required, "placeholder": question.placeholder,
              "validation": question.validation, "points": question.points,
              "correct": question.correct, "key": question.key}
    return edit(question_update, question=question,
                fields=QuestionFields(**{**fields, **changes}))


def test_create_every_kind_with_its_defaults_and_a_key_from_the_label(quiz, edit):
    step = quiz.steps.get(key="about")
    for kind in flow.KINDS:
        question = edit(question_create, step=step, kind=kind, label=f"Your {kind} answer")
        assert question.key == f"your_{kind}_answer"
        assert set(question.validation) == set(flow.KINDS[kind].validation)
    assert list(step.questions.values_list("position", flat=True)) == list(
        range(3 + len(flow.KINDS)))
    again = edit(question_create, step=step, kind="email", label="Your email answer")
    assert again.key == "your_email_answer_2"
    with pytest.raises(ValidationError) as refused:
        edit(question_create, step=step, kind="poll", label="?")
    assert "kind" in refused.value.message_dict


@pytest.mark.parametrize(("kind", "validation", "field", "message"), [
    ("short_text", {"min_length": 10, "max_length": 5}, "max_length", "must not be below"),
    ("short_text", {"max_length": 0}, "max_length", "at least 1 character"),
    ("long_text", {"min_length": -1}, "min_length", "from 0"),
    ("number", {"min": 10, "max": 1}, "max", "must not be below"),
    ("number", {"min": float("inf")}, "min", "Enter a number"),
    ("date", {"min": "2026-13-01"}, "min", "YYYY-MM-DD"),
    ("date", {"min": "2026-05-01", "max": "2026-04-01"}, "max", "must not be below"),
    ("multiple_choice", {"min_choices": 3, "max_choices": 2}, "max_choices", "must not be below"),
    ("multiple_choice", {"max_choices": 0}, "max_choices", "at least 1 choice"),
    ("rating", {"min": 3}, "min", "starts at 0 or 1"),
    ("rating", {"max": 11}, "max", "between 2 and 10"),
    ("rating", {"min_label": "x" * 101}, "min_label", "under 100"),
    ("file_upload", {"max_size_mb": 0}, "max_size_mb", "above 0"),
    ("file_upload", {"accept": "pdf"}, "accept", "“pdf” is not a file type"),
    ("hidden", {"max_length": 1.5}, "max_length", "whole number"),
])
def test_every_kinds_settings_are_checked_with_a_clear_message(kind, validation, field, message):
    with pytest.raises(ValidationError) as refused:
        validation_clean(kind, validation)
    assert message in " ".join(refused.value.message_dict[field])


def test_valid_settings_are_typed_and_filled_with_defaults():
    assert validation_clean("file_upload", {"accept": "image/*, application/PDF"}) == {
        "max_size_mb": 10, "accept": ["image/*", "application/pdf"]}
    assert validation_clean("number", {"min": 1.0, "max": "", "integer": True}) == {
        "min": 1, "max": None, "integer": True}
    assert validation_clean("rating", {"min": 0, "max": 10, "max_label": "  Love   it "})[
        "max_label"] == "Love it"
    # What is saved always normalises as the engine expects.
    for kind in flow.KINDS:
        question = {"key": "q", "kind": kind, "validation": validation_clean(kind, {})}
        flow.normalise({"schema": 1, "name": "x", "kind": "form",
                        "steps": [{"key": "s", "questions": [question]}]})


@pytest.mark.parametrize(("kind", "name", "value", "accepted"), [
    ("file_upload", "max_size_mb", 100, True),
    ("file_upload", "max_size_mb", 500, False),
    ("short_text", "max_length", 100_000, True),
    ("short_text", "max_length", 100_001, False),
    ("rating", "min_label", "x" * 100, True),
    ("rating", "min_label", "x" * 101, False),
])
def test_the_editor_and_a_blueprint_import_take_the_same_settings(kind, name, value, accepted):
    """Both read the bounds of the kind's settings table (a 500 MB file limit was importable)."""
    question = {"key": "q", "kind": kind, "label": "Q", "validation": {name: value}}
    doc = {"schema": 1, "name": "x", "kind": "form", "steps": [{"key": "s",
                                                                   "questions": [question]}]}
    if accepted:
        validation_clean(kind, {name: value})
        flow.normalise(doc)
        return
    with pytest.raises(ValidationError):
        validation_clean(kind, {name: value})
    with pytest.raises(flow.BlueprintError):
        flow.normalise(doc)


def test_update_saves_settings_and_refuses_a_missing_label(quiz, edit):
    name = quiz.questions.get(key="name")
    save(edit, name, label="First name", placeholder="Ada", validation={"max_length": 40},
         help="As on your passport")
    name.refresh_from_db()
    assert (name.label, name.placeholder, name.validation["max_length"]) == ("First name", "Ada",
                                                                             40)
    with pytest.raises(ValidationError) as refused:
        save(edit, name, label="  ")
    assert "label" in refused.value.message_dict


def test_changing_the_kind_keeps_what_still_applies(quiz, edit):
    name = quiz.questions.get(key="name")
    save(edit, name, validation={"min_length": 2, "max_length": 40})
    save(edit, name, kind="long_text", validation={"min_length": 2, "max_length": 40})
    name.refresh_from_db()
    assert name.kind == "long_text"
    assert name.validation == {"min_length": 2, "max_length": 40}
    save(edit, name, kind="number", validation={"min_length": 2, "max_length": 40})
    name.refresh_from_db()
    assert name.validation == {"min": None, "max": None, "integer": False}
    assert name.label == "Your first name"
    assert name.required

    drink = quiz.questions.get(key="drink")
    save(edit, drink, correct="coffee", points=5)
    save(edit, drink, kind="multiple_choice", correct="coffee")
    drink.refresh_from_db()
    assert drink.correct == ["coffee"]
    assert drink.points == 5
    assert drink.choices.count() == 2
    save(edit, drink, kind="dropdown", correct=["coffee"])
    drink.refresh_from_db()
    assert drink.correct == "coffee"
    save(edit, drink, kind="yes_no", correct="coffee")
    drink.refresh_from_db()
    assert drink.correct is None
    assert not drink.choices.exists()


def test_correct_answer_must_be_a_choice(quiz, edit):
    drink = quiz.questions.get(key="drink")
    with pytest.raises(ValidationError) as refused:
        save(edit, drink, correct="water")
    assert "correct" in refused.value.message_dict


def test_question_keys_are_unique_across_the_campaign_and_locked_after_publish(quiz, edit,
                                                                               editor):
    name = quiz.questions.get(key="name")
    with pytest.raises(ValidationError) as refused:
        save(edit, name, key="drink")
    assert "already uses" in refused.value.message_dict["key"][0]
    save(edit, name, key="first_name")
    campaign_publish(campaign=quiz, by=editor)
    name.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        save(edit, name, key="given_name")
    assert "published version" in refused.value.message_dict["key"][0]


def test_move_and_duplicate_questions(quiz, edit):
    step = quiz.steps.get(key="about")
    hidden = quiz.questions.get(key="utm_source")
    edit(question_move, question=hidden, position=0)
    assert list(step.questions.values_list("key", flat=True)) == ["utm_source", "name", "email"]
    copy = edit(question_duplicate, question=quiz.questions.get(key="name"))
    assert list(step.questions.values_list("key", flat=True)) == [
        "utm_source", "name", "name_2", "email"]
    assert copy.label == "Your first name"
    assert copy.required
    drink_copy = edit(question_duplicate, question=quiz.questions.get(key="drink"))
    assert list(drink_copy.choices.values_list("key", "label")) == [("coffee", "Coffee"),
                                                                    ("tea", "Tea")]


def test_delete_question_reports_rules_and_recall(quiz, edit):
    drink = quiz.questions.get(key="drink")
    broken = edit(question_delete, question=drink)
    assert [str(u) for u in broken] == [
        "Step 2 “{{ answers.name }}, pick one”, rule 1, tests this answer"]
    assert not quiz.questions.filter(key="drink").exists()


def test_choices_add_edit_move_delete(quiz, edit, workspace):
    drink = quiz.questions.get(key="drink")
    water = edit(choice_create, question=drink, label="Sparkling water")
    assert water.key == "sparkling-water"
    assert water.position == 2
    edit(choice_move, choice=water, position=0)
    assert list(drink.choices.values_list("key", flat=True)) == ["sparkling-water", "coffee",
                                                                 "tea"]
    edit(choice_update, choice=water, fields=ChoiceFields(
        label="Water", key="water", points=3, weights={"tea-lover": 2, "coffee-lover": 0}))
    water.refresh_from_db()
    assert (water.label, water.key, water.points, water.weights) == ("Water", "water", 3,
                                                                     {"tea-lover": 2})
    with pytest.raises(ValidationError) as refused:
        edit(choice_update, choice=water, fields=ChoiceFields(label="Water", key="tea"))
    assert "already uses" in refused.value.message_dict["key"][0]
    with pytest.raises(ValidationError) as refused:
        edit(choice_update, choice=water,
             fields=ChoiceFields(label="Water", key="water", weights={"ghost": 1}))
    assert "no outcome “ghost”" in refused.value.message_dict["weights"][0]
    with pytest.raises(ValidationError):
        edit(choice_create, question=quiz.questions.get(key="name"), label="Nope")
    assert edit(choice_delete, choice=water) == []
    tea = drink.choices.get(key="tea")
    save(edit, drink, correct="tea")
    broken = edit(choice_delete, choice=tea)
    assert [u.how for u in broken] == ["tests for the choice “Tea”",
                                       "counts it as the correct answer"]
    drink.refresh_from_db()
    assert drink.correct is None
    assert list(drink.choices.values_list("position", flat=True)) == [0]


def test_choice_image_goes_through_the_image_service(quiz, edit, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    drink = quiz.questions.get(key="drink")
    save(edit, drink, kind="image_choice")
    coffee = drink.choices.get(key="coffee")
    with pytest.raises(ValidationError) as refused:
        edit(choice_update, choice=coffee, fields=ChoiceFields(
            label="Coffee", key="coffee",
            upload=SimpleUploadedFile("evil.png", b"<?php echo 1; ?>")))
    assert "not an image we can read" in refused.value.message_dict["image"][0]
    png = BytesIO()
    Image.new("RGB", (900, 600), "brown").save(png, "PNG")
    edit(choice_update, choice=coffee, fields=ChoiceFields(
        label="Coffee", key="coffee",
        upload=SimpleUploadedFile("coffee.png", png.getvalue(), content_type="image/png")))
    coffee.refresh_from_db()
    assert coffee.image.startswith(f"images/{quiz.workspace_id}/choice-")
    assert (tmp_path / coffee.image).exists()
    edit(choice_update, choice=coffee,
         fields=ChoiceFields(label="Coffee", key="coffee", remove_image=True))
    coffee.refresh_from_db()
    assert coffee.image == ""


def test_a_draft_edited_through_the_services_still_publishes(quiz, edit, editor):
    step = quiz.steps.get(key="strength")
    question = edit(question_create, step=step, kind="multiple_choice", label="Add-ons")
    for label in ("Milk", "Sugar"):
        edit(choice_create, question=question, label=label)
    question.refresh_from_db()
    save(edit, question, validation={"min_choices": 1, "max_choices": 2}, correct=["milk"],
         points=1)
    assert not [p for p in flow.check(draft_document(quiz)) if p.level == "error"]
    version = campaign_publish(campaign=quiz, by=editor)
    questions = version.definition["steps"][2]["questions"]
    assert questions[1]["key"] == "add_ons"
    assert questions[1]["correct"] == ["milk"]


def test_move_a_question_to_another_step_renumbers_both(quiz, edit, workspace):
    email = quiz.questions.get(key="email")
    strength = quiz.steps.get(key="strength")
    edit(question_move, question=email, position=0, step=strength)
    assert list(strength.questions.values_list("key", "position")) == [("email", 0),
                                                                       ("rating", 1)]
    assert list(quiz.steps.get(key="about").questions.values_list("key", "position")) == [
        ("name", 0), ("utm_source", 1)]
    stranger = StepFactory(campaign__workspace=workspace)
    with pytest.raises(ValidationError, match="its own campaign"):
        edit(question_move, question=email, position=0, step=stranger)


def test_a_contact_role_is_kept_checked_and_dropped_when_the_kind_cannot_hold_it(quiz, edit):
    email = quiz.questions.get(key="email")
    email = save(edit, email, contact="none")
    assert email.contact == "none"
    assert save(edit, email).contact == "none"  # not given: kept
    with pytest.raises(ValidationError) as refused:
        save(edit, email, contact="name")
    assert "contact" in refused.value.message_dict
    email = save(edit, email, contact="email")
    # A short text cannot be the entrant's email: the role goes back to "decide by kind".
    assert save(edit, email, kind="short_text", contact="email").contact == ""
