"""REST hooks: subscribe, unsubscribe, samples; built on the webhook endpoints."""

import pytest

from entries.models import EndpointSource, WebhookEndpoint
from entries.webhooks.endpoints import subscribed, webhook_endpoint_create
from entries.webhooks.events import EVENT_NAMES

pytestmark = pytest.mark.django_db

TARGET = "http://127.0.0.1:8765/zapier/catch"


def test_subscribe_then_unsubscribe(api, campaign):
    response = api.post("/hooks", {"target_url": TARGET, "event": "entry.completed"})
    assert response.status_code == 201
    hook = response.json()
    assert hook["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(pk=hook["id"])
    assert endpoint.source == EndpointSource.REST_HOOK
    assert endpoint.workspace == campaign.workspace
    assert endpoint.events == ["entry.completed"]
    assert endpoint.url == TARGET
    assert subscribed(campaign, "entry.completed") == [endpoint.pk]
    assert [h["id"] for h in api.get("/hooks").json()] == [endpoint.pk]
    assert api.delete(f"/hooks/{hook['id']}").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=hook["id"]).exists()
    assert subscribed(campaign, "entry.completed") == []
    assert api.delete(f"/hooks/{hook['id']}").status_code == 404


def test_a_hook_for_one_campaign(api, campaign, publish, lead_form):
    response = api.post("/hooks", {"target_url": TARGET, "event": "entry.started",
                                   "campaign": campaign.pk})
    assert response.json()["campaign"] == campaign.pk
    other = publish(lead_form)
    assert api.post("/hooks", {"target_url": TARGET, "event": "entry.started",
                               "campaign": other.pk}).status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"target_url": TARGET, "event": "entry.exploded"}, "Unknown event type"),
    ({"target_url": "ftp://example.org/x", "event": "entry.completed"}, "https://"),
])
def test_refusals_are_422_with_the_services_message(api, body, message):
    response = api.post("/hooks", body)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_refused_where_the_setting_says_so(api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = api.post("/hooks", {"target_url": "https://127.0.0.1/hook",
                                   "event": "entry.completed"})
    assert response.status_code == 422
    assert not WebhookEndpoint.objects.exists()


def test_only_rest_hooks_of_the_workspace_can_be_unsubscribed(api, campaign, publish, lead_form):
    builders = webhook_endpoint_create(workspace=campaign.workspace, url=TARGET,
                                       events=["entry.completed"])
    other = publish(lead_form)
    theirs = webhook_endpoint_create(workspace=other.workspace, url=TARGET,
                                     events=["entry.completed"], source=EndpointSource.REST_HOOK)
    for endpoint in (builders, theirs):
        assert api.delete(f"/hooks/{endpoint.pk}").status_code == 404
        assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert api.get("/hooks").json() == []


def test_a_sample_for_every_event_type(api):
    names = [e["name"] for e in api.get("/hooks/events").json()]
    assert names == list(EVENT_NAMES)
    for name in names:
        sample = api.get(f"/hooks/samples/{name}").json()
        assert len(sample) == 1
        assert sample[0]["type"] == name
        assert sample[0]["data"]
    assert api.get("/hooks/samples/entry.exploded").status_code == 404


def test_hooks_need_their_scope(api_as):
    api = api_as("entries:read")
    assert api.post("/hooks", {"target_url": TARGET, "event": "entry.completed"}
                    ).status_code == 403
    assert api.get("/hooks/samples/entry.completed").status_code == 403
