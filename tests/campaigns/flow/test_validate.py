"""validate(): one case per problem code, each naming its step and saying how to fix it."""

from __future__ import annotations

import pytest

from campaigns.flow import Problem, check, load, validate

from .blueprints import (
    adjust,
    blueprint,
    choice,
    finish_with,
    goto,
    leaf,
    outcome,
    question,
    rule,
    step,
)

END = {"type": "end"}


# (code, level, document, step the problem is on, words the fix suggests)
CASES = [
    (
        "step_unreachable",
        "error",
        blueprint(step("a", rules=[rule(END)]), step("b")),
        "b",
        "jump to it",
    ),
    (
        "cycle",
        "error",
        blueprint(step("a"), step("b"), step("c", rules=[rule(goto("a"), leaf("score", "lt", 3))])),
        "c",
        "make it jump forward",
    ),
    (
        "cycle",
        "error",
        blueprint(step("a", rules=[rule(goto("a"), leaf("score", "lt", 3))]), step("b")),
        "a",
        'Step "a" loops',
    ),
    ("missing_step", "error", blueprint(step("a", rules=[rule(goto("zz"))])), "a", "existing step"),
    (
        "missing_outcome",
        "error",
        blueprint(step("a", rules=[rule(finish_with("zz"))])),
        "a",
        "existing outcome",
    ),
    (
        "missing_outcome",
        "error",
        blueprint(
            step("a", question("q", "single_choice", choices=[choice("x", weights={"zz": 1})]))
        ),
        "a",
        "existing outcome",
    ),
    (
        "missing_outcome",
        "error",
        blueprint(step("a"), emails=[{"trigger": "outcome", "outcome": "zz"}]),
        None,
        "existing outcome",
    ),
    (
        "missing_question",
        "error",
        blueprint(step("a", rules=[rule(END, leaf("answers.zz", "is_empty"))])),
        "a",
        "existing question",
    ),
    (
        "missing_choice",
        "error",
        blueprint(
            step(
                "a", question("q", "dropdown"), rules=[rule(END, leaf("answers.q", "equals", "zz"))]
            )
        ),
        "a",
        "Pick one of: a, b, c",
    ),
    (
        "missing_choice",
        "error",
        blueprint(step("a", question("q", "single_choice", correct="zz"))),
        "a",
        "Pick one of: a, b, c",
    ),
    (
        "operator_mismatch",
        "error",
        blueprint(
            step(
                "a", question("q", "number"), rules=[rule(END, leaf("answers.q", "contains", "1"))]
            )
        ),
        "a",
        "Use one of: equals",
    ),
    (
        "operator_mismatch",
        "error",
        blueprint(step("a", rules=[rule(END, leaf("score", "contains", "1"))])),
        "a",
        "use one of: equals",
    ),
    (
        "value_mismatch",
        "error",
        blueprint(
            step(
                "a", question("q", "yes_no"), rules=[rule(END, leaf("answers.q", "equals", "yes"))]
            )
        ),
        "a",
        "Use true or false",
    ),
    (
        "value_mismatch",
        "error",
        blueprint(
            step(
                "a", question("q", "number"), rules=[rule(END, leaf("answers.q", "any_of", ["1"]))]
            )
        ),
        "a",
        "Use numbers",
    ),
    (
        "unknown_variable",
        "error",
        blueprint(step("a", rules=[rule(END, leaf("vars.lives", "gt", 0))])),
        "a",
        "add a rule that sets it",
    ),
    (
        "answer_never_given",
        "error",
        blueprint(
            step("a", rules=[rule(END, leaf("answers.q", "is_empty"))]), step("b", question("q"))
        ),
        "a",
        "Ask it earlier",
    ),
    (
        "answer_never_given",
        "error",
        blueprint(step("a", question("q"), body="Hi {{ answers.q }}")),
        "a",
        "Move the tag to a later step",
    ),
    (
        "answer_maybe_missing",
        "warning",
        blueprint(
            step("a", rules=[rule(goto("c"), leaf("score", "gt", 0))]),
            step("b", question("q")),
            step("c", body="Hi {{ answers.q }}"),
        ),
        "c",
        "Ask it on every path",
    ),
    (
        "recall_unknown",
        "error",
        blueprint(step("a", body="Hi {{ answers.nobody }}")),
        "a",
        "Fix the name",
    ),
    (
        "recall_unknown",
        "error",
        blueprint(step("a", title="{{ outcome.title }}")),
        "a",
        "Fix the name",
    ),
    ("empty_step", "warning", blueprint(step("a", title="")), "a", "Add a title"),
    (
        "question_without_label",
        "warning",
        blueprint(step("a", question("q", label=""))),
        "a",
        "Write a label",
    ),
    (
        "no_choices",
        "error",
        blueprint(step("a", question("q", "single_choice", choices=[]))),
        "a",
        "Add choices",
    ),
    (
        "choice_without_image",
        "error",
        blueprint(step("a", question("q", "image_choice", choices=[choice("x")]))),
        "a",
        "Add one",
    ),
    (
        "validation_invalid",
        "error",
        blueprint(step("a", question("q", validation={"min_length": 9, "max_length": 3}))),
        "a",
        "Swap or correct them",
    ),
    (
        "validation_invalid",
        "error",
        blueprint(step("a", question("q", "multiple_choice", validation={"min_choices": 4}))),
        "a",
        "add choices",
    ),
    (
        "rule_unreachable",
        "warning",
        blueprint(step("a", rules=[rule(END), rule(adjust("add", "score", 1))])),
        "a",
        "give it a condition",
    ),
    (
        "outcome_unreachable",
        "warning",
        blueprint(step("a"), outcomes=[outcome("o")]),
        None,
        "Add a rule that ends with it",
    ),
    (
        "outcome_without_weight",
        "warning",
        blueprint(step("a"), outcomes=[outcome("o")], settings={"scoring": "weights"}),
        None,
        "Give some choices a weight",
    ),
    (
        "score_range_overlap",
        "error",
        blueprint(
            step("a"),
            outcomes=[outcome("lo", 0, 5), outcome("hi", 5, 9)],
            settings={"scoring": "score"},
        ),
        None,
        "do not overlap",
    ),
    (
        "score_range_gap",
        "warning",
        blueprint(
            step(
                "a",
                question(
                    "q",
                    "single_choice",
                    required=True,
                    choices=[choice("x"), choice("y", points=10)],
                ),
            ),
            outcomes=[outcome("lo", None, 5), outcome("hi", 7, None)],
            settings={"scoring": "score"},
        ),
        None,
        "Widen a neighbouring",
    ),
    (
        "outcome_range_invalid",
        "error",
        blueprint(step("a"), outcomes=[outcome("o", 9, 1)], settings={"scoring": "score"}),
        None,
        "Swap or correct them",
    ),
    (
        "contest_without_email",
        "error",
        blueprint(step("a", question("rules", "consent", required=True)), kind="contest"),
        None,
        "mark it required",
    ),
    (
        "contest_without_consent",
        "error",
        blueprint(step("a", question("email", "email", required=True)), kind="giveaway"),
        None,
        "mark it required",
    ),
    (
        "scoring_without_outcomes",
        "warning",
        blueprint(step("a"), settings={"scoring": "score"}),
        None,
        'set scoring to "none"',
    ),
]


def find(problems: list[Problem], code: str) -> Problem:
    matching = [problem for problem in problems if problem.code == code]
    assert matching, f"no {code} in {problems}"
    return matching[0]


@pytest.mark.parametrize(
    ("code", "level", "doc", "step_key", "fix"), CASES, ids=[case[0] for case in CASES]
)
def test_problem(code: str, level: str, doc: dict, step_key: str | None, fix: str) -> None:
    problem = find(validate(load(doc)), code)
    assert problem.level == level
    assert problem.step == step_key
    if step_key is not None:
        assert f'"{step_key}"' in problem.message
    assert fix in problem.message
    assert problem.where


def test_a_sound_flow_has_no_problems() -> None:
    doc = blueprint(
        step(
            "who",
            question("name", required=True),
            question("utm", "hidden"),
            question("email", "email", required=True),
            question("rules", "consent", required=True),
        ),
        step(
            "taste",
            question(
                "strength",
                "single_choice",
                required=True,
                choices=[choice("strong", points=3), choice("mild", points=1)],
            ),
            body="Thanks {{ answers.name }} from {{ answers.utm }}",
            rules=[
                rule(finish_with("bold"), leaf("answers.strength", "equals", "strong")),
                rule(adjust("add", "vars.mild", 1)),
            ],
        ),
        step("more", question("extra", "long_text"), rules=[rule(END, leaf("vars.mild", "gt", 0))]),
        step("enter", question("referral", "short_text")),
        outcomes=[
            outcome("bold", title="Bold {{ answers.name }}"),
            outcome("low", None, 2),
            outcome("high", 3, None),
        ],
        emails=[
            {
                "trigger": "completed",
                "subject": "{{ outcome.title }}",
                "body": "Hi {{ answers.name }}, see {{ result_link }}",
            }
        ],
        settings={"scoring": "score"},
        kind="contest",
    )
    assert validate(load(doc)) == []


def test_recall_of_an_answer_on_every_path_is_fine() -> None:
    doc = blueprint(
        step("a", question("q"), rules=[rule(goto("c"), leaf("answers.q", "equals", "x"))]),
        step("b"),
        step("c", body="{{ answers.q }}"),
    )
    assert validate(load(doc)) == []


def test_cycle_names_every_step_in_it() -> None:
    doc = blueprint(
        step("a"),
        step("b", rules=[rule(goto("d"), leaf("score", "gt", 1))]),
        step("c", rules=[rule(goto("b"))]),
        step("d"),
    )
    problem = find(validate(load(doc)), "cycle")
    assert 'Steps "b", "c" form a loop' in problem.message
    assert problem.where == "steps[2].rules[0].action"


def test_score_gaps_use_the_reachable_score_range() -> None:
    doc = blueprint(
        step(
            "a",
            question(
                "q",
                "single_choice",
                required=True,
                choices=[choice("x", points=1), choice("y", points=10)],
            ),
        ),
        outcomes=[outcome("low", 1, 4), outcome("high", 6, 9)],
        settings={"scoring": "score"},
    )
    gaps = [problem.message for problem in validate(load(doc)) if problem.code == "score_range_gap"]
    assert len(gaps) == 2
    assert "above 4 and below 6" in gaps[0]
    assert "above 9 (possible scores run from 1 to 10)" in gaps[1]


def test_whole_number_ranges_that_touch_leave_no_gap() -> None:
    doc = blueprint(
        step(
            "a",
            question(
                "q",
                "single_choice",
                required=True,
                choices=[choice("x", points=0), choice("y", points=9)],
            ),
        ),
        outcomes=[outcome("low", 0, 4), outcome("high", 5, 9)],
        settings={"scoring": "score"},
    )
    assert validate(load(doc)) == []


def test_problems_are_sorted_by_step_order() -> None:
    doc = blueprint(
        step("a", title=""),
        step("b", rules=[rule(goto("zz"))]),
        step("c", question("q", label="")),
        outcomes=[outcome("o")],
        kind="contest",
    )
    problems = validate(load(doc))
    assert [problem.step for problem in problems] == [None, None, "a", "b", "c", None]
    assert problems[-1].where == "outcomes[0]"


def test_check_reports_structural_problems_as_problems() -> None:
    doc = blueprint(step("a", question("q")), step("b", question("q")))
    problems = check(doc)
    assert [(p.code, p.step, p.where) for p in problems] == [
        ("duplicate_key", "b", "steps[1].questions[0].key")
    ]
    assert "keys must be unique" in problems[0].message
    assert check(blueprint(step("a", question("q")))) == []
    assert check("nonsense")[0].code == "wrong_type"


def test_a_contest_that_can_finish_without_email_or_consent_is_an_error():
    document = {
        "schema": 1, "name": "Giveaway", "kind": "giveaway",
        "steps": [
            {"key": "pick", "questions": [{"key": "cabin", "kind": "single_choice",
                                           "label": "Cabin", "required": True, "choices": [
                                               {"key": "forest", "label": "Forest"},
                                               {"key": "lake", "label": "Lake"}]}],
             "rules": [{"when": {"all": [{"field": "answers.cabin", "op": "equals",
                                          "value": "forest"}]},
                        "action": {"type": "goto_outcome", "outcome": "in"}}]},
            {"key": "contact", "questions": [
                {"key": "email", "kind": "email", "label": "Email", "required": True},
                {"key": "rules", "kind": "consent", "label": "I accept", "required": True}]},
        ],
        "outcomes": [{"key": "in", "title": "You're in"}],
    }
    codes = {p.code for p in validate(load(document)) if p.level == "error"}
    assert {"contest_without_email", "contest_without_consent"} <= codes
    document["steps"][0]["rules"] = []
    codes = {p.code for p in validate(load(document)) if p.level == "error"}
    assert not codes & {"contest_without_email", "contest_without_consent"}
