"""Steps of a draft: create, edit, move, duplicate, delete. Each write claims a draft revision."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import Campaign, Choice, Question, Rule, Step
from campaigns.services.drafts import draft_edit

from .keys import key_check, key_from, published_keys
from .ordering import after, draft_delete, draft_move, place
from .renames import step_key_renamed
from .text import one_line, rich_text
from .usage import Usage, usages_of_step

MAX_TITLE = 300
MAX_BUTTON = 60


def _name(step: Step) -> str:
    return f"step “{step.title or step.key}”"


def _taken_step_keys(campaign: Campaign, *, but: Step | None = None) -> set[str]:
    keys = set(campaign.steps.exclude(pk=getattr(but, "pk", None)).values_list("key", flat=True))
    return keys | published_keys(campaign).steps


@transaction.atomic
def step_create(*, campaign: Campaign, by, revision: int | None, title: str = "",
                position: int | None = None) -> Step:
    """A new step (last unless `position` says where), keyed from its title."""
    title = one_line(title)[:MAX_TITLE]
    key = key_from(title, taken=_taken_step_keys(campaign), fallback="step")
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"added step “{title or key}”"):
        step = Step.objects.create(campaign=campaign, key=key, title=title,
                                   position=campaign.steps.count())
        place(campaign.steps.all(), step, position)
    return step


@transaction.atomic
def step_update(*, step: Step, by, revision: int | None, title: str, body: str, button: str,
                key: str) -> Step:
    """Save a step's texts and key; ValidationError names the field at fault."""
    campaign = step.campaign
    errors = {}
    if len(one_line(title)) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if len(one_line(button)) > MAX_BUTTON:
        errors["button"] = f"Keep the button label under {MAX_BUTTON} characters."
    try:
        key = key_check(key, current=step.key, taken=_taken_step_keys(campaign, but=step),
                        locked=published_keys(campaign).steps, noun="step")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"edited {_name(step)}"):
        if key != step.key:
            step_key_renamed(campaign, step.key, key)
        step.title, step.body, step.button = one_line(title), rich_text(body), one_line(button)
        step.key = key
        step.save(update_fields=["title", "body", "button", "key"])
    return step


def step_move(*, step: Step, by, revision: int | None, position: int) -> Step:
    """Move a step to `position` (0-based) among the campaign's steps."""
    return draft_move(step, siblings=step.campaign.steps.all(), campaign=step.campaign, by=by,
                      revision=revision, position=position, name=_name(step))

@transaction.atomic
def step_duplicate(*, step: Step, by, revision: int | None) -> Step:
    """A copy right after `step`, with fresh keys for it and its questions; rules come along,
    pointed at the copied questions where they tested the original's."""
    campaign = step.campaign
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"duplicated {_name(step)}"):
        copy_ = Step.objects.create(
            campaign=campaign, key=key_from(step.key, taken=_taken_step_keys(campaign),
                                            fallback="step"),
            title=step.title, body=step.body, button=step.button,
            position=campaign.steps.count())
        taken_questions = set(campaign.questions.values_list("key", flat=True)) | \
            published_keys(campaign).questions
        renamed = {}
        for question in step.questions.prefetch_related("choices"):
            new_key = key_from(question.key, taken=taken_questions, fallback="question",
                               underscore=True)
            taken_questions.add(new_key)
            renamed[question.key] = new_key
            choices = list(question.choices.all())
            question.pk, question.step, question.key = None, copy_, new_key
            question.save()
            Choice.objects.bulk_create(
                Choice(question=question, key=c.key, position=c.position, label=c.label,
                       image=c.image, points=c.points, weights=c.weights) for c in choices)
        Rule.objects.bulk_create(
            Rule(step=copy_, position=rule.position, action=rule.action,
                 condition=_renamed(rule.condition, renamed))
            for rule in step.rules.all())
        place(campaign.steps.all(), copy_, after(campaign.steps.all(), step))
    return copy_


def _renamed(condition, renamed: dict[str, str]):
    if not isinstance(condition, dict):
        return condition
    condition = copy.deepcopy(condition)
    for group in ("all", "any"):
        if isinstance(condition.get(group), list):
            condition[group] = [_renamed(item, renamed) for item in condition[group]]
    field = condition.get("field")
    if isinstance(field, str) and field.startswith("answers."):
        key = field.removeprefix("answers.")
        condition["field"] = f"answers.{renamed.get(key, key)}"
    return condition


def step_delete(*, step: Step, by, revision: int | None) -> list[Usage]:
    """Delete a step with its questions and rules; returns the references this left broken."""
    campaign = step.campaign
    if campaign.steps.count() == 1:
        raise ValidationError("A campaign needs at least one step: add another before deleting "
                              "this one.")
    broken = usages_of_step(step)
    with draft_delete(step, siblings=campaign.steps.all(), campaign=campaign, by=by,
                      revision=revision, name=_name(step)):
        pass  # its questions and rules go with it
    return broken

def question_keys_before(step: Step) -> list[Question]:
    """Questions on earlier steps: what this step's texts may recall."""
    return list(Question.objects.filter(step__campaign_id=step.campaign_id,
                                        step__position__lt=step.position)
                .exclude(kind="statement").order_by("step__position", "position"))
