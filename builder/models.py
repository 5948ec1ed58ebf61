from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A marketer or admin. Signs in with an email address; there is no username."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]


class ApiScope(models.TextChoices):
    """What an API key may do; each API operation names the one it needs."""

    ENTRIES_READ = "entries:read", "Read entries"
    CAMPAIGNS_READ = "campaigns:read", "Read campaigns, results and draws"
    CAMPAIGNS_WRITE = "campaigns:write", "Create, check, publish, pause and end campaigns"
    EXPORTS_WRITE = "exports:write", "Start CSV exports and download them"
    PEOPLE_WRITE = "people:write", "Export or erase one person's data"
    WEBHOOKS_WRITE = "webhooks:write", "Subscribe and unsubscribe REST hooks"


class ApiKey(models.Model):
    """A workspace's key to the REST API (builder/api/). Here, not in campaigns: only the API
    reads keys, and the API is a marketer-facing interface like the rest of the builder.

    Only a SHA-256 of the secret is kept: the secret is 256 random bits, so a fast hash is as
    safe as a slow one and costs nothing per request. `prefix` is what lists show."""

    workspace = models.ForeignKey("campaigns.Workspace", on_delete=models.CASCADE,
                                  related_name="api_keys")
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute (builder.api.keys.api_key_touch), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["secret_hash"],
                                               name="api_key_secret_hash_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
