"""The content editor's views: the page, HTMX fragments and plain POSTs, errors, stale saves."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from builder.editor.urls import urlpatterns
from campaigns import flow
from campaigns.documents import draft_document
from campaigns.models import Step
from campaigns.services.campaigns import campaign_create, campaign_publish
from tests.entries.documents import branching_quiz, long_form
from tests.factories import CampaignFactory, RuleFactory, StepFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quiz(workspace, editor):
    return campaign_create(workspace=workspace, by=editor, document=branching_quiz())


def url(name, *args):
    return reverse(f"builder:{name}", args=args)


def revision_in(html):
    return int(re.search(r'id="editor-revision" value="(\d+)"', html)[1])


def question_data(question, **changes):
    prefix = f"q-{question.pk}-"
    data = {"kind": question.kind, "label": question.label, "help": question.help,
            "key": question.key, **{name: value for name, value in question.validation.items()
                                    if value is not None}}
    if question.required:
        data["required"] = "on"
    data.update(changes)
    return {prefix + name: value for name, value in data.items()}


def test_page_shows_every_step_question_and_outcome_with_forms(login, editor, quiz):
    page = login(editor).get(url("editor", quiz.pk))
    assert page.status_code == 200
    for element in ('id="step-about"', 'id="step-taste"', 'id="question-drink"',
                    'id="choice-drink-coffee"', 'id="outcome-tea-lover"'):
        assert element in page.text
    assert "Save step" in page.text
    assert "+ Add question" in page.text
    assert revision_in(page.text) == quiz.revision
    # Recall on the second step offers the first step's answers, not its own.
    taste = page.text.split('id="step-taste"')[1].split('id="questions-')[0]
    assert "{{ answers.name }}" in taste
    assert "{{ answers.drink }}" not in taste


def test_viewer_reads_without_forms(login, viewer, quiz):
    page = login(viewer).get(url("editor", quiz.pk))
    assert page.status_code == 200
    assert "Coffee or tea?" in page.text
    assert "view-only access" in page.text
    assert "<form" not in page.text.split('id="editor"')[1]


def test_items_of_another_campaign_are_404(login, editor, quiz, workspace):
    other = StepFactory(campaign=CampaignFactory(workspace=workspace))
    client = login(editor)
    assert client.post(url("editor_step", quiz.pk, other.pk), {}).status_code == 404
    assert client.get(url("editor_step", quiz.pk, other.pk), **HTMX).status_code == 404


def test_add_step_with_htmx_answers_the_list_and_the_new_status(login, editor, quiz):
    response = login(editor).post(url("editor_step_add", quiz.pk),
                                  {"revision": quiz.revision, "add-step-title": "Contact"},
                                  **HTMX)
    assert response.status_code == 200
    assert response.text.startswith('<div id="steps"')
    assert 'id="step-contact"' in response.text
    assert 'id="editor-status" class="editor-status" hx-swap-oob="true"' in response.text
    assert revision_in(response.text) == quiz.revision + 1


def test_plain_post_redirects_to_the_item(login, editor, quiz):
    response = login(editor).post(url("editor_step_add", quiz.pk),
                                  {"revision": quiz.revision, "add-step-title": "Contact"})
    assert response.status_code == 302
    assert response.headers["Location"] == url("editor", quiz.pk) + "#step-contact"


def test_invalid_settings_are_shown_next_to_their_field(login, editor, quiz):
    name = quiz.questions.get(key="name")
    data = {"revision": quiz.revision,
            **question_data(name, min_length=10, max_length=5)}
    response = login(editor).post(url("editor_question", quiz.pk, name.pk), data, **HTMX)
    assert response.status_code == 200
    error_id = f"id_q-{name.pk}-max_length_error"
    assert f'<p class="field-error" id="{error_id}">' in response.text
    assert re.search(rf'aria-describedby="[^"]*{error_id}"', response.text)
    assert "The maximum length must not be below the minimum." in response.text
    name.refresh_from_db()
    assert name.validation["max_length"] == 255
    # Without JavaScript the whole page comes back, the error in place.
    plain = login(editor).post(url("editor_question", quiz.pk, name.pk), data)
    assert plain.status_code == 200
    assert "<h1>Content</h1>" in plain.text
    assert "The maximum length must not be below the minimum." in plain.text


def test_changing_the_kind_in_the_form_keeps_what_applies(login, editor, quiz):
    name = quiz.questions.get(key="name")
    client = login(editor)
    client.post(url("editor_question", quiz.pk, name.pk),
                {"revision": quiz.revision, **question_data(name, max_length=40)}, **HTMX)
    quiz.refresh_from_db()
    response = client.post(url("editor_question", quiz.pk, name.pk),
                           {"revision": quiz.revision,
                            **question_data(name, kind="long_text", max_length=40)}, **HTMX)
    name.refresh_from_db()
    assert name.kind == "long_text"
    assert name.validation["max_length"] == 40
    field = re.search(rf'<input[^>]*name="q-{name.pk}-max_length"[^>]*>', response.text)[0]
    assert 'value="40"' in field


def test_stale_save_keeps_what_was_typed_and_says_who_changed_what(login, editor, owner, quiz):
    about = quiz.steps.get(key="about")
    old = quiz.revision
    login(owner).post(url("editor_step", quiz.pk, about.pk), {
        "revision": old, f"step-{about.pk}-title": "Owner's title",
        f"step-{about.pk}-key": "about"}, **HTMX)
    response = login(editor).post(url("editor_step", quiz.pk, about.pk), {
        "revision": old, f"step-{about.pk}-title": "My careful title",
        f"step-{about.pk}-key": "about"}, **HTMX)
    assert response.status_code == 200
    assert f"changed by {owner.email}" in response.text
    assert "edited step “Hi there”" in response.text
    assert 'value="My careful title"' in response.text
    assert "Reload the editor" in response.text
    assert revision_in(response.text) == old  # the page stays marked as out of date
    about.refresh_from_db()
    assert about.title == "Owner's title"


def test_move_by_button_and_by_position(login, editor, quiz):
    client = login(editor)
    strength = quiz.steps.get(key="strength")
    client.post(url("editor_step_move", quiz.pk, strength.pk),
                {"revision": quiz.revision, "direction": "up"}, **HTMX)
    assert list(quiz.steps.values_list("key", flat=True)) == ["about", "strength", "taste"]
    quiz.refresh_from_db()
    response = client.post(url("editor_step_move", quiz.pk, strength.pk),
                           {"revision": quiz.revision, "position": "0"}, **HTMX)
    assert list(quiz.steps.values_list("key", flat=True)) == ["strength", "about", "taste"]
    assert response.text.index('id="step-strength"') < response.text.index('id="step-about"')


def test_delete_in_use_asks_first_listing_the_places_then_reports_them(login, editor, quiz):
    drink = quiz.questions.get(key="drink")
    client = login(editor)
    ask = client.post(url("editor_question_delete", quiz.pk, drink.pk),
                      {"revision": quiz.revision}, **HTMX)
    assert ask.status_code == 200
    assert 'id="question-drink"' in ask.text
    assert "It is used in 1 place" in ask.text
    assert "rule 1," in ask.text
    assert "tests this answer" in ask.text
    assert "Delete anyway" in ask.text
    assert quiz.questions.filter(key="drink").exists()
    done = client.post(url("editor_question_delete", quiz.pk, drink.pk),
                       {"revision": quiz.revision, "confirm": "1"}, **HTMX)
    assert not quiz.questions.filter(key="drink").exists()
    assert "These now refer to nothing and need fixing" in done.text
    assert 'hx-swap-oob="true"' in done.text


def test_plain_delete_confirmation_is_a_page(login, editor, quiz):
    taste = quiz.steps.get(key="taste")
    page = login(editor).post(url("editor_step_delete", quiz.pk, taste.pk),
                              {"revision": quiz.revision})
    assert page.status_code == 200
    assert "<h1>Confirm deletion</h1>" in page.text
    assert "Delete step “{{ answers.name }}, pick one”?" in page.text
    assert "It has 1 question" in page.text
    assert Step.objects.filter(pk=taste.pk).exists()


def test_choice_picture_refused_with_a_clear_error(login, editor, quiz, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    drink = quiz.questions.get(key="drink")
    drink.kind = "image_choice"
    drink.save()
    coffee = drink.choices.get(key="coffee")
    response = login(editor).post(url("editor_choice", quiz.pk, coffee.pk), {
        "revision": quiz.revision, f"c-{coffee.pk}-label": "Coffee",
        f"c-{coffee.pk}-key": "coffee",
        f"c-{coffee.pk}-image": SimpleUploadedFile("coffee.png", b"not a picture")}, **HTMX)
    assert response.status_code == 200
    assert "This file is not an image we can read" in response.text
    assert response.text.lstrip().startswith('<div class="choice choice--error"')


def test_published_keys_are_read_only_with_the_reason(login, editor, quiz):
    campaign_publish(campaign=quiz, by=editor)
    page = login(editor).get(url("editor", quiz.pk))
    about = quiz.steps.get(key="about")
    field = re.search(rf'<input[^>]*name="step-{about.pk}-key"[^>]*>', page.text)[0]
    assert "disabled" in field
    assert "part of a published version" in page.text


def test_problem_count_links_to_the_list(login, editor, quiz):
    quiz.questions.get(key="drink").choices.all().delete()
    page = login(editor).get(url("editor", quiz.pk))
    status = page.text.split('id="editor-status"')[1].split("</section>")[0]
    assert "error" in status
    assert url("campaign_map", quiz.pk) in status
    # Each problem is shown on what it is about: the question, or else its step.
    drink = page.text.split('id="question-drink"')[1].split('class="question-form"')[0]
    assert "has no choices, so it cannot be answered" in drink
    taste = page.text.split('id="step-taste"')[1].split('id="questions-')[0]
    assert "rule 1 tests answers.drink" in taste


def test_item_get_is_its_fragment_or_the_editor(login, viewer, quiz):
    client = login(viewer)
    drink = quiz.questions.get(key="drink")
    fragment = client.get(url("editor_question", quiz.pk, drink.pk), **HTMX)
    assert fragment.text.lstrip().startswith('<div class="question" id="question-drink"')
    plain = client.get(url("editor_question", quiz.pk, drink.pk))
    assert plain.headers["Location"] == url("editor", quiz.pk) + "#question-drink"


def test_picking_another_kind_previews_its_settings_without_saving(login, editor, quiz):
    drink = quiz.questions.get(key="drink")
    revision = quiz.revision
    response = login(editor).post(url("editor_question", quiz.pk, drink.pk), {
        "revision": revision, "preview": "1",
        **question_data(drink, kind="rating", label="Coffee, tea or both?")}, **HTMX)
    assert response.status_code == 200
    assert f'name="q-{drink.pk}-max_label"' in response.text
    assert 'value="Coffee, tea or both?"' in response.text
    assert "Not saved yet" in response.text
    assert "Its 2 choices will be removed." in response.text
    drink.refresh_from_db()
    quiz.refresh_from_db()
    assert (drink.kind, quiz.revision) == ("single_choice", revision)


def test_the_page_costs_the_same_queries_whatever_the_size(login, editor, workspace):
    client = login(editor)
    counts = []
    for steps in (2, 40):
        campaign = campaign_create(workspace=workspace, by=editor, document=long_form(steps))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("editor", campaign.pk)).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_new_step_key_redraws_the_whole_card(login, editor, quiz):
    about = quiz.steps.get(key="about")
    response = login(editor).post(url("editor_step", quiz.pk, about.pk), {
        "revision": quiz.revision, f"step-{about.pk}-title": "Hi", f"step-{about.pk}-key": "intro"},
        **HTMX)
    assert response.headers["HX-Retarget"] == "#step-about"
    assert response.text.lstrip().startswith('<article class="card step-card" id="step-intro"')


def test_a_question_needs_its_text_to_be_added(login, editor, quiz):
    step = quiz.steps.get(key="about")
    response = login(editor).post(url("editor_question_add", quiz.pk, step.pk), {
        "revision": quiz.revision, f"add-q-{step.pk}-kind": "email",
        f"add-q-{step.pk}-label": " "}, **HTMX)
    assert "Write the question (or the text to show) first." in response.text
    assert step.questions.count() == 3


def test_move_a_question_to_another_step(login, editor, quiz):
    email = quiz.questions.get(key="email")
    strength = quiz.steps.get(key="strength")
    response = login(editor).post(url("editor_question_move", quiz.pk, email.pk),
                                  {"revision": quiz.revision, "step": strength.pk}, **HTMX)
    assert response.headers["HX-Retarget"] == "#steps"
    assert list(strength.questions.values_list("key", flat=True)) == ["rating", "email"]
    assert list(quiz.steps.get(key="about").questions.values_list("key", "position")) == [
        ("name", 0), ("utm_source", 1)]
    other = StepFactory(campaign=CampaignFactory(workspace=quiz.workspace))
    quiz.refresh_from_db()
    assert login(editor).post(url("editor_question_move", quiz.pk, email.pk), {
        "revision": quiz.revision, "step": other.pk}).status_code == 404
    assert login(editor).post(url("editor_question_move", quiz.pk, email.pk), {
        "revision": quiz.revision, "step": "x'); DROP"}).status_code == 404


GARBAGE = ["x" * 30_000, "1e999\x00<script>2026-02-30"]


@pytest.mark.parametrize("value", GARBAGE)
def test_no_editor_url_answers_500_to_garbage(login, editor, quiz, value):
    """Every field name the page shows, filled with `value`, posted to every editor URL."""
    client = login(editor)
    client.raise_request_exception = False
    page = client.get(url("editor", quiz.pk)).text
    names = set(re.findall(r'name="([^"]+)"', page)) - {"csrfmiddlewaretoken"}
    objects = {"campaign_id": quiz.pk, "step_id": quiz.steps.first().pk,
               "question_id": quiz.questions.get(key="drink").pk,
               "choice_id": quiz.questions.get(key="drink").choices.first().pk,
               "outcome_id": quiz.outcomes.first().pk}
    for pattern in urlpatterns:
        quiz.refresh_from_db()
        kwargs = {name: objects[name] for name in pattern.pattern.converters}
        data = {name: value for name in names}
        for revision, headers in ((quiz.revision, HTMX), (value, {})):
            data["revision"] = revision
            response = client.post(reverse(f"builder:{pattern.name}", kwargs=kwargs), data,
                                   **headers)
            assert response.status_code < 500, (pattern.name, value, response.status_code)


def test_recall_picker_offers_the_variables_rules_set(login, editor, quiz):
    RuleFactory(step=quiz.steps.get(key="about"),
                action={"type": "add", "target": "vars.coffee_points", "value": 1})
    page = login(editor).get(url("editor", quiz.pk))
    assert page.text.count('data-insert="{{ vars.coffee_points }}"') >= 4  # steps, outcomes


def test_what_a_question_says_about_the_entrant_is_marked_and_published(login, editor, quiz):
    email, name = quiz.questions.get(key="email"), quiz.questions.get(key="name")
    client = login(editor)
    page = client.get(url("editor", quiz.pk)).text
    assert f'name="q-{email.pk}-contact"' in page
    assert f'name="q-{name.pk}-contact"' in page
    assert "The entrant&#x27;s email address" in page
    response = client.post(url("editor_question", quiz.pk, email.pk),
                           {"revision": quiz.revision, **question_data(email, contact="none")},
                           **HTMX)
    assert response.status_code == 200
    email.refresh_from_db()
    assert email.contact == "none"
    assert flow.load(draft_document(quiz)).questions_by_key["email"].contact == "none"
    # A role the kind cannot hold is not offered, and refused if posted anyway.
    quiz.refresh_from_db()
    client.post(url("editor_question", quiz.pk, email.pk),
                {"revision": quiz.revision, **question_data(email, contact="name")}, **HTMX)
    email.refresh_from_db()
    assert email.contact == "none"
