"""What a results page looks at: one campaign, all its versions or one, and a range of days.

Every figure is about the entries *started* in the range (a cohort: an entry started on the last
day and finished the day after still counts as completed) and the landing-page views counted on
the days of the range.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns import flow
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries.models import DailyViews, Entry


@dataclass(frozen=True)
class Scope:
    campaign: Campaign
    version_id: int | None = None
    start: date | None = None  # first day included
    end: date | None = None  # last day included
    language: str | None = None  # entries answered in it (landing views are not split)

    def entry_q(self, prefix: str = "") -> Q:
        """The scope's entries as a filter, for Entry itself or through a relation (`entry__`)."""
        q = Q(**{f"{prefix}campaign_id": self.campaign.pk})
        if self.version_id is not None:
            q &= Q(**{f"{prefix}version_id": self.version_id})
        if self.start is not None:
            q &= Q(**{f"{prefix}started_at__gte": _midnight(self.start)})
        if self.end is not None:
            q &= Q(**{f"{prefix}started_at__lt": _midnight(self.end + timedelta(days=1))})
        if self.language is not None:
            # Entries from before campaigns had languages were answered in the default one.
            default = (self.campaign.languages or [""])[0]
            languages = [self.language, ""] if self.language == default else [self.language]
            q &= Q(**{f"{prefix}language__in": languages})
        return q

    def entries(self) -> QuerySet[Entry]:
        return Entry.objects.filter(self.entry_q()).order_by()

    def views(self) -> QuerySet[DailyViews]:
        views = DailyViews.objects.filter(campaign_id=self.campaign.pk)
        if self.version_id is not None:
            views = views.filter(version_id=self.version_id)
        if self.start is not None:
            views = views.filter(day__gte=self.start)
        if self.end is not None:
            views = views.filter(day__lte=self.end)
        return views.order_by()

    @cached_property
    def definitions(self) -> list[tuple[int, flow.Definition]]:
        """(version id, definition), newest first: labels and order come from the newest."""
        versions = self.campaign.versions.order_by("-number").values_list("pk", flat=True)
        if self.version_id is not None:
            versions = versions.filter(pk=self.version_id)
        return [(pk, definition_for(pk)) for pk in versions]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
