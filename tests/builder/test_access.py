"""Every builder URL, checked against people who must not get through.

The URL list comes from `builder.urls`, so a new URL is covered (or fails here) automatically.
"""

import pytest
from django.urls import URLPattern, reverse

from builder import urls as builder_urls
from campaigns.models import Role
from tests.factories import (
    CampaignFactory,
    ChoiceFactory,
    EmailTemplateFactory,
    EntryFactory,
    ExportFactory,
    InvitationFactory,
    MembershipFactory,
    OutboundEmailFactory,
    OutcomeFactory,
    RuleFactory,
    WinnerFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

# URLs that are not writes to a workspace: a user may always use them for themselves.
NOT_WORKSPACE_WRITES = {"no_workspace", "workspace_new", "workspace_switch", "invitation",
                        # answering the preview's steps writes nothing: viewers may preview
                        "campaign_preview_frame", "template_preview"}


def _objects_in(workspace):
    """One object of each kind a builder URL can take, all of one campaign inside `workspace`."""
    other_member = MembershipFactory(workspace=workspace, role=Role.EDITOR)
    campaign = CampaignFactory(workspace=workspace, kind="giveaway", languages=["en", "es"])
    entry = EntryFactory(version__campaign=campaign)
    choice = ChoiceFactory(question__step__campaign=campaign)
    outcome = OutcomeFactory(campaign=campaign)
    return {
        "workspace_id": workspace.pk,
        "membership_id": other_member.pk,
        "invitation_id": InvitationFactory(workspace=workspace).pk,
        "campaign_id": campaign.pk,
        "email_template_id": EmailTemplateFactory(campaign=campaign).pk,
        "entry_id": entry.pk,
        "winner_id": WinnerFactory(entry=entry).pk,
        "export_id": ExportFactory(campaign=campaign, requested_by=other_member.user).pk,
        "step_id": choice.question.step_id,
        "question_id": choice.question_id,
        "question_key": choice.question.key,
        "choice_id": choice.pk,
        "outcome_id": outcome.pk,
        "outcome_key": outcome.key,
        "rule_id": RuleFactory(step=choice.question.step).pk,
        "email_id": OutboundEmailFactory(campaign=campaign, entry=None, to_email="x@example.org",
                                         status="failed").pk,
        "token": InvitationFactory(workspace=workspace).token,
        "template": "personality-quiz",
        "language": "es",
    }


def _builder_urls(objects):
    for pattern in builder_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = list(pattern.pattern.converters)
        missing = [p for p in params if p not in objects]
        assert not missing, f"test_access does not know how to fill {missing} of {pattern.name}"
        yield pattern.name, params, reverse(f"builder:{pattern.name}",
                                            kwargs={p: objects[p] for p in params})


def test_every_object_url_is_404_to_a_member_of_another_workspace(client, outsider):
    objects = _objects_in(WorkspaceFactory(name="Victim Inc"))
    client.force_login(outsider)
    checked = 0
    for name, params, url in _builder_urls(objects):
        if not any(p.endswith("_id") for p in params):
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), (name, method.__name__,
                                                        response.status_code)
            if response.status_code == 404:
                checked += 1
    assert checked >= 5


def test_viewer_is_refused_every_write(client, viewer, workspace):
    objects = _objects_in(workspace)
    client.force_login(viewer)
    refused = []
    for name, _params, url in _builder_urls(objects):
        if name in NOT_WORKSPACE_WRITES:
            continue
        response = client.post(url, {"name": "Hacked", "email": "x@example.com", "role": "owner",
                                     "kind": "quiz"})
        assert response.status_code in (403, 405), (name, response.status_code)
        if response.status_code == 403:
            assert "view-only" in response.text or "Only owners of this workspace" in response.text
            refused.append(name)
    assert {"member_invite", "member_role", "invitation_cancel", "workspace_settings",
            "campaign_new", "campaign_from_template"} <= set(refused)
    workspace.refresh_from_db()
    assert workspace.name == "Acme Marketing"


def test_editor_cannot_manage_people(client, editor, workspace):
    objects = _objects_in(workspace)
    client.force_login(editor)
    for url in (
        reverse("builder:member_invite"),
        reverse("builder:workspace_settings"),
        reverse("builder:member_role", args=[objects["membership_id"]]),
        reverse("builder:member_remove", args=[objects["membership_id"]]),
        reverse("builder:invitation_cancel", args=[objects["invitation_id"]]),
    ):
        response = client.post(url, {"role": "owner", "email": "x@example.com", "name": "X"})
        assert response.status_code == 403, url
        assert "Only owners of this workspace" in response.text


def test_anonymous_is_sent_to_sign_in_everywhere_but_invitations(client):
    objects = _objects_in(WorkspaceFactory())
    for name, _params, url in _builder_urls(objects):
        response = client.get(url)
        if name == "invitation":
            assert response.status_code == 200
        elif response.status_code != 405:
            assert response.status_code == 302, name
            assert response.headers["Location"].startswith("/accounts/login/"), name


# --- the role is the one in the object's own workspace, whichever the session works in ---------


def _working_in(client, user, workspace):
    client.force_login(user)
    session = client.session
    session["workspace_id"] = workspace.pk
    session.save()


def _object_urls(objects):
    """The builder URLs of one object (not of the session's workspace, nor the user's own)."""
    for name, params, url in _builder_urls(objects):
        if name not in NOT_WORKSPACE_WRITES and any(p.endswith("_id") for p in params):
            yield name, url


def test_an_editor_of_b_writes_to_b_while_working_in_a_where_they_only_view(client):
    a, b = WorkspaceFactory(name="A"), WorkspaceFactory(name="B")
    user = MembershipFactory(workspace=a, role=Role.VIEWER).user
    MembershipFactory(user=user, workspace=b, role=Role.EDITOR)
    campaign = CampaignFactory(workspace=b, name="Spring quiz")

    _working_in(client, user, a)
    assert client.get(reverse("builder:campaign", args=[campaign.pk])).status_code == 200
    _working_in(client, user, a)
    response = client.post(reverse("builder:campaign_archive", args=[campaign.pk]))

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.archived_at is not None
    assert client.session["workspace_id"] == b.pk  # working in the campaign's workspace now


def test_no_write_of_b_is_refused_to_its_editor_working_in_a(client):
    a, b = WorkspaceFactory(name="A"), WorkspaceFactory(name="B")
    user = MembershipFactory(workspace=a, role=Role.VIEWER).user
    MembershipFactory(user=user, workspace=b, role=Role.EDITOR)
    objects = _objects_in(b)
    checked = 0
    for name, url in _object_urls(objects):
        if name in {"campaign_delete", "member_role", "member_remove", "invitation_cancel"}:
            continue  # owners' writes
        _working_in(client, user, a)
        response = client.post(url, {"name": "Renamed", "reason": "Checked"})
        assert response.status_code != 403, (name, response.text[:200])
        checked += 1
    assert checked >= 30


def test_a_viewer_of_b_is_refused_writes_to_b_while_working_where_they_own(client):
    a, b = WorkspaceFactory(name="A"), WorkspaceFactory(name="B")
    user = MembershipFactory(workspace=a, role=Role.OWNER).user
    MembershipFactory(user=user, workspace=b, role=Role.VIEWER)
    objects = _objects_in(b)
    refused = []
    for name, url in _object_urls(objects):
        if name == "member_remove":
            continue  # leaving is anyone's right; removing someone else is an owner's
        _working_in(client, user, a)
        response = client.post(url, {"name": "Hacked", "role": "owner", "reason": "Because"})
        assert response.status_code in (403, 405), (name, response.status_code)
        if response.status_code == 403:
            assert ("view-only" in response.text
                    or "Only owners of this workspace" in response.text), name
            refused.append(name)
    assert {"campaign_settings", "campaign_publish", "editor_step_add", "rule_new",
            "member_role", "email_template_new", "campaign_draw_run"} <= set(refused)
    _working_in(client, user, a)
    assert client.get(reverse("builder:campaign", args=[objects["campaign_id"]])).status_code == 200
