"""Public email pages: "Continue later" on a runtime step, and one-click unsubscribe."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.models import Workspace
from campaigns.versions import definition_for
from entries import guards
from entries.emailaddr import EmailAddressError, parse_email
from entries.i18n import translated
from entries.mail.resume import ResumeRefused, answered_email, resume_link_send
from entries.mail.unsubscribe import suppression_add, unsubscribe_read
from entries.models import Entry
from entries.rendering import image_url
from entries.views import entry_view


def _page(entry: Entry, **extra) -> dict:
    definition = definition_for(entry.version_id)
    return {"campaign": entry.campaign, "definition": definition, "theme": definition.theme,
            "logo": image_url(definition.theme.logo), "entry": entry,
            "entry_url": reverse("entries:entry", args=[entry.campaign.slug, entry.token]),
            "resume_url": reverse("entries:resume", args=[entry.campaign.slug, entry.token]),
            **extra}


def _stage(request: HttpRequest, partial: str, context: dict, status: int = 200) -> HttpResponse:
    """The partial for HTMX (always 200: HTMX 2 swaps nothing else), else the whole page."""
    if request.htmx:
        return render(request, partial, context)
    return render(request, "entries/resume.html", {**context, "partial": partial},
                  status=status)


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
@entry_view()
def resume(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Ask for an address (filled in when the visitor gave one), then email the entry's link."""
    if not entry.is_open:
        return HttpResponseRedirect(reverse("entries:entry", args=[entry.campaign.slug,
                                                                    entry.token]), status=303)
    email, error = answered_email(entry), ""
    if request.method == "POST":
        if not guards.origin_allowed(request, entry.campaign):
            return _stage(request, "entries/_resume.html", _page(
                entry, email=email, error=gettext("This form can't be sent from that site.")), 403)
        email = " ".join(request.POST.get("email", "").split())[:254]
        try:
            email = str(parse_email(email))
        except EmailAddressError as refused:
            error = translated(refused.text)
        else:
            try:
                if guards.rate_limited(request, "resume"):
                    raise ResumeRefused(gettext("Too many requests from your network. Please "
                                                "wait a minute and try again."))
                resume_link_send(entry=entry, email=email)
            except ResumeRefused as refused:
                return _stage(request, "entries/_resume_refused.html",
                              _page(entry, refusal=str(refused)), 429)
            return _stage(request, "entries/_resume_sent.html", _page(entry, email=email))
    return _stage(request, "entries/_resume.html", _page(entry, email=email, error=error))


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 2)}@{domain}"


@csrf_exempt  # RFC 8058: mail clients POST without cookies; the signed token is the capability
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_read(token)
    workspace = Workspace.objects.filter(pk=found[0]).first() if found else None
    if workspace is None:
        return render(request, "entries/unsubscribe.html", {"invalid": True}, status=400)
    email = found[1]
    context = {"workspace": workspace, "masked": _masked(email), "token": token}
    if request.method == "POST":
        suppression_add(workspace_id=workspace.pk, email=email)
        return render(request, "entries/unsubscribe.html", {**context, "done": True})
    return render(request, "entries/unsubscribe.html", context)
