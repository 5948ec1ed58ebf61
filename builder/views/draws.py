"""Contests in the builder: the Draws section of a campaign and an entry's contest panel
(fraud signals, tickets, referrals, disqualify/reinstate, audit log, prizes won)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from builder.access import campaign_view
from builder.htmx import fragment_or_page, written
from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.models import Campaign
from entries.models import ContestSeal, Draw, Entry, EntryStatus, ReferralCredit, Winner
from entries.services import contests
from entries.services.draws import (
    MAX_BEACON,
    DrawRefused,
    draw_run,
    draw_stats,
    entry_ticket,
    is_closed,
)
from entries.services.moderation import ModerationRefused, entry_disqualify, entry_reinstate
from entries.services.winners import WinnerRefused, winner_forfeit

REFERRALS_SHOWN = 50


class DrawForm(forms.Form):
    beacon = forms.CharField(
        required=False, max_length=MAX_BEACON, label="Public beacon (optional)",
        help_text="A public random value announced after entries closed, such as a drand round "
                  "or a lottery result. With one, nobody (you included) could know the result "
                  "in advance. Leave empty for none.",
    )
    confirm = forms.BooleanField(
        label="I understand the draw runs once and its proof is published.",
        error_messages={"required": "Tick this box to confirm the draw."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason",
                             error_messages={"required": "Give a reason: it is kept in the log."})


# Only contests and giveaways have draws: any other campaign is not found here.
contest_view = campaign_view(queryset=Campaign.objects.filter(kind__in=CONTEST_KINDS))


# --- the Draws section -----------------------------------------------------------------------


def _draws_context(campaign: Campaign, **extra) -> dict:
    draw = Draw.objects.filter(campaign=campaign).select_related("drawn_by").first()
    prizes = []
    if draw is not None:
        rows = list(draw.winners.select_related("entry", "replaces"))
        prizes = [{"number": n, "rows": [w for w in rows if w.prize == n]}
                  for n in sorted({w.prize for w in rows})]
    used = {w.rank for p in prizes for w in p["rows"]}
    waiting = []
    if draw is not None:
        k = len(draw.proof["winners"])
        entries = Entry.objects.in_bulk([e for _, e in draw.ranked[k:]])
        waiting = [{"position": i - k, "rank": i, "ticket": tid, "entry": entries.get(eid)}
                   for i, (tid, eid) in enumerate(draw.ranked, start=1)
                   if i > k and i not in used]
    return {
        "campaign": campaign,
        "section": "draws",
        "seal": ContestSeal.objects.filter(campaign=campaign).first(),
        "stats": draw_stats(campaign),
        "closed": is_closed(campaign),
        "draw": draw,
        "prizes": prizes,
        "waiting": waiting,
        "winners_setting": campaign_setting(campaign, "winners"),
        "alternates_setting": campaign_setting(campaign, "alternates"),
        "claim_days": campaign_setting(campaign, "claim_days"),
        "auto_draw": campaign_setting(campaign, "auto_draw"),
        "form": extra.pop("form", None) or DrawForm(),
        "forfeit_errors": {},
        **extra,
    }


def _draws_url(campaign: Campaign) -> str:
    return reverse("builder:campaign_draws", args=[campaign.pk])


def _draws_response(request: HttpRequest, campaign: Campaign, **extra) -> HttpResponse:
    return fragment_or_page(request, fragment="builder/_draws.html", page="builder/draws.html",
                            context=_draws_context(campaign, **extra))


@require_GET
@contest_view
def campaign_draws(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return _draws_response(request, campaign)


@require_POST
@contest_view
def campaign_draw_run(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = DrawForm(request.POST)
    if not form.is_valid():
        return _draws_response(request, campaign, form=form)
    try:
        draw = draw_run(campaign=campaign, by=request.user, beacon=form.cleaned_data["beacon"])
    except DrawRefused as refused:
        problem = str(refused)
        return written(request, to=_draws_url(campaign),
                       region=lambda: _draws_response(request, campaign, form=form,
                                                      draw_error=problem),
                       notice=problem, level=messages.ERROR)
    won = len(draw.proof["winners"])
    message = (f"Drawn from {draw.proof['n']:,} entrants holding "
               f"{draw.proof['total_weight']:,} tickets: {won} winner{'s' * (won != 1)} "
               f"notified by email.")
    return written(request, to=_draws_url(campaign),
                   region=lambda: _draws_response(request, campaign, draw_message=message),
                   notice=message)


@require_POST
@contest_view
def winner_forfeit_view(request: HttpRequest, campaign: Campaign, winner_id: int) -> HttpResponse:
    winner = get_object_or_404(Winner, pk=winner_id, draw__campaign=campaign)
    form = ReasonForm(request.POST)
    problem = "" if form.is_valid() else form.errors["reason"][0]
    if not problem:
        try:
            winner_forfeit(winner=winner, reason=form.cleaned_data["reason"], by=request.user)
        except WinnerRefused as refused:
            problem = str(refused)
    return written(request, to=_draws_url(campaign),
                   region=lambda: _draws_response(
                       request, campaign, forfeit_errors={winner.pk: problem} if problem else {}),
                   notice=problem or f"Prize {winner.prize} forfeited and passed on.",
                   level=messages.ERROR if problem else messages.SUCCESS)


# --- an entry's contest panel ----------------------------------------------------------------


def entry_contest_context(entry: Entry, **extra) -> dict:
    """What `builder/_entry_contest.html` needs; {} (the partial shows nothing) for entries of
    campaigns that are not contests."""
    if not contests.is_contest(entry.campaign):
        return {}
    shown = list(entry.referrals.only("id", "status", "email", "completed_at")[:REFERRALS_SHOWN])
    credits = {c.referred_id: c for c in ReferralCredit.objects.filter(
        referrer=entry, referred__in=shown)}
    referrals = [{"entry": r, "credit": credits.get(r.pk)} for r in shown]
    return {"contest": {
        "entry": entry,
        "fraud": entry.fraud or {},
        "tickets": 1 + entry.bonus_tickets,
        "ineligible": contests.ineligibility(entry),
        "ticket_id": entry_ticket(entry),
        "referrals": referrals,
        "referral_count": entry.referrals.count() if len(shown) == REFERRALS_SHOWN else len(shown),
        "referred_by": entry.referred_by,
        "audit": entry.audit.select_related("by"),
        "wins": entry.wins.select_related("draw"),
        "form": extra.pop("form", None) or ReasonForm(),
        "disqualified": entry.status == EntryStatus.DISQUALIFIED,
        **extra,
    }}


def _entry(campaign: Campaign, entry_id: int) -> Entry:
    return get_object_or_404(Entry.objects.select_related("campaign", "referred_by"),
                             pk=entry_id, campaign=campaign)


def _entry_response(request: HttpRequest, entry: Entry, **extra) -> HttpResponse:
    return render(request, "builder/_entry_contest.html", {
        "campaign": entry.campaign, **entry_contest_context(entry, **extra)})


def _entrant_page(entry: Entry) -> str:
    return reverse("builder:entrant", args=[entry.campaign_id, entry.pk]) + "#entry-contest"


@require_GET
@contest_view
def entry_contest(request: HttpRequest, campaign: Campaign, entry_id: int) -> HttpResponse:
    """The panel alone for HTMX; people are sent to the entrant's page, which includes it."""
    entry = _entry(campaign, entry_id)
    if not request.htmx:
        return redirect(_entrant_page(entry))
    return _entry_response(request, entry)


def _moderate(request: HttpRequest, campaign: Campaign, entry_id: int, service, done: str):
    entry = _entry(campaign, entry_id)
    form = ReasonForm(request.POST)
    problem = "" if form.is_valid() else form.errors["reason"][0]
    if not problem:
        try:
            entry = service(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except ModerationRefused as refused:
            problem = str(refused)

    def region() -> HttpResponse:
        entry.refresh_from_db()
        return _entry_response(request, entry, form=form if problem else None, problem=problem,
                               done="" if problem else done)

    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = _entrant_page(entry)  # else: the page that includes the panel
    return written(request, to=back, region=region, notice=problem or done,
                   level=messages.ERROR if problem else messages.SUCCESS)


@require_POST
@contest_view
def entry_disqualify_view(request: HttpRequest, campaign: Campaign, entry_id: int):
    return _moderate(request, campaign, entry_id, entry_disqualify, "Entry disqualified.")


@require_POST
@contest_view
def entry_reinstate_view(request: HttpRequest, campaign: Campaign, entry_id: int):
    return _moderate(request, campaign, entry_id, entry_reinstate, "Entry reinstated.")

