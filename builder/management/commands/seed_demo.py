import copy

from django.core.management.base import BaseCommand

from builder.models import User
from campaigns.blueprints import gallery_template
from campaigns.services.campaigns import PublishRefused, campaign_create, campaign_publish
from campaigns.services.workspaces import workspace_create
from entries.demo import demo_visitors_seed

DEMO_EMAIL = "demo@stepcraft.test"
DEMO_PASSWORD = "stepcraft-demo"
DEMO_WORKSPACE = "Demo workspace"
DEMO_TEMPLATES = ("personality-quiz", "knowledge-quiz", "lead-form", "giveaway")


class Command(BaseCommand):
    help = "Create the demo sign-in, workspace and published campaigns (idempotent)."

    def handle(self, *args, **options):
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Demo")
            workspace = workspace_create(owner=user, name=DEMO_WORKSPACE)
            for slug in DEMO_TEMPLATES:
                self._publish(workspace, user, slug)
        self.stdout.write(self.style.SUCCESS(
            f"\n  Stepcraft is at http://127.0.0.1:8000/\n"
            f"  Sign in as {DEMO_EMAIL} with password {DEMO_PASSWORD}\n"
        ))

    def _publish(self, workspace, user, slug: str) -> None:
        template = gallery_template(slug)
        if template is None:
            return
        campaign = campaign_create(workspace=workspace, by=user,
                                   document=copy.deepcopy(template.document))
        try:
            campaign_publish(campaign=campaign, by=user)
        except PublishRefused as refused:
            self.stderr.write(f"{slug} left as a draft: {refused}")
            return
        campaign.refresh_from_db()
        visitors = demo_visitors_seed(campaign=campaign)
        self.stdout.write(f"Published {campaign.name} with {visitors} sample visitors: "
                          f"http://127.0.0.1:8000/c/{campaign.slug}/")
