"""Campaigns of the key's workspace: read them, their blueprints, published definitions, results
and draws; create one from a blueprint, check it, publish it, pause, resume or end it.

The same services as the builder do every write, with the same messages: a blueprint's problems
as the import lists them, a draft's as the publish check lists them.
"""

import copy
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from builder.api.auth import key_auth, workspace_of
from builder.api.errors import Refused, not_found
from builder.models import ApiScope
from campaigns import flow
from campaigns.blueprints import gallery, gallery_template
from campaigns.documents import draft_document
from campaigns.models import Campaign, CampaignVersion
from campaigns.services.campaigns import (
    PublishRefused,
    campaign_check,
    campaign_create,
    campaign_publish,
    campaign_set_status,
)
from config.site import site_url
from entries.analytics import Scope, results
from entries.models import Draw

router = Router(tags=["campaigns"])
READ = key_auth(ApiScope.CAMPAIGNS_READ)
WRITE = key_auth(ApiScope.CAMPAIGNS_WRITE)


class CampaignOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    status: str
    description: str
    url: str  # the public page
    starts_at: datetime | None
    ends_at: datetime | None
    published_version: int | None
    archived: bool
    created_at: datetime
    updated_at: datetime


class ProblemOut(Schema):
    level: str  # "error" blocks publishing; "warning" is advice
    code: str
    message: str
    step: str | None
    where: str


class CheckOut(Schema):
    publishable: bool
    problems: list[ProblemOut]


class VersionOut(Schema):
    number: int
    published_at: datetime
    definition: dict[str, Any]


class CampaignIn(Schema):
    blueprint: dict[str, Any] | None = None  # a blueprint document (campaigns/blueprints/README.md)
    template: str | None = None  # or a gallery template's slug, e.g. "giveaway"
    name: str = ""


class PublishIn(Schema):
    accept_warnings: bool = False  # publish although the check warns (errors always refuse)


class StatusIn(Schema):
    status: Literal["live", "paused", "ended", "draft"]


class CampaignFilters(Schema):
    status: Literal["draft", "live", "paused", "ended"] | None = None
    kind: Literal["quiz", "form", "contest", "giveaway", "survey"] | None = None
    archived: bool = False


class ResultsFilters(Schema):
    version: int | None = None  # a version number
    start: date | None = None
    end: date | None = None


def campaign_of(request: HttpRequest, campaign_id: int) -> Campaign:
    """The key's workspace's campaign with this id; 404 for any other."""
    campaign = Campaign.objects.select_related("published_version").filter(
        workspace=workspace_of(request), pk=campaign_id).first()
    if campaign is None:
        raise not_found("No campaign with this id in the key's workspace.")
    return campaign


def _out(campaign: Campaign) -> dict:
    version = campaign.published_version
    return {
        **{name: getattr(campaign, name) for name in (
            "id", "name", "slug", "kind", "status", "description", "starts_at", "ends_at",
            "created_at", "updated_at")},
        "url": site_url(reverse("entries:landing", args=[campaign.slug])),
        "published_version": version.number if version else None,
        "archived": campaign.archived_at is not None,
    }


@router.get("/campaigns", response=list[CampaignOut], auth=READ, summary="List campaigns")
def campaign_list(request: HttpRequest, filters: Query[CampaignFilters]):
    campaigns = Campaign.objects.filter(workspace=workspace_of(request),
                                        archived_at__isnull=not filters.archived)
    if filters.status:
        campaigns = campaigns.filter(status=filters.status)
    if filters.kind:
        campaigns = campaigns.filter(kind=filters.kind)
    return [_out(c) for c in campaigns.select_related("published_version").defer(
        "published_version__definition")]


@router.get("/campaigns/{campaign_id}", response=CampaignOut, auth=READ,
            summary="One campaign")
def campaign_get(request: HttpRequest, campaign_id: int):
    return _out(campaign_of(request, campaign_id))


@router.get("/campaigns/{campaign_id}/blueprint", response=dict[str, Any], auth=READ,
            summary="The draft as a blueprint document (what the builder's Export JSON gives)")
def campaign_blueprint(request: HttpRequest, campaign_id: int):
    return draft_document(campaign_of(request, campaign_id))


@router.get("/campaigns/{campaign_id}/versions", response=list[VersionOut], auth=READ,
            summary="Published definitions, newest first")
def campaign_versions(request: HttpRequest, campaign_id: int):
    campaign = campaign_of(request, campaign_id)
    return list(CampaignVersion.objects.filter(campaign=campaign).order_by("-number"))


@router.get("/campaigns/{campaign_id}/definition", response=VersionOut, auth=READ,
            summary="The published definition visitors answer now")
def campaign_definition(request: HttpRequest, campaign_id: int):
    campaign = campaign_of(request, campaign_id)
    if campaign.published_version is None:
        raise not_found("This campaign has not been published yet.")
    return campaign.published_version


@router.post("/campaigns", response={201: CampaignOut}, auth=WRITE,
             summary="Create a draft campaign from a blueprint or a gallery template")
def campaign_new(request: HttpRequest, payload: CampaignIn):
    if (payload.blueprint is None) == (payload.template is None):
        raise Refused(400, "Send either `blueprint` (a blueprint document) or `template` (a "
                           "gallery template's slug), not both.")
    if payload.template is not None:
        chosen = gallery_template(payload.template)
        if chosen is None:
            raise Refused(422, f"No template “{payload.template}”. Templates: "
                               f"{', '.join(t.slug for t in gallery())}.")
        document = copy.deepcopy(chosen.document)
    else:
        document = payload.blueprint
    try:
        campaign = campaign_create(workspace=workspace_of(request), by=request.auth.created_by,
                                   document=document, name=payload.name.strip())
    except flow.BlueprintError as error:
        raise Refused(422, "The blueprint has problems; nothing was created.",
                      error.problems) from None
    return Status(201, _out(campaign))


@router.get("/campaigns/{campaign_id}/check", response=CheckOut, auth=READ,
            summary="The pre-publish check: the builder's list of errors and warnings")
def campaign_check_view(request: HttpRequest, campaign_id: int):
    problems = campaign_check(campaign=campaign_of(request, campaign_id))
    return {"publishable": not any(p.level == "error" for p in problems), "problems": problems}


@router.post("/campaigns/{campaign_id}/publish", response=CampaignOut, auth=WRITE,
             summary="Publish the draft as the next version")
def campaign_publish_view(request: HttpRequest, campaign_id: int, payload: PublishIn):
    campaign = campaign_of(request, campaign_id)
    problems = campaign_check(campaign=campaign)
    if not any(p.level == "error" for p in problems) and problems \
            and not payload.accept_warnings:
        raise Refused(409, "The check warns about the draft: read the problems, then publish "
                           "again with `accept_warnings: true`.", problems)
    try:
        campaign_publish(campaign=campaign, by=request.auth.created_by)
    except PublishRefused as refused:
        raise Refused(409, str(refused), refused.problems) from None
    return _out(campaign_of(request, campaign_id))


@router.post("/campaigns/{campaign_id}/status", response=CampaignOut, auth=WRITE,
             summary="Pause, resume, end or unpublish a published campaign")
def campaign_status(request: HttpRequest, campaign_id: int, payload: StatusIn):
    campaign = campaign_of(request, campaign_id)
    try:
        campaign_set_status(campaign=campaign, status=payload.status)
    except ValidationError as error:
        raise Refused(409, " ".join(error.messages)) from None
    return _out(campaign)


@router.get("/campaigns/{campaign_id}/results", response=dict[str, Any],
            auth=key_auth(ApiScope.ENTRIES_READ),
            summary="Results: totals, funnel, answers, outcomes, days, sources, referrals")
def campaign_results(request: HttpRequest, campaign_id: int, filters: Query[ResultsFilters]):
    campaign = campaign_of(request, campaign_id)
    version_id = None
    if filters.version is not None:
        version_id = campaign.versions.filter(number=filters.version).values_list(
            "pk", flat=True).first()
        if version_id is None:
            raise not_found(f"This campaign has no version {filters.version}.")
    if filters.start and filters.end and filters.start > filters.end:
        raise Refused(400, "`end` must be on or after `start`.")
    figures = results(Scope(campaign, version_id=version_id, start=filters.start,
                            end=filters.end))
    totals = figures.totals
    return {
        "totals": {**vars(totals), "start_rate": totals.start_rate,
                   "completion_rate": totals.completion_rate},
        "steps": [{**vars(s), "stop_rate": s.stop_rate} for s in figures.steps],
        "questions": [{**_plain(vars(q)), "change_rate": q.change_rate,
                       "nps_score": q.nps.score if q.nps else None}
                      for q in figures.questions],
        "outcomes": [_plain(vars(r)) for r in figures.outcomes],
        "daily": [_plain(vars(d)) for d in figures.daily],
        "sources": [_plain(vars(r)) for r in figures.sources],
        "utm_campaigns": [_plain(vars(r)) for r in figures.utm_campaigns],
        "utm_mediums": [_plain(vars(r)) for r in figures.utm_mediums],
        "referrals": _plain(vars(figures.referrals)),
    }


def _plain(value):
    """Dataclasses and tuples as JSON-able dicts and lists."""
    if hasattr(value, "__dataclass_fields__"):
        return _plain(vars(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class DrawOut(Schema):
    id: int
    drawn_at: datetime
    automatic: bool
    cutoff: datetime | None
    proof: dict[str, Any]  # exactly the published proof.json
    proof_page: str
    proof_json: str
    tickets_csv: str
    verifier: str  # run: python verify_draw.py proof.json tickets.csv
    winners: list[dict[str, Any]]


@router.get("/campaigns/{campaign_id}/draws", response=list[DrawOut], auth=READ,
            summary="A contest's draws with their proofs and winners")
def campaign_draws(request: HttpRequest, campaign_id: int):
    campaign = campaign_of(request, campaign_id)
    draws = []
    for draw in Draw.objects.filter(campaign=campaign).prefetch_related("winners"):
        args = [campaign.slug, draw.pk]
        draws.append({
            "id": draw.pk, "drawn_at": draw.drawn_at, "automatic": draw.automatic,
            "cutoff": draw.cutoff, "proof": draw.proof,
            "proof_page": site_url(reverse("entries:draw", args=args)),
            "proof_json": site_url(reverse("entries:draw_proof", args=args)),
            "tickets_csv": site_url(reverse("entries:draw_tickets", args=args)),
            "verifier": site_url(reverse("entries:verifier")),
            "winners": [{"prize": w.prize, "rank": w.rank, "ticket_id": w.ticket_id,
                         "entry": w.entry_id, "status": w.status,
                         "claim_deadline": w.claim_deadline, "claimed_at": w.claimed_at,
                         "forfeit_reason": w.forfeit_reason} for w in draw.winners.all()],
        })
    return draws

