"""Who came, from where, when, and where they ended: outcomes, entries per day, sources and UTM
campaigns, referrals, and the results visitors shared, by network."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Case, Count, F, Func, Q, TextField, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.db.models.lookups import Contains, In

from campaigns import flow
from campaigns.models import Campaign
from entries.analytics.scope import Scope
from entries.models import Entry, Interaction, InteractionKind
from entries.sharing import NETWORKS

TOP = 10
DIRECT = "Direct"


@dataclass(frozen=True)
class Row:
    label: str
    entries: int
    completed: int = 0

    @property
    def completion_rate(self) -> float:
        return self.completed / self.entries if self.entries else 0.0


@dataclass(frozen=True)
class Day:
    day: date
    started: int
    completed: int


@dataclass(frozen=True)
class Referrer:
    label: str  # the referring entrant's email or name, else their referral code
    entry_id: int
    referred: int
    completed: int


@dataclass(frozen=True)
class Referrals:
    referred: int  # entries that came through someone's referral link
    completed: int
    referrers: int  # distinct entrants whose link brought at least one entry
    top: list[Referrer]


def outcomes(scope: Scope) -> list[Row]:
    """Completed entries per outcome, in the newest version's order; unknown keys last."""
    counts = dict(
        scope.entries().filter(completed_at__isnull=False)
        .values("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    titles: dict[str, str] = {}
    for _, definition in scope.definitions:
        for outcome in definition.outcomes:
            titles.setdefault(outcome.key, flow.untagged(outcome.title) or outcome.key)
    keys = [*titles, *sorted(counts.keys() - titles.keys() - {""})]
    rows = [Row(titles.get(key, key), counts.get(key, 0), counts.get(key, 0)) for key in keys]
    if counts.get(""):
        rows.append(Row("No outcome", counts[""], counts[""]))
    return rows


class TruncDay(TruncDate):
    """TruncDate without SQLite's per-row Python function when the day is a UTC day: datetimes
    are stored as UTC text there, so the built-in date() reads the day at C speed."""

    def as_sqlite(self, compiler, connection, **extra):
        if self.get_tzname() != "UTC":
            return super().as_sql(compiler, connection, **extra)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql})", params


def daily(scope: Scope) -> list[Day]:
    """Entries started and completed per day, every day of the range (or of the data) shown."""
    entries = scope.entries()
    started = dict(entries.annotate(day=TruncDay("started_at")).values("day")
                   .annotate(n=Count("id")).values_list("day", "n"))
    completed = dict(entries.filter(completed_at__isnull=False)
                     .annotate(day=TruncDay("completed_at")).values("day")
                     .annotate(n=Count("id")).values_list("day", "n"))
    days = started.keys() | completed.keys()
    if not days and (scope.start is None or scope.end is None):
        return []
    first = scope.start or min(days)
    last = scope.end or max(days)
    span = (last - first).days
    return [Day(d, started.get(d, 0), completed.get(d, 0))
            for d in (first + timedelta(days=i) for i in range(span + 1))]


class ReferrerHost(Func):
    """The host of a referrer URL ('https://news.example.com/a?b' → 'news.example.com'), NULL
    for anything without a scheme."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"lower(substring({sql} from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)'))", params

    def as_sql(self, compiler, connection, **extra):
        # SQLite has no regular expressions without a Python function per row: cut by position.
        sql, params = compiler.compile(self.source_expressions[0])
        rest = f"substr({sql}, instr({sql}, '://') + 3)"
        cut = (f"CASE WHEN instr({rest}, '/') > 0 THEN substr({rest}, 1, instr({rest}, '/') - 1)"
               f" ELSE {rest} END")
        host = f"CASE WHEN instr({sql}, '://') > 0 THEN lower({cut}) END"
        return host, params * host.count(sql)


def _grouped(scope: Scope, expression) -> list[Row]:
    rows = (
        scope.entries().annotate(label=expression).values("label")
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by("-n", "label").values_list("label", "n", "done")[:TOP]
    )
    return [Row(label or DIRECT, n, done) for label, n, done in rows]


def _blank():
    return Value("", output_field=TextField())


def _text(key: str):
    return NullIf(KT(f"source__{key}"), _blank())


def _own_hosts() -> list[str]:
    site = urlsplit(settings.SITE_URL)
    return [name for name in {(site.hostname or "").lower(), site.netloc.lower()} if name]


def _own_page(campaign: Campaign) -> str:
    return f"/c/{campaign.slug}/"


def referrer_host(referrer: str, campaign: Campaign) -> str:
    """The site a visitor came from, or "" (Direct) when the referrer is one of our own pages:
    the campaign's runtime page (older entries recorded the start form's own address when the
    visitor came with no referrer) or anywhere on this site. The Python twin of `sources`."""
    parts = urlsplit(referrer) if "://" in referrer else None
    if parts is None or not parts.hostname or _own_page(campaign) in referrer:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    return "" if host in _own_hosts() or parts.hostname.lower() in _own_hosts() else host


def sources(scope: Scope) -> list[Row]:
    """Where entries came from: the utm_source, else the referring site's host, else Direct.

    A referrer that is one of our own pages is not a source (see `referrer_host`); deciding it
    here, not when the entry is saved, puts entries recorded before the rule under Direct too."""
    referrer = KT("source__referrer")
    host = ReferrerHost(referrer)
    outside = Case(
        When(Contains(referrer, Value(_own_page(scope.campaign))), then=Value(None)),
        When(In(host, _own_hosts()), then=Value(None)),
        default=host, output_field=TextField())
    return _grouped(scope, Coalesce(_text("utm_source"), outside, _blank()))


def utm_campaigns(scope: Scope) -> list[Row]:
    """Entries per utm_campaign; those without one are not listed."""
    rows = (
        scope.entries().annotate(label=_text("utm_campaign")).filter(label__isnull=False)
        .values("label")
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by("-n", "label").values_list("label", "n", "done")[:TOP]
    )
    return [Row(label, n, done) for label, n, done in rows]


def utm_mediums(scope: Scope) -> list[Row]:
    rows = _grouped(scope, Coalesce(_text("utm_medium"), _blank()))
    return [row for row in rows if row.label != DIRECT]


def referrals(scope: Scope) -> Referrals:
    referred = scope.entries().filter(referred_by__isnull=False)
    counts = referred.aggregate(
        n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)),
        referrers=Count("referred_by_id", distinct=True),
    )
    top = list(
        referred.values("referred_by_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by("-n", "referred_by_id")[:TOP]
    )
    people = Entry.objects.filter(pk__in=[row["referred_by_id"] for row in top]).annotate(
        label=Coalesce(NullIf(F("email"), Value("")), NullIf(F("name"), Value("")),
                       F("referral_code"), output_field=TextField())
    ).values_list("pk", "label")
    labels = dict(people)
    return Referrals(
        referred=counts["n"], completed=counts["done"], referrers=counts["referrers"],
        top=[Referrer(labels.get(row["referred_by_id"], "(deleted entry)"),
                      row["referred_by_id"], row["n"], row["done"]) for row in top],
    )


@dataclass(frozen=True)
class Shares:
    network: str
    shares: int
    sharers: int  # entries that shared this way at least once


def shares(scope: Scope) -> list[Shares]:
    """Shares of the scope's entries by network (entries.sharing.NETWORKS), the most first."""
    rows = (Interaction.objects.filter(scope.entry_q("entry__"), kind=InteractionKind.SHARE)
            .values(network=KT("data__network"))
            .annotate(n=Count("id"), people=Count("entry_id", distinct=True))
            .order_by("-n", "network"))
    return [Shares(NETWORKS.get(row["network"], row["network"] or "?"), row["n"], row["people"])
            for row in rows]
