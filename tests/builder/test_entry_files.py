"""Marketers get visitors' files only through the builder: signed in, in the entry's workspace,
as attachments a browser will not render; pictures inline only as Pillow re-drew them."""

import importlib
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from PIL import Image

import config.urls
from campaigns.models import Role
from entries.models import Answer, Entry
from entries.services.uploaded_files import upload_path, uploads_storage
from tests.entries.test_runtime_uploads import photo_form
from tests.entries.upload_files import HTML_PAGE, pdf, picture
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_uploads")]

GUARDS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def visitor_sends(campaign, name: str, data: bytes, claimed: str) -> Entry:
    visitor = Client()
    url = visitor.post(f"/c/{campaign.slug}/").headers["Location"]
    response = visitor.post(url, {"step": "photo", "caption": "Dawn",
                                  "photo": SimpleUploadedFile(name, data, claimed)})
    assert response.status_code == 303
    return Entry.objects.get(pk=Entry.objects.latest("pk").pk)


@pytest.fixture
def photos(publish):
    return publish(photo_form())


@pytest.fixture
def marketer(photos):
    """A viewer of the campaign's workspace: reading entries, files included, is theirs."""
    return MembershipFactory(workspace=photos.workspace, role=Role.VIEWER).user


def file_url(entry, name="entry_file", key="photo"):
    return reverse(f"builder:{name}", args=[entry.campaign_id, entry.pk, key])


@pytest.mark.parametrize("debug", [False, True])
def test_a_viewer_downloads_the_file_as_a_guarded_attachment(client, settings, photos, marketer,
                                                             debug):
    settings.DEBUG = debug
    data = picture("PNG")
    entry = visitor_sends(photos, "beach.png", data, "image/png")
    client.force_login(marketer)
    response = client.get(file_url(entry))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="beach.png"'
    for header, value in GUARDS.items():
        assert response[header] == value


@pytest.mark.parametrize(("name", "data", "claimed", "content_type", "download"), [
    ("notes", b"just text", "text/html", "text/plain", "notes.txt"),
    ('cv".html', pdf(), "text/html", "application/pdf", "cv .html.pdf"),
])
def test_the_download_name_always_ends_in_the_type_the_bytes_are(
        client, photos, marketer, name, data, claimed, content_type, download):
    entry = visitor_sends(photos, name, data, claimed)
    client.force_login(marketer)
    response = client.get(file_url(entry))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{download}"'


def test_a_file_saved_before_types_were_checked_is_handed_out_as_inert_bytes(client, photos,
                                                                             marketer):
    """An answer from before this check holds the browser's claim; it is not believed."""
    entry = visitor_sends(photos, "x.png", picture("PNG"), "image/png")
    path = uploads_storage().save(upload_path(entry, ""), ContentFile(HTML_PAGE))
    Answer.objects.filter(entry=entry, question_key="photo").update(value={
        "name": "holiday.html", "size": len(HTML_PAGE), "content_type": "text/html",
        "path": path})
    client.force_login(marketer)
    response = client.get(file_url(entry))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="holiday.html.bin"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert client.get(file_url(entry, "entry_file_preview")).status_code == 404


def test_a_picture_is_shown_inline_only_as_pillow_redrew_it(client, photos, marketer):
    entry = visitor_sends(photos, "big.png", picture("PNG", (1200, 900)), "image/png")
    client.force_login(marketer)
    response = client.get(file_url(entry, "entry_file_preview"))
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    for header, value in GUARDS.items():
        assert response[header] == value
    shown = Image.open(BytesIO(response.content))
    assert shown.format in ("PNG", "JPEG")
    assert max(shown.size) <= 640
    assert response["Content-Type"] == f"image/{shown.format.lower()}"


def test_a_document_has_no_inline_preview(client, photos, marketer):
    entry = visitor_sends(photos, "cv.pdf", pdf(), "application/pdf")
    client.force_login(marketer)
    assert client.get(file_url(entry, "entry_file_preview")).status_code == 404
    assert client.get(file_url(entry)).status_code == 200


def test_the_entry_page_links_to_the_builder_and_never_to_the_file(client, photos, marketer):
    entry = visitor_sends(photos, "beach.png", picture("PNG"), "image/png")
    client.force_login(marketer)
    page = client.get(reverse("builder:entrant", args=[photos.pk, entry.pk])).text
    assert f'<a href="{file_url(entry)}" download>beach.png</a>' in page
    assert f'src="{file_url(entry, "entry_file_preview")}"' in page
    assert "/media/" not in page
    assert Answer.objects.get(entry=entry, question_key="photo").value["path"] not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, photos):
    entry = visitor_sends(photos, "beach.png", picture("PNG"), "image/png")
    for name in ("entry_file", "entry_file_preview"):
        response = client.get(file_url(entry, name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_workspace_gets_a_404(client, photos, outsider, publish):
    entry = visitor_sends(photos, "beach.png", picture("PNG"), "image/png")
    client.force_login(outsider)
    for name in ("entry_file", "entry_file_preview"):
        assert client.get(file_url(entry, name)).status_code == 404
    # Nor through a campaign of their own with this entry's id.
    theirs = publish(photo_form())
    MembershipFactory(workspace=theirs.workspace, user=outsider, role=Role.OWNER)
    url = reverse("builder:entry_file", args=[theirs.pk, entry.pk, "photo"])
    assert client.get(url).status_code == 404


def test_an_answer_that_is_not_a_file_is_a_404(client, photos, marketer):
    entry = visitor_sends(photos, "beach.png", picture("PNG"), "image/png")
    assert Answer.objects.get(entry=entry, question_key="caption").value == "Dawn"
    client.force_login(marketer)
    assert client.get(file_url(entry, key="caption")).status_code == 404
    assert client.get(file_url(entry, key="nothing")).status_code == 404


@pytest.fixture
def debug_urls(settings):
    """The URLs as a DEBUG server builds them."""
    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(config.urls)


def test_nothing_under_media_but_the_redrawn_images_has_a_url_even_in_debug(client, debug_urls):
    # Where visitors' files used to be kept, under MEDIA_ROOT.
    page = default_storage.save("uploads/1/abc/0123456789abcdef-holiday.html",
                                ContentFile(HTML_PAGE))
    try:
        assert client.get(f"/media/{page}").status_code == 404
    finally:
        default_storage.delete(page)
    image = default_storage.save("images/1/logo-0123456789abcdef.png", ContentFile(picture()))
    try:
        assert client.get(f"/media/{image}").status_code == 200
    finally:
        default_storage.delete(image)
