"""Celery beat jobs of contests (listed in CELERY_IMPORTS and CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from entries.services.draws import draws_run_due
from entries.services.winners import winners_forfeit_expired


@shared_task(acks_late=True)
def contests_draw_due() -> int:
    """Draw each ended contest that has auto_draw, once (the draw is unique per campaign)."""
    return len(draws_run_due())


@shared_task(acks_late=True)
def winners_expire() -> int:
    """Forfeit prizes not claimed by their deadline; each passes to the next alternate."""
    return len(winners_forfeit_expired())
