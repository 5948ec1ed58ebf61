"""Public email pages: "Continue later" on a runtime step, and one-click unsubscribe."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
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
from entries.pages import entry_url, page_context


def _page(entry: Entry, **extra) -> dict:
    return page_context(entry.campaign, definition_for(entry.version_id), entry=entry,
                        entry_url=entry_url(entry),
                        resume_url=reverse("entries:resume",
                                           args=[entry.campaign.slug, entry.token]),
                        **extra)


def _stage(request: HttpRequest, partial: str, context: dict, status: int = 200) -> HttpResponse:
    """The partial for HTMX (always 200: HTMX 2 swaps nothing else), else the whole page."""
    if request.htmx:
        return render(request, partial, context)
    return render(request, "entries/resume.html", {**context, "partial": partial},
                  status=status)


def _refused(request: HttpRequest, entry: Entry, reason: str, status: int) -> HttpResponse:
    """Too many links, too many requests or another site's post: the reason and the way back
    to the form."""
    return _stage(request, "entries/_resume_refused.html", _page(entry, refusal=reason), status)


def _guard_refused(request: HttpRequest, entry: Entry,
                   refused: guards.WriteRefused) -> HttpResponse:
    return _refused(request, entry, refused.message, refused.status)


@guards.runtime_view
@require_http_methods(["GET", "HEAD", "POST"])
@guards.entry_guarded("resume", guards.Answers(refused=_guard_refused))
def resume(request: HttpRequest, entry: Entry) -> HttpResponse:
    """Ask for an address (filled in when the visitor gave one), then email the entry's link.
    A refusal (another site's post, too many from the network, too many links) is the
    refused stage with its reason."""
    if not entry.is_open:
        return HttpResponseRedirect(entry_url(entry), status=303)
    email, error = answered_email(entry), ""
    if request.method == "POST":
        email = " ".join(request.POST.get("email", "").split())[:254]
        try:
            email = str(parse_email(email))
        except EmailAddressError as refused:
            error = translated(refused.text)
        else:
            try:
                resume_link_send(entry=entry, email=email)
            except ResumeRefused as refused:
                return _refused(request, entry, str(refused), 429)
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
