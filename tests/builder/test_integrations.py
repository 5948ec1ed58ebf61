"""The builder's Integrations section: add an endpoint (its secret shown once), send a test event
to a real receiver, read the delivery log, replay, rotate, disable and delete, each as its role
allows; another workspace's endpoint is a 404."""

import pytest
from standardwebhooks import Webhook

from campaigns.models import Role
from entries.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.entries.email_documents import follow_up_quiz
from tests.factories import (
    MembershipFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(publish, workspace):
    campaign = publish(follow_up_quiz())
    campaign.workspace = workspace
    campaign.save()
    return campaign


def _add(client, url, target, events=("entry.completed",), **extra):
    return client.post(url, {"url": target, "events": list(events), **extra})


def test_an_editor_adds_a_campaign_endpoint_and_sees_its_secret_once(
        login, editor, quiz, receiver, django_capture_on_commit_callbacks):
    client = login(editor)
    page = client.get(f"/app/campaigns/{quiz.pk}/integrations/")
    assert page.status_code == 200
    assert "No endpoint yet." in page.text
    assert 'aria-current="page">Integrations' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        added = _add(client, f"/app/campaigns/{quiz.pk}/integrations/", receiver.url,
                     events=["entry.completed", "winner.drawn"], description="CRM")
    endpoint = WebhookEndpoint.objects.get()
    assert added.status_code == 200
    assert endpoint.secret in added.text
    assert endpoint.campaign == quiz
    assert endpoint.created_by == editor
    assert endpoint.events == ["entry.completed", "winner.drawn"]
    again = client.get(f"/app/integrations/endpoints/{endpoint.pk}/")
    assert again.status_code == 200
    assert endpoint.secret not in again.text
    assert endpoint.secret[6:] not in again.text
    listing = client.get(f"/app/campaigns/{quiz.pk}/integrations/")
    assert receiver.url in listing.text
    assert "CRM" in listing.text


@pytest.mark.parametrize(("target", "events", "message"), [
    ("https://10.0.0.8/hook", ["entry.completed"], "private, local or reserved address"),
    ("not a url", ["entry.completed"], "The URL must start with https://"),
    ("https://example.com/hook", [], "Pick at least one event"),
])
def test_a_refused_endpoint_says_why_and_saves_nothing(login, editor, settings, target, events,
                                                       message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = _add(login(editor), "/app/integrations/", target, events=events)
    assert response.status_code == 400
    assert message in response.text
    assert not WebhookEndpoint.objects.exists()


def test_a_test_event_reaches_the_receiver_signed_and_shows_in_the_log(
        login, editor, workspace, receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory(workspace=workspace, url=receiver.url)
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/app/integrations/endpoints/{endpoint.pk}/test/",
                           {"event": "entry.completed"})
    assert sent.status_code == 302
    request = receiver.wait_for(1)[0]
    body = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert body["type"] == "entry.completed"
    assert body["data"]["entry"]["answers"]
    log = client.get(sent.headers["Location"]).text
    delivery = WebhookDelivery.objects.get()
    assert delivery.message_id in log
    assert "Delivered" in log
    assert "answer 200" in log
    assert "test" in log


def test_replaying_ticked_or_all_parked_deliveries(
        login, editor, workspace, receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory(workspace=workspace, url=receiver.url)
    parked = WebhookDeliveryFactory.create_batch(2, endpoint=endpoint,
                                                 status=DeliveryStatus.PARKED, attempts=14)
    delivered = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.DELIVERED)
    client = login(editor)
    url = f"/app/integrations/endpoints/{endpoint.pk}/replay/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"delivery": [delivered.pk]}).status_code == 302
    assert len(receiver.wait_for(1)) == 1
    asked = client.post(url, {"all_parked": "1"})
    assert asked.status_code == 200
    assert "Send all 2 parked deliveries again?" in asked.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"all_parked": "1", "confirm": "1"})
    receiver.wait_for(3)
    assert {d.message_id for d in parked} <= set(receiver.seen)
    assert not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_rotate_disable_enable_and_delete_each_ask_first(login, editor, workspace, quiz):
    endpoint = WebhookEndpointFactory(workspace=workspace, campaign=quiz)
    client = login(editor)
    base = f"/app/integrations/endpoints/{endpoint.pk}"
    old = endpoint.secret
    assert "Make a new signing secret?" in client.post(f"{base}/rotate/").text
    rotated = client.post(f"{base}/rotate/", {"confirm": "1"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    assert endpoint.secret in rotated.text
    assert "Stop sending events" in client.post(f"{base}/active/", {"active": "0"}).text
    client.post(f"{base}/active/", {"active": "0", "confirm": "1"})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert editor.email in endpoint.disabled_reason
    client.post(f"{base}/active/", {"active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.active
    assert "cannot be undone" in client.post(f"{base}/delete/").text
    gone = client.post(f"{base}/delete/", {"confirm": "1"})
    assert gone.headers["Location"] == f"/app/campaigns/{quiz.pk}/integrations/"
    assert not WebhookEndpoint.objects.exists()


def test_an_editor_changes_the_url_and_events(login, editor, workspace, receiver):
    endpoint = WebhookEndpointFactory(workspace=workspace, url=receiver.url)
    client = login(editor)
    saved = client.post(f"/app/integrations/endpoints/{endpoint.pk}/",
                        {"url": receiver.url + "/v2", "events": ["person.erased"]})
    assert saved.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/hook/v2")
    assert endpoint.events == ["person.erased"]
    refused = client.post(f"/app/integrations/endpoints/{endpoint.pk}/",
                          {"url": receiver.url, "events": []})
    assert refused.status_code == 400
    assert "Pick at least one event" in refused.text


def test_a_viewer_reads_the_log_but_cannot_act(login, viewer, workspace):
    endpoint = WebhookEndpointFactory(workspace=workspace)
    WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.PARKED, last_status_code=500,
                           last_response="upstream down")
    client = login(viewer)
    page = client.get(f"/app/integrations/endpoints/{endpoint.pk}/")
    assert page.status_code == 200
    assert "upstream down" in page.text
    assert "Replay ticked" not in page.text
    assert "Rotate secret" not in page.text
    assert client.post(f"/app/integrations/endpoints/{endpoint.pk}/replay/",
                       {"all_parked": "1", "confirm": "1"}).status_code == 403
    assert client.post("/app/integrations/", {"url": "https://example.com/",
                                              "events": ["entry.completed"]}).status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_the_workspace_page_lists_every_endpoint_and_another_workspace_sees_none(
        login, owner, outsider, workspace, quiz):
    everywhere = WebhookEndpointFactory(workspace=workspace, url="https://a.example.com/")
    one = WebhookEndpointFactory(workspace=workspace, campaign=quiz, url="https://b.example.com/")
    page = login(owner).get("/app/integrations/")
    assert "https://a.example.com/" in page.text
    assert "https://b.example.com/" in page.text
    assert "Every campaign" in page.text
    assert quiz.name in page.text
    MembershipFactory(workspace=workspace, role=Role.VIEWER)
    client = login(outsider)
    assert "a.example.com" not in client.get("/app/integrations/").text
    for endpoint in (everywhere, one):
        assert client.get(f"/app/integrations/endpoints/{endpoint.pk}/").status_code == 404
