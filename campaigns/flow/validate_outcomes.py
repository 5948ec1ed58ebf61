"""Checks of endings: which outcomes can be reached, score ranges, weights, and emails."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .definition import Outcome, Question, Step
from .kinds import KINDS, format_number
from .problems import Report

Interval = tuple[float, float]


def check_outcomes(report: Report) -> None:
    definition, graph = report.definition, report.graph
    scoring = definition.settings.scoring
    if scoring != "none" and not any(
        o.has_range or scoring == "weights" for o in definition.outcomes
    ):
        wanted = "outcomes" if scoring == "weights" else "outcomes with a score range"
        report.warning(
            "scoring_without_outcomes",
            f'Scoring is "{scoring}" but there are no {wanted}, so every visitor gets the '
            'generic thank-you page. Add outcomes, or set scoring to "none".',
            where="settings.scoring",
        )
    reach = _Reach(
        jumped={key for position in report.order for key in graph.outcome_jumps[position]},
        weighed=_weighed(report),
        finishes_naturally=any(graph.natural_ends[position] for position in report.order),
    )
    for index, outcome in enumerate(definition.outcomes):
        _check_outcome(report, index, outcome, reach)
    if scoring == "score":
        _check_ranges(report)


@dataclass(frozen=True)
class _Reach:
    """How visitors can arrive at outcomes: by a rule's jump, by weight, or by finishing."""

    jumped: set[str]  # outcomes a reachable rule ends with
    weighed: set[str]  # outcomes a reachable choice gives weight to
    finishes_naturally: bool  # some path ends without a rule choosing the outcome


def _weighed(report: Report) -> set[str]:
    return {
        key
        for position in report.order
        for question in report.definition.steps[position].questions
        for choice in question.choices
        for key, weight in choice.weights.items()
        if weight > 0
    }


def _check_outcome(report: Report, index: int, outcome: Outcome, reach: _Reach) -> None:
    scoring = report.definition.settings.scoring
    low, high = outcome.min_score, outcome.max_score
    if low is not None and high is not None and low > high:
        report.error(
            "outcome_range_invalid",
            f'Outcome "{outcome.key}" has min_score {format_number(low)} above max_score '
            f"{format_number(high)}, so no score fits it. Swap or correct them.",
            where=f"outcomes[{index}].min_score",
        )
    if outcome.key in reach.jumped:
        return
    if scoring == "weights" and outcome.key not in reach.weighed:
        report.warning(
            "outcome_without_weight",
            f'Outcome "{outcome.key}" gets no weight from any choice and no rule ends with '
            "it, so it is (almost) never picked. Give some choices a weight for it, or end "
            "with it from a rule.",
            where=f"outcomes[{index}]",
        )
    elif (
        not reach.finishes_naturally
        or scoring == "none"
        or not (scoring == "weights" or outcome.has_range)
    ):
        report.warning(
            "outcome_unreachable",
            f'Outcome "{outcome.key}" is never shown: no rule ends with it'
            f"{_why_scoring_skips(scoring, outcome, reach.finishes_naturally)}. Add a rule "
            "that ends with it, or delete it.",
            where=f"outcomes[{index}]",
        )


def _why_scoring_skips(scoring: str, outcome: Outcome, finishes_naturally: bool) -> str:
    if scoring == "none":
        return ' and scoring is "none"'
    if not finishes_naturally:
        return " and every path ends with a rule's outcome"
    return " and it has no score range"


def check_emails(report: Report) -> None:
    for index, email in enumerate(report.definition.emails):
        if email.outcome is not None and email.outcome not in report.definition.outcomes_by_key:
            report.error(
                "missing_outcome",
                f'Email {index + 1} is sent for outcome "{email.outcome}", which does not exist. '
                "Pick an existing outcome or delete the email.",
                where=f"emails[{index}].outcome",
            )


def _check_ranges(report: Report) -> None:
    definition = report.definition
    ranged = sorted(
        (
            (-math.inf if o.min_score is None else o.min_score, index, o)
            for index, o in enumerate(definition.outcomes)
            if o.has_range
            and (o.min_score is None or o.max_score is None or o.min_score <= o.max_score)
        ),
        key=lambda item: (item[0], item[1]),
    )
    if not ranged:
        return
    reach = _score_bounds(report) or (-math.inf, math.inf)
    whole = _all_points_whole(definition.steps)
    first_low, first_index, _ = ranged[0]
    if first_low > reach[0]:
        _gap(report, first_index, f"below {_show(first_low)}", reach)
    covered_high, covering = -math.inf, ranged[0][2]
    for low, index, outcome in ranged:
        high = math.inf if outcome.max_score is None else outcome.max_score
        if covered_high != -math.inf and low <= covered_high:
            report.error(
                "score_range_overlap",
                f'Outcomes "{covering.key}" and "{outcome.key}" both cover scores '
                f"{_show(low)} to {_show(min(high, covered_high))}; such visitors always get "
                f'"{_first(definition.outcomes, covering, outcome).key}". Change the ranges so '
                "they do not overlap.",
                where=f"outcomes[{index}].min_score",
            )
        elif (
            covered_high != -math.inf
            and _leaves_gap(covered_high, low, whole=whole)
            and covered_high < reach[1]
            and low > reach[0]
        ):
            _gap(report, index, f"above {_show(covered_high)} and below {_show(low)}", reach)
        if high > covered_high:
            covered_high, covering = high, outcome
    if covered_high < reach[1]:
        index = definition.outcomes.index(covering)
        _gap(report, index, f"above {_show(covered_high)}", reach, field="max_score")


def _gap(
    report: Report, index: int, scores: str, reach: Interval, *, field: str = "min_score"
) -> None:
    possible = (
        f" (possible scores run from {_show(reach[0])} to {_show(reach[1])})"
        if math.isfinite(reach[0]) and math.isfinite(reach[1])
        else ""
    )
    report.warning(
        "score_range_gap",
        f"No outcome covers scores {scores}{possible}; those visitors get the generic "
        "thank-you page. Widen a neighbouring outcome's range to cover them.",
        where=f"outcomes[{index}].{field}",
    )


def _first(outcomes: tuple[Outcome, ...], one: Outcome, other: Outcome) -> Outcome:
    return one if outcomes.index(one) < outcomes.index(other) else other


def _leaves_gap(high: float, low: float, *, whole: bool) -> bool:
    """Whether a score can fall strictly between two consecutive ranges."""
    if whole:
        return math.floor(high) + 1 < low
    return high < low


def _show(value: float) -> str:
    if math.isinf(value):
        return "-infinity" if value < 0 else "infinity"
    return format_number(value)


def _all_points_whole(steps: tuple[Step, ...]) -> bool:
    numbers = [
        number
        for step in steps
        for question in step.questions
        for number in (question.points, *(choice.points for choice in question.choices))
    ] + [
        rule.action.value for step in steps for rule in step.rules if rule.action.target == "score"
    ]
    return all(isinstance(number, int) for number in numbers)


def _score_bounds(report: Report) -> Interval | None:
    """The lowest and highest score a visitor can finish with by scoring, or None if unknown
    (a loop makes it unbounded). An interval per step, propagated in topological order."""
    graph = report.graph
    if report.loops:
        return None
    out: dict[int, Interval] = {}
    for position in report.order:
        sources = [out[source] for source in graph.predecessors[position] if source in out]
        if position == 0:
            sources.append((0, 0))
        low, high = min(s[0] for s in sources), max(s[1] for s in sources)
        out[position] = _step_effect(report, position, low, high)
    finishing = [out[position] for position in report.order if graph.natural_ends[position]]
    if not finishing:
        return None
    return min(low for low, _ in finishing), max(high for _, high in finishing)


def _step_effect(report: Report, position: int, low: float, high: float) -> Interval:
    step = report.definition.steps[position]
    for question in step.questions:
        points_low, points_high = _question_points(question)
        low, high = low + points_low, high + points_high
    certain = True  # until a rule might jump away, unconditional actions always apply
    for rule in step.rules[: report.graph.live_rules[position]]:
        action = rule.action
        if action.is_jump:
            certain = False
            continue
        if action.target != "score":
            continue
        always = certain and rule.when is None
        if action.type == "set":
            low, high = (
                (action.value, action.value)
                if always
                else (
                    min(low, action.value),
                    max(high, action.value),
                )
            )
            continue
        change = action.value if action.type == "add" else -action.value
        if always:
            low, high = low + change, high + change
        else:
            low, high = low + min(0, change), high + max(0, change)
    return low, high


def _question_points(question: Question) -> Interval:
    if not question.choices:
        return 0, 0
    if KINDS[question.kind].multiple:
        bonus = question.points if question.correct is not None else 0
        low = sum(min(0, choice.points) for choice in question.choices) + min(0, bonus)
        high = sum(max(0, choice.points) for choice in question.choices) + max(0, bonus)
        return low, high
    options = [
        choice.points + (question.points if question.correct == choice.key else 0)
        for choice in question.choices
    ]
    if not question.required:
        options.append(0)
    return min(options), max(options)
