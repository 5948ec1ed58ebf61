"""Tasks sent on commit (config/celery.py): with the broker down the request that sent one
still succeeds, at once, with one log line; what the task would do stays in the database."""

import logging

import pytest

from campaigns.models import Invitation
from campaigns.services.workspaces import invitation_create
from tests.factories import MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_an_invitation_sent_while_the_broker_is_down_is_saved_and_logged_once(broker_down,
                                                                              caplog):
    owner = MembershipFactory().user
    invitation = invitation_create(workspace=owner.memberships.get().workspace, invited_by=owner,
                                   email="later@example.com", role="editor")

    assert Invitation.objects.get(pk=invitation.pk).sent_at is None
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(";")[0] for r in logged] == [
        f"could not publish campaigns.tasks.invitation_send({invitation.pk},)"]
    assert logged[0].exc_info is None
