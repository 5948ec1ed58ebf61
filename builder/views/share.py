"""The share page: the public link, embed snippets, a QR code and a live preview of the embed."""

from io import BytesIO

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from builder.access import campaign_view
from campaigns import flow
from campaigns.documents import draft_document
from campaigns.models import Campaign, Status
from entries import share_images
from entries.sharing import languages, live_share_images, share_card

POPUP_BUTTONS = {"quiz": "Take the quiz", "form": "Open the form", "survey": "Take the survey",
                 "contest": "Enter the contest", "giveaway": "Enter the giveaway"}
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def public_url(request: HttpRequest, campaign: Campaign) -> str:
    return request.build_absolute_uri(reverse("entries:landing", args=[campaign.slug]))


def snippets(request: HttpRequest, campaign: Campaign) -> dict[str, str]:
    """What a marketer pastes into a site. embed.js is named without its content hash: the
    snippet lives on other sites for years, across our deploys."""
    link = public_url(request, campaign)
    script = request.build_absolute_uri(settings.STATIC_URL + "embed.js")
    title = escape(campaign.name)
    return {
        "link": link,
        "iframe": f'<iframe src="{link}" title="{title}" loading="lazy" '
                  'allow="clipboard-write" style="width:100%;height:640px;border:0"></iframe>',
        "inline": f'<script src="{script}" data-campaign="{campaign.slug}" '
                  f'data-title="{title}" async></script>',
        "popup": f'<script src="{script}" data-campaign="{campaign.slug}" data-mode="popup" '
                 f'data-button="{POPUP_BUTTONS[campaign.kind]}" data-title="{title}" '
                 'async></script>',
    }


@require_GET
@campaign_view(queryset=Campaign.objects.select_related("published_version"))
def campaign_share(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    shareable = campaign.published_version_id is not None and campaign.status != Status.DRAFT
    return render(request, "builder/share.html", {
        "campaign": campaign,
        "shareable": shareable,
        "snippets": snippets(request, campaign),
        "popup_button": POPUP_BUTTONS[campaign.kind],
        "embed_script": settings.STATIC_URL + "embed.js",
        "share_images": live_share_images(campaign) if shareable else [],
    })


@require_GET
@campaign_view()
def campaign_qr(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The public link as a QR code: `?format=svg` (default) or `png`; `&download=1` to save."""
    kind = request.GET.get("format", "svg")
    if kind not in QR_TYPES:
        raise Http404("Use format=svg or format=png.")
    # Error correction M (15%) survives a smudged print or a logo sticker, and keeps the code
    # small enough to scan from a poster across a room.
    code = segno.make(public_url(request, campaign), error="m", micro=False)
    out = BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=8, border=4, dark="#0f172a",
                  title=f"QR code for {campaign.name}", xmldecl=False)
    else:
        code.save(out, kind="png", scale=12, border=4, dark="#0f172a")
    response = HttpResponse(out.getvalue(), content_type=QR_TYPES[kind])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-qr.{kind}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
@campaign_view()
def campaign_share_image_draft(request: HttpRequest, campaign: Campaign,
                               outcome_key: str) -> HttpResponse:
    """The card an outcome of the draft would get once published, drawn afresh on each request
    (never stored: the draft changes), for the outcome editor."""
    try:
        definition = flow.load(draft_document(campaign))
    except flow.BlueprintError:
        raise Http404("The draft has problems to fix before it can be drawn.") from None
    if outcome_key not in definition.outcomes_by_key:
        raise Http404("No such outcome in the draft")
    card = share_card(definition, language=languages(definition)[0], outcome_key=outcome_key)
    response = HttpResponse(share_images.card_render(card), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
