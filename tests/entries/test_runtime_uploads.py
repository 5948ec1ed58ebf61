"""A file question in the runtime, as a visitor (or an attacker) posts it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from entries.models import Answer, Entry
from entries.services.uploaded_files import uploads_storage
from tests.entries.upload_files import EXE, HTML_PAGE, SVG, pdf, picture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_uploads")]

PICTURES_ONLY = "This type of file is not accepted. Upload PNG, JPEG, GIF or WebP."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def photo_form(accept: list[str] | None = None) -> dict:
    validation = {"accept": accept} if accept is not None else {}
    return {
        "schema": 1, "name": "Holiday photos", "kind": "form",
        "steps": [{"key": "photo", "title": "Your best holiday photo", "questions": [
            {"key": "caption", "kind": "short_text", "label": "Caption"},
            {"key": "photo", "kind": "file_upload", "label": "Photo", "required": True,
             "validation": validation},
        ]}],
        "outcomes": [{"key": "thanks", "title": "Thanks!"}],
    }


def entry_url(client, campaign) -> str:
    response = client.post(f"/c/{campaign.slug}/")
    assert response.status_code == 303
    return response.headers["Location"]


def send(client, url, name, data, content_type):
    return client.post(url, {"step": "photo", "caption": "Beach at dawn",
                             "photo": SimpleUploadedFile(name, data, content_type)})


def stored_files() -> list[Path]:
    return [path for path in Path(uploads_storage().location).rglob("*") if path.is_file()]


@pytest.mark.parametrize(("name", "data", "claimed", "message"), [
    ("holiday.html", HTML_PAGE, "image/png", "This file contains web page code"),
    ("holiday.png", HTML_PAGE, "image/png", "This file contains web page code"),
    ("logo.svg", SVG, "image/svg+xml", "This file contains web page code"),
    ("evil.exe", EXE, "image/png", PICTURES_ONLY),
    ("report.pdf", pdf(), "image/png", PICTURES_ONLY),
    ("cut.png", picture("PNG")[:-40], "image/png", "The image is damaged or incomplete."),
])
def test_a_file_that_is_not_an_accepted_picture_is_refused_inline_and_the_rest_kept(
        client, publish, name, data, claimed, message):
    campaign = publish(photo_form(["image/*"]))
    url = entry_url(client, campaign)
    before = set(stored_files())
    response = send(client, url, name, data, claimed)
    assert response.status_code == 200
    assert 'id="error-photo"' in response.text
    assert message in response.text
    assert 'value="Beach at dawn"' in response.text
    assert not Answer.objects.exists()
    assert Entry.objects.get().current_step == "photo"
    assert set(stored_files()) == before


def test_the_default_list_refuses_pages_and_programs_and_takes_documents(client, publish):
    campaign = publish(photo_form())
    url = entry_url(client, campaign)
    for name, data in (("page.html", HTML_PAGE), ("setup.exe", EXE)):
        response = send(client, url, name, data, "application/octet-stream")
        assert 'id="error-photo"' in response.text
    assert send(client, url, "cv.pdf", pdf(), "text/html").status_code == 303
    assert Answer.objects.get(question_key="photo").value["content_type"] == "application/pdf"


def test_an_accepted_file_is_kept_privately_under_a_generated_name(client, publish):
    campaign = publish(photo_form(["image/*"]))
    url = entry_url(client, campaign)
    data = picture("JPEG")
    # The browser's claim and the name are both wrong; the bytes are a JPEG.
    response = send(client, url, "C:\\photos\\<holiday>\u202egpj.html", data, "text/html")
    assert response.status_code == 303
    entry = Entry.objects.get()
    value = Answer.objects.get(question_key="photo").value
    assert value["content_type"] == "image/jpeg"
    assert value["name"] == "holiday gpj.html"  # no path, no right-to-left trick
    assert value["size"] == len(data)
    assert "holiday" not in value["path"]
    assert value["path"].endswith(".jpg")
    assert value["path"].startswith(f"{campaign.pk}/{entry.pk}/")
    stored = Path(uploads_storage().location, value["path"])
    assert stored.read_bytes() == data
    # Not anywhere a URL reaches.
    assert not stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert uploads_storage().exists(value["path"])


def test_the_file_input_offers_the_types_the_question_takes(client, publish):
    campaign = publish(photo_form())
    page = client.get(entry_url(client, campaign)).text
    accept = re.search(r'type="file"[^>]* accept="([^"]*)"', page)[1]
    assert accept.startswith("image/png,image/jpeg,image/gif,image/webp,application/pdf,"
                             "text/plain,text/csv,")
    assert "text/html" not in accept
    assert "svg" not in accept
