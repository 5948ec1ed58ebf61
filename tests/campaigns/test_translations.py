"""A campaign's languages and translations: the draft edits, PO files, and the publish check."""

import json

import polib
import pytest
from django.core.exceptions import ValidationError

from campaigns import flow
from campaigns.blueprints import GALLERY_DIR
from campaigns.services.campaigns import (
    PublishRefused,
    campaign_check,
    campaign_create,
    campaign_publish,
)
from campaigns.services.content.renames import (
    choice_key_renamed,
    outcome_key_renamed,
    question_key_renamed,
)
from campaigns.services.translations import (
    campaign_language_add,
    campaign_language_remove,
    campaign_translations_import,
    campaign_translations_save,
    po_file,
    rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoes(workspace, owner):
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    return campaign_create(workspace=workspace, by=owner, document=document)


def _save(campaign, by, language, texts):
    return campaign_translations_save(campaign=campaign, by=by, revision=campaign.revision,
                                      language=language, texts=texts)


def test_a_gallery_template_brings_its_languages_and_publishes_them_frozen(shoes, owner):
    assert shoes.languages == ["en", "es", "ar"]
    version = campaign_publish(campaign=shoes, by=owner)
    assert version.definition["languages"] == ["en", "es", "ar"]
    _save(shoes, owner, "es", {"intro.button": "Busca mi zapatilla"})
    version.refresh_from_db()
    frozen = version.definition["translations"]["es"]["intro.button"]["text"]
    assert frozen == "Buscar mi zapatilla"  # the draft changed, the version did not


def test_languages_are_added_and_removed_with_their_texts(shoes, owner):
    campaign_language_add(campaign=shoes, by=owner, revision=shoes.revision, language="de")
    assert shoes.languages == ["en", "es", "ar", "de"]
    with pytest.raises(ValidationError, match="already"):
        campaign_language_add(campaign=shoes, by=owner, revision=shoes.revision, language="de")
    with pytest.raises(ValidationError, match="not a language"):
        campaign_language_add(campaign=shoes, by=owner, revision=shoes.revision, language="xx")
    campaign_language_remove(campaign=shoes, by=owner, revision=shoes.revision, language="es")
    shoes.refresh_from_db()
    assert shoes.languages == ["en", "ar", "de"]
    assert "es" not in shoes.translations
    with pytest.raises(ValidationError):
        campaign_language_remove(campaign=shoes, by=owner, revision=shoes.revision,
                                 language="en")


def test_a_missing_language_blocks_publishing_unless_the_campaign_falls_back(shoes, owner):
    campaign_language_add(campaign=shoes, by=owner, revision=shoes.revision, language="de")
    missing = [p for p in campaign_check(campaign=shoes) if p.code == "translation_missing"]
    assert len(missing) == len(rows(shoes, "de"))
    assert {p.level for p in missing} == {"error"}
    assert missing[0].where == "translations.de.name"
    with pytest.raises(PublishRefused):
        campaign_publish(campaign=shoes, by=owner)
    shoes.settings = {**shoes.settings, "translation_fallback": True}
    shoes.save()
    version = campaign_publish(campaign=shoes, by=owner)
    german = flow.in_language(flow.load(version.definition), "de")
    assert german.name == "Find your running shoe"
    assert "name" in german.untranslated


def test_a_changed_source_makes_its_translation_stale(shoes, owner):
    question = shoes.questions.get(key="goal")
    question.label = "What matters most to you?"
    question.save()
    stale = [p for p in campaign_check(campaign=shoes) if p.code == "translation_stale"]
    assert [p.where for p in stale] == ["translations.es.question.goal.label",
                                        "translations.ar.question.goal.label"]
    assert [row.stale for row in rows(shoes, "es") if row.text_id == "question.goal.label"] == [
        True]
    _save(shoes, owner, "es", {"question.goal.label": "¿Qué te importa más?"})
    assert not [p for p in campaign_check(campaign=shoes) if p.code == "translation_stale"
                and p.where.startswith("translations.es")]


def test_a_translation_that_breaks_a_recall_tag_is_refused_and_nothing_saved(shoes, owner):
    before = shoes.translations
    with pytest.raises(ValidationError, match="drops"):
        _save(shoes, owner, "es", {"outcome.cloudline.body": "<p>Sin etiqueta</p>",
                                   "intro.button": "¡Vamos!"})
    shoes.refresh_from_db()
    assert shoes.translations == before


def test_po_export_and_import_round_trip_keeping_tags(shoes, owner):
    po = polib.pofile(po_file(shoes, "es"))
    entry = po.find("email.1.subject", by="msgctxt")
    assert entry.msgid == "{{ outcome.title }} (plus 10% off)"
    assert entry.msgstr == "{{ outcome.title }} (y un 10 % de descuento)"
    assert "{{ outcome.title }}" in entry.comment
    entry.msgstr = "{{ outcome.title }}: ¡10 % menos!"
    po.find("intro.button", by="msgctxt").msgstr = "Encontrar"
    count = campaign_translations_import(campaign=shoes, by=owner, revision=shoes.revision,
                                         language="es", raw=str(po).encode())
    shoes.refresh_from_db()
    assert count == len(rows(shoes, "es"))
    assert shoes.translations["es"]["intro.button"]["text"] == "Encontrar"
    assert not [p for p in campaign_check(campaign=shoes) if p.code.startswith("translation")]


def test_a_po_file_made_before_the_source_changed_comes_in_stale(shoes, owner):
    po = polib.pofile(po_file(shoes, "es"))
    shoes.steps.filter(key="where").update(title="Where do you run?")
    po.find("step.where.title", by="msgctxt").msgstr = "¿Dónde corres?"
    campaign_translations_import(campaign=shoes, by=owner, revision=shoes.revision,
                                 language="es", raw=str(po).encode())
    stale = [p.where for p in campaign_check(campaign=shoes) if p.code == "translation_stale"]
    assert "translations.es.step.where.title" in stale


@pytest.mark.parametrize(("raw", "message"), [
    (b"\xff\xfe not utf-8", "not a PO file"),
    (b'msgid "x"\nmsgstr "y"\n', "no translated texts"),
    (b'msgctxt "email.1.subject"\nmsgid "s"\nmsgstr "Sin etiqueta"\n', "drops"),
])
def test_a_bad_po_file_is_refused_with_a_reason(shoes, owner, raw, message):
    with pytest.raises(ValidationError, match=message):
        campaign_translations_import(campaign=shoes, by=owner, revision=shoes.revision,
                                     language="es", raw=raw)


def test_translations_follow_a_renamed_key(shoes):
    question_key_renamed(shoes, "goal", "aim")
    choice_key_renamed(shoes.questions.get(key="surface"), "road", "street")
    outcome_key_renamed(shoes, "cloudline", "cloud")
    spanish = shoes.translations["es"]
    assert spanish["question.aim.label"]["text"] == "Elige lo que más te importa ahora mismo"
    assert "choice.aim.long.label" in spanish
    assert "question.goal.label" not in spanish
    assert spanish["choice.surface.street.label"]["text"] == "Carretera y asfalto"
    assert "{{ answers.aim }}" in spanish["outcome.cloud.body"]["text"]
    shoes.refresh_from_db()
    assert shoes.translations["ar"]["outcome.cloud.title"]["text"] == "حذاؤك: كلاودلاين ماكس"
