"""Which language a visitor answers in, and the runtime speaking it.

A visitor's language is `?lang=` on the link (or the embed snippet), then the first of their
browser's Accept-Language that the campaign's version offers, then the version's default. The
entry records it (`Entry.language`), so every later page and every follow-up email of that entry
use it, from the texts frozen in the entry's version. Views run with it activated, so Django's
own translated strings follow; `keeps_language` puts back whatever was active before.
"""

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from urllib.parse import urlencode

from django.conf.locale import LANG_INFO
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from campaigns import flow
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries.models import Entry
from entries.services.languages import entry_language_set


def keeps_language(view: Callable) -> Callable:
    """The view may activate a visitor's language; the one active before is restored after."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with translation.override(translation.get_language()):
            return view(*args, **kwargs)

    return wrapped


def choose(request: HttpRequest, definition: flow.Definition) -> str:
    offered = definition.languages
    asked = request.GET.get("lang", "")
    if asked in offered:
        return asked
    for given, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = given.lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in offered:
                return candidate
    return offered[0]


def visitor(request: HttpRequest, definition: flow.Definition) -> flow.Definition:
    """A visitor without an entry yet (the landing page, the start): their language, activated,
    and the definition's texts in it. The start form posts to the same URL, so `?lang=` stays."""
    language = choose(request, definition)
    translation.activate(language)
    return flow.in_language(definition, language)


def of_entry(request: HttpRequest, entry: Entry) -> None:
    """An entry's pages speak its language; the switcher's `?lang=` changes it for good (the
    answers are the entry's, so they stay)."""
    definition = definition_for(entry.version_id)
    asked = request.GET.get("lang", "")
    switch = asked in definition.languages and asked != entry.language
    if switch and request.method == "GET" and not entry.campaign.closed_reason():
        entry_language_set(entry=entry, language=asked)
    # A closed campaign writes nothing, but its page still speaks the language asked for.
    translation.activate(asked if switch else entry.language or definition.language)


def localised(definition: flow.Definition) -> flow.Definition:
    """`definition` in the active language (itself when it does not offer that language)."""
    return flow.in_language(definition, translation.get_language() or definition.language)


def campaign_text(campaign: Campaign, text_id: str, source: str) -> str:
    """One of the campaign's own texts (campaign_settings.campaign_texts) in the active
    language: the draft's translation, as the setting it translates is the live one too."""
    given = campaign.translations.get(translation.get_language() or "", {}).get(text_id)
    return given["text"] if given and given["text"].strip() else source


def entry_definition(entry: Entry) -> flow.Definition:
    definition = definition_for(entry.version_id)
    return flow.in_language(definition, entry.language or definition.language)


@contextmanager
def speaking(entry: Entry | None):
    """Django's strings in the entry's language while its email is rendered."""
    if entry is None:
        yield
        return
    with translation.override(entry.language or definition_for(entry.version_id).language):
        yield


def switcher(request: HttpRequest, definition: flow.Definition) -> list[dict]:
    """The runtime's language links: each a relative `?lang=` link, so after HTMX has moved the
    address to the entry's page, a click changes that entry's language and keeps its answers."""
    if len(definition.languages) < 2:  # one language offers no choice
        return []
    params = {key: value for key, value in request.GET.items() if key != "lang"}
    links = []
    for code in definition.languages:
        info = translation.get_language_info(code) if code in LANG_INFO else {"name_local": code}
        links.append({"code": code, "name": info["name_local"], "dir": flow.direction(code),
                      "current": code == definition.language,
                      "href": "?" + urlencode({**params, "lang": code})})
    return links
