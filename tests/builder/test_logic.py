"""The rule editor's views: plain forms and HTMX, errors next to fields, stale edits refused."""

import pytest
from django.urls import reverse

from campaigns.models import Rule
from campaigns.services.campaigns import campaign_create
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def campaign(workspace, owner):
    return campaign_create(workspace=workspace, by=owner, document=branching_quiz())


def logic_url(campaign):
    return reverse("builder:campaign_logic", args=[campaign.pk])


def new_rule_post(campaign, **fields):
    data = {"revision": campaign.revision, "step": "about", "node": ["w.0|leaf"],
            "w-mode": "all", "w.0-field": "answers.name", "w.0-op": "equals",
            "w.0-value": "Ada", "action-type": "goto_step", "action-step": "strength",
            "save": "1"}
    data.update(fields)
    return data


def test_the_page_lists_each_steps_rules_as_sentences(login, editor, campaign):
    response = login(editor).get(logic_url(campaign))
    assert response.status_code == 200
    page = response.text
    assert 'id="rules-taste"' in page
    assert 'id="rules-about"' in page
    assert "drink is Tea" in page
    assert "go to outcome “A tea person”" in page
    assert "+ Add a rule" in page
    assert 'aria-current="page">Logic</a>' in page


def test_a_viewer_sees_rules_but_no_forms(login, viewer, campaign):
    page = login(viewer).get(logic_url(campaign) + "?add=about").text
    assert "drink is Tea" in page
    assert "<form class=\"rule-form\"" not in page
    assert "+ Add a rule" not in page


def test_adding_a_rule_without_javascript(login, editor, campaign):
    client = login(editor)
    form = client.get(logic_url(campaign) + "?add=about").text
    assert 'id="new-about-w-0-field"' in form
    assert "Condition 1: question" in form
    response = client.post(reverse("builder:rule_new", args=[campaign.pk]),
                           new_rule_post(campaign))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#rules-about")
    rule = Rule.objects.get(step__key="about")
    assert rule.condition == {"all": [{"field": "answers.name", "op": "equals", "value": "Ada"}]}
    assert rule.action == {"type": "goto_step", "step": "strength"}
    assert "name is “Ada”" in client.get(logic_url(campaign)).text


def test_with_htmx_changing_the_question_redraws_the_pickers_without_saving(login, editor,
                                                                           campaign):
    data = new_rule_post(campaign, **{"w.0-field": "answers.drink", "edit": "refresh"})
    del data["save"]
    response = login(editor).post(reverse("builder:rule_new", args=[campaign.pk]), data, **HTMX)
    assert response.status_code == 200
    form = response.text
    assert form.lstrip().startswith("<form")
    # a choice question: its comparisons and a select of its choices
    assert '<option value="any_of"' in form
    assert '<option value="contains"' not in form
    assert '<option value="tea"' in form
    assert '<option value="coffee"' in form
    assert not Rule.objects.filter(step__key="about").exists()


def test_adding_and_removing_rows_and_groups(login, editor, campaign):
    client = login(editor)
    url = reverse("builder:rule_new", args=[campaign.pk])
    data = new_rule_post(campaign, edit="group:w")
    del data["save"]
    form = client.post(url, data, **HTMX).text
    assert 'name="node" value="w.1|group"' in form
    assert 'id="new-about-w-1-0-field"' in form
    data = new_rule_post(campaign, edit="remove:w.0")
    del data["save"]
    form = client.post(url, data, **HTMX).text
    assert "Always: this rule has no condition" in form


def test_with_htmx_a_save_redraws_every_step_on_the_new_revision(login, editor, campaign):
    response = login(editor).post(reverse("builder:rule_new", args=[campaign.pk]),
                                  new_rule_post(campaign), **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#logic-steps"
    campaign.refresh_from_db()
    assert f'name="revision" value="{campaign.revision}"' in response.text
    assert "name is “Ada”" in response.text


def test_an_error_is_shown_next_to_its_field_with_status_200(login, editor, campaign):
    client = login(editor)
    response = client.post(reverse("builder:rule_new", args=[campaign.pk]),
                           new_rule_post(campaign, **{"w.0-field": "answers.rating",
                                                      "w.0-op": "gt", "w.0-value": "lots"}),
                           **HTMX)
    assert response.status_code == 200
    assert 'id="new-about-w-0-error"' in response.text
    assert "Enter a number" in response.text
    assert 'aria-describedby="new-about-w-0-error"' in response.text
    assert "The rule was not saved: 1 field below needs your attention." in response.text
    response = client.post(reverse("builder:rule_new", args=[campaign.pk]),
                           new_rule_post(campaign, **{"action-step": "gone"}))
    assert response.status_code == 200
    assert "This step no longer exists" in response.text
    assert not Rule.objects.filter(step__key="about").exists()


def test_a_stale_save_says_who_changed_what_and_keeps_the_input(login, editor, owner, campaign):
    client = login(editor)
    stale = campaign.revision
    client.post(reverse("builder:campaign_scoring", args=[campaign.pk]),
                {"scoring": "score", "revision": stale})
    response = client.post(reverse("builder:rule_new", args=[campaign.pk]),
                           new_rule_post(campaign, revision=stale), **HTMX)
    assert response.status_code == 200
    assert "was changed by" in response.text
    assert "Scoring set to" in response.text
    assert 'value="Ada"' in response.text
    assert not Rule.objects.filter(step__key="about").exists()


def test_rules_move_and_are_deleted(login, editor, campaign):
    client = login(editor)
    step = campaign.steps.get(key="taste")
    client.post(reverse("builder:rule_new", args=[campaign.pk]),
                new_rule_post(campaign, step="taste", **{"w.0-field": "score", "w.0-op": "gt",
                                                         "w.0-value": "5"}))
    first, second = step.rules.all()
    campaign.refresh_from_db()
    response = client.post(reverse("builder:rule_move", args=[campaign.pk, second.pk]),
                           {"direction": "up", "revision": campaign.revision}, **HTMX)
    assert response.status_code == 200
    assert list(step.rules.values_list("pk", flat=True)) == [second.pk, first.pk]
    campaign.refresh_from_db()
    url = reverse("builder:rule_delete", args=[campaign.pk, first.pk])
    # A plain form asks first: the rule stays until the confirmation page's form is sent.
    response = client.post(url, {"revision": campaign.revision})
    assert response.status_code == 200
    assert "<h1>Delete the rule?</h1>" in response.text
    assert "It cannot be undone." in response.text
    assert f'<input type="hidden" name="revision" value="{campaign.revision}">' in response.text
    assert '<input type="hidden" name="confirm" value="1">' in response.text
    assert step.rules.count() == 2
    response = client.post(url, {"revision": campaign.revision, "confirm": "1"})
    assert response.status_code == 302
    assert list(step.rules.values_list("pk", flat=True)) == [second.pk]


def test_a_rule_of_another_campaign_is_404(login, editor, campaign, workspace, owner):
    other = campaign_create(workspace=workspace, by=owner, document=branching_quiz())
    rule = Rule.objects.filter(step__campaign=other).first()
    response = login(editor).post(reverse("builder:rule", args=[campaign.pk, rule.pk]),
                                  new_rule_post(campaign))
    assert response.status_code == 404


def test_editing_an_existing_rule_keeps_deep_groups(login, editor, campaign):
    rule = Rule.objects.get(step__key="taste")
    deep = {"any": [{"all": [{"any": [{"field": "score", "op": "gt", "value": 3}]}]}]}
    Rule.objects.filter(pk=rule.pk).update(condition=deep)
    client = login(editor)
    form = client.get(logic_url(campaign) + f"?edit={rule.pk}").text
    assert "nested deeper than this editor edits" in form
    data = {"revision": campaign.revision, "node": ["w.0|group", "w.0.0|frozen"],
            "w-mode": "any", "w.0-mode": "all",
            "w.0.0-json": '{"any": [{"field": "score", "op": "gt", "value": 3}]}',
            "action-type": "end", "save": "1"}
    assert client.post(reverse("builder:rule", args=[campaign.pk, rule.pk]),
                       data).status_code == 302
    rule.refresh_from_db()
    assert rule.condition == deep
    assert rule.action == {"type": "end"}


def test_scoring_mode_is_chosen_here(login, editor, campaign):
    response = login(editor).post(reverse("builder:campaign_scoring", args=[campaign.pk]),
                                  {"scoring": "weights", "revision": campaign.revision}, **HTMX)
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.scoring == "weights"
    assert 'value="weights" checked' in response.text


@pytest.mark.parametrize("data", [
    {},
    {"node": ["w.0|leaf", "w.0|leaf", "x|leaf", "w.9.9.9|group", "w.1|frozen"], "save": "1",
     "w.1-json": "[1, 2", "action-type": "add", "action-value": "1e999"},
    {"node": ["w.0|frozen"], "w.0-json": '{"all": [{"field": "answers.nope", "op": "x"}]}',
     "save": "1", "action-type": "end"},
    {"node": ["w.0|leaf"], "w.0-field": "answers.rating", "w.0-op": "any_of",
     "w.0-value": ["-", "999999999999", "three"], "save": "1", "action-type": "goto_outcome"},
    {"node": ["w.0|leaf"] * 300, "save": "1"},
    {"edit": "remove:w", "node": ["w.0|leaf"]},
    {"edit": "group:w.0.0.0", "node": ["w.0|leaf"]},
    {"step": "nope", "save": "1"},
])
def test_garbage_never_breaks_the_rule_editor(login, editor, campaign, data):
    client = login(editor)
    rule = Rule.objects.get(step__key="taste")
    for url in (reverse("builder:rule_new", args=[campaign.pk]),
                reverse("builder:rule", args=[campaign.pk, rule.pk])):
        for extra in ({}, HTMX):
            response = client.post(url, {"step": "about", "revision": campaign.revision, **data},
                                   **extra)
            assert response.status_code in (200, 302), response.status_code
    rule.refresh_from_db()
    assert rule.action == {"type": "goto_outcome", "outcome": "tea-lover"}
    for query in ("?edit=abc", "?edit=999999", "?add=", "?add=nope"):
        assert client.get(logic_url(campaign) + query).status_code == 200
    for move in ({"direction": "sideways"}, {"position": "-1"}, {"position": "9" * 30}):
        response = client.post(reverse("builder:rule_move", args=[campaign.pk, rule.pk]), move)
        assert response.status_code == 302


def test_the_scoring_card_says_what_picks_each_outcome(login, editor, campaign):
    campaign.outcomes.filter(key="coffee-lover").update(min_score=0, max_score=5)
    campaign.scoring = "score"
    campaign.save()
    page = login(editor).get(logic_url(campaign)).text
    assert "<strong>Coffee it is</strong>: score 0 to 5" in page
    assert "<strong>A tea person</strong>: no range: reached only by a rule" in page
