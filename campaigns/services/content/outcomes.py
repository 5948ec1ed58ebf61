"""Outcomes (result pages) of a draft: create, edit, move, delete."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from campaigns.models import Campaign, Choice, Outcome
from campaigns.services.drafts import draft_edit
from campaigns.services.images import ImageRefused, image_store

from .keys import key_check, key_from, published_keys
from .ordering import draft_delete, draft_move
from .renames import outcome_key_renamed
from .text import one_line, rich_text
from .usage import Usage, usages_of_outcome

MAX_OUTCOMES = 200
MAX_TITLE = 300
SCORE_LIMIT = 1e15


def _name(outcome: Outcome) -> str:
    return f"outcome “{outcome.title or outcome.key}”"


def _taken(campaign: Campaign, *, but: Outcome | None = None) -> set[str]:
    keys = campaign.outcomes.exclude(pk=getattr(but, "pk", None)).values_list("key", flat=True)
    return set(keys) | published_keys(campaign).outcomes


@transaction.atomic
def outcome_create(*, campaign: Campaign, by, revision: int | None, title: str) -> Outcome:
    title = one_line(title)
    if not title:
        raise ValidationError({"title": "Give the outcome a title visitors will see."})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"Keep the title under {MAX_TITLE} characters."})
    if campaign.outcomes.count() >= MAX_OUTCOMES:
        raise ValidationError({"title": f"A campaign has at most {MAX_OUTCOMES} outcomes."})
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"added outcome “{title}”"):
        return Outcome.objects.create(
            campaign=campaign, title=title, position=campaign.outcomes.count(),
            key=key_from(title, taken=_taken(campaign), fallback="outcome"))


def _bound(value, name: str, errors: dict) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value) or abs(value) > SCORE_LIMIT:
        errors[name] = "Enter a number, or leave it empty for no limit."
        return None
    return value


@dataclass(frozen=True)
class OutcomeFields:
    """What the editor saves of an outcome: `upload` is a new picture (cleaned by the image
    service), `remove_image` drops the current one."""

    title: str
    key: str
    body: str = ""
    min_score: float | None = None
    max_score: float | None = None
    redirect_url: str = ""
    upload: Any = None
    remove_image: bool = False
    # The link preview's own picture instead of the drawn one (entries.share_images).
    share_upload: Any = None
    remove_share_image: bool = False


@transaction.atomic
def outcome_update(*, outcome: Outcome, by, revision: int | None,
                   fields: OutcomeFields) -> Outcome:
    campaign = outcome.campaign
    errors: dict = {}
    title, key = one_line(fields.title), fields.key
    if not title:
        errors["title"] = "Give the outcome a title visitors will see."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    try:
        key = key_check(key, current=outcome.key, taken=_taken(campaign, but=outcome),
                        locked=published_keys(campaign).outcomes, noun="outcome")
    except ValidationError as error:
        errors.update(error.message_dict)
    min_score, max_score = _bound(fields.min_score, "min_score", errors), \
        _bound(fields.max_score, "max_score", errors)
    if min_score is not None and max_score is not None and min_score > max_score:
        errors["max_score"] = "The highest score must not be below the lowest."
    redirect_url = fields.redirect_url.strip()
    if redirect_url:
        try:
            URLValidator(schemes=["http", "https"])(redirect_url)
        except ValidationError:
            errors["redirect_url"] = "Use a full web address starting with https://."
    image = _picture(outcome.image, fields.upload, remove=fields.remove_image,
                     purpose="outcome", field="image", errors=errors, campaign=campaign)
    share_image = _picture(outcome.share_image, fields.share_upload,
                           remove=fields.remove_share_image, purpose="share",
                           field="share_image", errors=errors, campaign=campaign)
    if errors:
        raise ValidationError(errors)
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"edited {_name(outcome)}"):
        if key != outcome.key:
            _rename_weights(campaign, outcome.key, key)
            outcome_key_renamed(campaign, outcome.key, key)
        outcome.title, outcome.body, outcome.key, outcome.image, outcome.share_image = \
            title, rich_text(fields.body), key, image, share_image
        outcome.min_score, outcome.max_score, outcome.redirect_url = \
            min_score, max_score, redirect_url
        outcome.save()
    return outcome


def _picture(current: str, upload, *, remove: bool, purpose: str, field: str, errors: dict,
             campaign: Campaign) -> str:
    """The stored picture after this edit: kept, removed or replaced by a checked upload (none is
    stored while another field is refused, so a refused form leaves no orphan file)."""
    if upload is None or errors:
        return "" if remove else current
    try:
        return image_store(workspace=campaign.workspace, upload=upload, purpose=purpose)
    except ImageRefused as refused:
        errors[field] = str(refused)
        return current


def _rename_weights(campaign: Campaign, old: str, new: str | None) -> None:
    """Choice weights follow their outcome's key (None: the outcome is gone, so are they)."""
    changed = []
    for choice in Choice.objects.filter(question__campaign=campaign):
        if old in choice.weights:
            value = choice.weights.pop(old)
            if new is not None:
                choice.weights[new] = value
            changed.append(choice)
    Choice.objects.bulk_update(changed, ["weights"])


def outcome_move(*, outcome: Outcome, by, revision: int | None, position: int) -> Outcome:
    campaign = outcome.campaign
    return draft_move(outcome, siblings=campaign.outcomes.all(), campaign=campaign, by=by,
                      revision=revision, position=position, name=_name(outcome))

def outcome_delete(*, outcome: Outcome, by, revision: int | None) -> list[Usage]:
    """Delete an outcome and the choice weights towards it; returns what this left broken."""
    campaign = outcome.campaign
    broken = usages_of_outcome(outcome)
    with draft_delete(outcome, siblings=campaign.outcomes.all(), campaign=campaign, by=by,
                      revision=revision, name=_name(outcome)):
        _rename_weights(campaign, outcome.key, None)
    return broken