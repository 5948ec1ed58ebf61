"""Public email pages: one-click unsubscribe and "Continue later"."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from entries.mail.unsubscribe import unsubscribe_token
from entries.models import EmailStatus, OutboundEmail, Suppression
from entries.services.runtime import answer_submit, entry_start
from tests.entries.email_documents import follow_up_quiz
from tests.entries.test_outbox import complete

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def quiz(publish):
    return publish(follow_up_quiz())


def _url(workspace_id, email="ada@example.com"):
    return f"/c/unsubscribe/{unsubscribe_token(workspace_id=workspace_id, email=email)}/"


def test_get_asks_to_confirm_and_changes_nothing(client, quiz):
    response = client.get(_url(quiz.workspace_id))
    assert response.status_code == 200
    assert "Unsubscribe?" in response.text
    assert "a••@example.com" in response.text
    assert quiz.workspace.name in response.text
    assert not Suppression.objects.exists()


def test_the_confirm_button_unsubscribes_without_a_csrf_cookie(quiz):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(quiz.workspace_id))
    assert response.status_code == 200
    assert "You're unsubscribed" in response.text
    assert Suppression.objects.get().email == "ada@example.com"


def test_one_click_post_from_a_mail_client(quiz, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(quiz.workspace_id, "Ada+x@Example.com"),
                           data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert client.post(_url(quiz.workspace_id)).status_code == 200  # twice is fine
    with django_capture_on_commit_callbacks(execute=True):
        entry = complete(quiz)
    assert mail.outbox == []
    assert {e.status for e in OutboundEmail.objects.filter(entry=entry)} == {
        EmailStatus.SUPPRESSED}


@pytest.mark.parametrize("token", ["garbage", "WzEsImEiXQ:1xYPH5:forged", "a" * 300])
def test_a_bad_token_is_refused_clearly(client, quiz, token):
    for method in (client.get, client.post):
        response = method(f"/c/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This link isn't valid" in response.text
    assert not Suppression.objects.exists()


def test_a_token_for_a_deleted_workspace_is_refused(client, quiz):
    url = _url(quiz.workspace_id + 1000)
    assert client.post(url).status_code == 400


def _started(campaign, email="bo@example.com"):
    entry = entry_start(campaign=campaign, source={})
    assert answer_submit(entry=entry, step_key="about",
                         raw={"name": ["Bo"], "email": [email]}).ok
    return entry


def _resume_url(entry):
    return f"/c/{entry.campaign.slug}/e/{entry.token}/later/"


def test_every_step_offers_continue_later(client, quiz):
    entry = _started(quiz)
    page = client.get(f"/c/{quiz.slug}/e/{entry.token}/").text
    assert f'href="{_resume_url(entry)}"' in page
    assert "Continue later" in page


def test_continue_later_fills_in_the_answered_email_and_sends_the_resume_link(
        client, quiz, django_capture_on_commit_callbacks):
    entry = _started(quiz)
    form = client.get(_resume_url(entry))
    assert form.status_code == 200
    assert 'value="bo@example.com"' in form.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_resume_url(entry), {"email": "bo@example.com"})
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    assert "bo@example.com" in response.text
    [message] = mail.outbox
    assert message.to == ["bo@example.com"]
    assert message.subject == "Continue where you left off"  # the built-in text
    assert f"/c/{quiz.slug}/e/{entry.token}/" in message.body
    row = OutboundEmail.objects.get()
    assert row.trigger == "resume"
    assert row.template_position is None


def test_asking_twice_sends_one_email(client, quiz, django_capture_on_commit_callbacks):
    entry = _started(quiz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_resume_url(entry), {"email": "bo@example.com"})
        second = client.post(_resume_url(entry), {"email": "bo@example.com"})
    assert "Check your inbox" in second.text
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.count() == 1


def test_the_campaigns_own_resume_template_is_used_without_the_visitors_words(
        client, publish, django_capture_on_commit_callbacks):
    entry = _started(publish(follow_up_quiz(resume_template=True)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_resume_url(entry), {"email": "bo@example.com"})
    [message] = mail.outbox
    assert message.subject == "Your Brew finder link"
    assert message.body.startswith("Hello,\n\nContinue: http")
    assert "So far: , ." in message.body
    assert "bo@example.com" not in message.body


PHISHING = "Your account is locked - verify now at https://evil.example/login"


def test_a_resume_email_to_any_address_carries_nothing_the_visitor_wrote(
        client, quiz, django_capture_on_commit_callbacks):
    entry = entry_start(campaign=quiz, source={})
    assert answer_submit(entry=entry, step_key="about",
                         raw={"name": [PHISHING], "email": ["stranger@example.org"]}).ok
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_resume_url(entry), {"email": "stranger@example.org"})
    [message] = mail.outbox
    html = message.alternatives[0].content
    for part in (message.subject, message.body, html):
        assert "locked" not in part
        assert "evil.example" not in part
    assert message.body.startswith("Hello,\n\nYou asked us to keep your place.")
    assert f"/c/{quiz.slug}/e/{entry.token}/" in message.body


def test_an_entry_without_an_email_yet_asks_for_one(client, quiz):
    entry = entry_start(campaign=quiz, source={})
    form = client.get(_resume_url(entry), **HTMX)
    assert form.status_code == 200
    assert "<html" not in form.text
    assert 'name="email" value=""' in form.text
    response = client.post(_resume_url(entry), {"email": "not an email"}, **HTMX)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert "look like an email address" in response.text
    empty = client.post(_resume_url(entry), {"email": ""})
    assert empty.status_code == 200
    assert "Enter your email address" in empty.text
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(("address", "reason"), [
    ("user@localhost", "the part after the @ needs a dot"),
    ("josé@example.com", "We can't send email to an address with “é” before the @"),
])
def test_the_resume_form_refuses_what_an_email_answer_refuses(client, quiz, address, reason):
    entry = entry_start(campaign=quiz, source={})
    response = client.post(_resume_url(entry), {"email": address}, **HTMX)
    assert response.status_code == 200
    assert reason in html.unescape(response.text)
    assert not OutboundEmail.objects.exists()


def test_resume_requests_are_rate_limited_per_network(client, quiz):
    for n in range(5):
        client.post(_resume_url(_started(quiz)), {"email": f"bo{n}@example.com"})
    response = client.post(_resume_url(_started(quiz)), {"email": "bo9@example.com"})
    assert response.status_code == 429
    assert "Too many requests from your network" in response.text
    assert "Back to the form" in response.text
    assert OutboundEmail.objects.count() == 5


def test_an_entry_sends_three_links_an_hour(client, quiz):
    entry = _started(quiz)
    for n in range(3):
        assert "Check your inbox" in client.post(_resume_url(entry),
                                                 {"email": f"bo{n}@example.com"}).text
    refused = client.post(_resume_url(entry), {"email": "someone@example.com"})
    assert refused.status_code == 429
    assert "several links in the last hour" in refused.text
    assert OutboundEmail.objects.count() == 3
    # An HTMX request gets the same words in the stage (HTMX 2 swaps no error responses).
    cache.clear()
    stage = client.post(_resume_url(entry), {"email": "someone@example.com"}, **HTMX)
    assert stage.status_code == 200
    assert "<html" not in stage.text
    assert "several links in the last hour" in stage.text
    # An hour later the entry may ask again.
    OutboundEmail.objects.update(enqueued_at=timezone.now() - timedelta(minutes=61))
    assert "Check your inbox" in client.post(_resume_url(entry),
                                             {"email": "someone@example.com"}).text


def test_an_address_gets_three_links_a_day_from_a_workspace(client, quiz, publish):
    sibling = publish(follow_up_quiz())
    sibling.workspace = quiz.workspace
    sibling.save()
    for campaign in (quiz, quiz, sibling):
        client.post(_resume_url(_started(campaign)), {"email": "Victim@Example.com"})
    refused = client.post(_resume_url(_started(quiz)), {"email": "victim@example.com"})
    assert refused.status_code == 429
    assert "several links today" in refused.text
    assert OutboundEmail.objects.count() == 3
    # Another workspace's campaign is not held back by it.
    elsewhere = publish(follow_up_quiz())
    assert "Check your inbox" in client.post(_resume_url(_started(elsewhere)),
                                             {"email": "victim@example.com"}).text


def test_a_completed_entry_goes_back_to_its_result(client, quiz):
    entry = complete(quiz)
    response = client.post(_resume_url(entry), {"email": "bo@example.com"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{quiz.slug}/e/{entry.token}/"
    assert not OutboundEmail.objects.filter(trigger="resume").exists()


def test_another_sites_post_is_refused(client, quiz):
    quiz.settings = {"embed_origins": ["https://shop.example.com"]}
    quiz.save()
    entry = _started(quiz)
    response = client.post(_resume_url(entry), {"email": "bo@example.com"},
                           HTTP_ORIGIN="https://evil.example.net")
    assert response.status_code == 403
    assert not OutboundEmail.objects.exists()


def test_an_unknown_token_is_404(client, quiz):
    assert client.get(f"/c/{quiz.slug}/e/nope/later/").status_code == 404
