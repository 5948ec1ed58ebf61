from pathlib import Path

import pytest

from campaigns.models import Invitation
from campaigns.services.workspaces import invitation_create
from tests.factories import MembershipFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_sent_through_the_broker_runs_in_the_worker_against_the_database(celery_worker):
    owner = MembershipFactory().user
    invitation = invitation_create(workspace=owner.memberships.get().workspace, invited_by=owner,
                                   email="via-worker@example.com", role="editor")

    def sent():
        """the worker to mark the invitation sent"""
        return Invitation.objects.get(pk=invitation.pk).sent_at

    wait_for(sent)
    mails = "".join(p.read_text() for p in Path(celery_worker["mail_dir"]).glob("*.log"))
    assert "To: via-worker@example.com" in mails
    assert invitation.token in mails
    assert "invitation_send" in celery_worker["log"].read_text()
