"""Absolute URLs of this site, for wherever a link leaves the request: emails, shared links,
Open Graph tags. All of them come from the one setting, SITE_URL (see config/settings/base.py)."""

from django.conf import settings


def site_url(path: str) -> str:
    """`site_url("/c/quiz/")` → "https://quiz.example.com/c/quiz/"; a full URL is kept as is."""
    if not path.startswith("/"):
        return path
    return settings.SITE_URL.rstrip("/") + path
