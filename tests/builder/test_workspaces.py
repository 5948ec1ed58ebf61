from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Invitation, Membership, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_owner_invites_by_email_and_the_email_carries_the_link(login, owner, workspace,
                                                               django_capture_on_commit_callbacks):
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("builder:member_invite"),
                               {"email": "new@example.com", "role": "editor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.com")
    assert invitation.role == Role.EDITOR
    assert invitation.sent_at is not None
    assert mail.outbox[0].to == ["new@example.com"]
    assert invitation.token in mail.outbox[0].body
    assert workspace.name in mail.outbox[0].subject


def test_htmx_invite_returns_the_members_panel(login, owner):
    client = login(owner)
    response = client.post(reverse("builder:member_invite"),
                           {"email": "new@example.com", "role": "viewer"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="members-panel"' in response.text
    assert "new@example.com" in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "not-an-email", "role": "editor"}, "it needs an @, like name@example.com."),
    ({"email": "new@localhost", "role": "editor"}, "the part after the @ needs a dot"),
    ({"email": "x@example.com", "role": "emperor"}, "Select a valid choice."),
])
def test_invalid_invitation_shows_the_error_next_to_the_field(login, owner, data, message):
    response = login(owner).post(reverse("builder:member_invite"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert message in response.text
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(login, owner, editor):
    response = login(owner).post(reverse("builder:member_invite"),
                                 {"email": editor.email, "role": "viewer"})
    assert "already a member" in response.text
    assert not Invitation.objects.exists()


def test_inviting_twice_refreshes_the_pending_invitation(login, owner):
    client = login(owner)
    client.post(reverse("builder:member_invite"), {"email": "n@example.com", "role": "viewer"})
    client.post(reverse("builder:member_invite"), {"email": "N@example.com", "role": "owner"})
    invitation = Invitation.objects.get()
    assert invitation.role == Role.OWNER


def test_invitee_signs_up_then_accepts(client, workspace):
    invitation = InvitationFactory(workspace=workspace, email="bob@example.com", role=Role.VIEWER)
    page = client.get(reverse("builder:invitation", args=[invitation.token]))
    assert "Create an account to accept" in page.text
    client.post(reverse("account_signup") + f"?next=/app/invitations/{invitation.token}/", {
        "email": "bob@example.com", "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    })
    response = client.post(reverse("builder:invitation", args=[invitation.token]))
    assert response.headers["Location"] == reverse("builder:home")
    membership = Membership.objects.get(user__email="bob@example.com", workspace=workspace)
    assert membership.role == Role.VIEWER
    # The invited workspace is now the current one.
    assert workspace.name in client.get("/app/").text


def test_invitation_for_another_address_is_refused(login, workspace, user):
    invitation = InvitationFactory(workspace=workspace, email="someone-else@example.com")
    response = login(user).post(reverse("builder:invitation", args=[invitation.token]))
    assert "was sent to someone-else@example.com" in response.text
    assert not Membership.objects.filter(workspace=workspace, user=user).exists()


def test_expired_and_used_invitations_cannot_be_accepted(login, workspace):
    invitee = UserFactory(email="late@example.com")
    expired = InvitationFactory(workspace=workspace, email=invitee.email,
                                created_at=timezone.now() - timedelta(days=30))
    client = login(invitee)
    assert "Invitation expired" in client.get(reverse("builder:invitation",
                                                      args=[expired.token])).text
    response = client.post(reverse("builder:invitation", args=[expired.token]))
    assert "expired" in response.text
    assert not Membership.objects.filter(user=invitee).exists()


def test_unknown_invitation_token_is_404(client):
    assert client.get("/app/invitations/not-a-token/").status_code == 404


def test_owner_changes_a_role(login, owner, editor):
    membership = editor.memberships.get()
    login(owner).post(reverse("builder:member_role", args=[membership.pk]), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_owner_cannot_step_down_or_leave(login, owner):
    membership = owner.memberships.get()
    client = login(owner)
    response = client.post(reverse("builder:member_role", args=[membership.pk]),
                           {"role": "editor"}, follow=True)
    assert "at least one owner" in response.text
    client.post(reverse("builder:member_remove", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_a_member_can_leave(login, editor, owner):
    response = login(editor).post(reverse("builder:member_remove",
                                          args=[editor.memberships.get().pk]))
    assert response.status_code == 302
    assert not editor.memberships.exists()


def test_owner_removes_a_member_and_cancels_an_invitation(login, owner, viewer, workspace):
    invitation = InvitationFactory(workspace=workspace)
    client = login(owner)
    client.post(reverse("builder:member_remove", args=[viewer.memberships.get().pk]))
    client.post(reverse("builder:invitation_cancel", args=[invitation.pk]))
    assert not viewer.memberships.exists()
    assert not Invitation.objects.exists()


def test_user_switches_between_workspaces(login, owner):
    second = MembershipFactory(user=owner, workspace=WorkspaceFactory(name="Client B"),
                               role=Role.VIEWER)
    client = login(owner)
    client.post(reverse("builder:workspace_switch", args=[second.workspace_id]))
    page = client.get("/app/")
    assert '<span class="switcher-name">Client B</span>' in page.text
    assert "You have view-only access" in page.text


def test_owner_renames_the_workspace(login, owner, workspace):
    login(owner).post(reverse("builder:workspace_settings"), {"name": "Acme Growth"})
    workspace.refresh_from_db()
    assert workspace.name == "Acme Growth"


def test_blank_workspace_name_is_refused(login, owner, workspace):
    response = login(owner).post(reverse("builder:workspace_settings"), {"name": "   "})
    assert "This field is required." in response.text
    workspace.refresh_from_db()
    assert workspace.name == "Acme Marketing"
