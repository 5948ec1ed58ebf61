"""Small builders of blueprint documents, so each test shows only what it is about."""

from __future__ import annotations

from typing import Any

from campaigns import flow

CHOICE_KINDS = ("single_choice", "image_choice", "dropdown", "multiple_choice")


def choice(key: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "label": key.title(), **fields}


def question(key: str, kind: str = "short_text", **fields: Any) -> dict[str, Any]:
    document = {"key": key, "kind": kind, "label": f"Question {key}", **fields}
    if kind in CHOICE_KINDS and "choices" not in fields:
        image = {"image": "gallery/a.svg"} if kind == "image_choice" else {}
        document["choices"] = [choice("a", **image), choice("b", **image), choice("c", **image)]
    return document


def step(key: str, *questions: dict[str, Any], rules: list | None = None, **fields: Any) -> dict:
    return {
        "key": key,
        "title": f"Step {key}",
        "questions": list(questions),
        "rules": rules or [],
        **fields,
    }


def leaf(field: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def rule(action: dict[str, Any], when: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"when": when, "action": action}


def goto(step_key: str) -> dict[str, Any]:
    return {"type": "goto_step", "step": step_key}


def finish_with(outcome_key: str) -> dict[str, Any]:
    return {"type": "goto_outcome", "outcome": outcome_key}


def adjust(kind: str, target: str, value: float) -> dict[str, Any]:
    return {"type": kind, "target": target, "value": value}


def outcome(key: str, low: float | None = None, high: float | None = None, **fields: Any) -> dict:
    return {"key": key, "title": f"Outcome {key}", "min_score": low, "max_score": high, **fields}


def blueprint(*steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"schema": 1, "name": "Test campaign", "kind": "quiz", "steps": list(steps), **fields}


def definition(*steps: dict[str, Any], **fields: Any) -> flow.Definition:
    return flow.load(blueprint(*steps, **fields))


def single_question(kind: str, **fields: Any) -> flow.Question:
    """A loaded question of `kind`, with three choices "a", "b", "c" for choice kinds."""
    return definition(step("s", question("q", kind, **fields))).questions_by_key["q"]
