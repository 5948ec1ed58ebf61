"""Hypothesis strategies: random blueprints whose rules refer to keys that exist, jumping
forwards and backwards, and the answers a visitor could get past clean_answer."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from campaigns.flow import KINDS, OPERATORS, SCORE_OPERATORS, AnswerError, clean_answer
from campaigns.flow import Question as LoadedQuestion

CHOICE_KINDS = [name for name, kind in KINDS.items() if kind.has_choices]
CHOICE_KEYS = ["a", "b", "c"]
VARIABLE = "vars.v"
SAFE_PATTERNS = ["^a", "b+", "[0-9]{2}", "x|y"]
dates = st.dates().map(lambda day: day.isoformat())
small_text = st.text(alphabet="abcxy1@. ", max_size=8)


@st.composite
def questions(draw: st.DrawFn, key: str, outcome_keys: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    question: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "label": "Q",
        "required": draw(st.booleans()),
    }
    if kind in CHOICE_KINDS:
        question["choices"] = [
            {
                "key": choice_key,
                "label": choice_key.upper(),
                "image": "a.svg",
                "points": draw(st.integers(-3, 5)),
                "weights": draw(
                    st.dictionaries(st.sampled_from(outcome_keys), st.integers(0, 3), max_size=2)
                    if outcome_keys
                    else st.just({})
                ),
            }
            for choice_key in CHOICE_KEYS
        ]
        if draw(st.booleans()):
            question["points"] = draw(st.integers(0, 5))
            question["correct"] = (
                draw(st.lists(st.sampled_from(CHOICE_KEYS), min_size=1, max_size=3, unique=True))
                if kind == "multiple_choice"
                else draw(st.sampled_from(CHOICE_KEYS))
            )
    return question


def _scalar_for(kind: str | None) -> st.SearchStrategy[Any]:
    if kind in CHOICE_KINDS:
        return st.sampled_from(CHOICE_KEYS)
    if kind in ("yes_no", "consent"):
        return st.booleans()
    if kind in ("number", "rating", "opinion_scale", None):
        return st.integers(-5, 12)
    if kind == "date":
        return dates
    return small_text


def _value(op: str, kind: str | None) -> st.SearchStrategy[Any]:
    shape = OPERATORS[op].value
    if shape == "list":
        return st.lists(_scalar_for(kind), min_size=1, max_size=3)
    if shape == "range":
        bounds = dates if kind == "date" else st.integers(-5, 12)
        return st.lists(bounds, min_size=2, max_size=2).map(sorted)
    if shape == "text":
        return st.sampled_from(CHOICE_KEYS) if kind in CHOICE_KINDS else small_text
    return _PLAIN_VALUES[shape] if shape in _PLAIN_VALUES else _scalar_for(kind)


# Values of the shapes that do not depend on the question's kind.
_PLAIN_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "none": st.none(),
    "number": st.integers(-5, 12),
    "date": dates,
    "pattern": st.sampled_from(SAFE_PATTERNS),
}


@st.composite
def leaves(draw: st.DrawFn, known: dict[str, str]) -> dict[str, Any]:
    """A leaf on an answer (of any kind, from any step), the score or the variable."""
    field = draw(st.sampled_from([*(f"answers.{key}" for key in known), "score", VARIABLE]))
    kind = known.get(field.removeprefix("answers."))
    if field.startswith("answers."):
        op = draw(st.sampled_from(sorted(KINDS[kind].operators or ("is_empty",))))
    else:
        op = draw(st.sampled_from(SCORE_OPERATORS))
    return {"field": field, "op": op, "value": draw(_value(op, kind))}


def conditions(known: dict[str, str]) -> st.SearchStrategy[Any]:
    leaf = leaves(known)
    group = st.lists(leaf, max_size=3).flatmap(
        lambda items: st.sampled_from([{"all": items}, {"any": items}])
    )
    return st.one_of(st.none(), leaf, group)


@st.composite
def actions(draw: st.DrawFn, step_keys: list[str], outcome_keys: list[str]) -> dict[str, Any]:
    options = ["goto_step", "end", "add", "subtract", "set"]
    kind = draw(st.sampled_from(options + (["goto_outcome"] if outcome_keys else [])))
    if kind == "goto_step":
        return {"type": kind, "step": draw(st.sampled_from(step_keys))}
    if kind == "goto_outcome":
        return {"type": kind, "outcome": draw(st.sampled_from(outcome_keys))}
    if kind == "end":
        return {"type": kind}
    target = draw(st.sampled_from(["score", VARIABLE]))
    return {"type": kind, "target": target, "value": draw(st.integers(-3, 5))}


@st.composite
def blueprints(draw: st.DrawFn) -> dict[str, Any]:
    step_keys = [f"s{number}" for number in range(draw(st.integers(1, 6)))]
    outcome_keys = [f"o{number}" for number in range(draw(st.integers(0, 3)))]
    step_questions = [
        [
            draw(questions(f"q{position}-{number}", outcome_keys))
            for number in range(draw(st.integers(0, 3)))
        ]
        for position in range(len(step_keys))
    ]
    known = {q["key"]: q["kind"] for qs in step_questions for q in qs}
    steps = [
        {
            "key": key,
            "title": "T",
            "questions": qs,
            "rules": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "when": conditions(known),
                            "action": actions(step_keys, outcome_keys),
                        }
                    ),
                    max_size=3,
                )
            ),
        }
        for key, qs in zip(step_keys, step_questions, strict=True)
    ]
    bounds = st.one_of(st.none(), st.integers(-5, 15))
    outcomes = [
        {"key": key, "title": key, "min_score": draw(bounds), "max_score": draw(bounds)}
        for key in outcome_keys
    ]
    scoring = draw(st.sampled_from(["none", "score", "weights"]))
    return {
        "schema": 1,
        "name": "Generated",
        "kind": draw(st.sampled_from(["quiz", "form", "survey", "contest"])),
        "settings": {"scoring": scoring},
        "steps": steps,
        "outcomes": outcomes,
    }


def raw_inputs(kind: str) -> st.SearchStrategy[Any]:
    if kind == "file_upload":
        return st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "name": st.text(max_size=5),
                    "size": st.integers(-1, 20 * 1024 * 1024),
                    "content_type": st.sampled_from(["image/png", "application/pdf", ""]),
                    "path": st.text(max_size=5),
                }
            ),
        )
    words = st.sampled_from(
        [
            "",
            "a",
            "b",
            "c",
            "yes",
            "no",
            "on",
            "3",
            "-2.5",
            "11",
            "2024-02-29",
            "a@b.co",
            "+4412345",
        ]
    )
    return st.lists(st.one_of(words, st.text(max_size=6)), max_size=3)


@st.composite
def answers_for(draw: st.DrawFn, questions: list[LoadedQuestion]) -> dict[str, Any]:
    """What clean_answer accepts from random form posts: the answers a visitor can produce."""
    answers = {}
    for question in questions:
        try:
            value = clean_answer(question, draw(raw_inputs(question.kind)))
        except AnswerError:
            continue
        if value is not None:
            answers[question.key] = value
    return answers


FIELD_NAMES = [
    "key",
    "kind",
    "when",
    "action",
    "value",
    "op",
    "field",
    "choices",
    "validation",
    "correct",
    "points",
    "weights",
    "all",
    "any",
    "type",
    "step",
    "min_score",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_blueprints(draw: st.DrawFn) -> dict[str, Any]:
    """A generated blueprint with one value somewhere inside replaced by random JSON."""
    doc = draw(blueprints())
    node: Any = doc
    for _ in range(draw(st.integers(0, 7))):
        children = node.values() if isinstance(node, dict) else node
        containers = [child for child in children if isinstance(child, dict | list) and child]
        if not containers:
            break
        node = draw(st.sampled_from(containers))
    if isinstance(node, dict):
        node[draw(st.sampled_from([*node, *FIELD_NAMES]))] = draw(json_values)
    else:
        node[draw(st.integers(0, len(node) - 1))] = draw(json_values)
    return doc
