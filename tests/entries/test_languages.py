"""The runtime in the visitor's language: chosen from the link, the browser or the default,
recorded on the entry, switched without losing answers, and used by its follow-up email."""

import json

import pytest
from django.core import mail
from django.core.cache import cache

from campaigns.blueprints import GALLERY_DIR
from campaigns.models import Membership
from campaigns.services.campaigns import campaign_check, campaign_create, campaign_publish
from campaigns.services.translations import campaign_translations_save, draft_texts
from entries.analytics import Scope, results
from entries.models import Entry

pytestmark = pytest.mark.django_db

ANSWERS = [("where", {"surface": "trail"}), ("training", {"goal": "long"}),
           ("feet", {"support": "neutral"}),
           ("send_match", {"email": "ana@example.com", "offers_consent": "yes"})]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def shoes(publish):
    return publish(json.loads((GALLERY_DIR / "product-recommender.json").read_text()))


def _start(client, shoes, query="", **headers):
    response = client.post(f"/c/{shoes.slug}/{query}", **headers)
    assert response.status_code == 303
    return response["Location"]


def test_the_link_chooses_the_language(client, shoes):
    page = client.get(f"/c/{shoes.slug}/?lang=es").content.decode()
    assert '<html lang="es" dir="ltr">' in page
    assert "Encuentra tus zapatillas de running perfectas" in page
    assert "Buscar mi zapatilla" in page


def test_the_browser_chooses_among_the_campaigns_languages_then_the_default(client, shoes):
    arabic = client.get(f"/c/{shoes.slug}/", HTTP_ACCEPT_LANGUAGE="fr, ar-EG;q=0.8").content
    assert '<html lang="ar" dir="rtl">' in arabic.decode()
    assert "اعثر على حذاء الجري المثالي لك" in arabic.decode()
    other = client.get(f"/c/{shoes.slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en" dir="ltr">' in other
    assert "Find your perfect running shoe" in other
    assert client.get(f"/c/{shoes.slug}/?lang=xx").content.decode().count('lang="en"') >= 1


def test_an_entry_finishes_in_its_language_and_gets_its_email_in_it(
        client, shoes, django_capture_on_commit_callbacks):
    url = _start(client, shoes, "?lang=es")
    entry = Entry.objects.get()
    assert entry.language == "es"
    page = client.get(url).content.decode()
    assert "¿Dónde corres más?" in page
    assert "Senderos y montaña" in page
    with django_capture_on_commit_callbacks(execute=True):
        for step, answers in ANSWERS:
            assert client.post(url, {"step": step, **answers}).status_code == 303
    result = client.get(url).content.decode()
    assert "Tu zapatilla: la Ridgeback Trail" in result
    assert "Ir lejos: media maratón y más" in result  # the recalled answer, in Spanish
    [email] = mail.outbox
    assert email.subject == "Tu zapatilla: la Ridgeback Trail (y un 10 % de descuento)"
    assert "Nos dijiste que corres por: Senderos y montaña" in email.body


def test_the_switcher_changes_the_language_and_keeps_the_answers(client, shoes):
    url = _start(client, shoes)
    client.post(url, {"step": "where", "surface": "road"})
    page = client.get(url).content.decode()
    assert 'href="?lang=ar"' in page
    assert 'hreflang="ar"' in page
    switched = client.get(f"{url}?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in switched
    assert "ما الذي تتدرب من أجله؟" in switched
    entry = Entry.objects.get()
    assert (entry.language, entry.answer_values) == ("ar", {"surface": "road"})
    assert '<html lang="ar"' in client.get(url).content.decode()  # it stays


def test_a_campaign_in_one_language_shows_no_switcher(client, publish):
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    document = {k: v for k, v in document.items() if k not in ("languages", "translations")}
    page = client.get(f"/c/{publish(document).slug}/").content.decode()
    assert 'aria-label="Language"' not in page


def test_results_split_by_language(client, shoes, login):
    for lang in ("es", "es", "ar", ""):
        _start(client, shoes, f"?lang={lang}" if lang else "")
    Entry.objects.filter(language="en").update(language="")  # from before campaigns had languages
    counts = {lang: results(Scope(shoes, language=lang)).totals.starts
              for lang in ("en", "es", "ar")}
    assert counts == {"en": 1, "es": 2, "ar": 1}
    marketer = Membership.objects.get(workspace=shoes.workspace).user
    page = login(marketer).get(f"/app/campaigns/{shoes.pk}/results/?language=es").content
    assert b'<option value="es" selected>Spanish</option>' in page


def test_a_missing_translation_shows_the_default_text_and_says_so(client, publish):
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    del document["translations"]["es"]["intro.title"]
    campaign = publish(document, settings={"translation_fallback": True})
    page = client.get(f"/c/{campaign.slug}/?lang=es").content.decode()
    assert "Find your perfect running shoe" in page
    assert "Buscar mi zapatilla" in page
    # The note is a built-in text, so it is in Spanish too.
    assert "Partes de esta página aún no están traducidas" in page
    assert "not translated yet" not in client.get(f"/c/{campaign.slug}/?lang=ar").content.decode()


def test_a_contests_official_rules_are_read_in_the_visitors_language(client, publish,
                                                                      owner, workspace):
    document = json.loads((GALLERY_DIR / "giveaway.json").read_text())
    document["languages"] = ["en", "es"]
    campaign = campaign_create(workspace=workspace, by=owner, document=document)
    missing = [p for p in campaign_check(campaign=campaign)
               if p.where == "translations.es.rules.text"]
    assert [p.code for p in missing] == ["translation_missing"]
    texts = {text_id: f"ES {source}" for text_id, source in draft_texts(campaign).items()}
    campaign_translations_save(campaign=campaign, by=owner, revision=campaign.revision,
                               language="es", texts=texts)
    assert not [p for p in campaign_check(campaign=campaign) if p.code.startswith("translation")]
    campaign_publish(campaign=campaign, by=owner)
    spanish = client.get(f"/c/{campaign.slug}/rules/?lang=es").content.decode()
    assert '<html lang="es"' in spanish
    assert "ES " in spanish
    assert f'/c/{campaign.slug}/rules/?lang=es"' in client.get(
        f"/c/{campaign.slug}/?lang=es").content.decode()
    english = client.get(f"/c/{campaign.slug}/rules/").content.decode()
    assert '<html lang="en"' in english
    assert "ES " not in english


def test_a_closed_campaign_answers_in_the_language_asked_but_saves_nothing(client, shoes):
    url = _start(client, shoes)
    shoes.status = "paused"
    shoes.save()
    page = client.get(f"{url}?lang=es").content.decode()
    assert '<html lang="es"' in page
    assert Entry.objects.get().language == "en"
