"""One views module per campaign section; `confirmation` is the step they share before an
action that acts at once."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign


@dataclass(frozen=True)
class Confirmation:
    title: str  # the page's heading
    question: str
    body: str  # what happens, and how to undo it
    button: str
    action: str  # the URL the confirmed form posts to
    cancel_url: str
    fields: tuple[tuple[str, str], ...] = ()  # posted again as they came


def confirmation_page(request: HttpRequest, campaign: Campaign | None,
                      confirmation: Confirmation) -> HttpResponse:
    """Asks before acting: the view acts only once the POST carries `confirm`. (`campaign`:
    None for a page of the workspace.)"""
    return render(request, "builder/confirm.html",
                  {"campaign": campaign, "confirmation": confirmation})
