"""Every link that leaves the request (emails, the email preview's logo) is built from SITE_URL,
so `HOST=127.0.0.1:8101 make run` sends links to 8101, not to the default's port."""

import re

import pytest

from campaigns.emails import invitation_email
from config.site import site_url
from entries.mail.render import absolute_image, entry_links
from entries.mail.samples import made_up
from entries.mail.unsubscribe import unsubscribe_url
from entries.services.winners import claim_url, winner_email_extra
from tests.factories import EntryFactory, InvitationFactory, WinnerFactory

SITE = "http://127.0.0.1:8101"
URL = re.compile(r"https?://[^\s\"'<>]+")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_site_url_joins_a_path_and_keeps_a_full_url(settings):
    assert site_url("/c/quiz/") == f"{SITE}/c/quiz/"
    settings.SITE_URL = "https://quiz.example.com/"
    assert site_url("/c/quiz/") == "https://quiz.example.com/c/quiz/"
    assert site_url("https://cdn.example.com/a.png") == "https://cdn.example.com/a.png"
    assert site_url("") == ""


def test_every_email_link_points_at_the_site_url():
    entry = EntryFactory()
    winner = WinnerFactory()
    invitation = invitation_email(InvitationFactory())
    links = [
        *entry_links(entry).values(),
        unsubscribe_url(workspace_id=entry.campaign.workspace_id, email=entry.email),
        claim_url(winner),
        winner_email_extra(winner)["proof_link"],
        absolute_image("images/ab/logo.png"),
        *(v for k, v in made_up(entry.campaign, trigger="winner").items()
          if k.endswith("_link") and v.startswith("http")),
        *URL.findall(invitation.body),
        *URL.findall(invitation.alternatives[0][0]),
    ]
    assert len(links) >= 10
    for link in links:
        assert link.startswith(f"{SITE}/"), link
