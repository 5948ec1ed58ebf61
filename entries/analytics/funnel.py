"""The way through a campaign: views → starts → reach of each step → completions, where
entries stopped, and how long each step took.

Everything comes from rows the server writes itself (entries, and the `view`, `submit` and
`back` interactions of entries/events.py), so entries made without JavaScript count in full and
a forged client batch cannot move a figure.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Lag

from campaigns import flow
from entries.analytics.scope import Scope
from entries.models import EntryStatus, Interaction, InteractionKind


@dataclass(frozen=True)
class StepFigures:
    key: str
    title: str
    reached: int  # entries that were shown the step at least once
    stopped: int  # partial entries waiting at this step now
    median_seconds: float | None  # None: nobody submitted it yet, or it cannot be timed
    timed: int  # entries the median is taken over

    @property
    def stop_rate(self) -> float:
        return self.stopped / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class Totals:
    views: int
    starts: int
    completions: int
    partial: int
    disqualified: int

    @property
    def start_rate(self) -> float:
        return self.starts / self.views if self.views else 0.0

    @property
    def completion_rate(self) -> float:
        return self.completions / self.starts if self.starts else 0.0


def totals(scope: Scope) -> Totals:
    counts = scope.entries().aggregate(
        starts=Count("id"),
        completions=Count("id", filter=Q(completed_at__isnull=False)),
        partial=Count("id", filter=Q(status=EntryStatus.STARTED)),
        disqualified=Count("id", filter=Q(status=EntryStatus.DISQUALIFIED)),
    )
    views = scope.views().aggregate(n=Sum("views"))["n"] or 0
    return Totals(views=views, **counts)


def steps(scope: Scope) -> list[StepFigures]:
    """One row per step, in the order of the newest version (steps only older versions had come
    after it): reach, where partial entries stopped, and the median time."""
    reached = dict(
        Interaction.objects.filter(scope.entry_q("entry__"), kind=InteractionKind.VIEW,
                                   data__by="server")
        .order_by().values("step_key").annotate(n=Count("entry_id", distinct=True))
        .values_list("step_key", "n")
    )
    stopped = dict(
        scope.entries().filter(status=EntryStatus.STARTED)
        .values("current_step").annotate(n=Count("id")).values_list("current_step", "n")
    )
    medians = median_seconds(scope)
    titles: dict[str, str] = {}
    for _, definition in scope.definitions:
        for step in definition.steps:
            titles.setdefault(step.key, flow.untagged(step.title) or step.key)
    extra = sorted(set(reached) - titles.keys())  # a step of a version deleted since
    return [
        StepFigures(key=key, title=titles.get(key, key), reached=reached.get(key, 0),
                    stopped=stopped.get(key, 0), median_seconds=medians.get(key, (None, 0))[0],
                    timed=medians.get(key, (None, 0))[1])
        for key in [*titles, *extra]
    ]


def _seconds_between(start: str, end: str) -> str:
    if connection.vendor == "postgresql":
        # date_part is a float8; EXTRACT would be a numeric, many times slower to sum and sort.
        return f"date_part('epoch', {end} - {start})"
    # SQLite keeps datetimes as ISO text; julianday() reads them, fractions of a second included.
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def median_seconds(scope: Scope) -> dict[str, tuple[float, int]]:
    """Median time per step, in seconds, over the entries that submitted it: {step: (median, n)}.

    An entry's time on a step is measured by the server: from the moment the step was put in
    front of the visitor (the entry's start, their previous submit, or the Back that returned to
    it) to its submit, summed over its visits (a step done again after Back counts once per
    entry, with both visits' time). Client `time` events are not used: visitors without
    JavaScript send none, and they are also sent for steps left without submitting.

    The median is portable SQL, the same on SQLite and PostgreSQL: number each step's times in
    order (ROW_NUMBER) beside their count (COUNT OVER), keep the middle one or two and average
    them. PostgreSQL's percentile_cont would do it in one call, but SQLite has no percentile
    function, and one query for both keeps the figures identical.

    On a version without an intro the entry is created by the first step's submit, so that
    step's time is unknown: it is left out rather than shown as zero.
    """
    marks = (
        Interaction.objects.filter(scope.entry_q("entry__"))
        # The kind first: SQLite then reads the JSON only of the few Back rows.
        .filter(Q(kind=InteractionKind.SUBMIT)
                | (Q(kind=InteractionKind.BACK) & Q(data__by="server")))
        .order_by()
        .annotate(
            previous=Window(Lag("at"), partition_by=[F("entry_id")],
                            order_by=[F("at").asc(), F("id").asc()]),
            started=F("entry__started_at"),
            version=F("entry__version_id"),
        )
        .values("entry_id", "step_key", "kind", "at", "previous", "started", "version")
    )
    marks_sql, params = marks.query.sql_with_params()
    untimed = [pk for pk, definition in scope.definitions if definition.intro is None]
    untimed_sql = ""
    if untimed:
        marks_in = ", ".join(["%s"] * len(untimed))
        untimed_sql = f" AND NOT (previous IS NULL AND version IN ({marks_in}))"
    sql = f"""
        SELECT step_key, AVG(seconds), MAX(n) FROM (
            SELECT step_key, seconds,
                   ROW_NUMBER() OVER (PARTITION BY step_key ORDER BY seconds) AS rn,
                   COUNT(*) OVER (PARTITION BY step_key) AS n
            FROM (
                SELECT entry_id, step_key,
                       SUM({_seconds_between("COALESCE(previous, started)", "at")}) AS seconds
                FROM ({marks_sql}) AS marks
                WHERE kind = %s{untimed_sql}
                GROUP BY entry_id, step_key
            ) AS per_entry
        ) AS ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        GROUP BY step_key
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Its sorts hold every timed visit; the default 4 MB spills them to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [*params, InteractionKind.SUBMIT, *untimed])
        return {key: (max(float(median), 0.0), int(n)) for key, median, n in cursor.fetchall()}
