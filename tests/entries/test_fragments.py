"""A published step's form is rendered once per key and reused (entries/fragments.py): every
visitor still gets exactly what a plain render gives them, for every gallery template's steps,
in every mode and language, with recall, the way back, errors and typed values."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from campaigns import flow
from campaigns.blueprints import gallery
from campaigns.versions import definition_for
from entries import modes
from entries.models import Entry
from entries.pages import step_context, step_page
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

TEXT_KINDS = {"short_text", "long_text", "email"}


def _renders(entry: Entry, step_key: str, **given) -> tuple[dict, str, str]:
    """The step's context, its stage as served (kept form) and as a plain render."""
    context = step_context(entry, step_key, **given)
    served = render_to_string("entries/_stage.html", context)
    plain = render_to_string("entries/_stage.html", {**context, "step_fragment": None})
    return context, served, plain


def _visitor(campaign, step: flow.Step, definition: flow.Definition, *, language: str,
             name: str, came_through: bool) -> Entry:
    """An entry at `step`, with the earlier steps' text questions answered `name` (recall)."""
    earlier = definition.steps[:definition.step_positions[step.key]]
    answers = {q.key: name for s in earlier for q in s.questions if q.kind in TEXT_KINDS}
    return Entry.objects.create(
        campaign=campaign, version_id=campaign.published_version_id, current_step=step.key,
        trail=[s.key for s in earlier] if came_through else [], answer_values=answers,
        language=language)


@pytest.mark.parametrize("mode", ["card", "focus", "chat"])
@pytest.mark.parametrize("template", gallery(), ids=lambda t: t.slug)
def test_every_gallery_step_is_served_as_its_plain_render(publish, template, mode):
    document = template.document
    campaign = publish({**document, "theme": {**document.get("theme", {}), "mode": mode}})
    definition = definition_for(campaign.published_version_id)
    for language in definition.languages:
        with translation.override(language):
            for step in definition.steps:
                # Two visitors the form looks the same to (the second is served the kept
                # form), one who recalls another name, one who cannot go back.
                first, same, other, fresh = (
                    _visitor(campaign, step, definition, language=language, name=name,
                             came_through=through)
                    for name, through in (("Ada", True), ("Ada", True), ("Grace", True),
                                          ("Ada", False)))
                keys = []
                for entry in (first, same, other, fresh):
                    context, served, plain = _renders(entry, step.key)
                    assert served == plain, (template.slug, language, step.key)
                    assert entry.token in served
                    keys.append(context["step_fragment"])
                assert keys[0] is not None
                assert keys[1] == keys[0]
                back = definition.settings.allow_back and bool(first.trail)
                assert (keys[3] == keys[0]) == (not back)


def test_recall_and_the_way_back_key_the_form(publish, client):
    campaign = publish(branching_quiz())
    definition = definition_for(campaign.published_version_id)
    taste = definition.steps_by_key["taste"]
    ada, grace = (_visitor(campaign, taste, definition, language="en", name=name,
                           came_through=True) for name in ("Ada", "Grace"))
    served = {}
    for entry in (ada, grace):
        context, served[entry.pk], plain = _renders(entry, "taste")
        assert served[entry.pk] == plain
    assert "Ada, pick one" in served[ada.pk]
    assert "Grace, pick one" in served[grace.pk]
    assert ada.token not in served[grace.pk]


def test_a_form_with_errors_values_or_a_notice_is_rendered_each_time(publish):
    campaign = publish(branching_quiz())
    definition = definition_for(campaign.published_version_id)
    about = definition.steps_by_key["about"]
    entry = _visitor(campaign, about, definition, language="en", name="Ada", came_through=False)
    for given in ({"values": {"name": ["Ad"]}},
                  {"values": {"name": [""]}, "errors": {"name": "Answer this question."}},
                  {"notice": "Carry on from the step shown."}):
        context, served, plain = _renders(entry, "about", **given)
        assert context["step_fragment"] is None
        assert served == plain
    entry.answer_values = {"name": "Ada"}  # a step answered before shows its answer
    assert step_context(entry, "about")["step_fragment"] is None


def test_the_start_form_and_a_drafts_preview_are_not_kept(publish):
    campaign = publish(branching_quiz())
    version_id = campaign.published_version_id
    start = Entry(campaign=campaign, version_id=version_id, current_step="about")
    assert step_context(start, "about", definition=definition_for(version_id),
                        live=True)["step_fragment"] is None
    entry = Entry.objects.create(campaign=campaign, version_id=version_id, current_step="about")
    assert step_context(entry, "about", definition=definition_for(version_id))[
        "step_fragment"] is None


def test_two_visitors_moved_on_by_htmx_each_get_their_own_next_step(client, publish):
    campaign = publish(branching_quiz())
    tokens, pages = [], []
    for _ in range(2):  # the same next step for both: the second is served the kept form
        url = client.post(f"/c/{campaign.slug}/").headers["Location"]
        answered = client.post(url, {"step": "about", "name": "Ada"}, HTTP_HX_REQUEST="true")
        assert answered.status_code == 200
        tokens.append(url.rstrip("/").rsplit("/", 1)[1])
        pages.append(answered.text)
    assert f'action="/c/{campaign.slug}/e/{tokens[1]}/"' in pages[1]
    assert f'/c/{campaign.slug}/e/{tokens[1]}/events' in pages[1]
    assert tokens[0] not in pages[1]
    assert pages[1] == pages[0].replace(tokens[0], tokens[1])


@pytest.mark.parametrize("mode", ["focus", "chat"])
def test_a_page_of_a_step_without_javascript_is_never_the_kept_whole_step(publish, mode):
    document = branching_quiz()
    campaign = publish({**document, "theme": {**document.get("theme", {}), "mode": mode}})
    definition = definition_for(campaign.published_version_id)
    step = next(s for s in definition.steps if len(modes.step_parts(definition, s)) > 1)
    entry = _visitor(campaign, step, definition, language="en", name="Ada", came_through=True)
    whole = step_context(entry, step.key)
    render_to_string("entries/_stage.html", whole)  # the whole step's form is kept now
    for part in range(len(modes.step_parts(definition, step))):
        page = step_page(whole, part)
        served = render_to_string("entries/_stage.html", page)
        assert f'name="part" value="{part}"' in served  # not the whole step's kept form
