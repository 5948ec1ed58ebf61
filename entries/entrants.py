"""Which entries of a campaign a marketer is looking at: filters, search, sort and keyset pages.

One `EntrantFilters` serves the entrants table, its CSV export and the export job (stored as JSON
in `Export.filters`), so an export always holds exactly the rows the table showed. Pages are keyset
pages on indexed (sort column, id) pairs: page 10,000 costs what page 1 costs, and nothing counts
a million rows (`capped_count` stops at a cap).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns import flow
from campaigns.models import Campaign
from campaigns.versions import definition_for
from entries.models import Entry, EntryStatus

COUNT_CAP = 10_000

# sort parameter -> (model field, descending)
SORTS = {
    "-started": ("started_at", True),
    "started": ("started_at", False),
    "-score": ("score", True),
    "score": ("score", False),
}
SORT_LABELS = {"-started": "Newest first", "started": "Oldest first",
               "-score": "Highest score", "score": "Lowest score"}
DEFAULT_SORT = "-started"


@dataclass(frozen=True)
class EntrantFilters:
    status: str = ""
    outcome: str = ""
    version: int | None = None  # the version number, as marketers know it
    date_from: str = ""  # ISO dates, inclusive, on the day an entry was started (UTC)
    date_to: str = ""
    source: str = ""
    min_fraud: float | None = None
    q: str = ""
    sort: str = DEFAULT_SORT

    def to_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in ("", None)}

    @classmethod
    def from_json(cls, data: dict) -> EntrantFilters:
        return cls(**{key: value for key, value in data.items()
                      if key in cls.__dataclass_fields__})

    @property
    def active(self) -> bool:
        return any(key != "sort" for key in self.to_json())

    def apply(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.outcome:
            queryset = queryset.filter(outcome=self.outcome)
        if self.version is not None:
            queryset = queryset.filter(version__number=self.version)
        if self.date_from:
            queryset = queryset.filter(started_at__gte=_day_start(self.date_from))
        if self.date_to:
            queryset = queryset.filter(
                started_at__lt=_day_start(self.date_to) + timedelta(days=1))
        if self.source:
            queryset = queryset.filter(Q(source__utm_source__iexact=self.source)
                                       | Q(source__referrer__icontains=self.source))
        if self.min_fraud is not None:
            queryset = queryset.filter(fraud__score__gte=self.min_fraud)
        if self.q and "@" in self.q[1:]:
            # An address, or the start of one: a prefix, which an index serves at any size.
            queryset = queryset.filter(email__istartswith=self.q)
        elif self.q:
            queryset = queryset.filter(Q(email__icontains=self.q) | Q(name__icontains=self.q))
        return queryset


def _day_start(iso_day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(iso_day).date(), time.min,
                            tzinfo=timezone.get_current_timezone())


class EntrantFilterForm(forms.Form):
    """The table's filter bar; `filters()` is what it means once valid."""

    q = forms.CharField(required=False, max_length=200, label="Search email or name",
                        help_text="An address, or its start, finds it at once; other text is "
                                  "searched anywhere in emails and names.")
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("", "Any status"), *EntryStatus.choices])
    outcome = forms.ChoiceField(required=False, label="Outcome")
    version = forms.TypedChoiceField(required=False, label="Version", coerce=int,
                                     empty_value=None)
    date_from = forms.DateField(required=False, label="Started from",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="Started until",
                              widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(required=False, max_length=200, label="Source",
                             help_text="utm_source, or part of the referring address")
    min_fraud = forms.FloatField(required=False, min_value=0, label="Fraud score at least")
    sort = forms.ChoiceField(required=False, label="Sort", choices=list(SORT_LABELS.items()))

    def __init__(self, data, *, campaign: Campaign, **kwargs):
        super().__init__(data, **kwargs)
        versions = list(campaign.versions.order_by("-number").values_list("id", "number"))
        self.fields["version"].choices = [("", "Any version")] + [
            (number, f"v{number}") for _, number in versions]
        outcomes: dict[str, str] = {}
        for version_id, _ in versions:
            for outcome in definition_for(version_id).outcomes:
                outcomes.setdefault(outcome.key, flow.untagged(outcome.title) or outcome.key)
        self.fields["outcome"].choices = [("", "Any outcome"), *outcomes.items()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> EntrantFilters:
        """The filters the form holds; fields with errors are ignored (and shown as errors)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        return EntrantFilters(
            status=valid.get("status") or "",
            outcome=valid.get("outcome") or "",
            version=valid.get("version"),
            date_from=valid["date_from"].isoformat() if valid.get("date_from") else "",
            date_to=valid["date_to"].isoformat() if valid.get("date_to") else "",
            source=(valid.get("source") or "").strip(),
            min_fraud=valid.get("min_fraud"),
            q=(valid.get("q") or "").strip(),
            sort=valid.get("sort") or DEFAULT_SORT,
        )


def entrants(campaign: Campaign, filters: EntrantFilters) -> QuerySet[Entry]:
    return filters.apply(Entry.objects.filter(campaign=campaign))


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, more): counts at most `cap + 1` rows, so the cost is bounded at any table size."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


@dataclass
class Page:
    rows: list[Entry]
    next_cursor: str | None
    previous_cursor: str | None


def encode_cursor(value, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort_field: str) -> tuple | None:
    """(value, id) from a cursor, or None for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            return None
        if sort_field.endswith("_at"):
            value = datetime.fromisoformat(value)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            return None
        return value, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def entrant_page(queryset: QuerySet[Entry], sort: str, *, after: str = "", before: str = "",
                 size: int, selective: bool = False) -> Page:
    """One page after (or before) a cursor, in `sort` order with the id breaking ties.

    `selective` says the filters match few rows (a search): the rows are then found first and
    sorted after. Otherwise PostgreSQL may walk the whole sort index backwards looking for the
    few matches, which takes seconds at a million entries.
    """
    sort_field, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    backwards = bool(before) and not after
    position = decode_cursor(before if backwards else after, sort_field) if (after or before) \
        else None
    forward_desc = descending != backwards  # walking backwards flips the direction
    if position is not None:
        value, pk = position
        if forward_desc:
            queryset = queryset.filter(Q(**{f"{sort_field}__lt": value})
                                       | Q(**{sort_field: value, "id__lt": pk}))
        else:
            queryset = queryset.filter(Q(**{f"{sort_field}__gt": value})
                                       | Q(**{sort_field: value, "id__gt": pk}))
    # Coalesce(x, x) is x, but not an indexed column: the planner cannot sort by walking it.
    key = Coalesce(sort_field, sort_field) if selective else F(sort_field)
    order = (key.desc(), "-id") if forward_desc else (key.asc(), "id")
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = (position is not None) if not backwards else more
    return Page(
        rows,
        encode_cursor(getattr(last, sort_field), last.pk) if has_next else None,
        encode_cursor(getattr(first, sort_field), first.pk) if has_previous else None,
    )
