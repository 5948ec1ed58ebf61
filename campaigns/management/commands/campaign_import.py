from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns import flow
from campaigns.models import Role, Workspace
from campaigns.services.campaigns import campaign_import


class Command(BaseCommand):
    help = "Create a draft campaign from a blueprint JSON file; imports nothing on any problem."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help="the workspace's id or exact name")

    def handle(self, file, workspace, **options):
        target = (Workspace.objects.filter(pk=workspace).first() if workspace.isdigit()
                  else Workspace.objects.filter(name=workspace).first())
        if target is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        owner = target.memberships.filter(role=Role.OWNER).select_related("user").first()
        try:
            campaign = campaign_import(workspace=target, by=owner.user if owner else None, raw=raw)
        except flow.BlueprintError as error:
            for problem in error.problems:
                self.stderr.write(f"{problem.path or '(document)'}: {problem.message}")
            raise CommandError(f"{len(error.problems)} problem(s); nothing was imported.") from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported “{campaign.name}” as a draft: /c/{campaign.slug}/ (id {campaign.pk})."))
