"""Properties over random blueprints and random visitor input."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.flow import (
    KINDS,
    AnswerError,
    BlueprintError,
    State,
    advance,
    clean_answer,
    dump,
    load,
    normalise,
    validate,
    walk,
)

from .blueprints import single_question
from .strategies import answers_for, blueprints, mutated_blueprints

FAST = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(data=st.data(), doc=blueprints())
def test_flows_without_errors_always_finish(data: st.DataObject, doc: dict[str, Any]) -> None:
    definition = load(doc)
    problems = validate(definition)
    answers = data.draw(answers_for(list(definition.questions_by_key.values())))
    result = walk(definition, answers)
    if not any(problem.level == "error" for problem in problems):
        assert result.finished
        assert len(result.path) <= len(definition.steps)
    if not result.finished:
        assert any(problem.code == "cycle" for problem in problems)
    if result.outcome is not None:
        assert definition.outcomes_by_key[result.outcome.key] == result.outcome


@FAST
@given(data=st.data(), doc=blueprints())
def test_advance_never_raises(data: st.DataObject, doc: dict[str, Any]) -> None:
    definition = load(doc)
    answers = data.draw(answers_for(list(definition.questions_by_key.values())))
    state = State(score=data.draw(st.integers(-20, 20)), vars={"v": data.draw(st.integers(-3, 3))})
    for step in definition.steps:
        result = advance(definition, step.key, answers, state)
        assert result.finished == (result.next_step is None)
        assert result.next_step is None or result.next_step in definition.steps_by_key


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    raw=st.one_of(
        st.lists(st.text(max_size=30), max_size=4),
        st.text(max_size=30),
        st.none(),
        st.dictionaries(st.text(max_size=8), st.one_of(st.text(), st.integers())),
    ),
    required=st.booleans(),
)
def test_clean_answer_only_raises_answer_errors(kind: str, raw: Any, required: bool) -> None:
    question = single_question(kind, required=required)
    try:
        value = clean_answer(question, raw)
    except AnswerError as error:
        message = error.message
    else:
        assert json.loads(json.dumps(value)) == value  # storable as a JSON answer
        return
    assert message


@FAST
@given(doc=blueprints())
def test_normalise_is_idempotent_and_round_trips(doc: dict[str, Any]) -> None:
    normalised = normalise(doc)
    assert normalise(normalised) == normalised
    assert dump(load(normalised)) == normalised
    assert dump(load(doc)) == normalised


@FAST
@given(data=st.data(), doc=mutated_blueprints())
def test_damaged_documents_raise_only_blueprint_errors(
    data: st.DataObject, doc: dict[str, Any]
) -> None:
    try:
        definition = load(doc)
    except BlueprintError as error:
        problems = error.problems
    else:
        problems = ()
    assert all(problem.message for problem in problems)
    if problems:
        return
    validate(definition)
    walk(definition, data.draw(answers_for(list(definition.questions_by_key.values()))))
