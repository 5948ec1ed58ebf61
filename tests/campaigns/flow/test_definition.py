"""load / normalise / dump, and BlueprintError on hostile documents."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from campaigns.flow import BlueprintError, dump, load, normalise

from .blueprints import blueprint, choice, leaf, outcome, question, rule, step

README = Path(__file__).resolve().parents[3] / "campaigns" / "blueprints" / "README.md"


def readme_example() -> dict[str, Any]:
    return json.loads(re.search(r"```json\n(.*?)```", README.read_text(), re.S).group(1))


def problems_of(doc: Any) -> dict[str, str]:
    with pytest.raises(BlueprintError) as refused:
        load(doc)
    return {problem.path: problem.code for problem in refused.value.problems}


def test_readme_example_loads_and_round_trips() -> None:
    doc = readme_example()
    definition = load(doc)
    assert definition.steps_by_key["taste"].questions[0].choice_index["strong"].points == 2
    assert dump(definition) == normalise(doc)
    assert normalise(normalise(doc)) == normalise(doc)
    assert json.loads(json.dumps(dump(definition))) == dump(definition)


def test_defaults_are_filled_in() -> None:
    minimal = blueprint({"key": "only", "questions": [{"key": "n", "kind": "number"}]})
    data = normalise(minimal)
    assert data["intro"] is None
    assert data["settings"] == {"scoring": "none", "progress": True, "allow_back": True}
    assert data["theme"]["font"] == "system"
    assert data["steps"][0]["questions"][0] == {
        "key": "n",
        "kind": "number",
        "label": "",
        "help": "",
        "required": False,
        "placeholder": "",
        "validation": {"min": None, "max": None, "integer": False},
        "choices": [],
        "correct": None,
        "points": 0,
        "contact": "none",
    }
    assert data["outcomes"] == []
    assert data["emails"] == []


def _roles(*questions: dict[str, Any]) -> dict[str, str]:
    doc = blueprint({"key": "a", "questions": list(questions[:2])},
                    {"key": "b", "questions": list(questions[2:])})
    data = normalise(doc)
    assert normalise(data) == data
    return {q["key"]: q["contact"] for step in data["steps"] for q in step["questions"]}


def test_contact_roles_default_by_kind() -> None:
    # The first email question is the email; name-like short texts (by key or label) the name.
    assert _roles(
        {"key": "first_name", "kind": "short_text"},
        {"key": "q2", "kind": "short_text", "label": "What's your last name?"},
        {"key": "work_email", "kind": "email"},
        {"key": "friend_email", "kind": "email"},
        {"key": "company", "kind": "short_text", "label": "Company name"},
    ) == {"first_name": "name", "q2": "name", "work_email": "email", "friend_email": "none",
          "company": "none"}


def test_a_marked_contact_role_wins_over_the_default() -> None:
    assert _roles(
        {"key": "friend_email", "kind": "email", "contact": "none"},
        {"key": "name", "kind": "short_text"},
        {"key": "email", "kind": "email"},
        {"key": "nickname", "kind": "short_text", "contact": "name"},
    ) == {"friend_email": "none", "name": "none", "email": "email", "nickname": "name"}


def test_a_contact_role_the_kind_cannot_hold_is_refused() -> None:
    assert problems_of(blueprint({"key": "a", "questions": [
        {"key": "age", "kind": "number", "contact": "email"},
        {"key": "e", "kind": "email", "contact": "name"},
        {"key": "n", "kind": "short_text", "contact": "phone"},
    ]})) == {"steps[0].questions[0].contact": "invalid_value",
             "steps[0].questions[1].contact": "invalid_value",
             "steps[0].questions[2].contact": "invalid_value"}


def test_condition_without_value_is_normalised() -> None:
    doc = blueprint(
        step(
            "s",
            question("q"),
            rules=[rule({"type": "end"}, {"any": [{"field": "answers.q", "op": "is_empty"}]})],
        )
    )
    assert normalise(doc)["steps"][0]["rules"][0]["when"] == {
        "any": [{"field": "answers.q", "op": "is_empty", "value": None}]
    }


def test_indexes() -> None:
    definition = load(
        blueprint(
            step("one", question("name")),
            step("two", question("colour", "single_choice")),
            outcomes=[outcome("top")],
        )
    )
    assert definition.step_positions == {"one": 0, "two": 1}
    assert definition.question_steps["colour"] == "two"
    assert definition.questions_by_key["colour"].choice_index["a"].label == "A"
    assert definition.outcomes_by_key["top"].title == "Outcome top"


def test_load_does_not_change_its_input() -> None:
    doc = readme_example()
    original = copy.deepcopy(doc)
    load(doc)
    assert doc == original


def test_script_in_text_is_kept_as_data() -> None:
    doc = blueprint(
        step(
            "s",
            question("q", label="<script>alert(1)</script>"),
            body="<img src=x onerror=alert(1)>",
        )
    )
    definition = load(doc)
    assert definition.steps[0].body == "<img src=x onerror=alert(1)>"
    assert definition.steps[0].questions[0].label == "<script>alert(1)</script>"


def deep_list(depth: int) -> list:
    """Deeper than repr() or any recursive walk could follow."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def nested(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = leaf("score", "gt", 1)
    for _ in range(depth):
        condition = {"all": [condition]}
    return condition


HOSTILE = [
    (None, {"": "wrong_type"}),
    ([], {"": "wrong_type"}),
    ("steps", {"": "wrong_type"}),
    ({}, {"schema": "missing_field", "name": "missing_field", "steps": "missing_field"}),
    ({**blueprint(step("s")), "schema": 2}, {"schema": "invalid_value"}),
    ({**blueprint(step("s")), "schema": True}, {"schema": "invalid_value"}),
    ({**blueprint(step("s")), "kind": "lottery"}, {"kind": "invalid_value"}),
    ({**blueprint(step("s")), "name": ""}, {"name": "too_short"}),
    ({**blueprint(step("s")), "name": 7}, {"name": "wrong_type"}),
    ({**blueprint(step("s")), "hack": 1}, {"hack": "unknown_field"}),
    ({**blueprint(step("s")), 3: 1}, {"": "unknown_field"}),
    ({**blueprint(step("s")), "steps": []}, {"steps": "too_few"}),
    ({**blueprint(step("s")), "steps": {"a": 1}}, {"steps": "wrong_type"}),
    ({**blueprint(step("s")), "theme": {"primary": "red"}}, {"theme.primary": "invalid_value"}),
    (
        {**blueprint(step("s")), "theme": {"logo": "javascript:alert(1)"}},
        {"theme.logo": "invalid_value"},
    ),
    (
        {**blueprint(step("s")), "settings": {"scoring": "magic"}},
        {"settings.scoring": "invalid_value"},
    ),
    (
        {**blueprint(step("s")), "settings": {"progress": "yes"}},
        {"settings.progress": "wrong_type"},
    ),
    ({**blueprint(step("s")), "intro": "hello"}, {"intro": "wrong_type"}),
    (blueprint("not a step"), {"steps[0]": "wrong_type"}),
    (blueprint({"title": "no key"}), {"steps[0].key": "missing_field"}),
    (blueprint(step("Bad Key")), {"steps[0].key": "invalid_value"}),
    (blueprint(step("s"), step("s")), {"steps[1].key": "duplicate_key"}),
    (
        blueprint(step("s", question("q", "slider"))),
        {"steps[0].questions[0].kind": "invalid_value"},
    ),
    (blueprint(step("s", {"key": "q"})), {"steps[0].questions[0].kind": "missing_field"}),
    (
        blueprint(step("s", question("q")), step("t", question("q"))),
        {"steps[1].questions[0].key": "duplicate_key"},
    ),
    (
        blueprint(step("s", question("q", required="yes"))),
        {"steps[0].questions[0].required": "wrong_type"},
    ),
    (
        blueprint(step("s", question("q", validation={"max": 3}))),
        {"steps[0].questions[0].validation.max": "unknown_field"},
    ),
    (
        blueprint(step("s", question("q", validation={"max_length": -1}))),
        {"steps[0].questions[0].validation.max_length": "invalid_value"},
    ),
    (
        blueprint(step("s", question("q", "number", validation={"min": float("nan")}))),
        {"steps[0].questions[0].validation.min": "invalid_value"},
    ),
    (
        blueprint(step("s", question("q", "number", points=10**400))),
        {"steps[0].questions[0].points": "invalid_value"},
    ),
    (
        blueprint(step("s", question("q", choices=[choice("a")]))),
        {"steps[0].questions[0].choices": "invalid_value"},
    ),
    (
        blueprint(step("s", question("q", "single_choice", choices=[choice("a"), choice("a")]))),
        {"steps[0].questions[0].choices[1].key": "duplicate_key"},
    ),
    (
        blueprint(step("s", question("q", "single_choice", choices=[choice("a", weights=[1])]))),
        {"steps[0].questions[0].choices[0].weights": "wrong_type"},
    ),
    (
        blueprint(step("s", question("q", "yes_no", correct="yes"))),
        {"steps[0].questions[0].correct": "invalid_value"},
    ),
    (blueprint(step("s", rules=[{"when": None}])), {"steps[0].rules[0].action": "missing_field"}),
    (
        blueprint(step("s", rules=[rule({"type": "explode"})])),
        {"steps[0].rules[0].action.type": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "goto_step"})])),
        {"steps[0].rules[0].action.step": "missing_field"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end", "step": "s"})])),
        {"steps[0].rules[0].action.step": "unknown_field"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "add", "target": "points", "value": 1})])),
        {"steps[0].rules[0].action.target": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "set", "target": "score", "value": "1"})])),
        {"steps[0].rules[0].action.value": "wrong_type"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("answers.q", "resembles", 1))])),
        {"steps[0].rules[0].when.op": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("answer.q", "equals", 1))])),
        {"steps[0].rules[0].when.field": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, {"field": "score", "op": "gt"})])),
        {"steps[0].rules[0].when.value": "missing_field"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("score", "gt", "high"))])),
        {"steps[0].rules[0].when.value": "wrong_type"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("score", "between", [5, 1]))])),
        {"steps[0].rules[0].when.value": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("score", "any_of", []))])),
        {"steps[0].rules[0].when.value": "too_few"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("answers.q", "matches", "(a"))])),
        {"steps[0].rules[0].when.value": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, leaf("answers.q", "is_empty", 3))])),
        {"steps[0].rules[0].when.value": "invalid_value"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, {"all": [], "any": []})])),
        {"steps[0].rules[0].when.any": "unknown_field"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, {"all": "x"})])),
        {"steps[0].rules[0].when.all": "wrong_type"},
    ),
    (
        blueprint(step("s", rules=[rule({"type": "end"}, ["x"])])),
        {"steps[0].rules[0].when": "wrong_type"},
    ),
    (
        {**blueprint(step("s")), "outcomes": [outcome("o", redirect_url="javascript:alert(1)")]},
        {"outcomes[0].redirect_url": "invalid_value"},
    ),
    (
        {**blueprint(step("s")), "outcomes": [outcome("o"), outcome("o")]},
        {"outcomes[1].key": "duplicate_key"},
    ),
    (
        {**blueprint(step("s")), "outcomes": [outcome("o", low="1")]},
        {"outcomes[0].min_score": "wrong_type"},
    ),
    (
        {**blueprint(step("s")), "emails": [{"trigger": "outcome"}]},
        {"emails[0].outcome": "missing_field"},
    ),
    (
        {**blueprint(step("s")), "emails": [{"trigger": "completed", "outcome": "o"}]},
        {"emails[0].outcome": "invalid_value"},
    ),
    (
        {**blueprint(step("s")), "emails": [{"trigger": "reminder", "delay_minutes": -5}]},
        {"emails[0].delay_minutes": "invalid_value"},
    ),
    (
        {**blueprint(step("s")), "emails": [{"trigger": "whenever"}]},
        {"emails[0].trigger": "invalid_value"},
    ),
    ({**blueprint(step("s")), "name": "nul\x00byte"}, {"name": "invalid_value"}),
    (blueprint(step("s", title="\ud800")), {"steps[0].title": "invalid_value"}),
    ({**blueprint(step("s")), "kind": deep_list(100_000)}, {"kind": "invalid_value"}),
    (
        blueprint(
            step("s", rules=[rule({"type": "end"}, leaf("score", "before", deep_list(10**5)))])
        ),
        {"steps[0].rules[0].when.value": "invalid_value"},
    ),
]


@pytest.mark.parametrize(("doc", "expected"), HOSTILE)
def test_hostile_document_lists_problems_at_paths(doc: Any, expected: dict[str, str]) -> None:
    found = problems_of(doc)
    for path, code in expected.items():
        assert found.get(path) == code, found


def test_all_problems_are_collected() -> None:
    doc = blueprint(
        step("Bad", question("q", "slider"), question("r", required=1)),
        "junk",
        outcomes="none",
    )
    assert set(problems_of(doc)) == {
        "steps[0].key",
        "steps[0].questions[0].kind",
        "steps[0].questions[1].required",
        "steps[1]",
        "outcomes",
    }


def test_problem_messages_are_readable() -> None:
    with pytest.raises(BlueprintError) as refused:
        load(blueprint(step("s", question("q", "slider"))))
    problem = refused.value.problems[0]
    assert str(problem).startswith("steps[0].questions[0].kind: 'slider' is not one of: short_text")
    assert "steps[0].questions[0].kind" in str(refused.value)


def test_huge_strings_are_refused_cheaply() -> None:
    huge = "x" * 10_000_000
    found = problems_of(blueprint(step(huge, question("q", label=huge), body=huge), name=huge))
    assert found == {
        "name": "too_long",
        "steps[0].key": "too_long",
        "steps[0].title": "too_long",
        "steps[0].body": "too_long",
        "steps[0].questions[0].label": "too_long",
    }


def test_deep_conditions_stop_at_the_limit() -> None:
    found = problems_of(blueprint(step("s", rules=[rule({"type": "end"}, nested(50))])))
    assert list(found.values()) == ["too_deep"]
    assert load(blueprint(step("s", rules=[rule({"type": "end"}, nested(8))])))


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (blueprint(*[step(f"s{n}") for n in range(2001)]), "steps"),
        (blueprint(step("s", *[question(f"q{n}") for n in range(51)])), "steps[0].questions"),
        (
            blueprint(
                step("s", question("q", "dropdown", choices=[choice(f"c{n}") for n in range(201)]))
            ),
            "steps[0].questions[0].choices",
        ),
        (blueprint(step("s", rules=[rule({"type": "end"})] * 101)), "steps[0].rules"),
    ],
)
def test_size_caps(doc: dict[str, Any], path: str) -> None:
    assert problems_of(doc)[path] == "too_many"


def test_document_wide_caps() -> None:
    steps = [step(f"s{n}", *[question(f"q{n}-{m}") for m in range(50)]) for n in range(201)]
    assert "too_big" in problems_of(blueprint(*steps)).values()


def test_problem_count_is_capped() -> None:
    with pytest.raises(BlueprintError) as refused:
        load(blueprint(*[step(f"S{n}") for n in range(2000)]))
    assert len(refused.value.problems) == 501
    assert refused.value.problems[-1].code == "too_many_problems"
