"""The Translations page: a campaign's languages, each language's texts side by side with the
source (progress, stale ones marked), and PO files to and from translators. Plain forms that
post and redirect; every write is a draft edit at the page's revision."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from builder.access import campaign_view
from campaigns import flow
from campaigns.models import Campaign
from campaigns.services.drafts import StaleDraft, parse_revision
from campaigns.services.translations import (
    MAX_PO_BYTES,
    campaign_language_add,
    campaign_language_remove,
    campaign_translations_import,
    campaign_translations_save,
    language_name,
    po_file,
    rows,
)


def _overview_url(campaign: Campaign) -> str:
    return reverse("builder:campaign_translations", args=[campaign.pk])


def _refused(request: HttpRequest, error: Exception) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view()
def campaign_translations(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The languages, with each one's progress; POST adds or removes one."""
    if request.method == "POST":
        revision = parse_revision(request.POST.get("revision"))
        try:
            if request.POST.get("remove"):
                campaign_language_remove(campaign=campaign, by=request.user, revision=revision,
                                         language=request.POST["remove"])
            else:
                campaign_language_add(campaign=campaign, by=request.user, revision=revision,
                                      language=request.POST.get("language", ""))
        except (ValidationError, StaleDraft) as error:
            _refused(request, error)
        return redirect(_overview_url(campaign))
    try:
        languages = [_progress(campaign, code) for code in campaign.languages[1:]]
    except flow.BlueprintError as error:
        return render(request, "builder/translations.html",
                      {"campaign": campaign, "section": "translations", "broken": error})
    offered = [(code, name) for code, name in settings.LANGUAGES
               if code not in (campaign.languages or [settings.LANGUAGE_CODE.split("-")[0]])]
    return render(request, "builder/translations.html", {
        "campaign": campaign, "section": "translations", "languages": languages,
        "default": language_name(campaign.languages[0] if campaign.languages else "en"),
        "offered": offered,
    })


def _progress(campaign: Campaign, code: str) -> dict:
    texts = rows(campaign, code)
    done = sum(1 for row in texts if row.text)
    return {"code": code, "name": language_name(code), "done": done, "total": len(texts),
            "stale": sum(1 for row in texts if row.stale)}


def _language(campaign: Campaign, language: str) -> str:
    if language not in campaign.languages[1:]:
        raise Http404("Not one of the campaign's languages.")
    return language


@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view()
def campaign_language(request: HttpRequest, campaign: Campaign, language: str) -> HttpResponse:
    """One language side by side with the default: GET shows it, POST saves every text."""
    language = _language(campaign, language)
    url = reverse("builder:campaign_language", args=[campaign.pk, language])
    if request.method == "POST":
        texts = {key[5:]: value for key, value in request.POST.items()
                 if key.startswith("text:")}
        try:
            campaign_translations_save(campaign=campaign, by=request.user,
                                       revision=parse_revision(request.POST.get("revision")),
                                       language=language, texts=texts)
            messages.success(request, "Translations saved.")
        except (ValidationError, StaleDraft, flow.BlueprintError) as error:
            _refused(request, error)
        return redirect(url)
    try:
        texts = rows(campaign, language)
    except flow.BlueprintError as error:
        _refused(request, error)
        return redirect(_overview_url(campaign))
    return render(request, "builder/translation.html", {
        "campaign": campaign, "section": "translations", "code": language,
        "name": language_name(language), "rows": texts,
        "done": sum(1 for row in texts if row.text), "total": len(texts),
        "dir": flow.direction(language),
        "default_code": campaign.languages[0],
    })


@campaign_view()
def campaign_language_po(request: HttpRequest, campaign: Campaign, language: str) -> HttpResponse:
    language = _language(campaign, language)
    try:
        content = po_file(campaign, language)
    except flow.BlueprintError as error:
        _refused(request, error)
        return redirect(_overview_url(campaign))
    response = HttpResponse(content, content_type="text/x-gettext-translation; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}.{language}.po"'
    return response


@require_POST
@campaign_view()
def campaign_language_import(request: HttpRequest, campaign: Campaign,
                             language: str) -> HttpResponse:
    language = _language(campaign, language)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a PO file to import.")
    else:
        try:
            count = campaign_translations_import(
                campaign=campaign, by=request.user,
                revision=parse_revision(request.POST.get("revision")), language=language,
                raw=upload.read(MAX_PO_BYTES + 1))
            messages.success(request, f"Imported {count} text{'s' if count != 1 else ''}.")
        except (ValidationError, StaleDraft, flow.BlueprintError) as error:
            _refused(request, error)
    return redirect(reverse("builder:campaign_language", args=[campaign.pk, language]))
