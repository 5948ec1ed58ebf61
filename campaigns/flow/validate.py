"""`validate(definition)`: everything that would hurt a visitor, found before publishing.

Roughly linear in steps + questions + rules: one flow graph, one reachability pass, one SCC pass,
and bitmask dataflow (validate_references). No check enumerates paths.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .definition import Definition, Question, load
from .graph import forward_dataflow
from .kinds import KINDS
from .problems import Problem, Report
from .schema import BlueprintError
from .validate_outcomes import check_emails, check_outcomes
from .validate_references import check_references, exit_steps

_STEP_PATH = re.compile(r"steps\[([0-9]+)\]")
_CONTEST_KINDS = ("contest", "giveaway")


def validate(definition: Definition) -> list[Problem]:
    """Every problem of the flow, in step order; `level == "error"` blocks publishing."""
    report = Report(definition)
    _check_reachability(report)
    _check_cycles(report)
    for position, step in enumerate(definition.steps):
        _check_step(report, position)
        for index, question in enumerate(step.questions):
            _check_question(report, position, index, question)
    _check_contest(report)
    check_references(report)
    check_outcomes(report)
    check_emails(report)
    return report.sorted_problems()


def check(doc: Any) -> list[Problem]:
    """Structural problems of a raw document if it does not load, else validate()'s."""
    try:
        definition = load(doc)
    except BlueprintError as error:
        return [
            Problem(
                "error", problem.code, str(problem), _step_key_at(doc, problem.path), problem.path
            )
            for problem in error.problems
        ]
    return validate(definition)


def _step_key_at(doc: Any, path: str) -> str | None:
    match = _STEP_PATH.match(path)
    steps = doc.get("steps") if isinstance(doc, dict) else None
    if match is None or not isinstance(steps, list) or int(match.group(1)) >= len(steps):
        return None
    step = steps[int(match.group(1))]
    key = step.get("key") if isinstance(step, dict) else None
    return key if isinstance(key, str) and len(key) <= 63 else None


def _check_reachability(report: Report) -> None:
    for position, live in enumerate(report.live):
        if not live:
            report.error(
                "step_unreachable",
                f"{report.step_name(position)} can never be shown: no step leads to it. Make an "
                "earlier step fall through or jump to it with a rule, or delete it.",
                where=f"steps[{position}]",
                step=position,
            )


def _check_cycles(report: Report) -> None:
    steps = report.definition.steps
    positions = report.definition.step_positions
    for component in report.loops:
        members = set(component)
        names = ", ".join(f'"{steps[member].key}"' for member in component)
        source, index = next(
            (member, index)
            for member in component
            for index, rule in enumerate(steps[member].rules[: report.graph.live_rules[member]])
            if rule.action.type == "goto_step"
            and positions.get(rule.action.step) in members
            and positions[rule.action.step] <= member
        )
        target = steps[source].rules[index].action.step
        loop = f"Steps {names} form a loop" if len(component) > 1 else f"Step {names} loops"
        report.error(
            "cycle",
            f"{loop}: a visitor could go round it forever and each pass overwrites their "
            f"answers. {report.step_name(source)}, rule {index + 1} jumps back to "
            f'"{target}"; make it jump forward or end the flow instead.',
            where=f"steps[{source}].rules[{index}].action",
            step=source,
        )


def _check_step(report: Report, position: int) -> None:
    definition = report.definition
    step = definition.steps[position]
    name = report.step_name(position)
    if not step.questions and not step.title.strip() and not step.body.strip():
        report.warning(
            "empty_step",
            f"{name} has no questions and no text, so visitors see a blank page. Add a title, "
            "some text or a question, or delete the step.",
            where=f"steps[{position}]",
            step=position,
        )
    live = report.graph.live_rules[position]
    if live < len(step.rules):
        report.warning(
            "rule_unreachable",
            f"{name}: rules after rule {live} never run, because rule {live} always jumps. "
            "Move them above it, give it a condition, or delete them.",
            where=f"steps[{position}].rules[{live}]",
            step=position,
        )
    for index, rule in enumerate(step.rules):
        action, where = rule.action, f"steps[{position}].rules[{index}].action"
        if action.type == "goto_step" and action.step not in definition.steps_by_key:
            report.error(
                "missing_step",
                f'{name}, rule {index + 1} jumps to step "{action.step}", which does not exist. '
                "Pick an existing step or delete the rule.",
                where=where,
                step=position,
            )
        if action.type == "goto_outcome" and action.outcome not in definition.outcomes_by_key:
            report.error(
                "missing_outcome",
                f'{name}, rule {index + 1} ends with outcome "{action.outcome}", which does not '
                "exist. Pick an existing outcome or add it.",
                where=where,
                step=position,
            )


def _check_question(report: Report, position: int, index: int, question: Question) -> None:
    where = f"steps[{position}].questions[{index}]"
    about = f'{report.step_name(position)}, question "{question.key}"'

    def error(code: str, message: str, field: str = "") -> None:
        report.error(code, f"{about} {message}", where=where + field, step=position)

    if question.kind != "hidden" and not (question.label.strip() or question.help.strip()):
        report.warning(
            "question_without_label",
            f"{about} has no label, so visitors cannot tell what it asks. Write a label.",
            where=f"{where}.label",
            step=position,
        )
    if KINDS[question.kind].has_choices and not question.choices:
        error("no_choices", "has no choices, so it cannot be answered. Add choices.", ".choices")
    for code, message, field in _choice_problems(question, report.definition.outcomes_by_key):
        error(code, message, field)
    settings_problem = _settings_problem(question)
    if settings_problem:
        error("validation_invalid", settings_problem, ".validation")


def _choice_problems(question: Question, outcomes: Mapping[str, Any]
                     ) -> Iterator[tuple[str, str, str]]:
    """(code, message, field) of each choice that lacks its image, each correct answer that is
    no choice, and each weight for an outcome that does not exist."""
    if question.kind == "image_choice":
        for number, choice in enumerate(question.choices):
            if not choice.image:
                yield ("choice_without_image",
                       f'is an image choice, but choice "{choice.key}" has no image. Add one.',
                       f".choices[{number}].image")
    correct = question.correct
    for key in (correct,) if isinstance(correct, str) else correct or ():
        if key not in question.choice_index:
            yield ("missing_choice",
                   f'marks "{key}" as correct, but it has no such choice. Pick one of: '
                   f"{', '.join(question.choice_index) or '(none)'}.",
                   ".correct")
    for number, choice in enumerate(question.choices):
        for outcome_key in choice.weights:
            if outcome_key not in outcomes:
                yield ("missing_outcome",
                       f'gives choice "{choice.key}" weight for outcome "{outcome_key}", which '
                       "does not exist. Pick an existing outcome.",
                       f".choices[{number}].weights")


def _settings_problem(question: Question) -> str | None:
    rules = question.validation
    pairs = {
        "min_length": "max_length",
        "min": "max",
        "min_choices": "max_choices",
    }
    for low_name, high_name in pairs.items():
        low, high = rules.get(low_name), rules.get(high_name)
        if low is not None and high is not None and low > high:
            return f"has {low_name} {low} above {high_name} {high}. Swap or correct them."
    if question.kind == "rating" and rules["min"] == rules["max"]:
        return "has a rating scale with a single value. Give max a higher value than min."
    if question.kind == "multiple_choice" and rules["min_choices"] > len(question.choices):
        return (
            f"asks for at least {rules['min_choices']} choices but has only "
            f"{len(question.choices)}. Lower min_choices or add choices."
        )
    return None


def _check_contest(report: Report) -> None:
    """A contest must ask a required email and a required consent on EVERY path to an ending:
    a visitor who can finish without them is an entrant nobody can contact or hold to the rules.
    """
    definition = report.definition
    if definition.kind not in _CONTEST_KINDS:
        return
    needed = (
        ("email", "contest_without_email", "a required email question to contact winners"),
        ("consent", "contest_without_consent", "a required consent question for the rules"),
    )
    gen = [
        sum(
            1 << bit
            for bit, (kind, _, _) in enumerate(needed)
            if any(q.kind == kind and q.required for q in step.questions)
        )
        for step in definition.steps
    ]
    everything = (1 << len(needed)) - 1
    asked = forward_dataflow(
        report.graph, report.order, start=0, initial=everything, meet=operator.and_, gen=gen
    )
    exits = [position for position in exit_steps(report, None) if report.live[position]]
    on_every_path = everything
    for position in exits:
        on_every_path &= asked[position]
    for bit, (_kind, code, what) in enumerate(needed):
        if on_every_path & (1 << bit):
            continue
        anywhere = any(gen[position] & (1 << bit) for position in range(len(gen)))
        report.error(
            code,
            f"A {definition.kind} needs {what} on every path to an ending"
            + (", but some paths finish without it. Move it to a step every visitor passes "
               "through (before any jump to an outcome)." if anywhere else
               ". Add one to a step every visitor sees and mark it required."),
            where="kind",
        )
