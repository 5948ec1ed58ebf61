"""Draft email templates: every write claims the draft revision and says what is wrong."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.services.drafts import StaleDraft
from campaigns.services.email_templates import (
    email_template_create,
    email_template_delete,
    email_template_update,
    merge_tags,
)
from tests.entries.email_documents import follow_up_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(publish):
    return publish(follow_up_quiz())


def test_create_appends_and_touches_the_draft(campaign):
    before = campaign.revision
    template = email_template_create(campaign=campaign, by=None, revision=before,
                                     trigger="winner", subject="  You   won, {{ name }} ",
                                     body="Claim: {{ claim_link }}\r\nby {{ claim_deadline }}")
    assert template.position == 4
    assert template.subject == "You won, {{ name }}"
    assert template.body == "Claim: {{ claim_link }}\nby {{ claim_deadline }}"
    campaign.refresh_from_db()
    assert campaign.revision == before + 1


def test_fields_that_do_not_apply_to_the_trigger_are_cleared(campaign):
    template = campaign.email_templates.get(trigger="reminder")
    updated = email_template_update(template=template, by=None,
                                    revision=campaign.revision, trigger="completed",
                                    subject="Done", body="Thanks", outcome_key="tea-lover",
                                    delay_minutes=30)
    assert updated.outcome_key == ""
    assert updated.delay_minutes == 0


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"trigger": "sometimes"}, "trigger", "Choose when"),
    ({"subject": " "}, "subject", "Give the email a subject."),
    ({"body": ""}, "body", "Write the email's text."),
    ({"trigger": "outcome", "outcome_key": "nope"}, "outcome_key", "Choose the outcome"),
    ({"trigger": "reminder", "delay_minutes": 0}, "delay_minutes", "between 1 minute"),
    ({"body": "Hi {{ answers.missing }}"}, "body", "is not a merge tag"),
    ({"subject": "{{ claim_link }}"}, "subject", "is not a merge tag"),  # winner emails only
    # A resume email goes to any address typed in: it shows no visitor's words.
    ({"trigger": "resume", "subject": "Hi {{ name }}"}, "subject", "can't show {{ name }}"),
    ({"trigger": "resume", "body": "You said {{ answers.name }}: {{ resume_link }}"}, "body",
     "can't show {{ answers.name }}: use only its links"),
])
def test_bad_input_names_the_field(campaign, fields, field, message):
    values = {"trigger": "completed", "subject": "Hi", "body": "Hello"} | fields
    revision = campaign.revision
    with pytest.raises(ValidationError) as raised:
        email_template_create(campaign=campaign, by=None, revision=revision, **values)
    assert message in " ".join(raised.value.message_dict[field])
    campaign.refresh_from_db()
    assert campaign.revision == revision


def test_a_stale_revision_changes_nothing(campaign):
    template = campaign.email_templates.get(trigger="completed")
    with pytest.raises(StaleDraft):
        email_template_delete(template=template, by=None, revision=campaign.revision - 1)
    assert campaign.email_templates.filter(pk=template.pk).exists()


def test_the_picker_offers_trigger_specific_tags(campaign):
    completed = [tag for tag, _ in merge_tags(campaign, "completed")]
    assert completed[:5] == ["name", "answers.name", "answers.email", "answers.news",
                             "answers.drink"]
    assert "resume_link" not in completed
    assert "claim_link" not in completed
    assert "resume_link" in [tag for tag, _ in merge_tags(campaign, "reminder")]
    assert "claim_deadline" in [tag for tag, _ in merge_tags(campaign, "winner")]


def test_a_resume_email_is_offered_only_its_links(campaign):
    assert [tag for tag, _ in merge_tags(campaign, "resume")] == [
        "resume_link", "result_link", "referral_link", "unsubscribe_link"]
    template = email_template_create(campaign=campaign, by=None,
                                     revision=campaign.revision, trigger="resume",
                                     subject="Your link", body="Hi,\n\nGo on: {{ resume_link }}")
    assert template.body == "Hi,\n\nGo on: {{ resume_link }}"
