"""Rule services: every condition the editor can build loads in the engine; bad rules and stale
edits are refused with a message and change nothing."""

import pytest
from django.http import QueryDict

from builder.logic import ruleform, widgets
from campaigns import flow
from campaigns.documents import draft_document
from campaigns.models import Rule
from campaigns.rule_checks import DraftIndex, DraftQuestion, RuleInvalid
from campaigns.services.campaigns import campaign_create
from campaigns.services.drafts import StaleDraft
from campaigns.services.rules import (
    campaign_scoring_set,
    rule_create,
    rule_delete,
    rule_move,
    rule_update,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CHOICES = [{"key": "small", "label": "Small"}, {"key": "large", "label": "Large"}]
SAMPLES = {
    "select": (["large"], ""), "checkboxes": (["large"], ""), "yesno": (["true"], ""),
    "number": (["3"], ""), "number_range": (["1"], "5"), "date": (["2026-01-01"], ""),
    "date_range": (["2026-01-01"], "2026-12-31"), "text": (["abc"], ""),
    "lines": (["abc\ndef"], ""), "numbers": (["1, 2.5"], ""), "none": ([], ""),
}


def every_kind_document():
    questions = []
    for kind in flow.KINDS:
        question = {"key": f"q-{kind.replace('_', '-')}", "kind": kind, "label": kind}
        if kind in ("single_choice", "dropdown", "multiple_choice"):
            question["choices"] = CHOICES
        if kind == "image_choice":
            question["choices"] = [{**c, "image": "gallery/x.svg"} for c in CHOICES]
        questions.append(question)
    return {"schema": 1, "name": "Everything", "kind": "quiz",
            "steps": [{"key": "all", "title": "All kinds", "questions": questions},
                      {"key": "next", "title": "Next",
                       "questions": [{"key": "last", "kind": "short_text", "label": "Last"}]}],
            "outcomes": [{"key": "done", "title": "Done"}]}


@pytest.fixture
def owner_membership():
    return MembershipFactory()


@pytest.fixture
def campaign(owner_membership):
    return campaign_create(workspace=owner_membership.workspace, by=owner_membership.user,
                           document=every_kind_document())


def fields_of(index):
    return [value for _label, options in ruleform.field_options(index) for value, _ in options]


def test_every_operator_the_editor_offers_builds_a_rule_the_engine_loads(campaign,
                                                                         owner_membership):
    step = campaign.steps.get(key="all")
    index = DraftIndex.of(draft_document(campaign))
    built = 0
    for name in fields_of(index):
        leaves = []
        for op in index.operators_for_field(name):
            widget = widgets.widget_for(index, name, op)
            values, value2 = SAMPLES[widget.name]
            if widget.options:  # choices, yes/no, the points of a rating scale
                values = [widget.options[-1][0]]
            leaves.append(ruleform.Leaf(f"w.{len(leaves)}", name, op, list(values), value2))
        condition, errors = ruleform.condition_from_tree(ruleform.Group("w", "any", leaves),
                                                         index)
        assert not errors, (name, errors)
        campaign.refresh_from_db()
        rule_create(step=step, condition=condition, action={"type": "end"},
                    by=owner_membership.user, revision=campaign.revision)
        built += len(leaves)
    definition = flow.load(draft_document(campaign))
    rules = definition.steps_by_key["all"].rules
    assert sum(len(rule.when.items) for rule in rules) == built > 100
    answers = {"q-number": 3, "q-single-choice": "large", "q-date": "2026-06-01"}
    for rule in rules:
        flow.evaluate(rule.when, flow.Context(answers))  # total: never raises


def test_kinds_without_an_answer_are_not_offered(campaign):
    index = DraftIndex.of(draft_document(campaign))
    offered = fields_of(index)
    assert "answers.q-statement" not in offered
    assert "answers.q-file-upload" in offered  # is answered / is not answered
    assert index.operators_for_field("answers.q-file-upload") == ("is_empty", "is_not_empty")
    assert "score" in offered


def test_posted_form_fields_round_trip_through_the_tree():
    post = QueryDict(mutable=True)
    post.update({"w-mode": "any"})
    for node in ("w.0|leaf", "w.1|group", "w.1.0|leaf", "w.1.1|frozen"):
        post.appendlist("node", node)
    post.update({"w.0-field": "answers.size", "w.0-op": "equals", "w.0-value": "large",
                 "w.1-mode": "all", "w.1.0-field": "score", "w.1.0-op": "between",
                 "w.1.0-value": "1", "w.1.0-value2": "4",
                 "w.1.1-json": '{"any": [{"field": "score", "op": "gt", "value": 9}]}'})
    index = DraftIndex(questions={"size": ruleform_question()})
    condition, errors = ruleform.condition_from_tree(ruleform.tree_from_post(post), index)
    assert not errors
    assert condition == {"any": [
        {"field": "answers.size", "op": "equals", "value": "large"},
        {"all": [{"field": "score", "op": "between", "value": [1, 4]},
                 {"any": [{"field": "score", "op": "gt", "value": 9}]}]},
    ]}
    again = ruleform.condition_from_tree(ruleform.tree_from_condition(condition), index)[0]
    assert again == condition


def ruleform_question():
    return DraftQuestion("size", "single_choice", "Size", "s1",
                         {"small": "Small", "large": "Large"}, {})


def test_edits_add_and_remove_rows_and_groups():
    root = ruleform.Group("w", "all", [ruleform.Leaf("w.0", "score", "gt", ["1"])])
    new = ruleform.Leaf("", "score", "lt", ["2"])
    root = ruleform.apply_edit(root, "group:w", new)
    assert [type(i).__name__ for i in root.items] == ["Leaf", "Group"]
    assert root.items[1].path == "w.1"
    assert root.items[1].items[0].path == "w.1.0"
    root = ruleform.apply_edit(root, "group:w.1", ruleform.Leaf("", "score"))  # too deep
    assert len(root.items[1].items) == 1
    root = ruleform.apply_edit(root, "remove:w.0", new)
    assert root.items[0].path == "w.0"
    assert isinstance(root.items[0], ruleform.Group)


@pytest.mark.parametrize(("condition", "action", "where", "says"), [
    ({"all": [{"field": "answers.nope", "op": "equals", "value": "x"}]}, {"type": "end"},
     "when.0.field", "no longer exists"),
    ({"all": [{"field": "answers.q-number", "op": "contains", "value": "x"}]}, {"type": "end"},
     "when.0.op", "does not fit"),
    ({"all": [{"field": "answers.q-single-choice", "op": "equals", "value": "huge"}]},
     {"type": "end"}, "when.0.value", "option no longer exists"),
    ({"all": [{"field": "answers.q-number", "op": "between", "value": [5, 1]}]},
     {"type": "end"}, "when.0.value", "smaller number first"),
    ({"all": [{"field": "answers.q-short-text", "op": "matches", "value": "(a"}]},
     {"type": "end"}, "when.0.value", "not a valid regular expression"),
    ({"all": [{"field": "answers.q-yes-no", "op": "equals", "value": "maybe"}]},
     {"type": "end"}, "when.0.value", "Yes or No"),
    ({"all": []}, {"type": "end"}, "when", "at least one condition"),
    ({"all": [{"field": "score", "op": "bogus", "value": 1}]}, {"type": "end"}, "when.0.op",
     "Choose a comparison"),
    (None, {"type": "goto_step", "step": "gone"}, "action.step", "no longer exists"),
    (None, {"type": "goto_step", "step": "all"}, "action.step", "cannot jump to itself"),
    (None, {"type": "goto_outcome", "outcome": "gone"}, "action.outcome", "no longer exists"),
    (None, {"type": "add", "target": "vars.Bad Name", "value": 1}, "action.target", "variable"),
    (None, {"type": "set", "target": "score", "value": "x"}, "action.value", "number"),
    (None, {"type": "explode"}, "action.type", "Choose what happens"),
])
def test_bad_rules_are_refused_with_a_message_at_the_field(campaign, owner_membership, condition,
                                                           action, where, says):
    step = campaign.steps.get(key="all")
    with pytest.raises(RuleInvalid) as refused:
        rule_create(step=step, condition=condition, action=action, by=owner_membership.user,
                    revision=campaign.revision)
    assert says in refused.value.errors[where]
    assert not Rule.objects.filter(step=step).exists()
    revision = campaign.revision
    campaign.refresh_from_db()
    assert campaign.revision == revision


def test_a_step_holds_at_most_a_hundred_rules(campaign, owner_membership):
    step = campaign.steps.get(key="all")
    Rule.objects.bulk_create(Rule(step=step, position=n, action={"type": "end"})
                             for n in range(100))
    with pytest.raises(RuleInvalid) as refused:
        rule_create(step=step, condition=None, action={"type": "end"},
                    by=owner_membership.user, revision=campaign.revision)
    assert "at most 100 rules" in refused.value.errors["rule"]


def test_stale_edits_are_refused_and_change_nothing(campaign, owner_membership):
    step = campaign.steps.get(key="all")
    user = owner_membership.user
    rule = rule_create(step=step, condition=None, action={"type": "goto_step", "step": "next"},
                       by=user, revision=campaign.revision)
    stale = campaign.revision - 1
    with pytest.raises(StaleDraft):
        rule_update(rule=rule, condition=None, action={"type": "end"}, by=user,
                    revision=stale)
    with pytest.raises(StaleDraft):
        rule_delete(rule=rule, by=user, revision=stale)
    with pytest.raises(StaleDraft):
        rule_create(step=step, condition=None, action={"type": "end"}, by=user,
                    revision=stale)
    with pytest.raises(StaleDraft):
        campaign_scoring_set(campaign=campaign, scoring="score", by=user, revision=stale)
    rule.refresh_from_db()
    assert rule.action == {"type": "goto_step", "step": "next"}
    assert Rule.objects.filter(step=step).count() == 1


def test_moving_and_deleting_keep_positions_dense(campaign, owner_membership):
    step = campaign.steps.get(key="all")
    user = owner_membership.user

    def create(value):
        campaign.refresh_from_db()
        return rule_create(step=step, condition=None,
                           action={"type": "add", "target": "score", "value": value},
                           by=user, revision=campaign.revision)

    first, second, third = create(1), create(2), create(3)
    campaign.refresh_from_db()
    rule_move(rule=third, position=0, by=user, revision=campaign.revision)
    order = list(step.rules.values_list("action__value", flat=True))
    assert order == [3, 1, 2]
    campaign.refresh_from_db()
    rule_move(rule=third, position=99, by=user, revision=campaign.revision)
    assert list(step.rules.values_list("action__value", flat=True)) == [1, 2, 3]
    campaign.refresh_from_db()
    rule_delete(rule=first, by=user, revision=campaign.revision)
    assert list(step.rules.values_list("position", flat=True)) == [0, 1]
    assert second.pk in step.rules.values_list("pk", flat=True)


def test_scoring_mode_is_set_and_checked(campaign, owner_membership):
    campaign_scoring_set(campaign=campaign, scoring="weights", by=owner_membership.user,
                         revision=campaign.revision)
    campaign.refresh_from_db()
    assert campaign.scoring == "weights"
    with pytest.raises(RuleInvalid):
        campaign_scoring_set(campaign=campaign, scoring="luck", by=owner_membership.user,
                             revision=campaign.revision)


def test_moving_a_rule_where_it_already_is_writes_nothing(campaign, owner_membership):
    step = campaign.steps.get(key="all")
    rule = rule_create(step=step, condition=None, action={"type": "end"},
                       by=owner_membership.user, revision=campaign.revision)
    campaign.refresh_from_db()
    revision = campaign.revision
    rule_move(rule=rule, position=-5, by=owner_membership.user, revision=revision)
    campaign.refresh_from_db()
    assert campaign.revision == revision
