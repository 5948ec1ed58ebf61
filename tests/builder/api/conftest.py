import copy
import json

import pytest

from builder.api.keys import api_key_create
from builder.models import ApiScope
from campaigns.blueprints import gallery_template
from campaigns.models import Role


class Api:
    """The test client speaking to /api/v1/ with one key."""

    def __init__(self, client, secret: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body or {}),
                                content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def lead_form():
    return copy.deepcopy(gallery_template("lead-form").document)


@pytest.fixture
def campaign(publish, lead_form):
    """A published lead form in a workspace of its own."""
    return publish(lead_form)


@pytest.fixture
def api_as(client, campaign):
    """`api_as(*scopes)`: a client with a new key of the campaign's workspace (every scope when
    none is named), made by its owner."""

    def make(*scopes, workspace=None):
        workspace = workspace or campaign.workspace
        owner = workspace.memberships.filter(role=Role.OWNER).first().user
        key, secret = api_key_create(workspace=workspace, name="Tests",
                                     scopes=list(scopes or ApiScope.values), by=owner)
        api = Api(client, secret)
        api.key = key
        return api

    return make


@pytest.fixture
def api(api_as):
    return api_as()
