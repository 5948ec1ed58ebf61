"""Contests commit to their draw salt the moment they go live.

A receiver rather than a call in the publish view: every way a campaign becomes live (publishing,
resuming, the import command, the admin) saves the Campaign, and campaigns must not import
entries. The seal is written in the same transaction as the status change.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from campaigns.models import Campaign
from entries.services.draws import contest_went_live


@receiver(post_save, sender=Campaign, dispatch_uid="entries.contest_went_live")
def _contest_went_live(sender, instance: Campaign, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "status" not in update_fields):
        return

    contest_went_live(campaign=instance)
