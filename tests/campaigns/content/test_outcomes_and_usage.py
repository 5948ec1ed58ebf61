import pytest
from django.core.exceptions import ValidationError

from campaigns import flow
from campaigns.documents import draft_document
from campaigns.models import EmailTemplate
from campaigns.services.content import (
    ChoiceFields,
    OutcomeFields,
    QuestionFields,
    choice_update,
    outcome_create,
    outcome_delete,
    outcome_move,
    outcome_update,
    question_update,
    step_update,
    usages_of_outcome,
    usages_of_question,
)
from tests.factories import EmailTemplateFactory

pytestmark = pytest.mark.django_db


def outcome_fields(outcome, **changes) -> OutcomeFields:
    return OutcomeFields(**{"title": outcome.title, "body": outcome.body, "key": outcome.key,
                            "min_score": outcome.min_score, "max_score": outcome.max_score,
                            "redirect_url": outcome.redirect_url, **changes})


def test_outcomes_add_edit_move(quiz, edit):
    outcome = edit(outcome_create, campaign=quiz, title="Decaf devotee")
    assert outcome.key == "decaf-devotee"
    assert outcome.position == 2
    edit(outcome_update, outcome=outcome, fields=outcome_fields(
        outcome, body="Calm.\n\nAlways.", min_score=0, max_score=2.5,
        redirect_url="https://example.com/decaf"))
    outcome.refresh_from_db()
    assert outcome.body == "<p>Calm.</p><p>Always.</p>"
    assert (outcome.min_score, outcome.max_score) == (0, 2.5)
    edit(outcome_move, outcome=outcome, position=0)
    assert list(quiz.outcomes.values_list("key", flat=True)) == [
        "decaf-devotee", "coffee-lover", "tea-lover"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": " "}, "title", "Give the outcome a title"),
    ({"min_score": 5, "max_score": 1}, "max_score", "must not be below"),
    ({"redirect_url": "javascript:alert(1)"}, "redirect_url", "https://"),
    ({"key": "tea-lover"}, "key", "already uses"),
])
def test_outcome_fields_are_checked(quiz, edit, changes, field, message):
    outcome = quiz.outcomes.get(key="coffee-lover")
    with pytest.raises(ValidationError) as refused:
        edit(outcome_update, outcome=outcome, fields=outcome_fields(outcome, **changes))
    assert message in refused.value.message_dict[field][0]


def test_usages_of_an_outcome_find_rules_emails_weights_and_the_gate(quiz, edit):
    tea = quiz.outcomes.get(key="tea-lover")
    EmailTemplateFactory(campaign=quiz, trigger="outcome", outcome_key="tea-lover",
                         subject="Tea time")
    edit(choice_update, choice=quiz.questions.get(key="drink").choices.get(key="tea"),
         fields=ChoiceFields(label="Tea", key="tea", points=1, weights={"tea-lover": 3}))
    quiz.settings = {"gate_outcomes": ["tea-lover"]}
    quiz.save()
    found = [str(u) for u in usages_of_outcome(tea)]
    assert found == [
        "Step 2 “{{ answers.name }}, pick one”, rule 1, ends with this outcome",
        "Email “Tea time” is sent when this outcome is reached",
        "Choice “Tea” of “Coffee or tea?” gives it weight",
        "The contest's quiz gate (settings) lets entries with it win",
    ]
    broken = edit(outcome_delete, outcome=tea)
    assert len(broken) == 4
    tea_choice = quiz.questions.get(key="drink").choices.get(key="tea")
    assert tea_choice.weights == {}


def test_usages_of_a_question_find_rules_recall_and_emails(quiz):
    EmailTemplateFactory(campaign=quiz, subject="Hi {{answers.name}}", body="Thanks")
    found = [str(u) for u in usages_of_question(quiz.questions.get(key="name"))]
    assert found == [
        "Step 2 “{{ answers.name }}, pick one”: title shows it with {{ answers.name }}",
        "Outcome “Coffee it is”: text shows it with {{ answers.name }}",
        "Outcome “A tea person”: text shows it with {{ answers.name }}",
        "Email “Hi {{answers.name}}”: subject shows it with {{ answers.name }}",
    ]


def test_renaming_keys_renames_what_refers_to_them(quiz, edit):
    EmailTemplateFactory(campaign=quiz, subject="Hi {{answers.name}}",
                         trigger="outcome", outcome_key="tea-lover")
    name = quiz.questions.get(key="name")
    edit(question_update, question=name, fields=QuestionFields(
        kind="short_text", label="Name", required=True, validation=name.validation,
        key="first_name"))
    drink = quiz.questions.get(key="drink")
    edit(choice_update, choice=drink.choices.get(key="tea"),
         fields=ChoiceFields(label="Tea", key="green-tea", points=1))
    tea = quiz.outcomes.get(key="tea-lover")
    edit(outcome_update, outcome=tea, fields=outcome_fields(tea, key="tea-fan"))
    taste = quiz.steps.get(key="taste")
    edit(step_update, step=taste, title=taste.title, body="", button="", key="flavour")

    assert quiz.steps.get(key="flavour").title == "{{ answers.first_name }}, pick one"
    rule = quiz.steps.get(key="flavour").rules.get()
    assert rule.condition["all"][0] == {"field": "answers.drink", "op": "equals",
                                        "value": "green-tea"}
    assert rule.action == {"type": "goto_outcome", "outcome": "tea-fan"}
    email = EmailTemplate.objects.get(campaign=quiz)
    assert (email.subject, email.outcome_key) == ("Hi {{ answers.first_name }}", "tea-fan")
    assert not [p for p in flow.check(draft_document(quiz)) if p.level == "error"]
