"""The Translations pages: languages with progress, the side-by-side editor, PO files."""

import json

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.blueprints import GALLERY_DIR
from campaigns.services.campaigns import campaign_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoes(workspace, owner):
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    return campaign_create(workspace=workspace, by=owner, document=document)


def _url(campaign, rest=""):
    return f"/app/campaigns/{campaign.pk}/translations/{rest}"


def test_the_languages_show_their_progress_and_one_is_added(login, owner, shoes):
    client = login(owner)
    page = client.get(_url(shoes)).content.decode()
    assert "Spanish" in page
    assert "Arabic" in page
    assert "43 of 43 texts" in page
    response = client.post(_url(shoes), {"language": "de", "revision": shoes.revision})
    assert response.status_code == 302
    assert "0 of 43 texts" in client.get(_url(shoes)).content.decode()
    stale = client.post(_url(shoes), {"language": "fr", "revision": shoes.revision})
    assert "changed by" in client.get(stale["Location"]).content.decode()


def test_a_language_is_edited_side_by_side_and_a_broken_tag_refused(login, owner, shoes):
    client = login(owner)
    page = client.get(_url(shoes, "es/")).content.decode()
    assert 'name="text:question.goal.label"' in page
    assert 'dir="ltr"' in page
    assert "Choose the one that matters most right now" in page
    client.post(_url(shoes, "es/"), {"revision": shoes.revision,
                                     "text:question.goal.label": "¿Qué importa más?"})
    shoes.refresh_from_db()
    assert shoes.translations["es"]["question.goal.label"]["text"] == "¿Qué importa más?"
    refused = client.post(_url(shoes, "es/"), {"revision": shoes.revision,
                                               "text:email.1.subject": "Sin etiqueta"})
    assert "drops {{ outcome.title }}" in client.get(refused["Location"]).content.decode()
    assert 'dir="rtl"' in client.get(_url(shoes, "ar/")).content.decode()
    assert client.get(_url(shoes, "de/")).status_code == 404


def test_a_po_file_goes_out_and_comes_back(login, owner, shoes):
    client = login(owner)
    response = client.get(_url(shoes, "ar/po/"))
    assert response["Content-Disposition"].endswith(f'{shoes.slug}.ar.po"')
    po = polib.pofile(response.content.decode())
    po.find("intro.button", by="msgctxt").msgstr = "ابدأ"
    upload = SimpleUploadedFile("ar.po", str(po).encode(), "text/x-gettext-translation")
    answer = client.post(_url(shoes, "ar/import/"), {"file": upload,
                                                     "revision": shoes.revision})
    assert "Imported 43 texts." in client.get(answer["Location"]).content.decode()
    shoes.refresh_from_db()
    assert shoes.translations["ar"]["intro.button"]["text"] == "ابدأ"
    garbage = SimpleUploadedFile("ar.po", b"\xff\xfe", "text/plain")
    answer = client.post(_url(shoes, "ar/import/"), {"file": garbage,
                                                     "revision": shoes.revision})
    assert "not a PO file" in client.get(answer["Location"]).content.decode()


def test_a_viewer_may_look_but_not_change(login, viewer, shoes):
    client = login(viewer)
    assert client.get(_url(shoes, "es/")).status_code == 200
    response = client.post(_url(shoes), {"language": "de", "revision": shoes.revision})
    assert response.status_code == 403


def test_the_preview_shows_the_draft_in_one_of_its_languages(login, owner, shoes):
    client = login(owner)
    frame = f"/app/campaigns/{shoes.pk}/preview/frame/"
    page = client.get(f"{frame}?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "اعثر على حذاء الجري المثالي لك" in page
    assert f'action="{frame}?lang=ar"' in page
    assert '<html lang="en"' in client.get(frame).content.decode()
