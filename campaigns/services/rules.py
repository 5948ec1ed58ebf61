"""Writing a step's rules and the campaign's scoring mode, checked against the draft.

Every write names the draft revision it was made on (`revision`) and edits the draft at it with
`draft_edit`, so a stale edit raises StaleDraft and saves nothing.
A rule that refers to something the draft lacks raises RuleInvalid with a message per field.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from campaigns.documents import draft_document
from campaigns.flow.schema import MAX_RULES_PER_STEP
from campaigns.models import Campaign, Rule, Scoring, Step
from campaigns.rule_checks import DraftIndex, RuleInvalid, check_rule
from campaigns.services.drafts import draft_edit


def _checked(step: Step, condition: Any, action: Any) -> None:
    index = DraftIndex.of(draft_document(step.campaign))
    errors = check_rule(index, step.key, condition, action)
    if errors:
        raise RuleInvalid(errors)


def _renumber(step: Step, rules: list[Rule]) -> None:
    for position, rule in enumerate(rules):
        rule.position = position
    Rule.objects.bulk_update(rules, ["position"])


def rule_create(*, step: Step, condition: dict | None, action: dict, by,
                revision: int | None) -> Rule:
    """A new rule at the end of the step's rules (`condition` None: it always fires)."""
    if step.rules.count() >= MAX_RULES_PER_STEP:
        raise RuleInvalid({"rule": f"A step holds at most {MAX_RULES_PER_STEP} rules; "
                                   "combine some with an OR group."})
    _checked(step, condition, action)
    with draft_edit(campaign=step.campaign, by=by, revision=revision,
                    summary=f"Added a rule to step {step.key}"):
        last = step.rules.aggregate(last=Max("position"))["last"]
        return Rule.objects.create(step=step, position=0 if last is None else last + 1,
                                   condition=condition, action=action)


def rule_update(*, rule: Rule, condition: dict | None, action: dict, by,
                revision: int | None) -> Rule:
    _checked(rule.step, condition, action)
    with draft_edit(campaign=rule.step.campaign, by=by, revision=revision,
                    summary=f"Changed rule {rule.position + 1} of step {rule.step.key}"):
        rule.condition, rule.action = condition, action
        rule.save(update_fields=["condition", "action"])
    return rule


@transaction.atomic
def rule_move(*, rule: Rule, position: int, by, revision: int | None) -> Rule:
    """Put the rule at `position` (0 first, clamped to the step's rules): order decides which
    jump wins."""
    step = rule.step
    ordered = list(step.rules.select_for_update())
    current = next(number for number, r in enumerate(ordered) if r.pk == rule.pk)
    rules = [r for r in ordered if r.pk != rule.pk]
    position = max(0, min(position, len(rules)))
    if position == current:
        return rule  # already there: nothing to write, and no revision for others to trip on
    with draft_edit(campaign=step.campaign, by=by, revision=revision,
                    summary=f"Reordered the rules of step {step.key}"):
        rules.insert(position, rule)
        _renumber(step, rules)
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule, by, revision: int | None) -> None:
    step = rule.step
    with draft_edit(campaign=step.campaign, by=by, revision=revision,
                    summary=f"Deleted rule {rule.position + 1} of step {step.key}"):
        rule.delete()
        _renumber(step, list(step.rules.select_for_update()))


def campaign_scoring_set(*, campaign: Campaign, scoring: str, by,
                         revision: int | None) -> Campaign:
    """How the outcome is chosen when no rule chose one: none, score ranges or weights."""
    if scoring not in Scoring.values:
        raise RuleInvalid({"scoring": "Choose how the outcome is picked."})
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"Scoring set to {Scoring(scoring).label.lower()}"):
        Campaign.objects.filter(pk=campaign.pk).update(scoring=scoring)
        campaign.scoring = scoring
    return campaign
