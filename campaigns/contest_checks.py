"""What a contest's settings must agree with before it is published: its official rules and
who may win.

`flow.validate` sees only the blueprint. These checks also read `Campaign.settings` and report
as `flow.Problem`s (`where` names the setting), so the publish check lists them together. The
gate rules are structural, never about wording: a contest with several results must say which
of them enter the draw, and a minimum score must not split a result in two.
"""

from __future__ import annotations

import math
import re

from campaigns import flow
from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.flow.kinds import format_number
from campaigns.models import Campaign

_TAG = re.compile(r"<[^>]*>")
WHO_MAY_WIN = "under Settings → Who may win"


def contest_problems(campaign: Campaign, definition: flow.Definition) -> list[flow.Problem]:
    if campaign.kind not in CONTEST_KINDS:
        return []
    problems = _rules(campaign, definition)
    gate_outcomes = [o for o in campaign_setting(campaign, "gate_outcomes") or []
                     if isinstance(o, str)]
    min_score = campaign_setting(campaign, "gate_min_score")
    if isinstance(min_score, bool) or not isinstance(min_score, int | float):
        min_score = None
    problems += _gate_outcomes(definition, gate_outcomes, min_score)
    if min_score is not None:
        problems += _gate_score(definition, gate_outcomes, min_score)
    return problems


def _error(code: str, message: str, where: str) -> flow.Problem:
    return flow.Problem("error", code, message, None, where)


def _rules(campaign: Campaign, definition: flow.Definition) -> list[flow.Problem]:
    """Entrants agree to the official rules (validate() makes a contest ask it), so there must
    be rules to agree to."""
    if _TAG.sub("", campaign_setting(campaign, "rules_text") or "").strip():
        return []
    consent = next((q for q in definition.questions_by_key.values()
                    if q.kind == "consent" and q.required), None)
    asked = f' (question "{consent.key}")' if consent else ""
    return [_error(
        "contest_rules_empty",
        f"The official rules are empty, yet entrants must agree to them{asked}. Write them "
        "under Settings → Official rules: the prize, who runs the contest (the sponsor), who "
        "may enter, when entries open and close, and how winners are picked and told.",
        "campaign_settings.rules_text")]


def _gate_outcomes(definition: flow.Definition, gate: list[str],
                   min_score: float | None) -> list[flow.Problem]:
    keys = [o.key for o in definition.outcomes]
    problems = [
        _error("gate_unknown_outcome",
               f'Only entries with outcome "{key}" may win, but the contest has no such outcome '
               f"any more. Tick the outcomes that enter the draw again {WHO_MAY_WIN}.",
               "campaign_settings.gate_outcomes")
        for key in gate if key not in keys
    ]
    if len(keys) >= 2 and not gate and min_score is None:
        named = ", ".join(f'"{key}"' for key in keys)
        problems.append(_error(
            "contest_gate_missing",
            f"This contest ends with {len(keys)} different results ({named}) but does not say "
            "which of them enter the prize draw, so everyone who finishes is in it, whatever "
            f"their result tells them. U{WHO_MAY_WIN[1:]}, tick the outcomes that "
            "enter the draw (all of them if every entrant should), or set a minimum score.",
            "campaign_settings.gate_outcomes"))
    return problems


def _gate_score(definition: flow.Definition, gate: list[str],
                min_score: float) -> list[flow.Problem]:
    """A result shown to some entrants who qualify and some who do not tells one of them
    something false; so does a qualifying result no qualifying score can reach."""
    if definition.settings.scoring != "score":
        return []
    problems = []
    shown_min = format_number(min_score)
    for index, outcome in enumerate(definition.outcomes):
        if not outcome.has_range or (gate and outcome.key not in gate):
            continue
        low = -math.inf if outcome.min_score is None else outcome.min_score
        high = math.inf if outcome.max_score is None else outcome.max_score
        covers = _scores(low, high)
        if low < min_score <= high:
            problems.append(_error(
                "gate_splits_outcome",
                f'Outcome "{outcome.key}" covers {covers}, but only a score of at least '
                f"{shown_min} enters the draw: entrants who score less see it too, yet are not "
                f"in the draw. Make its range start at {shown_min} (and give lower scores "
                "their own outcome), or change the minimum score "
                f"{WHO_MAY_WIN}.", f"outcomes[{index}].min_score"))
        elif high < min_score and gate:
            problems.append(_error(
                "gate_outcome_below_score",
                f'Outcome "{outcome.key}" enters the draw, but it covers {covers}, below the '
                f"minimum score of {shown_min}, so nobody with it is in the draw. Untick it "
                f"or lower the minimum score {WHO_MAY_WIN}.",
                "campaign_settings.gate_outcomes"))
    return problems


def _scores(low: float, high: float) -> str:
    if math.isinf(low):
        return f"scores up to {format_number(high)}"
    if math.isinf(high):
        return f"scores from {format_number(low)}"
    return f"scores {format_number(low)} to {format_number(high)}"
