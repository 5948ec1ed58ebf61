"""The theme, settings and share pages through the test client: forms, errors, HTMX, QR."""

from io import BytesIO

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaigns.campaign_settings import campaign_setting
from campaigns.models import Status
from tests.factories import CampaignFactory, CampaignVersionFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

THEME = {"primary": "#facc15", "background": "#ffffff", "text": "#111827", "font": "rounded"}


@pytest.fixture
def campaign(workspace):
    return CampaignFactory(workspace=workspace, kind="contest", slug="big-giveaway",
                           name="Big <giveaway>")


def _url(name, campaign):
    return reverse(f"builder:{name}", args=[campaign.pk])


# --- theme -----------------------------------------------------------------------------------

def test_theme_page_checks_the_saved_colours(login, editor, campaign):
    campaign.theme = {**THEME}
    campaign.save()
    page = login(editor).get(_url("campaign_theme", campaign)).content.decode()
    assert 'data-check="button"' in page
    assert "contrast-check contrast-check--fail" in page  # white on yellow: 1.53:1
    assert "1.53:1" in page
    assert 'value="#facc15"' in page


def test_theme_save_and_a_poor_pair_is_allowed_with_its_warning(login, editor, campaign):
    client = login(editor)
    response = client.post(_url("campaign_theme", campaign),
                           {**THEME, "revision": campaign.revision})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.theme["font"] == "rounded"
    page = client.get(response["Location"]).content.decode()
    assert "Theme saved." in page
    assert "below WCAG AA" in page


def test_design_chooses_the_display_mode_and_persona_and_its_sample_shows_them(login, editor,
                                                                             campaign):
    client = login(editor)
    response = client.post(_url("campaign_theme", campaign),
                           {**THEME, "mode": "chat", "persona": "Mia",
                            "revision": campaign.revision})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.theme["mode"], campaign.theme["persona"]) == ("chat", "Mia")
    page = client.get(response["Location"]).content.decode()
    assert 'data-mode="chat"' in page
    assert 'value="chat" data-theme-mode="" id="id_mode_2" checked' in page
    assert '<span class="ts-persona-name" data-sample-persona>Mia</span>' in page


def test_theme_errors_sit_next_to_their_fields(login, editor, campaign):
    fake = SimpleUploadedFile("logo.png", b"<html>not an image</html>", content_type="image/png")
    response = login(editor).post(_url("campaign_theme", campaign),
                                  {**THEME, "primary": "yellow", "revision": campaign.revision,
                                   "logo": fake})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_primary_error"' in page
    assert 'aria-describedby="id_primary_helptext id_primary_error"' in page
    campaign.refresh_from_db()
    assert campaign.theme == {}
    # Colours fixed, the fake logo is named next to its own field.
    response = login(editor).post(_url("campaign_theme", campaign),
                                  {**THEME, "revision": campaign.revision,
                                   "logo": SimpleUploadedFile("logo.png", b"<html>",
                                                              content_type="image/png")})
    page = response.content.decode()
    assert 'id="id_logo_error"' in page
    assert "not an image we can read" in page


def test_a_logo_upload_is_shown_and_served(login, editor, campaign):
    out = BytesIO()
    Image.new("RGBA", (1200, 400), (15, 118, 110, 255)).save(out, "PNG")
    client = login(editor)
    client.post(_url("campaign_theme", campaign),
                {**THEME, "revision": campaign.revision,
                 "logo": SimpleUploadedFile("logo.png", out.getvalue(), "image/png")})
    campaign.refresh_from_db()
    src = "/media/" + campaign.theme["logo"]
    assert src in client.get(_url("campaign_theme", campaign)).content.decode()
    served = client.get(src)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "immutable" in served["Cache-Control"]
    assert Image.open(BytesIO(b"".join(served.streaming_content))).size == (480, 160)
    assert client.get("/media/images/../../secret.png").status_code == 404
    assert client.get(f"/media/images/{campaign.workspace_id}/notes.txt").status_code == 404


def test_a_colour_change_keeps_the_saved_logo_and_cover(login, editor, campaign):
    """A saved logo is a stored name: saving only a colour keeps it, and so does every save
    after (it once came back from the form as an upload to read: a 500 on every save)."""
    client = login(editor)
    logo, cover = BytesIO(), BytesIO()
    Image.new("RGBA", (600, 200), (15, 118, 110, 255)).save(logo, "PNG")
    Image.new("RGB", (1600, 900), (200, 100, 50)).save(cover, "JPEG")
    client.post(_url("campaign_theme", campaign),
                {**THEME, "revision": campaign.revision,
                 "logo": SimpleUploadedFile("logo.png", logo.getvalue(), "image/png"),
                 "cover": SimpleUploadedFile("cover.jpg", cover.getvalue(), "image/jpeg")})
    campaign.refresh_from_db()
    saved = {"logo": campaign.theme["logo"], "cover": campaign.theme["cover"]}
    assert all(saved.values())
    for primary in ("#0f766e", "#1d4ed8"):
        response = client.post(_url("campaign_theme", campaign),
                               {**THEME, "primary": primary, "revision": campaign.revision})
        assert response.status_code == 302
        campaign.refresh_from_db()
        assert campaign.theme["primary"] == primary
        assert {k: campaign.theme[k] for k in saved} == saved
    # Removing one keeps the other.
    client.post(_url("campaign_theme", campaign),
                {**THEME, "revision": campaign.revision, "remove_logo": "on"})
    campaign.refresh_from_db()
    assert campaign.theme["logo"] == ""
    assert campaign.theme["cover"] == saved["cover"]


def test_a_stale_theme_save_says_who_changed_what(login, editor, campaign):
    old = campaign.revision
    client = login(editor)
    client.post(_url("campaign_theme", campaign), {**THEME, "revision": old})
    response = client.post(_url("campaign_theme", campaign),
                           {**THEME, "primary": "#000000", "revision": old})
    assert response.status_code == 200
    assert "changed the theme" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.theme["primary"] == "#facc15"


def test_viewers_see_the_theme_but_cannot_save(login, viewer, campaign):
    client = login(viewer)
    page = client.get(_url("campaign_theme", campaign)).content.decode()
    assert "view-only" in page
    assert "Save theme" not in page
    assert '<fieldset class="fieldset" disabled>' in page
    assert client.post(_url("campaign_theme", campaign), THEME).status_code == 403


# --- settings --------------------------------------------------------------------------------

def _settings(campaign, **overrides):
    data = {"revision": campaign.revision, "name": campaign.name, "slug": campaign.slug,
            "description": "", "timezone": "UTC", "starts_at": "", "ends_at": "",
            "min_age": "", "redirect_url": "", "embed_origins": "*", "rules_text": "",
            "consent_wording": "I agree to the rules.", "gate_min_score": "",
            "referral_bonus": "1", "winners": "1", "alternates": "3", "claim_days": "7"}
    return {**data, **overrides}


def test_contest_fields_show_for_contests_only(login, editor, campaign, workspace):
    client = login(editor)
    contest = client.get(_url("campaign_settings", campaign)).content.decode()
    assert "Official rules" in contest
    assert "Draw automatically" in contest
    quiz = CampaignFactory(workspace=workspace, kind="quiz")
    page = client.get(_url("campaign_settings", quiz)).content.decode()
    assert "Official rules" not in page
    assert "Winners" not in page
    assert "Sites that may embed it" in page
    assert "Minimum age" in page


def test_schedule_is_entered_in_the_chosen_zone_and_shown_in_utc(login, editor, campaign):
    client = login(editor)
    response = client.post(_url("campaign_settings", campaign), _settings(
        campaign, timezone="Europe/Paris", starts_at="2030-05-01T09:00",
        ends_at="2030-05-31T18:30"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.starts_at.isoformat() == "2030-05-01T07:00:00+00:00"
    page = client.get(_url("campaign_settings", campaign)).content.decode()
    assert 'value="2030-05-01T09:00"' in page
    assert "Saved: 1 May 2030, 07:00 UTC" in page
    assert "Saved: 31 May 2030, 16:30 UTC" in page
    assert 'data-chosen="1"' in page
    assert "Not open yet: until it opens" in page


def test_settings_errors_are_next_to_their_fields(login, editor, campaign):
    response = login(editor).post(_url("campaign_settings", campaign), _settings(
        campaign, embed_origins="https://ok.example\nhttps://shop.example/page",
        starts_at="2030-05-01T09:00", ends_at="2030-04-01T09:00", winners="0",
        starts_at_typo="x", redirect_url="not a url", min_age="abc"))
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("embed_origins", "ends_at", "winners", "redirect_url", "min_age"):
        assert f'id="id_{field}_error"' in page, field
    assert "Line 2 “https://shop.example/page”" in page
    assert "Nothing was saved" in page
    campaign.refresh_from_db()
    assert campaign.ends_at is None
    assert "embed_origins" not in campaign.settings


def test_an_embed_origin_with_a_second_source_or_directive_is_refused(login, editor, campaign):
    client = login(editor)
    for hostile in ("https://b.example evil.example", "https://a.example;frame-ancestors"):
        response = client.post(_url("campaign_settings", campaign),
                               _settings(campaign, embed_origins=f"https://ok.example\n{hostile}"))
        assert response.status_code == 200
        assert f"Line 2 “{hostile}”" in response.content.decode()
    campaign.refresh_from_db()
    assert "embed_origins" not in campaign.settings


def test_garbled_dates_are_an_error_not_a_crash(login, editor, campaign):
    response = login(editor).post(_url("campaign_settings", campaign),
                                  _settings(campaign, starts_at="next tuesday"))
    assert response.status_code == 200
    assert 'id="id_starts_at_error"' in response.content.decode()


def test_htmx_save_re_renders_the_form_with_a_new_revision(login, editor, campaign):
    OutcomeFactory(campaign=campaign, key="winner-type", title="Winner type")
    response = login(editor).post(
        _url("campaign_settings", campaign),
        _settings(campaign, rules_text="<p>Rules</p>", gate_outcomes=["winner-type"],
                  auto_draw="on", ends_at="2031-01-01T00:00"),
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith("<form")
    assert "Settings saved." in page
    campaign.refresh_from_db()
    assert f'name="revision" value="{campaign.revision}"' in page
    assert campaign_setting(campaign, "rules_version") == 2
    assert campaign_setting(campaign, "auto_draw") is True
    assert "Rules version 2" in page
    assert 'aria-label="The saved rules"><p>Rules</p></div>' in page


def test_a_stale_settings_save_keeps_what_was_typed(login, editor, campaign):
    client = login(editor)
    data = _settings(campaign, name="Mine")
    client.post(_url("campaign_settings", campaign), _settings(campaign, name="Theirs"))
    response = client.post(_url("campaign_settings", campaign), data)
    page = response.content.decode()
    assert "since you opened it" in page
    assert 'value="Mine"' in page
    campaign.refresh_from_db()
    assert campaign.name == "Theirs"


def test_renaming_the_address_of_a_published_campaign_asks_first(login, editor, campaign):
    campaign.published_version = CampaignVersionFactory(campaign=campaign)
    campaign.status = Status.LIVE
    campaign.save()
    client = login(editor)
    page = client.get(_url("campaign_settings", campaign)).content.decode()
    assert "changing the address breaks links" in page
    response = client.post(_url("campaign_settings", campaign),
                           _settings(campaign, slug="new-name"))
    page = response.content.decode()
    assert "stop working" in page
    assert "I understand that links" in page
    response = client.post(_url("campaign_settings", campaign),
                           _settings(campaign, slug="new-name", confirm_slug_change="on"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.slug == "new-name"


# --- share -----------------------------------------------------------------------------------

def test_a_draft_explains_it_must_be_published_first(login, viewer, campaign):
    page = login(viewer).get(_url("campaign_share", campaign)).content.decode()
    assert "Publish first to share" in page
    assert "snippet-inline" not in page


def _live(campaign):
    campaign.published_version = CampaignVersionFactory(campaign=campaign)
    campaign.status = Status.LIVE
    campaign.save()
    return campaign


def test_share_snippets_carry_the_slug_and_the_right_urls(login, viewer, campaign):
    page = login(viewer).get(_url("campaign_share", _live(campaign))).content.decode()
    link = "http://testserver/c/big-giveaway/"
    script = "http://testserver/static/embed.js"
    assert f'value="{link}"' in page
    # Shown as text inside textareas: escaped once for the page, so the snippet is valid HTML.
    assert (f"&lt;script src=&quot;{script}&quot; data-campaign=&quot;big-giveaway&quot; "
            "data-title=&quot;Big &amp;lt;giveaway&amp;gt;&quot; async&gt;") in page
    assert "data-mode=&quot;popup&quot; data-button=&quot;Enter the contest&quot;" in page
    assert f"&lt;iframe src=&quot;{link}&quot; title=&quot;Big &amp;lt;giveaway" in page
    for target in ("#share-link", "#snippet-inline", "#snippet-popup", "#snippet-iframe"):
        assert f'data-copy="{target}"' in page
    assert reverse("builder:campaign_qr", args=[campaign.pk]) + "?format=png&amp;download=1" \
        in page


def _modules(png: bytes, scale=12, border=4) -> list[list[bool]]:
    picture = Image.open(BytesIO(png)).convert("L")
    size = picture.width // scale - 2 * border
    return [[picture.getpixel(((border + x) * scale + scale // 2,
                               (border + y) * scale + scale // 2)) < 128
             for x in range(size)] for y in range(size)]


def test_the_qr_code_encodes_the_public_link(login, viewer, campaign):
    client = login(viewer)
    response = client.get(_url("campaign_qr", _live(campaign)) + "?format=png&download=1")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="big-giveaway-qr.png"'
    expected = segno.make("http://testserver/c/big-giveaway/", error="m", micro=False)
    assert _modules(response.content) == [[bool(m) for m in row] for row in expected.matrix]
    svg = client.get(_url("campaign_qr", campaign))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert b"QR code for Big &lt;giveaway&gt;" in svg.content
    assert client.get(_url("campaign_qr", campaign) + "?format=gif").status_code == 404


@pytest.mark.parametrize("data", [
    {},
    {"revision": "abc", "primary": ["#000000", "#ffffff"], "font": ["serif", "mono"]},
    {"revision": "-1", "primary": "#" + "f" * 5000, "background": "\x00", "text": "#GGGGGG"},
    {"revision": "99999999999999999999", "remove_logo": "yes", "logo": "not-a-file"},
])
def test_theme_garbage_is_never_a_500(login, editor, campaign, data):
    response = login(editor).post(_url("campaign_theme", campaign), data)
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.theme == {}


@pytest.mark.parametrize("overrides", [
    {"revision": "x", "name": "A" * 5000, "slug": "../../etc", "timezone": "../UTC"},
    {"starts_at": "2030-13-45T99:99", "ends_at": "0000-00-00T00:00", "min_age": "1e9"},
    {"winners": "9" * 400, "gate_min_score": "nan", "gate_outcomes": ["<script>"],
     "embed_origins": "https://[::1\nhttp://\n" + "https://x.example\n" * 60},
    {"redirect_url": "https://" + "a" * 3000, "consent_wording": "\x00" * 10,
     "rules_text": "<" * 60_000},
])
def test_settings_garbage_is_never_a_500(login, editor, campaign, overrides):
    before = (campaign.name, campaign.slug, campaign.settings)
    response = login(editor).post(_url("campaign_settings", campaign),
                                  _settings(campaign, **overrides))
    assert response.status_code == 200
    assert "field-error" in response.content.decode() or "alert--error" in \
        response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.name, campaign.slug, campaign.settings) == before


@pytest.mark.parametrize("revision", ["99999999999999999999", "-5", "", "1.5"])
def test_an_impossible_revision_is_a_stale_save(login, editor, campaign, revision):
    response = login(editor).post(_url("campaign_theme", campaign),
                                  {**THEME, "revision": revision})
    assert response.status_code == 200
    assert "Nothing of yours was saved" in response.content.decode()


def test_a_schedule_that_already_closed_says_what_visitors_see(login, editor, campaign):
    campaign.ends_at = timezone.now()
    campaign.save()
    page = login(editor).get(_url("campaign_settings", campaign)).content.decode()
    assert "Closed by the schedule: visitors see “This has ended”." in page
