import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# Named once here: `Campaign.settings` would shadow django.conf.settings inside its class body.
USER_MODEL = settings.AUTH_USER_MODEL


class Workspace(models.Model):
    """A team's space: every campaign, entry and export belongs to exactly one workspace."""

    name = models.CharField(max_length=100)
    # Interaction data and partial entries older than this many days are purged; None keeps all.
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


# What each role may do, lowest first: viewers read, editors also write, owners also manage people.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class Membership(models.Model):
    user = models.ForeignKey(
        USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def allows(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


INVITATION_LIFETIME = timedelta(days=14)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An owner's offer of a role to an email address, accepted by whoever signs in with it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace} ({self.role})"

    @property
    def expires_at(self):
        return self.created_at + INVITATION_LIFETIME

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Kind(models.TextChoices):
    QUIZ = "quiz", "Quiz"
    FORM = "form", "Form"
    CONTEST = "contest", "Contest"
    GIVEAWAY = "giveaway", "Giveaway"
    SURVEY = "survey", "Survey"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class Scoring(models.TextChoices):
    NONE = "none", "No scoring"
    SCORE = "score", "By score range"
    WEIGHTS = "weights", "By most weight (personality)"


class Campaign(models.Model):
    """What a marketer builds. The rows below it are the editable draft; visitors only ever see
    a frozen `CampaignVersion`, so editing a live campaign never changes what entries answered.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="The public URL: /c/<slug>/")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FORM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    description = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # When it last stopped taking entries (paused, ended, unpublished); None while live. With
    # `ends_at` it decides a draw's cut-off.
    closed_at = models.DateTimeField(null=True, blank=True)
    # Flow-level settings frozen into each version (the blueprint's `intro`, `theme`, `settings`).
    intro = models.JSONField(default=dict, blank=True)
    theme = models.JSONField(default=dict, blank=True)
    scoring = models.CharField(max_length=10, choices=Scoring.choices, default=Scoring.NONE)
    show_progress = models.BooleanField(default=True)
    allow_back = models.BooleanField(default=True)
    # The languages its texts are written in, the default first, and the other languages' texts
    # (the blueprint's `languages` and `translations`, frozen into each version like the rows).
    languages = models.JSONField(default=list, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    # Campaign-level settings that are not part of the flow: embed origins, contest rules, limits.
    settings = models.JSONField(default=dict, blank=True)
    published_version = models.ForeignKey(
        "CampaignVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every draft write; a save carrying an older revision is stale (two editors).
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return self.name

    def closed_reason(self) -> str:
        """Why visitors cannot enter now ("" while they can): `unavailable` (unpublished or
        archived), `paused`, `ended` (by hand or its end date) or `not_started`. Every runtime
        write is refused for these, and the visitor is told which."""
        now = timezone.now()
        if self.status == Status.DRAFT or self.archived_at or self.published_version_id is None:
            return "unavailable"
        if self.status == Status.PAUSED:
            return "paused"
        if self.status == Status.ENDED or (self.ends_at and self.ends_at <= now):
            return "ended"
        if self.starts_at and self.starts_at > now:
            return "not_started"
        return ""


class Step(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    button = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="step_key_unique")]

    def __str__(self) -> str:
        return self.title or self.key


class Question(models.Model):
    # `campaign` is repeated here so that question keys are unique across the whole campaign:
    # answers and exports are keyed by them.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=500, blank=True)
    help = models.CharField(max_length=1000, blank=True)
    required = models.BooleanField(default=False)
    placeholder = models.CharField(max_length=200, blank=True)
    validation = models.JSONField(default=dict, blank=True)
    correct = models.JSONField(null=True, blank=True)
    points = models.IntegerField(default=0)
    # What the answer says about the entrant ("email", "name", "none"); "" decides by kind when
    # published (campaigns/blueprints/README.md "Contact roles").
    contact = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="question_key_unique")
        ]

    def __str__(self) -> str:
        return self.label or self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=300)
    image = models.CharField(max_length=300, blank=True)
    points = models.IntegerField(default=0)
    weights = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Rule(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    condition = models.JSONField(null=True, blank=True, help_text="null: always")
    action = models.JSONField()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.step.key} rule {self.position + 1}"


class Outcome(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outcomes")
    key = models.SlugField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    image = models.CharField(max_length=300, blank=True)
    min_score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    redirect_url = models.URLField(blank=True)
    # Shown by shared links instead of the drawn card (entries/sharing.py).
    share_image = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="outcome_key_unique")
        ]

    def __str__(self) -> str:
        return self.title


class EmailTrigger(models.TextChoices):
    COMPLETED = "completed", "Entry completed"
    OUTCOME = "outcome", "Outcome reached"
    WINNER = "winner", "Winner drawn"
    RESUME = "resume", "Resume link requested"
    REMINDER = "reminder", "Reminder for an abandoned entry"


class EmailTemplate(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="email_templates")
    position = models.PositiveIntegerField(default=0)
    trigger = models.CharField(max_length=10, choices=EmailTrigger.choices)
    outcome_key = models.SlugField(max_length=63, blank=True, help_text="For the outcome trigger")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    delay_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()}: {self.subject}"


class CampaignVersion(models.Model):
    """An immutable, validated blueprint: what the runtime, analytics and exports read."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} v{self.number}"


class DraftChange(models.Model):
    """One saved edit of a draft: how a second editor is told what changed under them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draft_changes")
    revision = models.PositiveIntegerField(help_text="The campaign's revision after this edit")
    by = models.ForeignKey(USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["campaign", "revision"]
        indexes = [models.Index(fields=["campaign", "revision"])]

    def __str__(self) -> str:
        return f"{self.campaign} r{self.revision}: {self.summary}"
