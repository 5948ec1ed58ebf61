from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Invitation, Membership, Role, Workspace


@transaction.atomic
def workspace_create(*, owner, name: str) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    workspace = Workspace.objects.create(name=name[:100])
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    return workspace


def workspace_create_personal(*, owner) -> Workspace:
    return workspace_create(owner=owner, name=f"{owner.display_name}'s workspace")


def workspace_rename(*, workspace: Workspace, name: str) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    workspace.name = name[:100]
    workspace.save(update_fields=["name"])
    return workspace


@transaction.atomic
def invitation_create(*, workspace: Workspace, invited_by, email: str, role: str) -> Invitation:
    """Invite `email`, or refresh the pending invitation (new role, new token, new email sent)."""
    from campaigns.tasks import invitation_send  # noqa: PLC0415  (tasks imports this module)

    email = email.strip()
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if workspace.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of this workspace."})
    workspace.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, invited_by=invited_by
    )
    invitation_send.delay_on_commit(invitation.pk)
    return invitation


def invitation_mark_sent(*, invitation: Invitation) -> Invitation:
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if invitation.is_expired:
        raise ValidationError("This invitation has expired. Ask for a new one.")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign in with the invited address to accept it."
        )
    membership, created = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role}
    )
    if not created and not membership.allows(invitation.role):
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")
    invitation.delete()


def _ensure_another_owner(membership: Membership) -> None:
    others = membership.workspace.memberships.filter(role=Role.OWNER).exclude(pk=membership.pk)
    if membership.role == Role.OWNER and not others.exists():
        raise ValidationError(
            "A workspace needs at least one owner. Make someone else owner first."
        )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError("Choose a role.")
    if role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _ensure_another_owner(membership)
    membership.delete()
