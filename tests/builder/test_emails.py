"""The builder's email section: templates by trigger, the editor, preview, test send, send log."""

import pytest
from django.core import mail
from django.template.loader import render_to_string

from campaigns.models import EmailTemplate
from entries.models import EmailStatus, OutboundEmail
from tests.entries.email_documents import follow_up_quiz
from tests.entries.test_outbox import complete
from tests.factories import MembershipFactory, OutboundEmailFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quiz(publish, owner):
    campaign = publish(follow_up_quiz())
    MembershipFactory(workspace=campaign.workspace, user=owner, role="owner")
    return campaign


def _edit_url(quiz, template):
    return f"/app/campaigns/{quiz.pk}/emails/{template.pk}/"


def test_the_section_lists_templates_by_trigger(login, owner, quiz):
    page = login(owner).get(f"/app/campaigns/{quiz.pk}/emails/")
    assert page.status_code == 200
    text = page.text
    assert "Thanks, {{ name }}: {{ outcome.title }}" in text
    assert "Coffee it is" in text  # the outcome an outcome email is for
    assert "after 30 min" in text
    assert "Using the built-in “Continue where you left off” email." in text
    assert f'href="/app/campaigns/{quiz.pk}/emails/"' in text
    assert 'aria-current="page"' in text


def test_the_editor_previews_the_saved_template_with_made_up_answers(login, owner, quiz):
    template = quiz.email_templates.get(trigger="completed")
    page = login(owner).get(_edit_url(quiz, template))
    assert page.status_code == 200
    assert "made-up sample answers" in page.text
    assert "Thanks, Alex: Coffee it is" in page.text  # the rendered subject
    assert "srcdoc=" in page.text
    assert "{{ answers.drink }}" in page.text


def test_the_preview_uses_the_latest_completed_entry(login, owner, quiz):
    complete(quiz, name="Ada", drink="tea")
    template = quiz.email_templates.get(trigger="completed")
    page = login(owner).get(_edit_url(quiz, template))
    assert "the latest completed entry (ada@example.com" in page.text
    assert "Thanks, Ada: A tea person" in page.text


def test_an_htmx_preview_renders_the_unsaved_text_and_saves_nothing(login, owner, quiz):
    template = quiz.email_templates.get(trigger="completed")
    response = login(owner).post(_edit_url(quiz, template), {
        "action": "preview", "trigger": "completed", "subject": "Hey {{ name }}",
        "body": "<b>bold</b> {{ answers.drink }}", "revision": quiz.revision}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Hey Alex" in response.text
    # Escaped twice: once as text in the email, once more inside the srcdoc attribute.
    assert "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; Coffee" in response.text
    template.refresh_from_db()
    assert template.subject == "Thanks, {{ name }}: {{ outcome.title }}"


def test_changing_the_trigger_updates_the_merge_tags_out_of_band(login, owner, quiz):
    template = quiz.email_templates.get(trigger="completed")
    page = login(owner).get(_edit_url(quiz, template))
    assert "{{ resume_link }}" not in page.text
    response = login(owner).post(_edit_url(quiz, template), {
        "action": "preview", "trigger": "reminder", "subject": "Back?",
        "body": "{{ resume_link }}", "delay_minutes": "30"}, **HTMX)
    assert 'id="merge-tags" hx-swap-oob="true"' in response.text
    assert "{{ resume_link }}" in response.text
    assert "Sent once to a visitor who stopped before the end" in response.text


def test_saving_an_edit_goes_through_the_draft_revision(login, owner, quiz):
    template = quiz.email_templates.get(trigger="completed")
    client = login(owner)
    response = client.post(_edit_url(quiz, template), {
        "action": "save", "trigger": "completed", "subject": "Your {{ outcome.title }}",
        "body": "Hi {{ name }}", "revision": quiz.revision})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Your {{ outcome.title }}"
    assert template.body == "Hi {{ name }}"
    quiz.refresh_from_db()
    assert quiz.draft_changes.last().summary == "Changed the email “Your {{ outcome.title }}”"
    stale = client.post(_edit_url(quiz, template), {
        "action": "save", "trigger": "completed", "subject": "Older", "body": "x",
        "revision": quiz.revision - 1})
    assert stale.status_code == 200
    assert "since you opened it" in stale.text
    template.refresh_from_db()
    assert template.subject == "Your {{ outcome.title }}"


def test_bad_input_is_shown_next_to_the_fields(login, owner, quiz):
    response = login(owner).post(f"/app/campaigns/{quiz.pk}/emails/new/", {
        "action": "save", "trigger": "outcome", "outcome_key": "", "subject": "Hi {{ nmae }}",
        "body": "", "revision": quiz.revision})
    assert response.status_code == 200
    assert "Choose the outcome that sends this email." in response.text
    assert "{{ nmae }} is not a merge tag" in response.text
    assert "Write the email" in response.text  # the empty body
    assert EmailTemplate.objects.filter(campaign=quiz).count() == 4


def test_adding_a_reminder_and_deleting_it(login, owner, quiz):
    client = login(owner)
    form = client.get(f"/app/campaigns/{quiz.pk}/emails/new/?trigger=reminder")
    assert 'value="60"' in form.text
    response = client.post(f"/app/campaigns/{quiz.pk}/emails/new/", {
        "action": "save", "trigger": "reminder", "delay_minutes": "90",
        "subject": "Still there?", "body": "Continue: {{ resume_link }}",
        "revision": quiz.revision})
    template = EmailTemplate.objects.get(campaign=quiz, subject="Still there?")
    assert response.headers["Location"] == _edit_url(quiz, template)
    assert template.delay_minutes == 90
    assert template.position == 4
    quiz.refresh_from_db()
    client.post(f"{_edit_url(quiz, template)}delete/", {"revision": quiz.revision})
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()


def test_a_test_send_goes_to_the_signed_in_user(login, owner, quiz,
                                               django_capture_on_commit_callbacks):
    template = quiz.email_templates.get(trigger="completed")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post(f"{_edit_url(quiz, template)}test/")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "Thanks, Alex: Coffee it is"
    row = OutboundEmail.objects.get()
    assert row.entry is None
    assert row.status == EmailStatus.SENT


def test_viewers_read_but_cannot_change(login, viewer, quiz):
    MembershipFactory(workspace=quiz.workspace, user=viewer, role="viewer")
    template = quiz.email_templates.get(trigger="completed")
    client = login(viewer)
    page = client.get(_edit_url(quiz, template))
    assert page.status_code == 200
    assert "Send a test to me" not in page.text
    response = client.post(_edit_url(quiz, template), {"action": "preview"})
    assert response.status_code == 403


def test_the_send_log_filters_by_status(login, owner, quiz):
    entry = complete(quiz)
    OutboundEmail.objects.filter(entry=entry, trigger="outcome").update(
        status=EmailStatus.FAILED, error="550 No such user")
    OutboundEmailFactory(campaign=quiz, entry=entry, to_email="other@example.com",
                         status=EmailStatus.SENT, subject="Hello there")
    client = login(owner)
    page = client.get(f"/app/campaigns/{quiz.pk}/emails/log/")
    assert "550 No such user" in page.text
    assert "other@example.com" in page.text
    failed = client.get(f"/app/campaigns/{quiz.pk}/emails/log/?status=failed", **HTMX)
    assert "<html" not in failed.text
    assert "550 No such user" in failed.text
    assert "other@example.com" not in failed.text
    assert "ada@example.com" in client.get(
        f"/app/campaigns/{quiz.pk}/emails/log/?q=ADA").text


def test_the_entry_partial_renders_one_entrys_emails(quiz):
    entry = complete(quiz)
    OutboundEmail.objects.filter(entry=entry).update(status=EmailStatus.FAILED,
                                                      error="554 Rejected")
    html = render_to_string("builder/_email_log.html", {"emails": entry.outbound_emails.all()})
    assert html.count("554 Rejected") == 2
    assert "ada@example.com" in html


def test_a_failed_email_can_be_sent_again_from_the_log(login, owner, quiz,
                                                       django_capture_on_commit_callbacks):
    entry = complete(quiz)
    failed = OutboundEmail.objects.get(entry=entry, trigger="completed")
    OutboundEmail.objects.filter(pk=failed.pk).update(status=EmailStatus.FAILED, attempts=8,
                                                      error="Gave up after 8 attempts: 451")
    client = login(owner)
    log = client.get(f"/app/campaigns/{quiz.pk}/emails/log/?status=failed")
    assert "Send again" in log.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/campaigns/{quiz.pk}/emails/log/{failed.pk}/retry/",
                               {"next": "https://evil.example.net/"})
    assert response.headers["Location"] == f"/app/campaigns/{quiz.pk}/emails/log/"
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert failed.attempts == 1
    assert failed.error == ""
    again = client.post(f"/app/campaigns/{quiz.pk}/emails/log/{failed.pk}/retry/", follow=True)
    assert "Only failed emails can be sent again." in again.text
    assert len(mail.outbox) == 1
