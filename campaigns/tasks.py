from celery import shared_task

from campaigns.emails import invitation_email
from campaigns.models import Invitation
from campaigns.services.workspaces import invitation_mark_sent


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, sent_at__isnull=True)
        .first()
    )
    if invitation is None:  # revoked, accepted or already sent: nothing to do
        return
    invitation_email(invitation).send()
    invitation_mark_sent(invitation=invitation)
