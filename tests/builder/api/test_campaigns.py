"""Campaigns through the API: read, create from a blueprint, check, publish, pause and end."""

import copy

import pytest

from campaigns.blueprints import gallery_template
from campaigns.models import Campaign
from entries.models import Entry
from tests.factories import DailyViewsFactory, DrawFactory, EntryFactory, WinnerFactory

pytestmark = pytest.mark.django_db


def test_list_and_one(api, campaign):
    listed = api.get("/campaigns").json()
    assert [c["id"] for c in listed] == [campaign.pk]
    one = api.get(f"/campaigns/{campaign.pk}").json()
    assert one["slug"] == campaign.slug
    assert one["status"] == "live"
    assert one["published_version"] == 1
    assert one["url"].endswith(f"/c/{campaign.slug}/")
    assert api.get("/campaigns", status="draft").json() == []
    assert api.get("/campaigns", kind="nonsense").status_code == 422


def test_published_definition_and_blueprint(api, campaign, lead_form):
    definition = api.get(f"/campaigns/{campaign.pk}/definition").json()
    assert definition["number"] == 1
    assert [s["key"] for s in definition["definition"]["steps"]] == [
        s["key"] for s in lead_form["steps"]]
    assert [v["number"] for v in api.get(f"/campaigns/{campaign.pk}/versions").json()] == [1]
    blueprint = api.get(f"/campaigns/{campaign.pk}/blueprint").json()
    assert blueprint["kind"] == "form"
    assert [s["key"] for s in blueprint["steps"]] == [s["key"] for s in lead_form["steps"]]


def test_create_from_a_blueprint_then_check_and_publish(api, lead_form):
    lead_form["name"] = "Spring leads"
    response = api.post("/campaigns", {"blueprint": lead_form})
    assert response.status_code == 201
    created = Campaign.objects.get(pk=response.json()["id"])
    assert created.name == "Spring leads"
    assert created.status == "draft"
    assert created.workspace == api.key.workspace
    assert created.created_by == api.key.created_by
    assert api.get(f"/campaigns/{created.pk}/definition").status_code == 404
    check = api.get(f"/campaigns/{created.pk}/check").json()
    assert check["publishable"] is True
    published = api.post(f"/campaigns/{created.pk}/publish", {"accept_warnings": True})
    assert published.status_code == 200
    assert published.json()["status"] == "live"
    assert published.json()["published_version"] == 1


def test_create_from_a_template(api):
    response = api.post("/campaigns", {"template": "giveaway", "name": "Summer giveaway"})
    assert response.status_code == 201
    assert response.json()["kind"] == "giveaway"
    assert response.json()["name"] == "Summer giveaway"


def test_a_bad_blueprint_is_422_with_the_imports_problems_and_saves_nothing(api, lead_form):
    lead_form["steps"][0]["questions"][0]["kind"] = "telepathy"
    before = Campaign.objects.count()
    response = api.post("/campaigns", {"blueprint": lead_form})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems
    assert problems[0]["path"] == "steps[0].questions[0].kind"
    assert problems[0]["message"]
    assert Campaign.objects.count() == before


@pytest.mark.parametrize(("body", "status"), [
    ({}, 400), ({"template": "giveaway", "blueprint": {}}, 400), ({"template": "nope"}, 422),
    ({"blueprint": "not an object"}, 422), ({"blueprint": {}}, 422),
])
def test_create_refusals(api, body, status):
    response = api.post("/campaigns", body)
    assert response.status_code == status
    assert response.json()["detail"]


def test_publishing_a_draft_with_errors_is_409_with_the_builders_problems(api):
    giveaway = copy.deepcopy(gallery_template("giveaway").document)
    del giveaway["campaign_settings"]["rules_text"]
    campaign_id = api.post("/campaigns", {"blueprint": giveaway}).json()["id"]
    check = api.get(f"/campaigns/{campaign_id}/check").json()
    assert check["publishable"] is False
    assert "contest_rules_empty" in [p["code"] for p in check["problems"]]
    response = api.post(f"/campaigns/{campaign_id}/publish", {"accept_warnings": True})
    assert response.status_code == 409
    assert response.json()["problems"] == check["problems"]
    assert Campaign.objects.get(pk=campaign_id).status == "draft"


def test_warnings_must_be_accepted_to_publish(api, lead_form):
    lead_form["steps"][0]["questions"][0]["label"] = ""
    campaign_id = api.post("/campaigns", {"blueprint": lead_form}).json()["id"]
    check = api.get(f"/campaigns/{campaign_id}/check").json()
    assert check["publishable"] is True
    assert [p["code"] for p in check["problems"]] == ["question_without_label"]
    asked = api.post(f"/campaigns/{campaign_id}/publish")
    assert asked.status_code == 409
    assert "accept_warnings" in asked.json()["detail"]
    assert asked.json()["problems"] == check["problems"]
    assert Campaign.objects.get(pk=campaign_id).status == "draft"
    assert api.post(f"/campaigns/{campaign_id}/publish",
                    {"accept_warnings": True}).json()["status"] == "live"


def test_pause_resume_end(api, campaign):
    assert api.post(f"/campaigns/{campaign.pk}/status", {"status": "paused"}).json()[
        "status"] == "paused"
    assert api.post(f"/campaigns/{campaign.pk}/status", {"status": "live"}).json()[
        "status"] == "live"
    assert api.post(f"/campaigns/{campaign.pk}/status", {"status": "ended"}).json()[
        "status"] == "ended"
    refused = api.post(f"/campaigns/{campaign.pk}/status", {"status": "paused"})
    assert refused.status_code == 409
    assert "cannot become paused" in refused.json()["detail"]
    assert api.post(f"/campaigns/{campaign.pk}/status", {"status": "gone"}).status_code == 422
    campaign.refresh_from_db()
    assert campaign.status == "ended"


def test_results(api, campaign):
    version = campaign.published_version
    DailyViewsFactory(campaign=campaign, version=version, views=10)
    EntryFactory(campaign=campaign, version=version, status="completed", outcome="team",
                 completed_at=campaign.created_at)
    EntryFactory(campaign=campaign, version=version)
    body = api.get(f"/campaigns/{campaign.pk}/results").json()
    assert body["totals"]["views"] == 10
    assert body["totals"]["starts"] == 2
    assert body["totals"]["completions"] == 1
    assert body["totals"]["completion_rate"] == 0.5
    assert [o["label"] for o in body["outcomes"] if o["entries"]]
    assert [s["key"] for s in body["steps"]][0] == "contact"
    assert api.get(f"/campaigns/{campaign.pk}/results", version=9).status_code == 404
    assert api.get(f"/campaigns/{campaign.pk}/results", start="2026-02-02",
                   end="2026-01-01").status_code == 400


def test_draws_with_their_proofs(api_as, publish):
    giveaway = publish(gallery_template("giveaway").document)
    api = api_as(workspace=giveaway.workspace)
    winner = WinnerFactory(entry=EntryFactory(campaign=giveaway,
                                              version=giveaway.published_version,
                                              status="completed"))
    draws = api.get(f"/campaigns/{giveaway.pk}/draws").json()
    assert len(draws) == 1
    assert draws[0]["proof"] == winner.draw.proof
    assert draws[0]["proof_json"].endswith(f"/c/{giveaway.slug}/draws/{winner.draw.pk}/proof.json")
    assert draws[0]["winners"][0]["entry"] == winner.entry_id
    assert Entry.objects.filter(pk=winner.entry_id).exists()


def test_a_campaign_without_draws_lists_none(api, campaign):
    DrawFactory()  # another workspace's
    assert api.get(f"/campaigns/{campaign.pk}/draws").json() == []
