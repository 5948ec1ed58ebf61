import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from builder.models import User
from campaigns.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_sign_out_sign_in_lands_on_the_empty_campaign_list(page, live_server, screenshot):
    page.goto(live_server.url + "/app/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase-1")
    page.get_by_label("Password (again)").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    expect(page.get_by_text("No campaigns yet")).to_be_visible()
    expect(page.get_by_role("link", name="+ New campaign")).to_be_visible()
    screenshot(page, "builder-home-empty")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("grace's workspace").first).to_be_visible()
    assert User.objects.filter(email="grace@example.com").exists()


def test_owner_invites_an_editor_who_signs_up_and_joins(browser, live_server, screenshot):
    owner = MembershipFactory(role=Role.OWNER, workspace__name="Acme Marketing").user

    owner_page = browser.new_page()
    owner_page.goto(live_server.url + "/accounts/login/")
    owner_page.get_by_label("Email").fill(owner.email)
    owner_page.get_by_label("Password").fill(PASSWORD)
    owner_page.get_by_role("button", name="Sign In").click()
    owner_page.get_by_role("link", name="Members").click()
    owner_page.get_by_label("Email address").fill("eve@example.com")
    owner_page.get_by_label("Role", exact=True).select_option("editor")
    owner_page.get_by_role("button", name="Send invitation").click()
    expect(owner_page.get_by_text("Invitation sent to eve@example.com.")).to_be_visible()
    expect(owner_page.get_by_role("cell", name="eve@example.com")).to_be_visible()
    screenshot(owner_page, "builder-members")

    link = re.search(r"https?://\S+(/app/invitations/\S+/)", mail.outbox[-1].body)[1]
    invitee = browser.new_context().new_page()
    invitee.goto(live_server.url + link)
    expect(invitee.get_by_role("heading", name="Join Acme Marketing")).to_be_visible()
    invitee.get_by_role("link", name="Create an account to accept").click()
    expect(invitee.get_by_label("Email")).to_have_value("eve@example.com")
    invitee.get_by_label("Password", exact=True).fill("a-long-passphrase-1")
    invitee.get_by_label("Password (again)").fill("a-long-passphrase-1")
    invitee.get_by_role("button", name="Sign Up").click()
    invitee.get_by_role("button", name="Accept invitation").click()
    expect(invitee.get_by_text("Welcome to Acme Marketing!")).to_be_visible()
    assert Membership.objects.get(user__email="eve@example.com",
                                  workspace__name="Acme Marketing").role == Role.EDITOR
