"""Deciding the path: fall-through, jumps, score and variables, outcomes."""

from __future__ import annotations

import pytest

from campaigns.flow import State, advance, first_step, pick_outcome, progress, replay, walk

from .blueprints import (
    adjust,
    choice,
    definition,
    finish_with,
    goto,
    leaf,
    outcome,
    question,
    rule,
    step,
)

ALWAYS = None
END = {"type": "end"}


def test_falls_through_in_order_and_ends_after_the_last_step() -> None:
    flow = definition(step("a"), step("b"), step("c"))
    result = walk(flow, {})
    assert result.path == ("a", "b", "c")
    assert result.finished
    assert result.outcome is None
    assert advance(flow, "a", {}, State()).next_step == "b"
    last = advance(flow, "c", {}, State())
    assert last.finished
    assert last.next_step is None


def test_first_jump_that_fires_wins() -> None:
    flow = definition(
        step(
            "a",
            question("q"),
            rules=[
                rule(goto("b"), leaf("answers.q", "equals", "never")),
                rule(goto("c"), leaf("answers.q", "equals", "yes")),
                rule(goto("b")),
            ],
        ),
        step("b"),
        step("c"),
    )
    assert advance(flow, "a", {"q": "yes"}, State()).next_step == "c"
    assert advance(flow, "a", {"q": "no"}, State()).next_step == "b"


def test_conditions_that_do_not_fire_fall_through() -> None:
    flow = definition(
        step("a", question("q"), rules=[rule(goto("c"), leaf("answers.q", "is_not_empty"))]),
        step("b"),
        step("c"),
    )
    assert walk(flow, {}).path == ("a", "b", "c")
    assert walk(flow, {"q": "x"}).path == ("a", "c")


def test_actions_before_the_winning_jump_apply_and_later_rules_do_not_run() -> None:
    flow = definition(
        step(
            "a",
            rules=[
                rule(adjust("add", "score", 5)),
                rule(adjust("set", "vars.bonus", 3)),
                rule(adjust("add", "score", 50), leaf("score", "gt", 100)),
                rule(goto("c")),
                rule(adjust("add", "score", 100)),
            ],
        ),
        step("b"),
        step("c"),
    )
    result = advance(flow, "a", {}, State())
    assert result.next_step == "c"
    assert result.state.score == 5
    assert result.state.vars == {"bonus": 3}


@pytest.mark.parametrize(
    ("actions", "score", "variables"),
    [
        ([adjust("add", "score", 2)], 12, {}),
        ([adjust("subtract", "score", 2)], 8, {}),
        ([adjust("set", "score", 2)], 2, {}),
        ([adjust("add", "vars.lives", 1)], 10, {"lives": 4}),
        ([adjust("subtract", "vars.lives", 1)], 10, {"lives": 2}),
        ([adjust("set", "vars.lives", 9)], 10, {"lives": 9}),
        ([adjust("add", "vars.fresh", 1)], 10, {"lives": 3, "fresh": 1}),
        ([adjust("add", "score", 1), adjust("add", "score", 1)], 12, {}),
    ],
)
def test_every_adjusting_action(actions: list[dict], score: float, variables: dict) -> None:
    flow = definition(step("a", rules=[rule(action) for action in actions]))
    start = State(score=10, vars={"lives": 3})
    result = advance(flow, "a", {}, start)
    assert result.state.score == score
    assert dict(result.state.vars) == {"lives": 3, **variables}


def test_rules_see_the_score_after_the_steps_points() -> None:
    flow = definition(
        step(
            "a",
            question("q", "single_choice", choices=[choice("big", points=10), choice("small")]),
            rules=[rule(finish_with("winner"), leaf("score", "gte", 10))],
        ),
        step("b"),
        outcomes=[outcome("winner")],
    )
    result = advance(flow, "a", {"q": "big"}, State())
    assert result.finished
    assert result.outcome.key == "winner"
    assert advance(flow, "a", {"q": "small"}, State()).next_step == "b"


@pytest.mark.parametrize(
    ("kind", "answer", "score"),
    [
        ("single_choice", "b", 1 + 5),
        ("single_choice", "a", 2),
        ("dropdown", "b", 1 + 5),
        ("multiple_choice", ["a", "b"], 2 + 1 + 5),
        ("multiple_choice", ["b"], 1),
        ("multiple_choice", ["a", "b", "c"], 2 + 1 + 0),
        ("single_choice", "tampered", 0),
        ("single_choice", ["b"], 0),
        ("single_choice", None, 0),
    ],
)
def test_choice_points_and_correct_answer_points(kind: str, answer: object, score: int) -> None:
    correct = ["a", "b"] if kind == "multiple_choice" else "b"
    choices = [choice("a", points=2), choice("b", points=1), choice("c")]
    flow = definition(step("s", question("q", kind, choices=choices, correct=correct, points=5)))
    assert advance(flow, "s", {"q": answer}, State()).state.score == score


def weights_flow(**settings: object):
    choices = [
        choice("a", weights={"latte": 1}),
        choice("b", weights={"espresso": 2}),
        choice("c", weights={"latte": 1, "espresso": 1}),
    ]
    return definition(
        step("s", question("q", "multiple_choice", choices=choices)),
        outcomes=[outcome("espresso"), outcome("latte")],
        settings={"scoring": "weights", **settings},
    )


@pytest.mark.parametrize(
    ("answer", "winner"),
    [
        (["a"], "latte"),
        (["b"], "espresso"),
        (["a", "b"], "espresso"),
        (["c"], "espresso"),  # a tie goes to the first outcome in document order
        (None, "espresso"),
    ],
)
def test_weights_pick_the_heaviest_outcome(answer: object, winner: str) -> None:
    result = walk(weights_flow(), {"q": answer})
    assert result.outcome.key == winner


def test_weights_accumulate_across_steps() -> None:
    flow = weights_flow()
    state = advance(flow, "s", {"q": ["a", "c"]}, State()).state
    assert dict(state.weights) == {"latte": 2, "espresso": 1}


def score_flow():
    return definition(
        step("s", question("q", "number"), rules=[rule(adjust("set", "score", 0))]),
        outcomes=[
            outcome("special"),  # no range: only reachable by a rule
            outcome("low", None, 3),
            outcome("mid", 4, 7),
            outcome("high", 8, None),
        ],
        settings={"scoring": "score"},
    )


@pytest.mark.parametrize(
    ("score", "expected"),
    [(-100, "low"), (3, "low"), (3.5, None), (4, "mid"), (7, "mid"), (8, "high"), (10**6, "high")],
)
def test_score_ranges_pick_the_outcome(score: float, expected: str | None) -> None:
    picked = pick_outcome(score_flow(), State(score=score), None)
    assert (picked.key if picked else None) == expected


def test_a_jumped_outcome_beats_scoring() -> None:
    flow = score_flow()
    assert pick_outcome(flow, State(score=5), "special").key == "special"
    assert pick_outcome(flow, State(score=5), "gone").key == "mid"


def test_scoring_none_has_no_outcome() -> None:
    flow = definition(step("s"), outcomes=[outcome("o")])
    assert pick_outcome(flow, State(score=3), None) is None
    assert walk(flow, {}).outcome is None


def test_goto_outcome_ends_with_that_outcome() -> None:
    flow = definition(step("a", rules=[rule(finish_with("o"))]), step("b"), outcomes=[outcome("o")])
    result = walk(flow, {})
    assert result.path == ("a",)
    assert result.finished
    assert result.outcome.key == "o"


def test_end_finishes_early_with_the_scored_outcome() -> None:
    flow = definition(
        step("a", rules=[rule(adjust("add", "score", 5)), rule(END)]),
        step("b"),
        outcomes=[outcome("five", 5, 5)],
        settings={"scoring": "score"},
    )
    result = walk(flow, {})
    assert result.path == ("a",)
    assert result.outcome.key == "five"


def test_jumps_to_missing_targets_are_skipped() -> None:
    flow = definition(step("a", rules=[rule(goto("gone")), rule(finish_with("gone"))]), step("b"))
    assert advance(flow, "a", {}, State()).next_step == "b"


def test_a_loop_is_stopped_by_the_safety_cap() -> None:
    flow = definition(step("a"), step("b", rules=[rule(goto("a"))]))
    result = walk(flow, {})
    assert not result.finished
    assert len(result.path) == 3


def test_replay_recomputes_the_state_of_a_trail() -> None:
    flow = definition(
        step("a", question("q", "single_choice", choices=[choice("x", points=3)])),
        step("b", rules=[rule(adjust("add", "vars.seen", 1))]),
        step("c", rules=[rule(adjust("add", "score", 10))]),
    )
    answers = {"q": "x"}
    assert replay(flow, [], answers) == State()
    assert replay(flow, ["a", "b"], answers).score == 3
    assert dict(replay(flow, ["a", "b"], answers).vars) == {"seen": 1}
    assert replay(flow, ["a", "b", "c"], answers) == walk(flow, answers).state
    assert replay(flow, ["a", "removed"], answers).score == 3


def test_first_step_and_progress() -> None:
    flow = definition(step("a"), step("b"), step("c"), step("d"))
    assert first_step(flow) == "a"
    assert progress(flow, "c") == (3, 4)
    assert progress(flow, "c").position == 3


def test_unknown_step_fails_loudly() -> None:
    with pytest.raises(KeyError):
        advance(definition(step("a")), "zzz", {}, State())


def test_state_is_immutable_even_from_plain_dicts() -> None:
    variables = {"lives": 3}
    state = State(score=1, vars=variables)
    variables["lives"] = 0
    assert state.vars["lives"] == 3
    with pytest.raises(TypeError):
        state.vars["lives"] = 1  # type: ignore[index]
    assert state == State(score=1, vars={"lives": 3})
