"""Share images: how a card is drawn (entries/share_images.py: size, text that fits whatever its
length and script, contrast) and how it is served (entries/share_views.py: drawn once, cached a
year with an ETag, the marketer's own upload instead)."""

from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from campaigns.services.campaigns import campaign_publish
from campaigns.services.content import OutcomeFields, outcome_update
from campaigns.theme import AA_TEXT, contrast_ratio
from entries import share_images
from entries.share_images import HEIGHT, MARGIN, PICTURE_WIDTH, WIDTH, Card, card_layout
from tests.entries.documents import branching_quiz

SITE = "https://quiz.example.com"
LONG = {
    "latin": "Which coffee are you? The long answer, with espresso, cappuccino, flat white, "
             "cortado and a very long word: Donaudampfschifffahrtsgesellschaftskapitän " * 8,
    "cyrillic": "Какой вы кофе? Длинный ответ: эспрессо, капучино, флэт уайт, кортадо и "
                "очень длинное слово: электрофотополупроводниковый " * 8,
    "arabic": "أي نوع من القهوة أنت؟ الجواب الطويل: إسبريسو وكابتشينو وفلات وايت وكورتادو " * 8,
}


def card(title: str, **changes) -> Card:
    return Card(**{"title": title, "subtitle": "Which brew are you?", "footer": "quiz.example.com",
                   "background": "#ffffff", "text": "#111827", "accent": "#4f46e5", **changes})


def ink_bbox(line) -> tuple[float, float, float, float]:
    """Where Pillow draws the line's ink, measured as card_render draws it."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    options = {"direction": "rtl"} if line.rtl and share_images.RTL_SHAPING else {}
    return draw.textbbox(line.xy, line.text, font=line.typeface(), **options)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = SITE
    cache.clear()


def test_the_card_is_1200_by_630():
    picture = Image.open(BytesIO(share_images.card_render(card("A tea person"))))
    assert picture.size == (WIDTH, HEIGHT) == (1200, 630)
    assert picture.format == "JPEG"


def test_arabic_is_shaped_right_to_left():
    # Pillow's wheels bundle libraqm; without it the fallback reverses the characters.
    assert share_images.RTL_SHAPING
    line = card_layout(card(LONG["arabic"][:20]), has_picture=False, has_logo=False).lines[1]
    assert line.rtl
    assert line.font == "system"
    # Joined letters are narrower than the isolated forms an unshaped line would draw.
    isolated = sum(line.typeface().getlength(char) for char in line.text)
    assert line.typeface().getlength(line.text, direction="rtl") < isolated


@pytest.mark.parametrize("script", LONG)
@pytest.mark.parametrize("has_picture", [False, True])
def test_very_long_titles_fit_inside_the_safe_area(script, has_picture):
    layout = card_layout(card(LONG[script], subtitle=LONG[script][:200], font="serif"),
                         has_picture=has_picture, has_logo=True)
    left, top, right, bottom = layout.text_box
    assert (left, top, bottom) == (MARGIN, MARGIN, HEIGHT - MARGIN)
    assert right == WIDTH - MARGIN - (PICTURE_WIDTH if has_picture else 0)
    for line in layout.lines:
        x0, y0, x1, y1 = ink_bbox(line)
        assert left <= x0, line
        assert x1 <= right, line
        assert top <= y0, line
        assert y1 <= bottom, line
    title = [line for line in layout.lines if line.bold]
    assert title[-1].text.endswith("…")  # cut at the smallest size, not overflowing
    assert {line.size for line in title} == {share_images.TITLE_SIZES[1]}
    if script == "arabic":  # right-aligned, as the script reads
        assert all(abs(ink_bbox(line)[2] - right) < 12 for line in title)


def test_a_short_title_stays_large_on_one_line_and_a_longer_one_wraps_before_shrinking():
    short = card_layout(card("A tea person"), has_picture=False, has_logo=False)
    assert [(line.text, line.size) for line in short.lines if line.bold] == [
        ("A tea person", share_images.TITLE_SIZES[0])]
    medium = card_layout(card("The bold and adventurous espresso drinker who never sleeps"),
                         has_picture=True, has_logo=False)
    title = [line for line in medium.lines if line.bold]
    assert len(title) > 1
    assert title[0].size >= share_images.ONE_LINE_FLOOR
    assert " ".join(line.text for line in title) == \
        "The bold and adventurous espresso drinker who never sleeps"


@pytest.mark.parametrize(("background", "text"), [
    ("#ffffff", "#111827"),  # already fine: kept as it is
    ("#ffffff", "#d1d5db"),  # light grey on white
    ("#1e293b", "#334155"),  # dark on dark
    ("#777777", "#888888"),  # mid grey, where black and white both barely pass
    ("#4f46e5", "#4f46e5"),  # text the colour of the background
])
def test_text_contrasts_at_least_4_5_to_1_with_its_background(background, text):
    layout = card_layout(card("Tea", background=background, text=text), has_picture=False,
                         has_logo=False)
    assert contrast_ratio(layout.ink, background) >= AA_TEXT
    if contrast_ratio(text, background) >= AA_TEXT:
        assert layout.ink == text


def test_the_drawn_text_is_the_readable_colour():
    data = share_images.card_render(card("Tea", background="#ffffff", text="#eeeeee"))
    colours = Image.open(BytesIO(data)).convert("RGB").getcolors(WIDTH * HEIGHT)
    darkest = min(colours, key=lambda count_colour: sum(count_colour[1]))[1]
    assert contrast_ratio("#" + bytes(darkest).hex(), "#ffffff") >= AA_TEXT


def completed_entry(client, campaign) -> str:
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    client.post(url, {"step": "about", "name": "Bo"})
    client.post(url, {"step": "taste", "drink": "tea"})
    return url


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = share_images.card_render

    def counting(card):
        calls.append(card)
        return real(card)

    monkeypatch.setattr(share_images, "card_render", counting)
    return calls


@pytest.mark.django_db
def test_an_outcomes_image_is_drawn_once_then_served_from_storage_and_by_etag(client, publish,
                                                                             renders):
    campaign = publish(branching_quiz())
    image_url = f"/c/{campaign.slug}/share/{campaign.published_version_id}/en/tea-lover"
    first = client.get(image_url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/jpeg"
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(BytesIO(first.content)).size == (1200, 630)
    assert [c.title for c in renders] == ["A tea person"]
    assert renders[0].subtitle == "Coffee or tea?"
    assert renders[0].footer == "quiz.example.com"

    second = client.get(image_url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert len(renders) == 1  # read back, not drawn again

    revalidated = client.get(image_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"]
    assert revalidated["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(renders) == 1

    landing = client.get(f"/c/{campaign.slug}/share/{campaign.published_version_id}/en")
    assert landing.status_code == 200
    assert landing["ETag"] != first["ETag"]
    assert renders[-1].title == "Coffee or tea?"


@pytest.mark.django_db
def test_each_published_version_has_its_own_image(client, publish, renders):
    campaign = publish(branching_quiz())
    old = campaign.published_version_id
    campaign.outcomes.filter(key="tea-lover").update(title="Tea, always")
    campaign_publish(campaign=campaign, by=campaign.created_by)
    campaign.refresh_from_db()
    assert client.get(f"/c/{campaign.slug}/share/{old}/en/tea-lover").status_code == 200
    new = f"/c/{campaign.slug}/share/{campaign.published_version_id}/en/tea-lover"
    assert client.get(new).status_code == 200
    assert [c.title for c in renders] == ["A tea person", "Tea, always"]


@pytest.mark.django_db
@pytest.mark.parametrize("tail", ["/fr/tea-lover", "/en/nobody", "/EN"])
def test_an_unknown_language_or_outcome_is_not_found(client, publish, tail):
    campaign = publish(branching_quiz())
    response = client.get(f"/c/{campaign.slug}/share/{campaign.published_version_id}{tail}")
    assert response.status_code == 404


@pytest.mark.django_db
def test_another_campaigns_version_is_not_found(client, publish):
    one, other = publish(branching_quiz()), publish(branching_quiz())
    response = client.get(f"/c/{one.slug}/share/{other.published_version_id}/en")
    assert response.status_code == 404


def png(colour: str, size=(1200, 630)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return SimpleUploadedFile("mine.png", out.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_the_marketers_own_share_image_wins_once_published(client, publish, renders):
    campaign = publish(branching_quiz())
    outcome = campaign.outcomes.get(key="tea-lover")
    outcome_update(outcome=outcome, by=campaign.created_by, revision=campaign.revision,
                   fields=OutcomeFields(title=outcome.title, key=outcome.key,
                                        share_upload=png("#ff000080")))
    outcome.refresh_from_db()
    assert outcome.share_image.startswith(f"images/{campaign.workspace_id}/share-")
    campaign_publish(campaign=campaign, by=campaign.created_by)
    campaign.refresh_from_db()
    url = completed_entry(client, campaign)
    page = client.get(url).text
    image_url = f"/c/{campaign.slug}/share/{campaign.published_version_id}/en/tea-lover"
    assert f'<meta property="og:image" content="{SITE}{image_url}">' in page
    served = client.get(image_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert Image.open(BytesIO(served.content)).getpixel((10, 10)) == (255, 0, 0, 128)
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(image_url, HTTP_IF_NONE_MATCH=served["ETag"]).status_code == 304
    assert renders == []

    # Removing it goes back to the drawn card, from the next published version on.
    outcome_update(outcome=outcome, by=campaign.created_by, revision=campaign.revision,
                   fields=OutcomeFields(title=outcome.title, key=outcome.key,
                                        remove_share_image=True))
    campaign_publish(campaign=campaign, by=campaign.created_by)
    campaign.refresh_from_db()
    drawn = client.get(f"/c/{campaign.slug}/share/{campaign.published_version_id}/en/tea-lover")
    assert drawn["Content-Type"] == "image/jpeg"
    assert len(renders) == 1


@pytest.mark.django_db
def test_a_share_image_that_is_not_an_image_is_refused_with_a_reason(publish):
    campaign = publish(branching_quiz())
    outcome = campaign.outcomes.get(key="tea-lover")
    with pytest.raises(Exception, match="not an image we can read") as refused:
        outcome_update(outcome=outcome, by=campaign.created_by, revision=campaign.revision,
                       fields=OutcomeFields(title=outcome.title, key=outcome.key,
                       share_upload=SimpleUploadedFile("x.png", b"nope")))
    assert "share_image" in refused.value.message_dict
    outcome.refresh_from_db()
    assert outcome.share_image == ""
