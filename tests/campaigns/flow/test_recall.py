"""Recall and merge tags: allow-listed names, escaping, and no second expansion."""

from __future__ import annotations

import pytest

from campaigns.flow import State, load, recall_context, render, tags_in, untagged

from .blueprints import adjust, blueprint, choice, outcome, question, rule, step


@pytest.fixture
def flow():
    return load(
        blueprint(
            step(
                "s",
                question("name"),
                question("colours", "multiple_choice", choices=[choice("red"), choice("blue")]),
                question("vip", "yes_no"),
                rules=[rule(adjust("add", "vars.stars", 1))],
            ),
            outcomes=[outcome("o", title="Well done {{ answers.name }}")],
        )
    )


def test_context_shows_answers_as_visitors_see_them(flow) -> None:
    answers = {"name": "Ada", "colours": ["red", "blue"], "vip": False, "ghost": "x"}
    context = recall_context(flow, answers, State(score=7.5, vars={"stars": 2}), flow.outcomes[0])
    assert context == {
        "answers.name": "Ada",
        "answers.colours": "Red, Blue",
        "answers.vip": "No",
        "score": "7.5",
        "vars.stars": "2",
        "outcome.title": "Well done Ada",
    }


def test_unset_variables_and_no_outcome(flow) -> None:
    context = recall_context(flow, {}, State(), None)
    assert context["vars.stars"] == "0"
    assert context["outcome.title"] == ""
    assert context["score"] == "0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {{ answers.name }}!", "Hi Ada!"),
        ("Hi {{answers.name}}!", "Hi Ada!"),
        ("Hi {{   answers.name\n}}!", "Hi Ada!"),
        ("Score: {{ score }}", "Score: 3"),
        ("{{ unknown }}|{{ answers.ghost }}|{{ }}", "||"),
        ("{{ answers.name|upper }}", ""),
        ("{ answers.name } {{ answers.name }", "{ answers.name } {{ answers.name }"),
        ("{% if 1 %}x{% endif %}", "{% if 1 %}x{% endif %}"),
        ("{{ result_link }}", "https://example.com/r/1"),
    ],
)
def test_render_plain_text(text: str, expected: str) -> None:
    context = {"answers.name": "Ada", "score": "3", "result_link": "https://example.com/r/1"}
    assert render(text, context, html=False) == expected


def test_answers_are_escaped_in_html(flow) -> None:
    context = recall_context(flow, {"name": "<script>alert('x')</script>"}, State(), None)
    html = render("<p>Hi {{ answers.name }}</p>", context, html=True)
    assert html == "<p>Hi &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</p>"
    assert render("{{ answers.name }}", context, html=False) == "<script>alert('x')</script>"


def test_tags_inside_answers_are_not_expanded_again(flow) -> None:
    context = recall_context(
        flow, {"name": "{{ score }} {{ outcome.title }}"}, State(score=99), None
    )
    assert render("{{ answers.name }}", context, html=False) == "{{ score }} {{ outcome.title }}"
    assert render("{{ answers.name }}", context, html=True) == "{{ score }} {{ outcome.title }}"


def test_outcome_title_recall_is_not_expanded_twice(flow) -> None:
    context = recall_context(flow, {"name": "{{ score }}"}, State(score=5), flow.outcomes[0])
    assert render("{{ outcome.title }}", context, html=False) == "Well done {{ score }}"


def test_tags_in_lists_each_name_once_in_order() -> None:
    text = "{{ answers.a }} {{score}} {{ answers.a }} {{ vars.x }}"
    assert tags_in(text) == ["answers.a", "score", "vars.x"]
    assert tags_in("no tags { here }") == []


def test_render_is_linear_on_hostile_text() -> None:
    text = "{{" + " " * 200_000 + "x" + "{{" * 50_000
    assert render(text, {}, html=True) == text


def test_untagged_shows_each_tag_as_an_ellipsis_for_labels_about_all_entries():
    assert untagged("You're in, {{ answers.first_name }}!") == "You're in, …!"
    assert untagged("{{score}} of {{ vars.max }}") == "… of …"
    assert untagged("No tags at all") == "No tags at all"
