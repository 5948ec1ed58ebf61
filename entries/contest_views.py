"""Public contest pages, cookie-free like the runtime: the rules with the draw commitment, each
draw's proof (page, proof.json, tickets.csv, the verifier), a winner's claim page; and the
runtime's "too young" answer (the result page's "in the draw" is built in entries/pages.py)."""

from pathlib import Path

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.campaign_settings import campaign_setting
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries import guards, languages, verify_draw
from entries.models import ContestSeal, Draw, Entry, Winner, WinnerStatus
from entries.rendering import image_url, rich
from entries.services import contests
from entries.services.draws import tickets_csv_chunks
from entries.services.winners import WinnerRefused, winner_claim

TOO_YOUNG = (gettext_lazy("Thanks for stopping by"),
             gettext_lazy("This one is only open to older entrants, so we can't take your "
                          "entry. We hope to see you at another of our campaigns!"))
VERIFIER = Path(verify_draw.__file__)


def _context(campaign: Campaign, **extra) -> dict:
    definition = languages.localised(definition_for(campaign.published_version_id))
    return {"campaign": campaign, "definition": definition, "theme": definition.theme,
            "logo": image_url(definition.theme.logo), **extra}


def _published(request: HttpRequest, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("published_version"),
                                 slug=slug, published_version__isnull=False)
    request.campaign = campaign
    return campaign


# --- the rules and the commitment ------------------------------------------------------------


@guards.runtime_view
@require_GET
@languages.keeps_language
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _published(request, slug)
    languages.visitor(request, definition_for(campaign.published_version_id))
    if not contests.is_contest(campaign):
        return render(request, "entries/message.html", _context(
            campaign, title=gettext("No official rules"),
            message=gettext("This campaign is not a contest.")),
            status=404)
    seal = ContestSeal.objects.filter(campaign=campaign).first()
    return render(request, "entries/rules.html", _context(
        campaign, seal=seal, draws=campaign.draws.all(),
        rules_text=rich(languages.campaign_text(
            campaign, "rules.text", campaign_setting(campaign, "rules_text")), {}),
        rules_version=campaign_setting(campaign, "rules_version"),
        one_entry=campaign_setting(campaign, "one_entry_per_person"),
        winners=campaign_setting(campaign, "winners"),
        alternates=campaign_setting(campaign, "alternates"),
        claim_days=campaign_setting(campaign, "claim_days"),
        referral_bonus=campaign_setting(campaign, "referral_bonus"),
    ))


# --- draw proofs -----------------------------------------------------------------------------


def _draw(request: HttpRequest, slug: str, draw_id: int) -> Draw:
    campaign = _published(request, slug)
    return get_object_or_404(Draw.objects.select_related("campaign"), pk=draw_id,
                             campaign=campaign)


@guards.runtime_view
@require_GET
def draw(request: HttpRequest, slug: str, draw_id: int) -> HttpResponse:
    found = _draw(request, slug, draw_id)
    proof = found.proof
    seal = ContestSeal.objects.filter(campaign=found.campaign).first()
    status_of = {w.rank: w for w in found.winners.all()}
    k = len(proof["winners"])
    ranked = [{"rank": i, "ticket_id": tid, "row": status_of.get(i),
               "label": gettext("Winner") if i <= k
               else gettext("Alternate {number}").format(number=i - k)}
              for i, tid in enumerate(proof["winners"] + proof["alternates"], start=1)]
    base = request.build_absolute_uri(reverse("entries:draw", args=[slug, found.pk]))
    first_entry = Entry.objects.filter(campaign=found.campaign).order_by("started_at").values_list(
        "started_at", flat=True).first()
    return render(request, "entries/draw.html", _context(
        found.campaign, draw=found, proof=proof, ranked=ranked, seal=seal, base_url=base,
        committed_before_entries=seal is not None and (
            first_entry is None or seal.committed_at <= first_entry),
    ))


@guards.runtime_view
@require_GET
def draw_proof_json(request: HttpRequest, slug: str, draw_id: int) -> HttpResponse:
    found = _draw(request, slug, draw_id)
    response = JsonResponse(found.proof, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{slug}-draw-{found.pk}-proof.json"'
    return response


@guards.runtime_view
@require_GET
def draw_tickets_csv(request: HttpRequest, slug: str, draw_id: int) -> HttpResponse:
    found = _draw(request, slug, draw_id)
    response = StreamingHttpResponse(tickets_csv_chunks(found), content_type="text/csv")
    response["Content-Disposition"] = (f'attachment; filename="{slug}-draw-{found.pk}-'
                                       f'tickets.csv"')
    return response


@guards.runtime_view
@require_GET
def verifier(request: HttpRequest) -> HttpResponse:
    """The standard-library-only verifier, the very file the draws ran."""
    return FileResponse(VERIFIER.open("rb"), as_attachment=True, filename="verify_draw.py",
                        content_type="text/x-python")


# --- claiming a prize ------------------------------------------------------------------------


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign = _published(request, slug)
    winner = get_object_or_404(Winner.objects.select_related("draw", "entry"),
                               claim_token=token, draw__campaign=campaign)
    problem = ""
    if request.method == "POST":
        if not guards.origin_allowed(request, campaign):
            problem = gettext("This claim can't be sent from that site.")
        else:
            try:
                winner = winner_claim(winner=winner)
            except WinnerRefused as refused:
                problem = str(refused)
            else:
                return HttpResponseRedirect(request.path, status=303)
    expired = (winner.status == WinnerStatus.NOTIFIED and winner.claim_deadline is not None
               and winner.claim_deadline < timezone.now())
    return render(request, "entries/claim.html", _context(
        campaign, winner=winner, problem=problem, expired=expired,
        proof_url=reverse("entries:draw", args=[slug, winner.draw_id]),
    ))
