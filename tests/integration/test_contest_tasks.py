"""The contest beat jobs run in a real worker: registered from entries/tasks.py, drawing an
ended auto-draw contest once, and forfeiting an unclaimed prize to the next alternate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries import tasks
from entries.models import Draw, Winner, WinnerStatus
from tests.entries.contests import eligible_entry, giveaway_document
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_draws_an_ended_auto_draw_contest_once_and_expires_claims(celery_worker,
                                                                              publish):
    campaign = publish(giveaway_document(), settings={"auto_draw": True, "winners": 1,
                                                      "alternates": 2})
    for _ in range(5):
        eligible_entry(campaign)
    campaign_set_status(campaign=campaign, status=Status.ENDED)

    tasks.contests_draw_due.delay()
    tasks.contests_draw_due.delay()

    def drawn():
        """the worker to draw the contest"""
        return Draw.objects.filter(campaign=campaign).first()

    draw = wait_for(drawn)
    winner = draw.winners.get()
    Winner.objects.filter(pk=winner.pk).update(claim_deadline=timezone.now() - timedelta(1))
    tasks.winners_expire.delay()

    def passed_on():
        """the worker to pass the unclaimed prize to the first alternate"""
        return Winner.objects.filter(replaces=winner, status=WinnerStatus.NOTIFIED).first()

    assert wait_for(passed_on).rank == 2
    assert Draw.objects.filter(campaign=campaign).count() == 1
    assert "contests_draw_due" in celery_worker["log"].read_text()
