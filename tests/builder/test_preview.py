"""Preview: the draft walked like the runtime walks a version, with nothing written."""

import html
import re

import pytest
from django.core import signing
from django.urls import reverse

from campaigns.models import Campaign, Step
from campaigns.services.campaigns import campaign_create
from entries.models import Answer, Entry, Interaction
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
STATE = re.compile(r'name="preview_state" value="([^"]+)"')


@pytest.fixture
def campaign(workspace, owner):
    return campaign_create(workspace=workspace, by=owner, document=branching_quiz())


def frame_url(campaign):
    return reverse("builder:campaign_preview_frame", args=[campaign.pk])


def state_of(response):
    return html.unescape(STATE.search(response.text).group(1))


class Visitor:
    def __init__(self, client, campaign):
        self.client, self.url = client, frame_url(campaign)
        self.response = client.get(self.url)

    def post(self, **data):
        data.setdefault("preview_state", state_of(self.response))
        self.response = self.client.post(self.url, data)
        return self.response


def test_the_page_frames_the_draft_marked_as_preview(login, editor, campaign):
    page = login(editor).get(reverse("builder:campaign_preview", args=[campaign.pk])).text
    assert "Preview — nothing is saved" in page
    assert f'src="{frame_url(campaign)}"' in page
    assert 'data-preview-width="phone"' in page
    assert 'data-preview-width="desktop"' in page
    assert 'data-width="phone"' in page
    desktop = login(editor).get(reverse("builder:campaign_preview", args=[campaign.pk]),
                                {"width": "desktop"}).text
    assert 'data-width="desktop"' in desktop


def test_the_frame_may_be_framed_by_the_builder_only(login, editor, campaign):
    response = login(editor).get(frame_url(campaign))
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_both_branches_walk_to_their_outcomes_and_nothing_is_written(login, viewer, campaign):
    client = login(viewer)  # viewers may preview: it writes nothing
    tea = Visitor(client, campaign)
    assert "Find your brew" in tea.response.text  # the intro
    assert "Your first name" in tea.post().text
    assert "Ada, pick one" in tea.post(step="about", name="Ada", action="next").text
    outcome = tea.post(step="taste", drink="tea", action="next").text
    assert "A tea person" in outcome
    assert "Calm and collected, Ada." in outcome
    assert "<script>alert(1)</script>" not in outcome

    coffee = Visitor(client, campaign)
    coffee.post()
    coffee.post(step="about", name="Bea", action="next")
    assert "How strong?" in coffee.post(step="taste", drink="coffee", action="next").text
    outcome = coffee.post(step="strength", rating="4", action="next").text
    assert "Coffee it is" in outcome
    assert "Enjoy, Bea! Score 2." in outcome
    assert not Entry.objects.exists()
    assert not Answer.objects.exists()
    assert not Interaction.objects.exists()


def test_errors_back_and_answers_kept_like_the_runtime(login, editor, campaign):
    visitor = Visitor(login(editor), campaign)
    visitor.post()
    refused = visitor.post(step="about", name="", action="next")
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    visitor.post(step="about", name="Ada", action="next")
    back = visitor.post(step="taste", action="back")
    assert "Your first name" in back.text
    assert 'value="Ada"' in back.text
    again = visitor.post(step="about", name="Ada", action="next")
    assert "Ada, pick one" in again.text


def test_with_htmx_the_stage_is_swapped(login, editor, campaign):
    client = login(editor)
    first = client.get(frame_url(campaign))
    response = client.post(frame_url(campaign), {"preview_state": state_of(first)}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Your first name" in response.text


def test_a_tampered_state_restarts_the_preview(login, editor, campaign, workspace, owner):
    client = login(editor)
    response = client.post(frame_url(campaign), {"preview_state": "forged", "step": "taste"})
    assert response.status_code == 400
    assert "started again" in response.text
    assert "Your first name" in response.text
    other = campaign_create(workspace=workspace, by=owner, document=branching_quiz())
    foreign = state_of(client.get(frame_url(other)))  # signed for another campaign
    response = client.post(frame_url(campaign), {"preview_state": foreign}, **HTMX)
    assert response.status_code == 200
    assert "started again" in response.text
    forged = signing.dumps({"step": "taste", "trail": ["about"]}, salt="other")
    assert client.post(frame_url(campaign), {"preview_state": forged}).status_code == 400


def test_an_edit_of_the_draft_mid_preview_restarts_it(login, editor, campaign):
    visitor = Visitor(login(editor), campaign)
    visitor.post()
    visitor.post(step="about", name="Ada", action="next")
    Step.objects.filter(campaign=campaign, key="taste").update(key="flavour")
    response = visitor.post(step="taste", drink="tea", action="next")
    assert "draft changed" in response.text
    assert "Your first name" in response.text


def test_a_step_not_on_the_path_is_refused(login, editor, campaign):
    visitor = Visitor(login(editor), campaign)
    visitor.post()
    response = visitor.post(step="strength", rating="3", action="next")
    assert "not part of your way" in response.text
    assert "Your first name" in response.text


def test_a_draft_that_does_not_load_is_not_previewed_but_explained(login, editor, campaign):
    campaign.steps.all().delete()
    page = login(editor).get(reverse("builder:campaign_preview", args=[campaign.pk]))
    assert page.status_code == 200
    assert "cannot be previewed yet" in page.text
    assert "<iframe" not in page.text
    frame = login(editor).get(frame_url(campaign))
    assert frame.status_code == 200
    assert "cannot be previewed yet" in frame.text


def test_hidden_fields_come_from_the_preview_url(login, editor, campaign):
    client = login(editor)
    page = client.get(reverse("builder:campaign_preview", args=[campaign.pk]),
                      {"utm_source": "newsletter", "width": "phone"}).text
    assert f'src="{frame_url(campaign)}?utm_source=newsletter"' in page
    visitor = Visitor(client, campaign)
    visitor.response = client.get(frame_url(campaign), {"utm_source": "newsletter"})
    visitor.post()
    visitor.post(step="about", name="Ada", action="next")
    state = signing.loads(state_of(visitor.response), salt=f"stepcraft.preview.{campaign.pk}")
    assert state["answers"]["utm_source"] == "newsletter"


def template_url(slug: str) -> str:
    return reverse("builder:template_preview", args=[slug])


class TemplateVisitor(Visitor):
    def __init__(self, client, slug):
        self.client, self.url = client, template_url(slug)
        self.response = client.get(self.url)


def test_a_gallery_template_is_tried_before_any_campaign_is_made(login, editor, viewer):
    page = login(editor).get(reverse("builder:campaign_new")).text
    assert f'href="{template_url("lead-form")}"' in page
    client = login(viewer)  # trying a template writes nothing: viewers may

    lead = TemplateVisitor(client, "lead-form")
    assert lead.response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    lead.post()  # the intro's button
    lead.post(step="contact", first_name="Ada", last_name="Lovelace",
              email="ada@example.com", company="Engines", action="next")
    outcome = lead.post(step="company_profile", company_size="size_1_10", action="next").text
    assert "You're all set to start for free, Ada" in html.unescape(outcome)

    giveaway = TemplateVisitor(client, "giveaway")
    giveaway.post()
    giveaway.post(step="pick_cabin", cabin="forest", action="next")
    outcome = giveaway.post(step="enter", first_name="Bo", email="bo@example.com",
                            rules_consent="on", action="next").text
    assert "You're in, Bo!" in html.unescape(outcome)
    assert not Campaign.objects.exists()
    assert not Entry.objects.exists()
    assert not Answer.objects.exists()
    assert not Interaction.objects.exists()


def test_an_unknown_template_is_404(login, viewer):
    assert login(viewer).get(template_url("no-such-template")).status_code == 404
