"""Deciding a visitor's path: a pure function of (definition, answers, state so far).

`advance` costs O(size of the step it decides), whatever the size of the campaign: it reads
only that step's questions and rules, and looks its targets up in the definition's indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from .conditions import Context, evaluate
from .definition import Action, Choice, Definition, Outcome, Question, Step
from .kinds import KINDS


@dataclass(frozen=True, slots=True)
class State:
    """What a visitor has accumulated so far; recomputable from the steps they went through."""

    score: float = 0
    vars: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)  # per outcome key

    def __post_init__(self) -> None:
        # Callers may pass plain dicts (e.g. read back from JSON); a State never changes.
        object.__setattr__(self, "vars", MappingProxyType(dict(self.vars)))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))


class Advance(NamedTuple):
    state: State
    next_step: str | None  # the step to show next, None once finished
    outcome: Outcome | None  # the ending, when finished with one
    finished: bool


class Walk(NamedTuple):
    path: tuple[str, ...]  # the steps visited, in order
    state: State
    finished: bool  # False only when the safety cap stopped a loop
    outcome: Outcome | None


class Progress(NamedTuple):
    position: int  # 1-based position of the step in the document
    total: int


_ADJUST: Mapping[str, Callable[[float, float], float]] = MappingProxyType(
    {
        "add": lambda current, value: current + value,
        "subtract": lambda current, value: current - value,
        "set": lambda current, value: value,
    }
)


def first_step(definition: Definition) -> str:
    return definition.steps[0].key


def progress(definition: Definition, step_key: str) -> Progress:
    return Progress(definition.step_positions[step_key] + 1, len(definition.steps))


def chosen_choices(question: Question, value: Any) -> list[Choice]:
    """The choices an answer names; keys that are not choices (stale or tampered) are ignored."""
    if KINDS[question.kind].multiple:
        keys = value if isinstance(value, list | tuple) else []
    else:
        keys = [value] if isinstance(value, str) else []
    unique = dict.fromkeys(key for key in keys if isinstance(key, str))
    return [question.choice_index[key] for key in unique if key in question.choice_index]


def is_correct(question: Question, value: Any) -> bool:
    """A multiple-choice answer is correct when it is exactly the set of correct keys."""
    correct = question.correct
    if correct is None:
        return False
    if isinstance(correct, str):
        return isinstance(value, str) and value == correct
    if not isinstance(value, list | tuple) or not all(isinstance(key, str) for key in value):
        return False
    return set(value) == set(correct)


def advance(
    definition: Definition, step_key: str, answers: Mapping[str, Any], state: State
) -> Advance:
    """Adds the step's points and weights, runs its rules in order and decides what is next."""
    step = definition.steps_by_key[step_key]
    score, weights = _answered(step, answers, state)
    variables = dict(state.vars)
    jump: Action | None = None
    for rule in step.rules:
        if rule.when is not None and not evaluate(rule.when, Context(answers, score, variables)):
            continue
        action = rule.action
        if action.is_jump:
            # A target that no longer exists is a definition error validate() blocks at
            # publish; at run time the rule is skipped rather than failing the visitor.
            if _target_exists(definition, action):
                jump = action
                break
            continue
        if action.target == "score":
            score = _ADJUST[action.type](score, action.value)
        else:
            name = action.target.removeprefix("vars.")
            variables[name] = _ADJUST[action.type](variables.get(name, 0), action.value)

    new_state = State(score, variables, weights)
    if jump is not None and jump.type == "goto_step":
        return Advance(new_state, jump.step, None, False)
    if jump is not None and jump.type == "goto_outcome":
        return Advance(new_state, None, definition.outcomes_by_key[jump.outcome], True)
    following = definition.step_positions[step_key] + 1
    if jump is None and following < len(definition.steps):
        return Advance(new_state, definition.steps[following].key, None, False)
    return Advance(new_state, None, pick_outcome(definition, new_state, None), True)


def _answered(step: Step, answers: Mapping[str, Any], state: State
              ) -> tuple[float, dict[str, float]]:
    """The score and the outcomes' weights once the step's answers add their points and
    weights."""
    score = state.score
    weights = dict(state.weights)
    for question in step.questions:
        value = answers.get(question.key)
        for choice in chosen_choices(question, value):
            score += choice.points
            for outcome_key, weight in choice.weights.items():
                weights[outcome_key] = weights.get(outcome_key, 0) + weight
        if is_correct(question, value):
            score += question.points
    return score, weights


def _target_exists(definition: Definition, action: Action) -> bool:
    if action.type == "goto_step":
        return action.step in definition.steps_by_key
    if action.type == "goto_outcome":
        return action.outcome in definition.outcomes_by_key
    return True


def pick_outcome(
    definition: Definition, state: State, jumped_outcome: str | None
) -> Outcome | None:
    """The ending: the outcome a rule jumped to, else the one `settings.scoring` picks."""
    if jumped_outcome is not None and jumped_outcome in definition.outcomes_by_key:
        return definition.outcomes_by_key[jumped_outcome]
    scoring = definition.settings.scoring
    if scoring == "score":
        return next((o for o in definition.outcomes if o.holds(state.score)), None)
    if scoring == "weights" and definition.outcomes:
        # max() keeps the first of equal weights: ties go to the first in document order.
        return max(definition.outcomes, key=lambda outcome: state.weights.get(outcome.key, 0))
    return None


def walk(definition: Definition, answers: Mapping[str, Any]) -> Walk:
    """The whole path from the first step for a fixed set of answers."""
    path: list[str] = []
    state = State()
    step_key: str | None = first_step(definition)
    # Without a loop a path visits each step at most once; the cap only stops loops.
    for _ in range(len(definition.steps) + 1):
        path.append(step_key)
        result = advance(definition, step_key, answers, state)
        state, step_key = result.state, result.next_step
        if result.finished:
            return Walk(tuple(path), state, True, result.outcome)
    return Walk(tuple(path), state, False, None)


def replay(definition: Definition, trail: Iterable[str], answers: Mapping[str, Any]) -> State:
    """The state after going through the steps of `trail` in order (the runtime's Back)."""
    state = State()
    for step_key in trail:
        if step_key in definition.steps_by_key:
            state = advance(definition, step_key, answers, state).state
    return state
