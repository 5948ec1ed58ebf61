from django.core.management.base import BaseCommand

from builder.models import User
from campaigns.services.workspaces import workspace_create

DEMO_EMAIL = "demo@stepcraft.test"
DEMO_PASSWORD = "stepcraft-demo"
DEMO_WORKSPACE = "Demo workspace"


class Command(BaseCommand):
    help = "Create the demo sign-in and workspace (idempotent) and print how to sign in."

    def handle(self, *args, **options):
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Demo")
            workspace_create(owner=user, name=DEMO_WORKSPACE)
            self.stdout.write("Created the demo workspace.")
        self.stdout.write(self.style.SUCCESS(
            f"\n  Stepcraft is at http://127.0.0.1:8000/\n"
            f"  Sign in as {DEMO_EMAIL} with password {DEMO_PASSWORD}\n"
        ))
