"""Where a step, question, choice or outcome is referred to: rules, recall tags, emails, weights.

Deleting an item others refer to leaves them broken (a rule jumping nowhere, a tag rendering
empty), so the builder lists these places before deleting and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from campaigns.campaign_settings import campaign_setting
from campaigns.flow import tags_in
from campaigns.models import Campaign, Choice, Outcome, Question, Rule, Step


@dataclass(frozen=True)
class Usage:
    where: str  # 'Step 2 “Your taste”, rule 1'
    how: str  # "tests this answer"
    anchor: str = ""  # the element id on the editor page to fix it at, "" when elsewhere
    step_id: int | None = None  # the step the usage lives on, if any

    def __str__(self) -> str:
        return f"{self.where} {self.how}"


def _step_name(step: Step) -> str:
    return f"Step {step.position + 1} “{step.title or step.key}”"


def leaves(condition) -> Iterator[dict]:
    if not isinstance(condition, dict):
        return
    for group in ("all", "any"):
        for item in condition.get(group) or ():
            yield from leaves(item)
    if "field" in condition:
        yield condition


def _rules(campaign: Campaign) -> list[Rule]:
    return list(Rule.objects.filter(step__campaign=campaign).select_related("step")
                .order_by("step__position", "position"))


def _rule_usage(rule: Rule, how: str) -> Usage:
    return Usage(f"{_step_name(rule.step)}, rule {rule.position + 1},", how,
                 f"step-{rule.step.key}", rule.step_id)


def _texts(campaign: Campaign) -> Iterator[tuple[str, str, str, int | None]]:
    """(text, where, anchor, step id) of every text that may hold recall tags."""
    for step in campaign.steps.all():
        yield step.title, f"{_step_name(step)}: title", f"step-{step.key}", step.pk
        yield step.body, f"{_step_name(step)}: text", f"step-{step.key}", step.pk
    for question in campaign.questions.select_related("step"):
        where = f"Question “{question.label or question.key}” on {_step_name(question.step)}"
        yield question.label, f"{where}: label", f"question-{question.key}", question.step_id
        yield question.help, f"{where}: help", f"question-{question.key}", question.step_id
    for outcome in campaign.outcomes.all():
        yield outcome.title, f"Outcome “{outcome.title}”: title", f"outcome-{outcome.key}", None
        yield outcome.body, f"Outcome “{outcome.title}”: text", f"outcome-{outcome.key}", None
    for email in campaign.email_templates.all():
        yield email.subject, f"Email “{email.subject}”: subject", "", None
        yield email.body, f"Email “{email.subject}”: body", "", None


def usages_of_question(question: Question) -> list[Usage]:
    campaign, field = question.campaign, f"answers.{question.key}"
    found = [_rule_usage(rule, "tests this answer") for rule in _rules(campaign)
             if any(leaf.get("field") == field for leaf in leaves(rule.condition))]
    for text, where, anchor, step_id in _texts(campaign):
        if text and field in tags_in(text):
            found.append(Usage(where, f"shows it with {{{{ {field} }}}}", anchor, step_id))
    return found


def usages_of_choice(choice: Choice) -> list[Usage]:
    question = choice.question
    field = f"answers.{question.key}"
    found = []
    for rule in _rules(question.campaign):
        for leaf in leaves(rule.condition):
            value = leaf.get("value")
            values = value if isinstance(value, list) else [value]
            if leaf.get("field") == field and choice.key in values:
                found.append(_rule_usage(rule, f"tests for the choice “{choice.label}”"))
                break
    correct = question.correct if isinstance(question.correct, list) else [question.correct]
    if choice.key in correct:
        found.append(Usage(f"Question “{question.label or question.key}”",
                           "counts it as the correct answer", f"question-{question.key}",
                           question.step_id))
    return found


def usages_of_step(step: Step) -> list[Usage]:
    """References to the step or to its questions from anywhere but the step itself."""
    found = [_rule_usage(rule, "jumps to this step") for rule in _rules(step.campaign)
             if rule.step_id != step.pk and isinstance(rule.action, dict)
             and rule.action.get("type") == "goto_step" and rule.action.get("step") == step.key]
    for question in step.questions.all():
        found += [usage for usage in usages_of_question(question) if usage.step_id != step.pk]
    return found


def usages_of_outcome(outcome: Outcome) -> list[Usage]:
    campaign = outcome.campaign
    found = [_rule_usage(rule, "ends with this outcome") for rule in _rules(campaign)
             if isinstance(rule.action, dict) and rule.action.get("type") == "goto_outcome"
             and rule.action.get("outcome") == outcome.key]
    found += [Usage(f"Email “{email.subject}”", "is sent when this outcome is reached")
              for email in campaign.email_templates.filter(outcome_key=outcome.key)]
    for choice in Choice.objects.filter(question__campaign=campaign).select_related(
            "question__step"):
        if choice.weights.get(outcome.key):
            question = choice.question
            found.append(Usage(f"Choice “{choice.label}” of “{question.label or question.key}”",
                               "gives it weight", f"question-{question.key}", question.step_id))
    if outcome.key in campaign_setting(campaign, "gate_outcomes"):
        found.append(Usage("The contest's quiz gate (settings)", "lets entries with it win"))
    return found
