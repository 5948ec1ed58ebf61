"""Benchmark of a campaign's results page against a bare COUNT of the same rows, same run.

    .venv/bin/python bench/analytics.py [--entries N] [--interactions N]
                                        [--no-sqlite] [--no-postgres]

For each database (SQLite in a temporary file; PostgreSQL in the database named by
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/sc_analytics, migrated first):

  1. seed one campaign: 100,000 entries over 30 days (60% completed, the rest stopped at every
     step), 1,000,000 interactions (the server's views and submits for every step shown and
     sent, Back for 5%, client focus/change/time events for the rest), the answers of every step
     sent (about 650,000), daily views, sources, UTM campaigns and referrals;
  2. the baseline: bare COUNTs of the same rows (the campaign's entries; its interactions and
     answers through their entry), best of 3;
  3. `entries.analytics.results()` for all versions and days, each selector on its own, and a
     7-day range, best of 3;
  4. the results page through Django's test client (the view, the charts and the template);

then the seeded rows are deleted (PostgreSQL) or the file removed (SQLite). Each database runs
in its own child process; figures are printed and written to bench/ANALYTICS_RESULTS.txt.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "ANALYTICS_RESULTS.txt"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/sc_analytics")
START = datetime(2026, 1, 5, tzinfo=UTC)
DAYS = 30
REPEATS = 3

BLUEPRINT = {
    "schema": 1, "name": "Bench quiz", "kind": "quiz",
    "intro": {"title": "Welcome", "body": "", "button": "Start"},
    "steps": [
        {"key": "you", "title": "About you", "questions": [
            {"key": "name", "kind": "short_text", "label": "Name"},
            {"key": "email", "kind": "email", "label": "Email"}]},
        {"key": "drink", "title": "Pick a drink", "questions": [
            {"key": "drink", "kind": "single_choice", "label": "Drink", "choices": [
                {"key": k, "label": k.title()} for k in ("coffee", "tea", "juice", "water")]}]},
        {"key": "extras", "title": "Extras", "questions": [
            {"key": "extras", "kind": "multiple_choice", "label": "Extras", "choices": [
                {"key": k, "label": k.title()} for k in ("milk", "sugar", "lemon", "ice")]}]},
        {"key": "rate", "title": "Rate us", "questions": [
            {"key": "rating", "kind": "rating", "label": "Rating"},
            {"key": "age", "kind": "number", "label": "Age"}]},
        {"key": "last", "title": "Last step", "questions": [
            {"key": "nps", "kind": "opinion_scale", "label": "Recommend?"},
            {"key": "consent", "kind": "consent", "label": "Consent"}]},
    ],
    "outcomes": [{"key": k, "title": k.title()} for k in ("bold", "calm", "fresh")],
}
SOURCES = [{"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "spring"},
           {"utm_source": "instagram", "utm_campaign": "spring"},
           {"utm_source": "facebook", "utm_campaign": "launch"},
           {"referrer": "https://news.example.com/article/1"},
           {"referrer": "https://blog.example.org/post?id=3"}, {}, {}]


# --- The child: one database ------------------------------------------------------------------

def child(entries: int, interactions: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.settings_dict["CONN_MAX_AGE"] = None
    call_command("migrate", verbosity=0)
    seeded = time.perf_counter()
    campaign, user = seed(entries, interactions)
    report = {"vendor": connection.vendor, "seed_seconds": time.perf_counter() - seeded}
    try:
        report.update(measure(campaign, user))
    finally:
        if connection.vendor == "postgresql":
            cleanup(campaign, user)
    return report


def seed(entries: int, interactions: int):
    from django.db import connection, transaction

    from campaigns.models import Campaign, CampaignVersion, Membership, Role, Workspace
    from entries.models import DailyViews, Entry, EntryStatus
    from tests.factories import UserFactory

    rng = random.Random(7)
    steps = [(s["key"], [q["key"] for q in s["questions"]]) for s in BLUEPRINT["steps"]]
    with transaction.atomic():
        workspace = Workspace.objects.create(name="Bench analytics")
        user = UserFactory(email=f"bench-analytics-{rng.randrange(10**9)}@example.com")
        Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
        campaign = Campaign.objects.create(workspace=workspace, name="Bench quiz",
                                           slug=f"bench-analytics-{rng.randrange(10**9)}",
                                           kind="quiz")
        version = CampaignVersion.objects.create(campaign=campaign, number=1,
                                                 definition=BLUEPRINT)
        campaign.published_version = version
        campaign.save(update_fields=["published_version"])
        DailyViews.objects.bulk_create(
            DailyViews(campaign=campaign, version=version,
                       day=(START + timedelta(days=d)).date(), views=rng.randrange(4000, 6000))
            for d in range(DAYS))

        plans = []
        rows = []
        for n in range(entries):
            started = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
            done = rng.random() < 0.6
            reached = len(steps) if done else rng.randint(1, len(steps))
            sent = reached if done else reached - 1
            durations = [rng.lognormvariate(2.5, 0.8) for _ in range(reached)]
            finished = started + timedelta(seconds=sum(durations)) if done else None
            plans.append((started, reached, sent, durations))
            rows.append(Entry(
                campaign=campaign, version=version, started_at=started, completed_at=finished,
                status=EntryStatus.COMPLETED if done else EntryStatus.STARTED,
                current_step="" if done else steps[reached - 1][0],
                trail=[key for key, _ in steps[:sent]], outcome=rng.choice(
                    ["bold", "calm", "fresh"]) if done else "",
                source=rng.choice(SOURCES), email=f"bench{n}@example.org" if done else "",
                token=f"bench-{campaign.pk}-{n}", referral_code=f"b{campaign.pk}x{n}"))
        made = Entry.objects.bulk_create(rows, batch_size=2000)
        ids = [e.pk for e in made]
        # auto_now_add overwrote started_at: put the planned times back in one statement a batch
        Entry.objects.filter(pk__in=ids).update(referred_by=None)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Entry._meta.db_table} SET started_at = %s WHERE id = %s",
                [(plan[0], pk) for plan, pk in zip(plans, ids, strict=True)])
            referred = [(ids[rng.randrange(i)], pk) for i, pk in enumerate(ids)
                        if i and rng.random() < 0.1]
            cursor.executemany(
                f"UPDATE {Entry._meta.db_table} SET referred_by_id = %s WHERE id = %s", referred)

        events, answers = [], []
        server = json.dumps({"by": "server"})
        for pk, (started, reached, sent, durations) in zip(ids, plans, strict=True):
            at = started
            for index in range(reached):
                key, questions = steps[index]
                events.append((pk, key, "view", at, server))
                at += timedelta(seconds=durations[index])
                if index < sent:
                    events.append((pk, key, "submit", at, "{}"))
                    for question in questions:
                        value, first, changes = answer(rng, question)
                        answers.append((pk, question, value, first, changes, at))
            if sent >= 2 and rng.random() < 0.05:
                at += timedelta(seconds=3)
                events.append((pk, steps[1][0], "back", at, server))
                events.append((pk, steps[1][0], "submit", at + timedelta(seconds=4), "{}"))
        kinds = [("focus", {"question": "name"}), ("time", {"ms": 8000}),
                 ("change", {"question": "drink", "first": "tea", "value": "coffee"})]
        while len(events) < interactions:
            pick = rng.randrange(len(ids))
            pk, (started, reached, _, _) = ids[pick], plans[pick]
            kind, data = rng.choice(kinds)
            events.append((pk, steps[rng.randrange(reached)][0], kind,
                           started + timedelta(seconds=rng.uniform(0, 60)), json.dumps(data)))
        del events[interactions:]
        insert(connection, "entries_interaction", ("entry_id", "step_key", "kind", "at", "data"),
               events)
        insert(connection, "entries_answer", ("entry_id", "question_key", "value", "first_value",
                                              "changes", "answered_at"), answers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign, user


def answer(rng: random.Random, question: str):
    value = {
        "name": lambda: "Sam", "email": lambda: "sam@example.org",
        "drink": lambda: rng.choice(["coffee", "tea", "juice", "water"]),
        "extras": lambda: rng.sample(["milk", "sugar", "lemon", "ice"], rng.randint(1, 3)),
        "rating": lambda: rng.randint(1, 5), "age": lambda: rng.randint(16, 80),
        "nps": lambda: rng.randint(0, 10), "consent": lambda: rng.random() < 0.8,
    }[question]
    final = value()
    if question in ("drink", "rating") and rng.random() < 0.1:
        return json.dumps(final), json.dumps(value()), 1
    return json.dumps(final), json.dumps(final), 0


def insert(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               rows)


def cpu_seconds() -> float:
    """CPU time of this process and, on PostgreSQL, of its backend (read from /proc: the bench
    runs beside the server). Unlike wall time it hardly depends on the machine's other load."""
    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def best(function, repeats: int = REPEATS) -> tuple[float, float]:
    """(wall, CPU) seconds, each the best of `repeats`."""
    walls, cpus = [], []
    for _ in range(repeats):
        began, cpu = time.perf_counter(), cpu_seconds()
        function()
        walls.append(time.perf_counter() - began)
        cpus.append(cpu_seconds() - cpu)
    return min(walls), min(cpus)


def measure(campaign, user) -> dict:
    from django.db import connection
    from django.test import Client

    from entries import analytics
    from entries.analytics import answers, audience, funnel
    from entries.models import Answer, Entry, Interaction

    scope = analytics.Scope(campaign)
    week = analytics.Scope(campaign, start=(START + timedelta(days=10)).date(),
                           end=(START + timedelta(days=16)).date())

    def baseline():
        Entry.objects.filter(campaign=campaign).count()
        Interaction.objects.filter(entry__campaign=campaign).count()
        Answer.objects.filter(entry__campaign=campaign).count()

    counts = {"entries": Entry.objects.filter(campaign=campaign).count(),
              "interactions": Interaction.objects.filter(entry__campaign=campaign).count(),
              "answers": Answer.objects.filter(entry__campaign=campaign).count()}
    base = best(baseline)
    parts = {
        "totals": lambda: funnel.totals(scope),
        "reach + stopped + median (steps)": lambda: funnel.steps(scope),
        "  of which median time per step": lambda: funnel.median_seconds(scope),
        "answers and changes": lambda: answers.questions(scope),
        "outcomes": lambda: audience.outcomes(scope),
        "entries per day": lambda: audience.daily(scope),
        "sources + UTM": lambda: (audience.sources(scope), audience.utm_campaigns(scope),
                                  audience.utm_mediums(scope)),
        "referrals": lambda: audience.referrals(scope),
    }
    timings = {name: best(fn) for name, fn in parts.items()}
    whole = best(lambda: analytics.results(scope))
    ranged = best(lambda: analytics.results(week))
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: (queries.append(sql),
                                                                 execute(sql, *rest))[1]):
        figures = analytics.results(scope)
    client = Client()
    client.force_login(user)
    url = f"/app/campaigns/{campaign.pk}/results/"
    status = client.get(url).status_code
    page = best(lambda: client.get(url))
    return {
        "counts": counts, "baseline": base, "parts": timings, "results": whole,
        "results_week": ranged, "queries": len(queries), "page": page, "status": status,
        "check": {"starts": figures.totals.starts, "completions": figures.totals.completions,
                  "median_first_step": figures.steps[0].median_seconds},
    }


def cleanup(campaign, user) -> None:
    from django.db import connection, transaction

    from campaigns.models import Workspace

    entries = "SELECT id FROM entries_entry WHERE campaign_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("entries_interaction", "entries_answer"):
            cursor.execute(f"DELETE FROM {table} WHERE entry_id IN ({entries})", [campaign.pk])
        cursor.execute("DELETE FROM entries_entry WHERE campaign_id = %s", [campaign.pk])
        Workspace.objects.filter(pk=campaign.workspace_id).delete()
        user.delete()


# --- The parent: run each database, print and write the table ---------------------------------

def run_child(label: str, env: dict, args) -> dict:
    print(f"--- {label}: seeding {args.entries:,} entries, {args.interactions:,} interactions",
          flush=True)
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--entries", str(args.entries),
         "--interactions", str(args.interactions)],
        env={**os.environ, **env}, capture_output=True, text=True, check=False, cwd=ROOT)
    if output.returncode:
        sys.stderr.write(output.stderr[-4000:])
        raise SystemExit(f"{label} failed")
    return json.loads(output.stdout.strip().splitlines()[-1])


def table(label: str, r: dict) -> list[str]:
    base, base_cpu = r["baseline"]
    c = r["counts"]

    def line(name: str, figures) -> str:
        wall, cpu = figures
        ratio = f"{cpu / base_cpu:>7.1f}×" if base_cpu else "      —"
        return (f"{name:<42} {wall * 1000:>8.0f} ms {wall / base:>7.1f}× "
                f"{cpu * 1000:>8.0f} ms {ratio}")

    lines = [
        f"## {label} ({c['entries']:,} entries, {c['interactions']:,} interactions, "
        f"{c['answers']:,} answers; seeded in {r['seed_seconds']:.0f} s)",
        "",
        f"{'what':<42} {'wall':>11} {'ratio':>8} {'CPU':>11} {'ratio':>8}",
        line("baseline: bare COUNTs of the same rows", r["baseline"]),
    ]
    lines += [line(name, figures) for name, figures in r["parts"].items()]
    lines += [
        line("results(): the whole page, all days", r["results"]),
        line("results(): a 7-day range", r["results_week"]),
        line("the page through the test client", r["page"]),
        "",
        f"queries for results(): {r['queries']}; page status {r['status']}; "
        f"check: {r['check']}",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.entries, args.interactions)))
        return
    lines = [f"bench/analytics.py — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
             f"{platform.python_implementation()} {platform.python_version()}, "
             f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start; "
             f"best of {REPEATS}; CPU = this process + its PostgreSQL backend", ""]
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            lines += table("SQLite (WAL, temporary file)",
                           run_child("SQLite", {"DATABASE_URL": url}, args))
    if not args.no_postgres:
        lines += table("PostgreSQL", run_child("PostgreSQL", {"DATABASE_URL": PG_URL}, args))
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
