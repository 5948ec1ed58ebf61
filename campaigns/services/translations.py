"""A campaign's languages and its texts in each: added, removed, saved, and exchanged with
translators as PO files (polib), the format their tools read.

Every write is a draft edit at a revision (two editors never overwrite each other). A saved
translation records the hash of the source text it translates, so a later change of the source
shows it stale; an imported one records the hash of the source in the file, so a file made
before the source changed comes in stale too.
"""

from __future__ import annotations

from dataclasses import dataclass

import polib
from django.conf import settings
from django.core.exceptions import ValidationError

from campaigns import flow
from campaigns.campaign_settings import campaign_texts
from campaigns.documents import draft_document
from campaigns.models import Campaign
from campaigns.services.drafts import draft_edit

MAX_PO_BYTES = 5 * 1024 * 1024


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def draft_texts(campaign: Campaign) -> dict[str, str]:
    """The draft's texts by text id (flow.texts) and the campaign's own (its rules); raises
    BlueprintError for a broken draft."""
    return {**flow.texts(flow.load(draft_document(campaign))), **campaign_texts(campaign)}


@dataclass(frozen=True)
class Row:
    """One text of the side-by-side view."""

    text_id: str
    source: str
    text: str
    stale: bool
    tags: tuple[str, ...]


def rows(campaign: Campaign, language: str) -> list[Row]:
    given = campaign.translations.get(language, {})
    result = []
    for text_id, source in draft_texts(campaign).items():
        entry = given.get(text_id, {})
        text = entry.get("text", "")
        result.append(Row(text_id, source, text,
                          bool(text) and entry.get("source") != flow.source_hash(source),
                          tuple(flow.tags_in(source))))
    return result


def campaign_language_add(*, campaign: Campaign, by, revision: int | None,
                          language: str) -> Campaign:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(f"{language!r} is not a language this site offers.")
    languages = campaign.languages or [settings.LANGUAGE_CODE.split("-")[0]]
    if language in languages:
        raise ValidationError(f"{language_name(language)} is already one of its languages.")
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"added the language {language_name(language)}"):
        campaign.languages = [*languages, language]
        campaign.save(update_fields=["languages"])
    return campaign


def campaign_language_remove(*, campaign: Campaign, by, revision: int | None,
                             language: str) -> Campaign:
    """Removes one of the other languages and its texts (the default cannot be removed)."""
    if language not in campaign.languages[1:]:
        raise ValidationError("Only one of the campaign's other languages can be removed.")
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"removed the language {language_name(language)}"):
        campaign.languages = [code for code in campaign.languages if code != language]
        campaign.translations = {code: texts for code, texts in campaign.translations.items()
                                 if code != language}
        campaign.save(update_fields=["languages", "translations"])
    return campaign


def campaign_translations_save(*, campaign: Campaign, by, revision: int | None, language: str,
                               texts: dict[str, str], sources: dict[str, str] | None = None
                               ) -> Campaign:
    """Saves `texts` (text id -> translation; an empty one is removed) for `language`, each as a
    translation of the draft's current source, or of `sources[text_id]` when given (an import).
    A translation that drops or breaks a recall tag is refused, with nothing saved."""
    if language not in campaign.languages[1:]:
        raise ValidationError("Add the language first.")
    current = draft_texts(campaign)
    sources = sources or {}
    problems = [
        f"{text_id}: the translation {problem}."
        for text_id, text in texts.items() if text_id in current and text.strip()
        for problem in [flow.tag_problem(current[text_id], text)] if problem
    ]
    if problems:
        raise ValidationError(problems)
    given = dict(campaign.translations.get(language, {}))
    for text_id, text in texts.items():
        if text_id not in current:
            continue
        if text.strip():
            source = sources.get(text_id, current[text_id])
            given[text_id] = {"text": text, "source": flow.source_hash(source)}
        else:
            given.pop(text_id, None)
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"translated texts into {language_name(language)}"):
        campaign.translations = {**campaign.translations, language: given}
        campaign.save(update_fields=["translations"])
    return campaign


def po_file(campaign: Campaign, language: str) -> str:
    """The draft's texts and their `language` translations as a PO file: the text id is the
    context, the source the msgid; a stale translation is marked fuzzy, as translators expect."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": campaign.name,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for row in rows(campaign, language):
        tags = ", ".join(f"{{{{ {tag} }}}}" for tag in row.tags)
        po.append(polib.POEntry(
            msgctxt=row.text_id, msgid=row.source, msgstr=row.text,
            comment=f"Keep these recall tags exactly as they are: {tags}" if tags else "",
            flags=["fuzzy"] if row.stale else [],
        ))
    return str(po)


def campaign_translations_import(*, campaign: Campaign, by, revision: int | None,
                                 language: str, raw: bytes) -> int:
    """Reads a PO file into `language`; returns how many texts it brought. Fuzzy entries and
    unknown text ids are skipped; a dropped or broken recall tag refuses the whole file."""
    if len(raw) > MAX_PO_BYTES:
        raise ValidationError(f"The file is over {MAX_PO_BYTES // 1024 // 1024} MB.")
    try:
        po = polib.pofile(raw.decode("utf-8"))
    except (UnicodeDecodeError, OSError, ValueError) as error:
        raise ValidationError(f"This is not a PO file we can read: {error}") from None
    entries = [entry for entry in po if entry.msgctxt and entry.msgstr and not entry.fuzzy
               and not entry.obsolete]
    texts = {entry.msgctxt: entry.msgstr for entry in entries}
    sources = {entry.msgctxt: entry.msgid for entry in entries}
    known = draft_texts(campaign)
    texts = {text_id: text for text_id, text in texts.items() if text_id in known}
    if not texts:
        raise ValidationError("The file has no translated texts of this campaign.")
    campaign_translations_save(campaign=campaign, by=by, revision=revision, language=language,
                               texts=texts, sources=sources)
    return len(texts)
