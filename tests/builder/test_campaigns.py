import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign, Status
from campaigns.services.campaigns import campaign_create
from tests.entries.documents import branching_quiz
from tests.factories import CampaignVersionFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(workspace, owner):
    return campaign_create(workspace=workspace, by=owner, document=branching_quiz())


def test_new_campaign_page_offers_the_gallery_and_blank(login, editor):
    page = login(editor).get(reverse("builder:campaign_new"))
    assert page.status_code == 200
    assert "Use this template" in page.text
    assert "Blank campaign" in page.text


def test_blank_campaign_then_publish_and_open_the_public_link(login, editor):
    client = login(editor)
    response = client.post(reverse("builder:campaign_new"), {"name": "Spring survey",
                                                              "kind": "survey"})
    campaign = Campaign.objects.get()
    assert response.headers["Location"] == reverse("builder:campaign", args=[campaign.pk])
    assert (campaign.name, campaign.kind, campaign.slug) == ("Spring survey", "survey",
                                                             "spring-survey")
    client.post(reverse("builder:campaign_publish", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Status.LIVE
    page = client.get(reverse("builder:campaign", args=[campaign.pk]))
    assert "http://testserver/c/spring-survey/" in page.text
    assert reverse("builder:campaign_share", args=[campaign.pk]) in page.text
    share = client.get(reverse("builder:campaign_share", args=[campaign.pk]))
    assert "data-campaign=&quot;spring-survey&quot;" in share.text
    assert client.get("/c/spring-survey/").status_code == 200


def test_campaign_from_a_gallery_template(login, editor):
    client = login(editor)
    client.post(reverse("builder:campaign_from_template", args=["personality-quiz"]))
    campaign = Campaign.objects.get()
    assert campaign.steps.count() > 2
    assert campaign.outcomes.count() >= 3


def test_publish_with_errors_is_blocked_and_lists_them(login, editor, workspace):
    document = branching_quiz()
    document["kind"] = "contest"
    campaign = campaign_create(workspace=workspace, by=editor, document=document)
    response = login(editor).post(reverse("builder:campaign_publish", args=[campaign.pk]))
    assert response.status_code == 200
    assert "must be fixed before publishing" in response.text
    assert not campaign.versions.exists()


def test_publish_with_warnings_asks_to_confirm(login, editor, workspace):
    document = branching_quiz()
    document["outcomes"].append({"key": "never", "title": "Nobody gets here"})
    campaign = campaign_create(workspace=workspace, by=editor, document=document)
    client = login(editor)
    first = client.post(reverse("builder:campaign_publish", args=[campaign.pk]))
    assert "Publish anyway" in first.text
    assert not campaign.versions.exists()
    client.post(reverse("builder:campaign_publish", args=[campaign.pk]), {"confirm": "1"})
    assert campaign.versions.count() == 1


def test_export_downloads_the_blueprint(login, viewer, quiz):
    response = login(viewer).get(reverse("builder:campaign_export", args=[quiz.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}.json"'
    assert json.loads(response.content)["steps"][0]["key"] == "about"


def test_import_of_a_broken_file_lists_problems_and_creates_nothing(login, editor):
    upload = SimpleUploadedFile("bad.json", b'{"schema": 1, "name": "x", "kind": "poll"}')
    response = login(editor).post(reverse("builder:campaign_import"), {"blueprint": upload})
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert "kind" in response.text
    assert not Campaign.objects.exists()


def test_import_of_a_valid_file(login, editor):
    upload = SimpleUploadedFile("quiz.json", json.dumps(branching_quiz()).encode())
    response = login(editor).post(reverse("builder:campaign_import"), {"blueprint": upload})
    assert response.status_code == 302
    assert Campaign.objects.get().name == "Coffee or tea?"


def test_pause_resume_duplicate_archive(login, editor, quiz):
    client = login(editor)
    client.post(reverse("builder:campaign_publish", args=[quiz.pk]))
    client.post(reverse("builder:campaign_status", args=[quiz.pk]),
                {"status": "paused", "confirm": "1"})
    quiz.refresh_from_db()
    assert quiz.status == Status.PAUSED
    client.post(reverse("builder:campaign_status", args=[quiz.pk]), {"status": "bogus"})
    client.post(reverse("builder:campaign_duplicate", args=[quiz.pk]))
    assert Campaign.objects.filter(name="Coffee or tea? (copy)").exists()
    client.post(reverse("builder:campaign_archive", args=[quiz.pk]))
    quiz.refresh_from_db()
    assert quiz.archived_at is not None
    assert reverse("builder:campaign", args=[quiz.pk]) not in client.get(
        reverse("builder:home")).text


def test_only_owners_delete_and_only_with_the_name_typed(login, owner, editor, quiz):
    url = reverse("builder:campaign_delete", args=[quiz.pk])
    assert login(editor).post(url, {"confirm_name": quiz.name}).status_code == 403
    login(owner).post(url, {"confirm_name": "wrong"})
    assert Campaign.objects.filter(pk=quiz.pk).exists()
    login(owner).post(url, {"confirm_name": quiz.name})
    assert not Campaign.objects.filter(pk=quiz.pk).exists()


def test_campaign_list_filters(login, editor, quiz, workspace):
    lead_gen = {**branching_quiz(), "name": "Lead gen", "kind": "form"}
    campaign_create(workspace=workspace, by=editor, document=lead_gen)
    client = login(editor)
    assert "Lead gen" not in client.get(reverse("builder:home"), {"kind": "quiz"}).text
    assert "Lead gen" in client.get(reverse("builder:home"), {"q": "lead"}).text
    partial = client.get(reverse("builder:home"), {"q": "coffee"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    assert "Coffee or tea?" in partial.text


def test_errors_are_reported_before_asking_to_confirm_warnings(login, editor, workspace):
    document = branching_quiz()
    document["kind"] = "contest"  # errors: no required email, no consent
    document["outcomes"].append({"key": "never", "title": "Nobody gets here"})  # a warning
    campaign = campaign_create(workspace=workspace, by=editor, document=document)
    response = login(editor).post(reverse("builder:campaign_publish", args=[campaign.pk]))
    assert "must be fixed before publishing" in response.text
    assert "Publish anyway" not in response.text
    assert not campaign.versions.exists()


def test_campaign_list_shows_entries_and_completion_rate(login, viewer, quiz, workspace, owner):
    version = CampaignVersionFactory(campaign=quiz)
    for status in ("completed", "started", "started", "disqualified"):
        EntryFactory(version=version, status=status)
    campaign_create(workspace=workspace, by=owner, document=branching_quiz(), name="Quiet one")
    page = login(viewer).get(reverse("builder:home")).text
    assert "<strong>4</strong> entries · <strong>25%</strong> completed" in page
    assert "No entries yet" in page


@pytest.mark.parametrize(("status", "verb"), [("paused", "Pause"), ("ended", "End"),
                                              ("draft", "Unpublish")])
def test_stopping_visitors_asks_first_without_javascript(login, editor, quiz, status, verb):
    """A plain form (no JavaScript) gets a confirmation page; nothing changes until it is
    confirmed, and the confirmed form does it."""
    client = login(editor)
    client.post(reverse("builder:campaign_publish", args=[quiz.pk]))
    url = reverse("builder:campaign_status", args=[quiz.pk])
    response = client.post(url, {"status": status})
    assert response.status_code == 200
    page = response.text
    assert f"<h1>{verb} the campaign?</h1>" in page
    assert "Entries so far are kept" in page
    assert f'<form method="post" action="{url}">' in page
    assert f'<input type="hidden" name="status" value="{status}">' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert f'href="{reverse("builder:campaign", args=[quiz.pk])}">Cancel</a>' in page
    quiz.refresh_from_db()
    assert quiz.status == Status.LIVE
    response = client.post(url, {"status": status, "confirm": "1"})
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.status == status


def test_resuming_needs_no_confirmation(login, editor, quiz):
    client = login(editor)
    client.post(reverse("builder:campaign_publish", args=[quiz.pk]))
    url = reverse("builder:campaign_status", args=[quiz.pk])
    client.post(url, {"status": "paused", "confirm": "1"})
    assert client.post(url, {"status": "live"}).status_code == 302
    quiz.refresh_from_db()
    assert quiz.status == Status.LIVE


def test_status_buttons_ask_in_a_dialog_with_javascript(login, editor, quiz):
    client = login(editor)
    client.post(reverse("builder:campaign_publish", args=[quiz.pk]))
    page = client.get(reverse("builder:campaign", args=[quiz.pk])).text
    assert 'data-confirm="End “Coffee or tea?” now?' in page
    assert page.count("data-confirm=") == 3  # pause, end, unpublish; not resume or duplicate
