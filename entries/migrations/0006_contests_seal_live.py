"""Contests already published before draws existed get their commitment now; the rules and
proof pages show when it was made, so a commitment made after entries began says so."""

import hashlib
import secrets

from django.db import migrations


def seal_published_contests(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    ContestSeal = apps.get_model("entries", "ContestSeal")
    published = Campaign.objects.filter(kind__in=["contest", "giveaway"],
                                        published_version__isnull=False, seal__isnull=True)
    for campaign in published.iterator():
        salt = secrets.token_bytes(32)
        ContestSeal.objects.create(campaign=campaign, salt=salt.hex(),
                                   salt_commit=hashlib.sha256(salt).hexdigest(),
                                   ticket_key=secrets.token_bytes(32).hex())


class Migration(migrations.Migration):

    dependencies = [("entries", "0005_data_exports_erasures_indexes")]

    operations = [migrations.RunPython(seal_published_contests, migrations.RunPython.noop)]
