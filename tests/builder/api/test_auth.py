"""Who gets in: a live key of the workspace with the operation's scope, within its rate."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from builder.api.keys import api_key_find, api_key_revoke, secret_hash
from builder.models import ApiKey
from tests.builder.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_no_key_is_401_with_a_sentence_that_says_how(client, campaign):
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer sc_" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer sc_not-a-real-key", "Bearer ", "Basic c2M6eA==",
                                    "Bearer nothing-like-ours"])
def test_an_unknown_or_malformed_key_is_401(client, campaign, header):
    response = client.get("/api/v1/campaigns", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_revoked_key_is_401_from_the_next_request(api):
    assert api.get("/campaigns").status_code == 200
    api_key_revoke(key=api.key)
    assert api.get("/campaigns").status_code == 401


def test_only_a_hash_of_the_secret_is_kept(api):
    secret = api.headers["Authorization"].removeprefix("Bearer ")
    key = ApiKey.objects.get(pk=api.key.pk)
    assert secret.startswith("sc_")
    assert len(secret) > 40
    assert key.secret_hash == secret_hash(secret) != secret
    assert secret.startswith(key.prefix)
    assert len(key.prefix) < 16
    assert api_key_find(secret) == key
    assert api_key_find(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_a_key_without_the_scope_is_403_naming_it(api_as):
    api = api_as("campaigns:read")
    assert api.get("/campaigns").status_code == 200
    response = api.get("/entries")
    assert response.status_code == 403
    assert "entries:read" in response.json()["detail"]
    assert api.post("/campaigns", {"template": "giveaway"}).status_code == 403


def test_last_used_is_written_at_most_once_a_minute(api):
    assert api.key.last_used_at is None
    api.get("/campaigns")
    first = ApiKey.objects.get(pk=api.key.pk).last_used_at
    assert first is not None
    api.get("/campaigns")
    assert ApiKey.objects.get(pk=api.key.pk).last_used_at == first
    ApiKey.objects.filter(pk=api.key.pk).update(
        last_used_at=timezone.now() - timezone.timedelta(minutes=2))
    api.get("/campaigns")
    assert ApiKey.objects.get(pk=api.key.pk).last_used_at > first


def test_past_the_rate_a_key_gets_429_with_retry_after(api, api_as, settings):
    settings.API_RATE_LIMIT = 3
    cache.clear()
    assert [api.get("/campaigns").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/campaigns")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "wait" in response.json()["detail"]
    # The limit is per key: another key of the same workspace still gets through.
    assert api_as().get("/campaigns").status_code == 200


def test_a_key_reaches_only_its_own_workspace(client, campaign, publish, lead_form, api_as):
    other = publish(lead_form)
    theirs = api_as(workspace=other.workspace)
    for path in (f"/campaigns/{campaign.pk}", f"/campaigns/{campaign.pk}/definition",
                 f"/campaigns/{campaign.pk}/check", f"/campaigns/{campaign.pk}/results",
                 f"/campaigns/{campaign.pk}/draws"):
        assert theirs.get(path).status_code == 404, path
    for path in (f"/campaigns/{campaign.pk}/publish", f"/campaigns/{campaign.pk}/exports"):
        assert theirs.post(path).status_code == 404, path
    response = theirs.post(f"/campaigns/{campaign.pk}/status", {"status": "paused"})
    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == "live"
    assert [c["id"] for c in theirs.get("/campaigns").json()] == [other.pk]


def test_a_key_secret_is_not_accepted_as_a_session_or_query(client, api):
    secret = api.headers["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/campaigns", {"key": secret}).status_code == 401
    assert Api(client, secret).get("/campaigns").status_code == 200
