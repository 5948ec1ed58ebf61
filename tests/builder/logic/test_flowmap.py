"""The flow map: a box per step and outcome, an arrow per jump, problems on their boxes, and
the same drawing every time."""

import re

import pytest
from django.urls import reverse

from builder.logic.flowmap import BOX_H, flow_map
from campaigns import flow
from campaigns.rule_checks import DraftIndex
from campaigns.services.campaigns import campaign_create
from tests.campaigns.flow.blueprints import (
    blueprint,
    finish_with,
    goto,
    leaf,
    outcome,
    question,
    rule,
    step,
)
from tests.entries.documents import branching_quiz, long_form


def draw(document):
    definition = flow.load(document)
    problems = flow.validate(definition)
    return flow_map(definition, DraftIndex.of(flow.normalise(document)), problems,
                    step_href="/logic/#rules-{key}", outcome_href="/edit/#outcomes")


def edge(drawing, source, target):
    return next(e for e in drawing.edges if e.source == source and e.target == target)


def test_every_step_and_outcome_is_a_box_and_every_jump_an_arrow():
    drawing = draw(branching_quiz())
    assert sorted(n.id for n in drawing.boxes) == [
        "outcome:coffee-lover", "outcome:tea-lover", "step:about", "step:strength",
        "step:taste"]  # no natural ending: every path ends with an outcome
    assert edge(drawing, "step:taste", "outcome:tea-lover").label == "drink is Tea"
    assert edge(drawing, "step:taste", "step:strength").label == "otherwise"
    assert edge(drawing, "step:strength", "outcome:coffee-lover").label == "always"
    assert edge(drawing, "step:about", "step:taste").labels == []
    assert len(drawing.edges) == 4


def test_layers_follow_the_longest_path_and_outcomes_come_last():
    drawing = draw(branching_quiz())
    layer = {n.id: n.layer for n in drawing.boxes}
    assert layer["step:about"] == 0
    assert layer["step:taste"] == 1
    assert layer["step:strength"] == 2
    assert layer["outcome:tea-lover"] == layer["outcome:coffee-lover"] == 3
    tea = edge(drawing, "step:taste", "outcome:tea-lover")
    assert len(tea.chain) == 1  # a waypoint in the layer it crosses
    for box in drawing.boxes:
        assert box.y == 24 + box.layer * (BOX_H + 92)


def test_back_jumps_and_scoring_are_drawn_apart():
    document = blueprint(
        step("a", question("x", "number")),
        step("b", question("y"), rules=[rule(goto("a"), leaf("answers.x", "lt", 3))]),
        settings={"scoring": "score"},
        outcomes=[outcome("low", 0, 5), outcome("high", 6, None), outcome("secret")],
    )
    drawing = draw(document)
    back = edge(drawing, "step:b", "step:a")
    assert back.back
    assert back.label == "x is less than 3"
    assert back.path.startswith("M")
    assert edge(drawing, "step:b", "end").label == "otherwise"
    scored = edge(drawing, "end", "outcome:high")
    assert scored.dashed
    assert scored.label == "score ≥ 6"
    assert edge(drawing, "end", "outcome:low").label == "score 0–5"
    assert not any(e.target == "outcome:secret" for e in drawing.edges)
    assert drawing.width > max(n.left + n.width for n in drawing.boxes)


def test_problems_are_marked_on_the_boxes_they_concern():
    document = blueprint(
        step("a", question("x"), rules=[rule(finish_with("done"))]),
        step("orphan", question("y")),
        outcomes=[outcome("done")],
    )
    drawing = draw(document)
    orphan = drawing.node("step:orphan")
    assert orphan.level in ("error", "warning")
    assert any(p.code == "step_unreachable" for p in orphan.problems)
    assert drawing.node("step:a").level == ""


def test_the_same_flow_draws_the_same_map():
    first, second = draw(long_form(12)), draw(long_form(12))
    assert [(n.id, n.x, n.y) for n in first.nodes] == [(n.id, n.x, n.y) for n in second.nodes]
    assert [e.path for e in first.edges] == [e.path for e in second.edges]


def test_fifty_steps_stay_readable():
    steps = [step(f"s{i}", question(f"q{i}", "single_choice", choices=[
        {"key": "a", "label": "A"}, {"key": "b", "label": "B"}]),
        rules=[rule(goto(f"s{i + 2}"), leaf(f"answers.q{i}", "equals", "b"))] if i < 48 else [])
        for i in range(50)]
    drawing = draw(blueprint(*steps))
    boxes = drawing.boxes
    assert len(boxes) == 51  # and the thank-you ending
    for first in boxes:
        for other in boxes:
            if first is not other and first.layer == other.layer:
                assert (first.left + first.width <= other.left
                        or other.left + other.width <= first.left)
    assert drawing.width < 1200  # scrolls down, not sideways


@pytest.mark.django_db
def test_the_page_draws_the_svg_and_lists_problems_with_fix_links(login, viewer, workspace,
                                                                   owner):
    document = branching_quiz()
    document["steps"].append({"key": "orphan", "title": "Nobody comes here",
                              "questions": [{"key": "late", "kind": "short_text",
                                             "label": "Late"}]})
    campaign = campaign_create(workspace=workspace, by=owner, document=document)
    page = login(viewer).get(reverse("builder:campaign_map", args=[campaign.pk])).text
    start = page.index('<svg class="flowmap"')
    svg = page[start:page.index("</svg>", start)]
    # 4 steps, the ending the orphan falls through to, 2 outcomes
    assert len(re.findall(r'class="box box--(?:step|outcome|end)', svg)) == 7
    assert len(re.findall(r'<path class="edge', svg)) == 5
    orphan = svg[svg.index('id="map-steporphan"') - 80:svg.index('id="map-steporphan"')]
    assert "box--warning" in orphan or "box--error" in orphan
    assert f"/app/campaigns/{campaign.pk}/logic/#rules-orphan" in page
    assert "Fix in Logic" in page
    assert "drink is Tea" in page  # the text list of connections


@pytest.mark.django_db
def test_a_draft_that_does_not_load_lists_its_problems(login, editor, workspace, owner):
    campaign = campaign_create(workspace=workspace, by=owner, document=branching_quiz())
    campaign.steps.all().delete()
    response = login(editor).get(reverse("builder:campaign_map", args=[campaign.pk]))
    assert response.status_code == 200
    assert "flowmap" not in response.text
    assert "cannot be drawn" in response.text


def test_a_tangled_flow_stays_bounded():
    count = 200
    steps = [step(f"s{i}", question(f"q{i}", "number"), rules=[
        rule(goto(f"s{count - 1}"), leaf(f"answers.q{i}", "gt", 1)),
        rule(goto(f"s{min(i + 2, count - 1)}"), leaf(f"answers.q{i}", "lt", 0)),
    ] if i < count - 2 else []) for i in range(count)]
    drawing = draw(blueprint(*steps))
    boxes = len(drawing.boxes)
    waypoints = len(drawing.nodes) - boxes
    assert 0 < waypoints <= 3 * boxes
    assert all(edge.path for edge in drawing.edges)
    assert drawing.width < 4000
