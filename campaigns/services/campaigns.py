from __future__ import annotations

import json
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns import flow
from campaigns.campaign_settings import campaign_setting, campaign_texts
from campaigns.contest_checks import contest_problems
from campaigns.documents import draft_document
from campaigns.models import (
    Campaign,
    CampaignVersion,
    Choice,
    EmailTemplate,
    Outcome,
    Question,
    Rule,
    Status,
    Step,
    Workspace,
)
from campaigns.services.campaign_settings import campaign_settings_from_blueprint


class PublishRefused(Exception):
    """The draft has validation errors; `problems` lists every one (warnings included)."""

    def __init__(self, problems: list[flow.Problem]):
        self.problems = problems
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"{len(errors)} problem(s) must be fixed before publishing.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60].strip("-") or "campaign"
    slug = base
    while Campaign.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def blank_document(*, name: str, kind: str) -> dict:
    """A new campaign's starting point: one step with one question, ready to edit."""
    return {
        "schema": 1,
        "name": name,
        "kind": kind,
        "steps": [
            {
                "key": "step-1",
                "title": "First question",
                "questions": [
                    {"key": "name", "kind": "short_text", "label": "What's your name?",
                     "required": True}
                ],
            }
        ],
    }


@transaction.atomic
def campaign_create(*, workspace: Workspace, by, document: dict, name: str = "") -> Campaign:
    """Create a draft campaign from a blueprint document (a gallery template, an import, a blank).

    Raises `flow.BlueprintError` listing every structural problem with its JSON path; nothing is
    saved then.
    """
    settings = document.get("campaign_settings") if isinstance(document, dict) else None
    document = flow.normalise(document)
    campaign = Campaign.objects.create(
        workspace=workspace,
        name=(name or document["name"])[:200],
        slug=_unique_slug(name or document["name"]),
        kind=document["kind"],
        created_by=by,
    )
    _write_draft(campaign, document)
    if settings:
        try:
            campaign_settings_from_blueprint(campaign=campaign, values=settings)
        except ValidationError as error:
            raise flow.BlueprintError([
                flow.SchemaProblem(f"campaign_settings.{key}", "invalid_setting", message)
                for key, messages in error.message_dict.items() for message in messages
            ]) from None
    return campaign


@transaction.atomic
def campaign_draft_replace(*, campaign: Campaign, document: dict) -> Campaign:
    """Replace the whole draft with a document (import over an existing campaign, revert)."""
    document = flow.normalise(document)
    campaign.steps.all().delete()
    campaign.outcomes.all().delete()
    campaign.email_templates.all().delete()
    _write_draft(campaign, document)
    return campaign


def _write_draft(campaign: Campaign, document: dict) -> None:
    settings = document.get("settings", {})
    campaign.kind = document["kind"]
    campaign.description = document.get("description", "")
    campaign.intro = document.get("intro") or {}
    campaign.theme = document.get("theme", {})
    campaign.scoring = settings.get("scoring", "none")
    campaign.show_progress = settings.get("progress", True)
    campaign.allow_back = settings.get("allow_back", True)
    campaign.languages = document["languages"]
    campaign.translations = document["translations"]
    campaign.revision += 1
    campaign.save()

    for s_pos, s in enumerate(document["steps"]):
        step = Step.objects.create(
            campaign=campaign, key=s["key"], position=s_pos, title=s.get("title", ""),
            body=s.get("body", ""), button=s.get("button", ""),
        )
        for q_pos, q in enumerate(s.get("questions", [])):
            question = Question.objects.create(
                campaign=campaign, step=step, key=q["key"], position=q_pos, kind=q["kind"],
                label=q.get("label", ""), help=q.get("help", ""),
                required=q.get("required", False), placeholder=q.get("placeholder", ""),
                validation=q.get("validation", {}), correct=q.get("correct"),
                points=q.get("points", 0), contact=q.get("contact") or "",
            )
            Choice.objects.bulk_create(
                Choice(question=question, key=c["key"], position=c_pos, label=c["label"],
                       image=c.get("image", ""), points=c.get("points", 0),
                       weights=c.get("weights", {}))
                for c_pos, c in enumerate(q.get("choices", []))
            )
        Rule.objects.bulk_create(
            Rule(step=step, position=r_pos, condition=r.get("when"), action=r["action"])
            for r_pos, r in enumerate(s.get("rules", []))
        )
    Outcome.objects.bulk_create(
        Outcome(campaign=campaign, key=o["key"], position=pos, title=o["title"],
                body=o.get("body", ""), image=o.get("image", ""), min_score=o.get("min_score"),
                max_score=o.get("max_score"), redirect_url=o.get("redirect_url", ""),
                share_image=o.get("share_image", ""))
        for pos, o in enumerate(document.get("outcomes", []))
    )
    EmailTemplate.objects.bulk_create(
        EmailTemplate(campaign=campaign, position=pos, trigger=e["trigger"],
                      outcome_key=e.get("outcome") or "", subject=e["subject"], body=e["body"],
                      delay_minutes=e.get("delay_minutes", 0))
        for pos, e in enumerate(document.get("emails", []))
    )


def campaign_check(*, campaign: Campaign) -> list[flow.Problem]:
    """Every problem `validate()` finds in the draft, and those of a contest's settings (its
    rules and who may win), as shown before publishing."""
    document = draft_document(campaign)
    try:
        definition = flow.load(document)
    except flow.BlueprintError:
        return flow.check(document)
    fallback = campaign_setting(campaign, "translation_fallback")
    return (flow.validate(definition) + contest_problems(campaign, definition)
            + flow.check_translations(definition, fallback=fallback)
            + flow.check_texts(campaign_texts(campaign), definition.languages,
                               definition.translations, fallback=fallback))


MAX_IMPORT_BYTES = 5 * 1024 * 1024


def parse_blueprint(raw: bytes | str) -> dict:
    """A blueprint file's JSON, or BlueprintError saying what is wrong with it (never a 500)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise flow.BlueprintError([flow.SchemaProblem(
            "", "too_big", f"The file is over {MAX_IMPORT_BYTES // 1024 // 1024} MB.")])
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise flow.BlueprintError([flow.SchemaProblem(
            "", "json", f"This is not valid JSON: {error}")]) from None


def campaign_import(*, workspace: Workspace, by, raw: bytes | str) -> Campaign:
    """A new draft campaign from a blueprint file; nothing is saved if any problem is found."""
    return campaign_create(workspace=workspace, by=by, document=parse_blueprint(raw))


@transaction.atomic
def campaign_publish(*, campaign: Campaign, by) -> CampaignVersion:
    """Validate the draft and freeze it as version N+1, which goes live at once."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    problems = campaign_check(campaign=campaign)
    if any(p.level == "error" for p in problems):
        raise PublishRefused(problems)
    last = campaign.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = CampaignVersion.objects.create(
        campaign=campaign,
        number=last + 1,
        definition=flow.normalise(draft_document(campaign)),
        published_by=by,
    )
    campaign.published_version = version
    campaign.status = Status.LIVE
    campaign.closed_at = None
    campaign.save(update_fields=["published_version", "status", "closed_at", "updated_at"])
    return version


ALLOWED_STATUS_CHANGES = {
    Status.LIVE: {Status.PAUSED, Status.ENDED, Status.DRAFT},
    Status.PAUSED: {Status.LIVE, Status.ENDED, Status.DRAFT},
    Status.ENDED: {Status.LIVE, Status.DRAFT},
    Status.DRAFT: set(),  # going live is publishing
}


def campaign_set_status(*, campaign: Campaign, status: str) -> Campaign:
    """Pause, end, unpublish (back to draft) or resume a published campaign."""
    if status not in ALLOWED_STATUS_CHANGES[Status(campaign.status)]:
        raise ValidationError(
            f"A {campaign.get_status_display().lower()} campaign cannot become "
            f"{Status(status).label.lower() if status in Status.values else status}."
        )
    if status == Status.LIVE and campaign.published_version_id is None:
        raise ValidationError("Publish the campaign first.")
    _status_change(campaign, status)
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    return campaign


def _status_change(campaign: Campaign, status: str) -> None:
    """The moment a campaign stops taking entries is kept: a draw counts no entry after it."""
    if status == Status.LIVE:
        campaign.closed_at = None
    elif campaign.status == Status.LIVE:
        campaign.closed_at = timezone.now()
    campaign.status = status


@transaction.atomic
def campaign_duplicate(*, campaign: Campaign, by) -> Campaign:
    return campaign_create(workspace=campaign.workspace, by=by, document=draft_document(campaign),
                           name=f"{campaign.name} (copy)")


def campaign_archive(*, campaign: Campaign) -> Campaign:
    campaign.archived_at = timezone.now()
    if campaign.status == Status.LIVE:
        _status_change(campaign, Status.ENDED)
    campaign.save(update_fields=["archived_at", "status", "closed_at", "updated_at"])
    return campaign


def campaign_delete(*, campaign: Campaign) -> None:
    campaign.delete()
