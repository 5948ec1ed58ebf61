import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.documents import draft_document
from campaigns.models import Campaign


class Command(BaseCommand):
    help = "Print a campaign's draft as a blueprint JSON document (schema 1)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--published", action="store_true",
                            help="the live version instead of the draft")

    def handle(self, slug, published, **options):
        campaign = Campaign.objects.filter(slug=slug).select_related("published_version").first()
        if campaign is None:
            raise CommandError(f"No campaign with the slug {slug!r}.")
        if published and campaign.published_version is None:
            raise CommandError(f"{slug!r} has never been published.")
        document = campaign.published_version.definition if published else draft_document(
            campaign)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
