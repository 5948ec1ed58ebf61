"""Endpoints: created only for public HTTPS addresses (unless allowed), with known events, in the
workspace's own campaigns; the subscription cache follows every change."""

import pytest
from standardwebhooks import Webhook

from entries.models import WebhookEndpoint
from entries.webhooks import endpoints
from entries.webhooks.addresses import AddressRefused, is_public, resolve
from entries.webhooks.endpoints import EndpointRefused, webhook_endpoint_create
from entries.webhooks.events import EVENT_NAMES, EVENTS, sample_payload
from tests.factories import CampaignFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_an_endpoint_gets_a_standard_webhooks_secret_and_its_events_in_table_order():
    workspace = WorkspaceFactory()
    endpoint = webhook_endpoint_create(workspace=workspace, url="http://127.0.0.1:9/hook",
                                       events=["entry.completed", "entry.started"])
    assert endpoint.events == ["entry.started", "entry.completed"]
    assert endpoint.secret.startswith("whsec_")
    Webhook(endpoint.secret)  # the library reads it
    assert endpoint.active
    assert endpoint.source == "builder"


@pytest.mark.parametrize(("events", "message"), [
    ([], "Pick at least one event"), (["entry.exploded"], "Unknown event type: entry.exploded")])
def test_events_must_be_known_and_at_least_one(events, message):
    with pytest.raises(EndpointRefused, match=message):
        webhook_endpoint_create(workspace=WorkspaceFactory(), url="http://127.0.0.1:9/",
                                events=events)
    assert not WebhookEndpoint.objects.exists()


def test_a_campaign_of_another_workspace_is_refused():
    with pytest.raises(EndpointRefused, match="another workspace"):
        webhook_endpoint_create(workspace=WorkspaceFactory(), url="http://127.0.0.1:9/",
                                events=["entry.completed"], campaign=CampaignFactory())


@pytest.mark.parametrize(("url", "message"), [
    ("http://127.0.0.1:8000/hook", "https://"),
    ("https://127.0.0.1/hook", "127.0.0.1, a private, local or reserved address"),
    ("https://10.1.2.3/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("https://[::1]/hook", "::1"),
    ("https://[::ffff:10.0.0.1]/hook", "private"),
    ("https://localhost/hook", "private"),
    ("https://metadata.google.internal/", "metadata"),
    ("ftp://example.com/", "https://"),
    ("https://user:pw@example.com/", "no user name or password"),
    ("https://", "no host"),
    ("", "Enter the URL"),
])
def test_private_addresses_are_refused_when_not_allowed(settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(EndpointRefused, match=message):
        webhook_endpoint_create(workspace=WorkspaceFactory(), url=url,
                                events=["entry.completed"])


def test_public_addresses_are_told_from_the_rest():
    assert is_public("93.184.215.14")
    assert is_public("2606:4700::6810:84e5")
    for address in ("0.0.0.0", "100.64.0.1", "192.168.1.1", "224.0.0.1", "240.0.0.1",
                    "fd00::1", "fe80::1", "64:ff9b::a00:1", "2002:a00:1::", "::"):
        assert not is_public(address), address


def test_a_checked_target_keeps_the_address_it_resolved(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    target = resolve("http://localhost:8123/in?x=1")
    assert (target.host, target.port, target.path) == ("localhost", 8123, "/in?x=1")
    assert target.ip in ("127.0.0.1", "::1")
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(AddressRefused):
        resolve("https://localhost:8123/in")


def test_the_subscription_cache_follows_create_disable_and_delete(
        django_capture_on_commit_callbacks, django_assert_num_queries):
    campaign = CampaignFactory()
    assert endpoints.subscribed(campaign, "entry.completed") == []
    with django_assert_num_queries(0):  # cached: no endpoint costs nothing more
        assert endpoints.subscribed(campaign, "entry.completed") == []
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = webhook_endpoint_create(workspace=campaign.workspace, campaign=campaign,
                                           url="http://127.0.0.1:9/", events=["entry.completed"])
    assert endpoints.subscribed(campaign, "entry.completed") == [endpoint.pk]
    assert endpoints.subscribed(campaign, "entry.started") == []
    assert endpoints.subscribed(CampaignFactory(workspace=campaign.workspace),
                                "entry.completed") == []
    with django_capture_on_commit_callbacks(execute=True):
        endpoints.webhook_endpoint_disable(endpoint=endpoint, reason="by hand")
    assert endpoints.subscribed(campaign, "entry.completed") == []
    with django_capture_on_commit_callbacks(execute=True):
        endpoints.webhook_endpoint_enable(endpoint=endpoint)
    assert endpoints.subscribed(campaign, "entry.completed") == [endpoint.pk]
    with django_capture_on_commit_callbacks(execute=True):
        endpoints.webhook_endpoint_delete(endpoint=endpoint)
    assert endpoints.subscribed(campaign, "entry.completed") == []
    assert not WebhookEndpoint.objects.exists()


def test_rotating_keeps_the_old_secret_signing_for_a_grace_period():
    endpoint = webhook_endpoint_create(workspace=WorkspaceFactory(), url="http://127.0.0.1:9/",
                                       events=["entry.completed"])
    old = endpoint.secret
    endpoints.webhook_secret_rotate(endpoint=endpoint)
    assert endpoint.secret != old
    assert endpoint.signing_secrets() == [endpoint.secret, old]
    later = endpoint.previous_secret_expires_at + endpoints.ROTATION_GRACE
    assert endpoint.signing_secrets(now=later) == [endpoint.secret]


def test_every_event_type_has_a_description_and_a_sample():
    assert len(EVENT_NAMES) == len(EVENTS) == 10
    for event in EVENTS:
        body = sample_payload(event.name)
        assert event.description
        assert body["type"] == event.name
        assert body["data"]
