"""The API keys page: owners make keys (the secret shown once), see them, revoke them."""

import re

import pytest
from django.urls import reverse

from builder.models import ApiKey

pytestmark = pytest.mark.django_db


def _create(client, **data):
    return client.post(reverse("builder:api_keys"),
                       {"name": "Zapier", "scopes": ["entries:read"], **data})


def test_an_owner_makes_a_key_and_sees_its_secret_once(login, owner, workspace):
    client = login(owner)
    response = _create(client, scopes=["entries:read", "webhooks:write"])
    assert response.status_code == 200
    secret = re.search(r'value="(sc_[^"]+)"', response.text).group(1)
    key = ApiKey.objects.get()
    assert key.workspace == workspace
    assert key.created_by == owner
    assert key.scopes == ["entries:read", "webhooks:write"]
    assert secret not in str(ApiKey.objects.values_list().get())
    assert client.get("/api/v1/entries", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 200
    listed = client.get(reverse("builder:api_keys")).text
    assert secret not in listed
    assert key.prefix in listed
    assert "Never" not in listed


def test_a_key_needs_a_name_and_a_scope(login, owner):
    response = _create(login(owner), name=" ", scopes=[])
    assert "Choose at least one thing the key may do." in response.text
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_refuses_the_key(login, owner, workspace, client):
    client = login(owner)
    secret = re.search(r'value="(sc_[^"]+)"', _create(client).text).group(1)
    key = ApiKey.objects.get()
    url = reverse("builder:api_key_revoke", args=[key.pk])
    asked = client.post(url)
    assert "Revoke the API key?" in asked.text
    assert 'name="confirm"' in asked.text
    key.refresh_from_db()
    assert key.revoked_at is None
    assert client.post(url, {"confirm": "1"}).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/api/v1/entries", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 401
    assert "Revoked" in client.get(reverse("builder:api_keys")).text


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_owners_manage_keys(login, request, role, workspace):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("builder:api_keys")).status_code == 403
    assert _create(client).status_code == 403
    assert not ApiKey.objects.exists()
