"""The translation catalogues: complete, with the right plural rules, placeholders kept, and the
committed .mo files compiled from the .po files as they are (no gettext tools needed to run)."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from campaigns import flow

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
NPLURALS = {"es": 2, "de": 2, "fr": 2, "ru": 3, "be": 3, "ar": 6}
# {name} and {{ tag }} of the flow engine and emails, %(name)s of templates, and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{ \w+ \}\}|\{\w+\}|<[^>]+>")


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _translations(catalogue) -> dict:
    return {(entry.msgid, entry.msgid_plural):
            tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if entry.msgid_plural else entry.msgstr
            for entry in catalogue if entry.msgid}


def test_every_language_but_the_source_has_a_catalogue():
    assert sorted(TRANSLATED) == sorted(NPLURALS)
    assert all((LOCALE / code / "LC_MESSAGES" / "django.po").is_file() for code in TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_is_complete(language):
    catalogue = _po(language)
    assert len(catalogue) > 200
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.obsolete_entries() == []
    assert catalogue.metadata["Language"] == language


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_follow_the_language(language):
    catalogue = _po(language)
    header = catalogue.metadata["Plural-Forms"]
    assert header.startswith(f"nplurals={NPLURALS[language]};")
    plurals = [entry for entry in catalogue if entry.msgid_plural]
    assert plurals
    for entry in plurals:
        assert len(entry.msgstr_plural) == NPLURALS[language], entry.msgid
        assert all(form.strip() for form in entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_and_tag(language):
    for entry in _po(language):
        source = entry.msgid_plural or entry.msgid
        wanted = sorted(PLACEHOLDER.findall(source))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == wanted, (entry.msgid, form)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_compiled_from_the_po(language):
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    source = _po(language)
    assert _translations(compiled) == _translations(source)
    assert compiled.metadata["Plural-Forms"] == source.metadata["Plural-Forms"]


@pytest.mark.parametrize(("language", "back"), [("es", "Atrás"), ("ru", "Назад"),
                                                ("be", "Назад"), ("de", "Zurück"),
                                                ("fr", "Retour"), ("ar", "رجوع")])
def test_django_reads_the_catalogues(language, back):
    with translation.override(language):
        assert translation.gettext("Back") == back
        assert translation.get_language_bidi() == (language == "ar")


def _flow_message_ids() -> set[tuple[str, str]]:
    """Every text campaigns/flow/ builds with message() or plural_message()."""
    found = set()
    for path in Path(flow.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("message", "plural_message")
                    and isinstance(node.args[0], ast.Constant)):
                plural = node.args[1].value if node.func.id == "plural_message" else ""
                found.add((node.args[0].value, plural))
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_flow_engine_message_is_in_the_catalogue(language):
    """The flow engine's texts reach the catalogue through makemessages' extra keywords
    (campaigns/management/commands/makemessages.py); one missing would show in English."""
    wanted = _flow_message_ids()
    assert len(wanted) > 40
    assert wanted <= set(_translations(_po(language)))
