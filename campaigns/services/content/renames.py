"""A key renamed in the draft is renamed where the draft refers to it, so nothing breaks.

(Keys are renamed only before a version contains them; see keys.py.)
"""

from __future__ import annotations

import re

from campaigns.models import Campaign, EmailTemplate, Outcome, Question, Rule, Step

from .usage import leaves


def _retag(text: str, old: str, new: str) -> str:
    return re.sub(r"\{\{\s*answers\." + re.escape(old) + r"\s*\}\}", f"{{{{ answers.{new} }}}}",
                  text)


def _rules(campaign: Campaign) -> list[Rule]:
    return list(Rule.objects.filter(step__campaign=campaign))


def question_key_renamed(campaign: Campaign, old: str, new: str) -> None:
    changed = []
    for rule in _rules(campaign):
        tests = [leaf for leaf in leaves(rule.condition) if leaf.get("field") == f"answers.{old}"]
        for leaf in tests:
            leaf["field"] = f"answers.{new}"
        if tests:
            changed.append(rule)
    Rule.objects.bulk_update(changed, ["condition"])
    for model, fields, rows in (
        (Step, ("title", "body"), Step.objects.filter(campaign=campaign)),
        (Question, ("label", "help"), Question.objects.filter(campaign=campaign)),
        (Outcome, ("title", "body"), Outcome.objects.filter(campaign=campaign)),
        (EmailTemplate, ("subject", "body"), EmailTemplate.objects.filter(campaign=campaign)),
    ):
        retagged = []
        for row in rows:
            before = [getattr(row, field) for field in fields]
            for field in fields:
                setattr(row, field, _retag(getattr(row, field), old, new))
            if before != [getattr(row, field) for field in fields]:
                retagged.append(row)
        model.objects.bulk_update(retagged, list(fields))
    _translations_renamed(campaign, {"question": old, "choice": old}, new, retag=(old, new))


def _jumps_renamed(campaign: Campaign, jump: str, target: str, old: str, new: str) -> None:
    changed = []
    for rule in _rules(campaign):
        if isinstance(rule.action, dict) and rule.action.get("type") == jump and \
                rule.action.get(target) == old:
            rule.action = {**rule.action, target: new}
            changed.append(rule)
    Rule.objects.bulk_update(changed, ["action"])


def step_key_renamed(campaign: Campaign, old: str, new: str) -> None:
    _jumps_renamed(campaign, "goto_step", "step", old, new)
    _translations_renamed(campaign, {"step": old}, new)


def outcome_key_renamed(campaign: Campaign, old: str, new: str) -> None:
    _jumps_renamed(campaign, "goto_outcome", "outcome", old, new)
    _translations_renamed(campaign, {"outcome": old}, new)
    campaign.email_templates.filter(outcome_key=old).update(outcome_key=new)
    gate = campaign.settings.get("gate_outcomes")
    if isinstance(gate, list) and old in gate:
        campaign.settings["gate_outcomes"] = [new if key == old else key for key in gate]
        Campaign.objects.filter(pk=campaign.pk).update(settings=campaign.settings)


def choice_key_renamed(question: Question, old: str, new: str) -> None:
    changed = []
    for rule in _rules(question.campaign):
        touched = False
        for leaf in leaves(rule.condition):
            if leaf.get("field") != f"answers.{question.key}":
                continue
            value = leaf.get("value")
            if value == old:
                leaf["value"], touched = new, True
            elif isinstance(value, list) and old in value:
                leaf["value"], touched = [new if v == old else v for v in value], True
        if touched:
            changed.append(rule)
    Rule.objects.bulk_update(changed, ["condition"])
    if question.correct == old:
        question.correct = new
    elif isinstance(question.correct, list) and old in question.correct:
        question.correct = [new if key == old else key for key in question.correct]
    Question.objects.filter(pk=question.pk).update(correct=question.correct)
    _translations_renamed(question.campaign, {f"choice.{question.key}": old}, new)


def _translations_renamed(campaign: Campaign, prefixes: dict[str, str], new: str, *,
                          retag: tuple[str, str] | None = None) -> None:
    """Text ids follow a renamed key (`question.<old>.label` becomes `question.<new>.label`),
    and translations recall a renamed question by its new key, so no translation is lost."""
    if not campaign.translations:
        return

    def renamed(text_id: str) -> str:
        for prefix, old in prefixes.items():
            if text_id.startswith(f"{prefix}.{old}."):
                return f"{prefix}.{new}.{text_id[len(prefix) + len(old) + 2:]}"
        return text_id

    def text(entry: dict) -> dict:
        return {**entry, "text": _retag(entry["text"], *retag)} if retag else entry

    campaign.translations = {
        language: {renamed(text_id): text(entry) for text_id, entry in texts.items()}
        for language, texts in campaign.translations.items()
    }
    Campaign.objects.filter(pk=campaign.pk).update(translations=campaign.translations)
