"""Checks of what conditions and recall tags refer to, and whether it is known by then.

"Known by then" is a forward dataflow over the flow graph with one bit per question that is
referred to: MUST (asked on every path, AND at joins) and MAY (asked on some path, OR at joins).
Hidden fields come from the URL when the entry starts, so they are known everywhere.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from .conditions import OPERATORS, Leaf, as_date, is_number, leaves
from .graph import forward_dataflow
from .kinds import KINDS, SCORE_OPERATORS
from .problems import Report
from .recall import EMAIL_NAMES, OUTCOME_NAMES, STEP_NAMES, tags_in


@dataclass(frozen=True, slots=True)
class Need:
    """An answer that must be known at some point of the flow."""

    key: str
    where: str
    subject: str  # e.g. 'Step 3 "x", rule 2 tests answers.age'
    steps: tuple[int, ...]  # the point: after these steps (any of them may be the last)
    before: bool  # True: before steps[0] is answered (recall in its text)
    warn_if_some_paths: bool
    step: int | None


def check_references(report: Report) -> None:
    needs: list[Need] = []
    for position, step in enumerate(report.definition.steps):
        name = report.step_name(position)
        for index, rule in enumerate(step.rules):
            for leaf in leaves(rule.when):
                subject = f"{name}, rule {index + 1} tests {leaf.field}"
                where = f"steps[{position}].rules[{index}].when"
                if _check_leaf(report, leaf, subject, where, position):
                    needs.append(
                        Need(leaf.name, where, subject, (position,), False, True, position)
                    )
        for field in ("title", "body"):
            where = f"steps[{position}].{field}"
            for key in _recall(report, getattr(step, field), STEP_NAMES, name, where, position):
                subject = f"{name} shows {{{{ answers.{key} }}}}"
                needs.append(Need(key, where, subject, (position,), True, True, position))
    needs += _outcome_needs(report)
    needs += _email_needs(report)
    _check_needs(report, needs)


def _check_leaf(report: Report, leaf: Leaf, subject: str, where: str, position: int) -> bool:
    """Reports what is wrong with a leaf; True when it tests an answer that must be known."""
    definition = report.definition

    def error(code: str, message: str) -> None:
        report.error(code, f"{subject} {message}", where=where, step=position)

    if leaf.source == "vars" and leaf.name not in definition.variables:
        error(
            "unknown_variable", "but no rule ever sets it. Fix the name or add a rule that sets it."
        )
    if leaf.source != "answers":
        if leaf.op not in SCORE_OPERATORS:
            error("operator_mismatch", f"with {leaf.op}; use one of: {', '.join(SCORE_OPERATORS)}.")
        elif not all(is_number(value) for value in _values(leaf)):
            error("value_mismatch", "against something that is not a number. Use numbers.")
        return False
    question = definition.questions_by_key.get(leaf.name)
    if question is None:
        error("missing_question", "but there is no such question. Pick an existing question.")
        return False
    operators = KINDS[question.kind].operators
    if leaf.op not in operators:
        fits = ", ".join(operators) if operators else "none: it has no answer"
        error(
            "operator_mismatch",
            f"with {leaf.op}, which does not fit a {question.kind} question. Use one of: {fits}.",
        )
        return False
    values = _values(leaf)
    if KINDS[question.kind].has_choices:
        unknown = [value for value in values if value not in question.choice_index]
        if unknown:
            error(
                "missing_choice",
                f"against {unknown[0]!r}, which is not one of its choices. "
                f"Pick one of: {', '.join(question.choice_index) or '(none)'}.",
            )
    elif not all(_fits(question.kind, value) for value in values):
        error(
            "value_mismatch",
            f"against a value a {question.kind} answer can never equal. "
            f"Use {_expected(question.kind)}.",
        )
    return question.kind != "hidden"


def _values(leaf: Leaf) -> list[Any]:
    shape = OPERATORS[leaf.op].value
    if shape in ("list", "range"):
        return list(leaf.value)
    return [leaf.value] if shape in ("scalar", "text", "number", "date") else []


def _fits(kind: str, value: Any) -> bool:
    answer = KINDS[kind].answer
    if answer == "bool":
        return isinstance(value, bool)
    if answer == "number":
        return is_number(value)
    if answer == "date":
        return as_date(value) is not None
    return isinstance(value, str) if answer == "text" else True


def _expected(kind: str) -> str:
    answer = KINDS[kind].answer
    if answer == "bool":
        return "true or false"
    if answer == "number":
        return "numbers"
    return "dates (YYYY-MM-DD)" if answer == "date" else "text"


def _recall(
    report: Report, text: str, allowed: tuple[str, ...], owner: str, where: str, step: int | None
) -> list[str]:
    """Reports unknown tags in `text`; returns the question keys it recalls."""
    definition = report.definition
    recalled = []
    for name in tags_in(text):
        source, _, rest = name.partition(".")
        question = definition.questions_by_key.get(rest) if source == "answers" else None
        if question is not None and question.kind != "statement":
            if question.kind != "hidden":
                recalled.append(rest)
            continue
        if name in allowed or (source == "vars" and rest in definition.variables):
            continue
        if question is not None:
            why = f'"{rest}" is a statement, which has no answer'
        elif source == "answers":
            why = f'there is no question "{rest}"'
        elif source == "vars":
            why = f"no rule sets vars.{rest}"
        else:
            why = f"it can only show answers.<question key>, vars.<name>, {', '.join(allowed)}"
        report.error(
            "recall_unknown",
            f"{owner} uses {{{{ {name[:60]} }}}}, but {why}, so it renders empty. Fix the name or "
            "remove the tag.",
            where=where,
            step=step,
        )
    return recalled


def exit_steps(report: Report, outcome_key: str | None) -> tuple[int, ...]:
    """Live steps a visitor can finish on: with `outcome_key`, or with any outcome (None)."""
    definition, graph = report.definition, report.graph
    picked_by_scoring = definition.settings.scoring == "weights" or (
        definition.settings.scoring == "score"
        and (outcome_key is None or definition.outcomes_by_key[outcome_key].has_range)
    )
    return tuple(
        position
        for position in report.order
        if (graph.natural_ends[position] and (picked_by_scoring or outcome_key is None))
        or (outcome_key in graph.outcome_jumps[position])
        or (outcome_key is None and graph.outcome_jumps[position])
    )


def _outcome_needs(report: Report) -> list[Need]:
    needs = []
    for index, outcome in enumerate(report.definition.outcomes):
        owner = f'Outcome "{outcome.key}"'
        exits = exit_steps(report, outcome.key)
        for field in ("title", "body"):
            where = f"outcomes[{index}].{field}"
            for key in _recall(report, getattr(outcome, field), OUTCOME_NAMES, owner, where, None):
                subject = f"{owner} shows {{{{ answers.{key} }}}}"
                needs.append(Need(key, where, subject, exits, False, True, None))
    return needs


def _email_needs(report: Report) -> list[Need]:
    needs = []
    for index, email in enumerate(report.definition.emails):
        owner = f"Email {index + 1} ({email.trigger})"
        known_outcome = email.outcome in report.definition.outcomes_by_key
        if email.trigger in ("resume", "reminder"):
            # Sent to unfinished entries: any answer may be missing, only "never" is wrong.
            exits, warn = tuple(report.order), False
        else:
            exits, warn = exit_steps(report, email.outcome if known_outcome else None), True
        for field in ("subject", "body"):
            where = f"emails[{index}].{field}"
            for key in _recall(report, getattr(email, field), EMAIL_NAMES, owner, where, None):
                subject = f"{owner} shows {{{{ answers.{key} }}}}"
                needs.append(Need(key, where, subject, exits, False, warn, None))
    return needs


def _check_needs(report: Report, needs: list[Need]) -> None:
    needs = [need for need in needs if need.steps and all(report.live[s] for s in need.steps)]
    bits = {key: 1 << number for number, key in enumerate(dict.fromkeys(n.key for n in needs))}
    definition, graph = report.definition, report.graph
    gen = [
        sum(bits.get(question.key, 0) for question in step.questions) for step in definition.steps
    ]
    everything = (1 << len(bits)) - 1
    flow = {"graph": graph, "order": report.order, "start": 0, "gen": gen}
    must = forward_dataflow(**flow, initial=everything, meet=operator.and_)
    may = forward_dataflow(**flow, initial=0, meet=operator.or_)
    for need in needs:
        if need.before:
            position = need.steps[0]
            sources = graph.predecessors[position]
            must_mask = _meet(must, sources, operator.and_, everything)
            may_mask = _meet(may, sources, operator.or_, 0)
            if position == 0:
                must_mask = 0
        else:
            must_mask = _meet(must, need.steps, operator.and_, everything)
            may_mask = _meet(may, need.steps, operator.or_, 0)
        bit, home = bits[need.key], report.question_home(need.key)
        asked_here = need.before and definition.question_steps[need.key] == (
            definition.steps[need.steps[0]].key
        )
        if not may_mask & bit and asked_here:
            report.error(
                "answer_never_given",
                f"{need.subject}, but that question is asked on this same step, so its answer "
                "is not known yet when the text is shown. Move the tag to a later step.",
                where=need.where,
                step=need.step,
            )
        elif not may_mask & bit:
            report.error(
                "answer_never_given",
                f"{need.subject}, but no path asks that question ({home}) before this point, so "
                "it is always empty here. Ask it earlier, or use something that is known here.",
                where=need.where,
                step=need.step,
            )
        elif need.warn_if_some_paths and not must_mask & bit:
            report.warning(
                "answer_maybe_missing",
                f"{need.subject}, but some paths get here without asking that question ({home}), "
                "and there it is empty. Ask it on every path before this point, or make sure the "
                "text or rule still works when it is empty.",
                where=need.where,
                step=need.step,
            )


def _meet(masks: list[int], steps: tuple[int, ...], meet: Any, empty: int) -> int:
    result = None
    for position in steps:
        result = masks[position] if result is None else meet(result, masks[position])
    return empty if result is None else result
