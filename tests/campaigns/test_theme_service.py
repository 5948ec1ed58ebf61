from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.documents import draft_document
from campaigns.models import DraftChange
from campaigns.services.drafts import StaleDraft
from campaigns.services.theme import theme_of, theme_update
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

COLOURS = {"primary": "#0F766E", "background": "#fefce8", "text": "#1c1917", "font": "serif"}


def _png(size=(900, 300)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (15, 118, 110)).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_colours_font_and_logo_are_saved_into_the_draft_document():
    campaign = CampaignFactory()
    user = UserFactory()
    theme_update(campaign=campaign, by=user, values=COLOURS,
                 revision=campaign.revision, logo=_png())
    campaign.refresh_from_db()
    theme = draft_document(campaign)["theme"]
    assert theme["primary"] == "#0f766e"  # stored lower case, as the blueprint format shows
    assert theme["font"] == "serif"
    assert theme["logo"].startswith(f"images/{campaign.workspace_id}/logo-")
    assert DraftChange.objects.get(campaign=campaign).summary == "changed the theme"


def test_a_blank_theme_reads_the_defaults():
    assert theme_of(CampaignFactory(theme={}))["primary"] == "#4f46e5"


def test_bad_colours_and_fonts_are_refused_by_field_and_nothing_is_saved():
    campaign = CampaignFactory(theme={})
    revision = campaign.revision
    with pytest.raises(ValidationError) as refused:
        theme_update(campaign=campaign, by=None, revision=revision,
                     values={**COLOURS, "primary": "red", "text": "#12345", "font": "comic"})
    assert set(refused.value.message_dict) == {"primary", "text", "font"}
    campaign.refresh_from_db()
    assert campaign.theme == {}
    assert campaign.revision == revision


def test_a_refused_image_is_an_error_on_its_field_and_rolls_the_revision_back():
    campaign = CampaignFactory()
    revision = campaign.revision
    fake = SimpleUploadedFile("cover.png", b"GIF89a not really", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        theme_update(campaign=campaign, by=None, values=COLOURS, revision=revision,
                     cover=fake)
    assert "not an image" in refused.value.message_dict["cover"][0]
    campaign.refresh_from_db()
    assert campaign.revision == revision
    assert not DraftChange.objects.filter(campaign=campaign).exists()


def test_removing_the_logo_and_a_stale_save():
    campaign = CampaignFactory(theme={"logo": "images/1/logo-00.png"})
    start = campaign.revision
    theme_update(campaign=campaign, by=None, values={**COLOURS, "remove_logo": True},
                 revision=start)
    campaign.refresh_from_db()
    assert campaign.theme["logo"] == ""
    with pytest.raises(StaleDraft):
        theme_update(campaign=campaign, by=None, values={**COLOURS, "primary": "#000000"},
                     revision=start)
    campaign.refresh_from_db()
    assert campaign.theme["primary"] == "#0f766e"


def test_the_display_mode_and_persona_are_saved_and_kept_when_absent():
    campaign = CampaignFactory()
    theme_update(campaign=campaign, by=None, revision=campaign.revision,
                 values={**COLOURS, "mode": "chat", "persona": "  Mia   from Bean  "},
                 avatar=_png((300, 300)))
    campaign.refresh_from_db()
    theme = draft_document(campaign)["theme"]
    assert (theme["mode"], theme["persona"]) == ("chat", "Mia from Bean")
    assert theme["avatar"].startswith(f"images/{campaign.workspace_id}/avatar-")
    theme_update(campaign=campaign, by=None, values=COLOURS, revision=campaign.revision)
    campaign.refresh_from_db()
    assert draft_document(campaign)["theme"]["mode"] == "chat"


def test_an_unknown_mode_or_a_long_persona_is_refused_and_nothing_saved():
    campaign = CampaignFactory()
    with pytest.raises(ValidationError) as refused:
        theme_update(campaign=campaign, by=None, revision=campaign.revision,
                     values={**COLOURS, "mode": "carousel", "persona": "x" * 61})
    assert set(refused.value.message_dict) == {"mode", "persona"}
    campaign.refresh_from_db()
    assert theme_of(campaign)["mode"] == "card"
