"""Share images and shares in the builder: the outcome editor shows the live image and takes the
marketer's own, Share lists every link preview, Results and an entry's timeline count shares."""

from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.services.campaigns import campaign_publish
from entries.models import Entry
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()


@pytest.fixture
def quiz(publish):
    return publish(branching_quiz())


def image_path(campaign, outcome=""):
    return f"/c/{campaign.slug}/share/{campaign.published_version_id}/en" + \
        (f"/{outcome}" if outcome else "")


def png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (1200, 630), "#0f766e").save(out, "PNG")
    return SimpleUploadedFile("card.png", out.getvalue(), content_type="image/png")


def test_the_outcome_editor_shows_the_live_share_image_and_takes_an_upload(login, quiz):
    client = login(quiz.created_by)
    editor = reverse("builder:editor", args=[quiz.pk])
    page = client.get(editor).text
    assert f'src="{image_path(quiz, "tea-lover")}" alt="Live share image for “A tea person”"' \
        in page
    assert "Shown when a visitor shares this result" in page  # the upload field's help
    draft = reverse("builder:campaign_share_image_draft", args=[quiz.pk, "tea-lover"])
    assert f'src="{draft}?r={quiz.revision}"' in page

    tea = quiz.outcomes.get(key="tea-lover")
    response = client.post(reverse("builder:editor_outcome", args=[quiz.pk, tea.pk]), {
        "revision": quiz.revision, f"o-{tea.pk}-title": tea.title, f"o-{tea.pk}-key": tea.key,
        f"o-{tea.pk}-share_image": png()}, **HTMX)
    assert response.status_code == 200
    tea.refresh_from_db()
    assert tea.share_image.endswith(".jpg")  # re-encoded from its pixels, like every upload
    assert f'src="/media/{tea.share_image}" alt="Your share image for “A tea person”"' \
        in response.text
    assert "Remove the share image (use the drawn one)" in response.text


def test_a_share_image_that_is_not_an_image_is_refused_in_the_form(login, quiz):
    client = login(quiz.created_by)
    tea = quiz.outcomes.get(key="tea-lover")
    response = client.post(reverse("builder:editor_outcome", args=[quiz.pk, tea.pk]), {
        "revision": quiz.revision, f"o-{tea.pk}-title": tea.title, f"o-{tea.pk}-key": tea.key,
        f"o-{tea.pk}-share_image": SimpleUploadedFile("card.png", b"not a picture")}, **HTMX)
    assert response.status_code == 200
    assert "This file is not an image we can read" in response.text
    tea.refresh_from_db()
    assert tea.share_image == ""


def test_share_lists_the_link_previews_of_the_live_version(login, quiz):
    page = login(quiz.created_by).get(reverse("builder:campaign_share", args=[quiz.pk])).text
    assert ">Link previews</h2>" in page
    for outcome in ("", "coffee-lover", "tea-lover"):
        assert f'src="{image_path(quiz, outcome)}"' in page
    assert "Result: A tea person" in page
    assert "The campaign's link" in page


def test_results_count_shares_by_network(client, login, quiz):
    for network in ("x", "x", "whatsapp"):
        url = client.post(f"/c/{quiz.slug}/").headers["Location"]
        client.post(url, {"step": "about", "name": "Bo"})
        client.post(url, {"step": "taste", "drink": "tea"})
        assert client.get(f"{url}share", {"to": network}).status_code == 302
    client.post(f"{url}share?to=copy")
    page = login(quiz.created_by).get(reverse("builder:campaign_results", args=[quiz.pk])).text
    assert ">Shares</h2>" in page
    rows = page[page.index('aria-label="Shares by network"'):]
    assert '<th scope="row">X</th><td class="num">2</td><td class="num">2</td>' in rows
    assert '<th scope="row">WhatsApp</th><td class="num">1</td><td class="num">1</td>' in rows
    assert '<th scope="row">Copied link</th><td class="num">1</td><td class="num">1</td>' in rows
    assert rows.index(">X<") < rows.index(">WhatsApp<")


def test_results_say_when_nothing_was_shared(client, login, quiz):
    url = client.post(f"/c/{quiz.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Bo"})
    page = login(quiz.created_by).get(reverse("builder:campaign_results", args=[quiz.pk])).text
    assert "Nobody has shared a result yet." in page


def test_an_unpublished_campaign_has_no_previews_yet(login, quiz):
    quiz.published_version = None
    quiz.save()
    client = login(quiz.created_by)
    assert ">Link previews</h2>" not in client.get(
        reverse("builder:campaign_share", args=[quiz.pk])).text
    editor = client.get(reverse("builder:editor", args=[quiz.pk])).text
    assert "Drawn from the title, picture and theme; used once you publish." in editor
    assert "Live share image for" not in editor


def test_a_new_version_shows_its_own_image(login, quiz):
    old = image_path(quiz, "tea-lover")
    campaign_publish(campaign=quiz, by=quiz.created_by)
    quiz.refresh_from_db()
    page = login(quiz.created_by).get(reverse("builder:campaign_share", args=[quiz.pk])).text
    assert f'src="{image_path(quiz, "tea-lover")}"' in page
    assert f'src="{old}"' not in page
    assert not Entry.objects.exists()


def test_the_draft_card_is_drawn_for_the_editor_and_never_stored(login, quiz, workspace, editor,
                                                                 tmp_path):
    quiz.outcomes.filter(key="tea-lover").update(title="Tea, always")
    client = login(quiz.created_by)
    drawn = client.get(reverse("builder:campaign_share_image_draft", args=[quiz.pk, "tea-lover"]))
    assert drawn.status_code == 200
    assert drawn["Content-Type"] == "image/jpeg"
    assert drawn["Cache-Control"] == "private, no-store"
    assert Image.open(BytesIO(drawn.content)).size == (1200, 630)
    assert not (tmp_path / "share").exists()
    missing = reverse("builder:campaign_share_image_draft", args=[quiz.pk, "nobody"])
    assert client.get(missing).status_code == 404
    # Someone of another workspace sees nothing of it.
    assert login(editor).get(reverse("builder:campaign_share_image_draft",
                                     args=[quiz.pk, "tea-lover"])).status_code == 404
