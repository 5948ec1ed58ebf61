"""What the peer wizard saves at its end: one row per finished form, its answers as one object."""

from django.db import models


class PeerSubmission(models.Model):
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"submission {self.pk}"
