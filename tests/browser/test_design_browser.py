"""The theme editor in Chromium: a poor colour pair is flagged live, a logo is uploaded, and the
published runtime wears the theme on a phone and a desktop. Settings and share pages are walked
and photographed too."""

import json
import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from campaigns.blueprints import GALLERY_DIR
from campaigns.models import Campaign, Role
from tests.browser.test_runtime_browser import AXE, assert_accessible
from tests.entries.documents import branching_quiz
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()


def _accessible_around_the_sample(page) -> None:
    """axe-core on the design page, except where it shows the marketer's own colours on
    purpose (the sample and the swatches): there a poor pair must look poor."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run({exclude: [["#theme-sample"], [".contrast-swatch"]]});
        return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
            .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
    }""")
    assert not violations, violations


def _cover(tmp_path):
    """A photo-like cover: a gradient JPEG far larger than the runtime shows."""
    gradient = Image.linear_gradient("L").resize((2400, 1350))
    picture = Image.merge("RGB", (gradient, gradient.rotate(90).resize((2400, 1350)),
                                  Image.new("L", (2400, 1350), 140)))
    path = tmp_path / "cover.jpg"
    picture.save(path, "JPEG", quality=80)
    return path


def _logo(tmp_path):
    """A wide transparent PNG with a solid mark, as a designer would export it."""
    picture = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    picture.paste((15, 118, 110, 255), (0, 0, 300, 300))
    picture.paste((202, 138, 4, 255), (330, 90, 900, 210))
    path = tmp_path / "logo.png"
    out = BytesIO()
    picture.save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_theme_contrast_warning_logo_upload_and_runtime(browser, page, live_server, screenshot,
                                                       publish, tmp_path):
    campaign = publish(branching_quiz())
    owner = campaign.workspace.memberships.get(role=Role.OWNER).user
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/design/")
    expect(page.get_by_role("heading", name="Design")).to_be_visible()

    button_check = page.locator('[data-check="button"]')
    text_check = page.locator('[data-check="text"]')
    expect(button_check).not_to_have_class(re.compile("contrast-check--fail"))

    # A yellow primary under white labels and light grey text: both pairs fail, live.
    page.get_by_label("Primary", exact=True).fill("#facc15")
    page.get_by_label("Text", exact=True).fill("#a3a3a3")
    expect(button_check).to_have_class(re.compile("contrast-check--fail"))
    expect(button_check).to_contain_text("below WCAG AA")
    expect(text_check).to_have_class(re.compile("contrast-check--fail"))
    expect(text_check.locator("[data-ratio]")).to_have_text("2.52:1")
    expect(page.locator('[data-check="link"]')).to_have_class(re.compile("contrast-check--fail"))
    screenshot(page, "design-contrast-warning")
    _accessible_around_the_sample(page)

    # A readable pair, a warm background, the serif font and a logo.
    page.get_by_label("Primary", exact=True).fill("#0f766e")
    page.get_by_label("Background", exact=True).fill("#fefce8")
    page.get_by_label("Text", exact=True).fill("#1c1917")
    expect(button_check).not_to_have_class(re.compile("contrast-check--fail"))
    expect(text_check).to_contain_text("passes WCAG AA")
    expect(page.locator('[data-check="link"]')).to_contain_text("passes WCAG AA")
    page.get_by_text("Serif", exact=True).click()
    page.get_by_label("Logo", exact=True).set_input_files(_logo(tmp_path))
    page.get_by_label("Cover image", exact=True).set_input_files(_cover(tmp_path))
    expect(page.locator('[data-sample-image="logo"]')).to_be_visible()
    expect(page.locator('[data-sample-image="cover"]')).to_be_visible()
    page.get_by_role("button", name="Save theme").click()
    expect(page.get_by_text("Theme saved.")).to_be_visible()
    expect(page.get_by_alt_text("Current logo")).to_be_visible()
    screenshot(page, "design-saved")
    assert_accessible(page, "the design page with a readable theme")

    campaign.refresh_from_db()
    assert campaign.theme["primary"] == "#0f766e"
    assert campaign.theme["font"] == "serif"
    assert campaign.theme["logo"].startswith(f"images/{campaign.workspace_id}/logo-")

    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/")
    page.get_by_role("button", name=re.compile("Publish")).click()
    if page.get_by_role("button", name="Publish anyway").count():
        page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text("Version 2 is live.")).to_be_visible()

    for width, height in ((375, 740), (1280, 900)):
        visitor = browser.new_page(viewport={"width": width, "height": height})
        visitor.goto(f"{live_server.url}/c/{campaign.slug}/")
        expect(visitor.get_by_role("heading", name="Find your brew")).to_be_visible()
        body = visitor.locator("body")
        expect(body).to_have_css("background-color", "rgb(254, 252, 232)")
        expect(body).to_have_css("color", "rgb(28, 25, 23)")
        expect(body).to_have_class(re.compile("font-serif"))
        expect(visitor.get_by_role("button", name="Start")).to_have_css(
            "background-color", "rgb(15, 118, 110)")
        logo = visitor.locator(".rt-logo")
        expect(logo).to_be_visible()
        assert logo.evaluate("img => img.complete && img.naturalWidth") == 480
        cover = visitor.locator(".rt-cover")
        assert cover.evaluate("img => img.complete && img.naturalWidth") == 1600
        screenshot(visitor, f"design-runtime-{width}")
        visitor.close()


def test_settings_and_share_pages(context, page, live_server, screenshot, publish):
    campaign = publish(json.loads((GALLERY_DIR / "giveaway.json").read_text()))
    owner = campaign.workspace.memberships.get(role=Role.OWNER).user
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, owner)

    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/settings/")
    page.get_by_label("Sites that may embed it").fill("https://shop.example.com/landing\n*")
    page.get_by_label("Closes", exact=True).fill("2020-01-01T10:00")
    page.get_by_label("Opens", exact=True).fill("2020-02-01T10:00")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("an origin has no path")).to_be_visible()
    expect(page.get_by_text("The end must be after the start.")).to_be_visible()
    screenshot(page, "settings-errors")
    assert_accessible(page, "the settings page with errors")
    page.get_by_label("Sites that may embed it").fill("https://shop.example.com\n")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("Opens", exact=True).fill("2026-05-01T09:00")
    expect(page.locator('[data-utc-for="id_starts_at"]')).to_have_text(
        "In UTC: 1 May 2026, 07:00 UTC")
    page.get_by_label("Closes", exact=True).fill("2031-01-01T10:00")
    expect(page.locator('[data-utc-for="id_ends_at"]')).to_have_text(
        "In UTC: 1 Jan 2031, 09:00 UTC")
    page.get_by_label("Winners", exact=True).fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved.")).to_be_visible()
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.settings["embed_origins"] == ["https://shop.example.com"]
    assert campaign.settings["winners"] == 3
    assert campaign.starts_at.isoformat() == "2026-05-01T07:00:00+00:00"
    screenshot(page, "settings-saved")

    page.get_by_role("link", name="Share", exact=True).click()
    expect(page.get_by_role("heading", name="Public link")).to_be_visible()
    assert page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth") > 100
    assert_accessible(page, "the share page")
    copy = page.get_by_role("button", name="Copy the inline embed snippet")
    copy.click()
    expect(copy).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == (f'<script src="{live_server.url}/static/embed.js" '
                      f'data-campaign="{campaign.slug}" data-title="{campaign.name}" '
                      'async></script>')
    page.get_by_role("button", name="Show the inline embed").click()
    frame = page.frame_locator("#embed-preview iframe")
    expect(frame.get_by_role("heading", name="Win a cabin weekend for two")).to_be_visible()
    screenshot(page, "share")


def test_a_saved_logo_survives_a_colour_change(page, live_server, screenshot, publish, tmp_path):
    """Upload a logo and save, then change only a colour and save, twice: each save works and
    the logo stays (a kept logo was once read back as an upload: a 500 on every later save)."""
    campaign = publish(branching_quiz())
    owner = campaign.workspace.memberships.get(role=Role.OWNER).user
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/design/")
    page.get_by_label("Logo", exact=True).set_input_files(_logo(tmp_path))
    page.get_by_role("button", name="Save theme").click()
    expect(page.get_by_text("Theme saved.")).to_be_visible()
    logo = Campaign.objects.get(pk=campaign.pk).theme["logo"]
    assert logo

    for primary in ("#1d4ed8", "#0f766e"):
        page.get_by_label("Primary", exact=True).fill(primary)
        page.get_by_role("button", name="Save theme").click()
        expect(page.get_by_text("Theme saved.")).to_be_visible()
        expect(page.get_by_label("Primary", exact=True)).to_have_value(primary)
        expect(page.get_by_alt_text("Current logo")).to_be_visible()
        theme = Campaign.objects.get(pk=campaign.pk).theme
        assert theme["primary"] == primary
        assert theme["logo"] == logo
    screenshot(page, "design-colour-change-keeps-logo")
