"""The logic tools in Chromium: a rule added through the dropdowns on a gallery template shows
as an arrow on the flow map, and the preview walks that branch at phone and desktop widths."""

import copy

import pytest
from playwright.sync_api import expect

from campaigns.blueprints import gallery_template
from campaigns.services.campaigns import campaign_create
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()


@pytest.fixture
def recommender(db):
    membership = MembershipFactory()
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=copy.deepcopy(gallery_template(
                                   "product-recommender").document))
    return membership.user, campaign


def test_screens(page, live_server, screenshot, recommender):
    user, campaign = recommender
    page.set_viewport_size({"width": 1360, "height": 900})
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/logic/")
    screenshot(page, "logic-page")
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/map/")
    screenshot(page, "map-page")
