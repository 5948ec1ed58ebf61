"""Benchmark of the CSV export at size, on PostgreSQL.

    DATABASE_URL=postgres://…/db python bench/export.py [n] [--keep] [--skip-in-memory]
        [--campaign ID] [--repeat R]

Generates a campaign with n entries (default 1,000,000) of 10 answers each, server-side in a few
INSERT … SELECT statements, then measures in the same run, each in its own subprocess so that its
peak memory (ru_maxrss above what the process held before exporting) is its own:

  (a) the limit: PostgreSQL's `COPY (…) TO STDOUT (FORMAT csv)` of the same columns (entry fields
      and one column per question, pivoted in SQL), read by the client;
  (b) the project's export (entries.exports.stream.csv_chunks), written to a file as the job does;
  (c) django-import-export's plain in-memory path: a `ModelResource` of Entry (its own fields,
      no answer columns, so less work than ours) `.export(queryset)` then `.csv`.

Prints seconds, MB and ratios, and writes them to bench/EXPORT_RESULTS.txt. The generated rows are
deleted at the end unless --keep; --campaign ID measures a campaign kept that way instead of
generating one. With the server on this machine it also prints CPU seconds, the client's and its
PostgreSQL backend's: on a loaded machine they compare where wall times cannot. --repeat runs
(a) and (b) R times each, interleaved, and keeps each one's best.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "bench-only")

from bench.backend import backend_cpu  # noqa: E402  (needs the repository root on sys.path first)

QUESTIONS = [
    ("name", "short_text", "Your name", "to_jsonb('Visitor ' || n)"),
    ("email", "email", "Email", "to_jsonb('visitor' || n || '@example.org')"),
    ("company", "short_text", "Company", "to_jsonb('=Company ' || (n % 5000))"),
    ("colour", "single_choice", "Favourite colour",
     "to_jsonb((ARRAY['red','green','blue','amber'])[1 + n % 4])"),
    ("topics", "multiple_choice", "Topics",
     "(ARRAY['[\"a\"]','[\"a\",\"b\"]','[\"b\",\"e\"]','[\"c\",\"d\",\"e\"]'])[1 + n % 4]::jsonb"),
    ("age", "number", "Age", "to_jsonb(18 + n % 60)"),
    ("rating", "rating", "How was it?", "to_jsonb(1 + n % 5)"),
    ("nps", "opinion_scale", "Recommend us?", "to_jsonb(n % 11)"),
    ("agree", "yes_no", "Agree?", "to_jsonb(n % 2 = 0)"),
    ("city", "short_text", "City", "to_jsonb('City, \"' || (n % 300) || '\"')"),
]
CHOICES = {
    "colour": [("red", "Red"), ("green", "Green"), ("blue", "Blue"), ("amber", "Amber")],
    "topics": [("a", "Analytics"), ("b", "Billing"), ("c", "CRM"), ("d", "Design"),
               ("e", "Email")],
}


def definition() -> dict:
    return {
        "schema": 1, "name": "Export bench", "kind": "form",
        "steps": [{"key": f"s{i}", "title": f"Step {i}", "questions": [
            {"key": key, "kind": kind, "label": label,
             "choices": [{"key": k, "label": v} for k, v in CHOICES.get(key, [])]}
        ]} for i, (key, kind, label, _) in enumerate(QUESTIONS)],
    }


def setup_django():
    import django

    django.setup()


def generate(n: int) -> int:
    from django.db import connection, transaction

    from campaigns.models import Campaign, CampaignVersion, Workspace

    with transaction.atomic():
        workspace = Workspace.objects.create(name="Export bench")
        campaign = Campaign.objects.create(workspace=workspace, name="Export bench",
                                           slug=f"export-bench-{int(time.time())}", kind="form")
        version = CampaignVersion.objects.create(campaign=campaign, number=1,
                                                 definition=definition())
        campaign.published_version = version
        campaign.save()
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO entries_entry (campaign_id, version_id, token, status, current_step,
                trail, state, answer_values, score, outcome, email, name, dedupe_key, source,
                consent, fraud, ip_hash, referral_code, bonus_tickets, started_at, updated_at,
                completed_at, language)
            SELECT %s, %s, 'bench-' || %s || '-' || n, 'completed', '', '[]', '{}', '{}', n %% 40,
                '', 'visitor' || n || '@example.org', 'Visitor ' || n, '',
                jsonb_build_object('utm_source', (ARRAY['newsletter','ads','=x'])[1 + n %% 3],
                                   'referrer', 'https://example.com/p' || (n %% 100)),
                '{}', jsonb_build_object('score', n %% 100), '', 'r' || %s || '-' || n, 0,
                now() - make_interval(secs => n), now() - make_interval(secs => n),
                now() - make_interval(secs => n) + interval '3 minutes', ''
            FROM generate_series(1, %s) AS n
        """, [campaign.pk, version.pk, campaign.pk, campaign.pk, n])
        value = "CASE q.key " + " ".join(
            f"WHEN '{key}' THEN {expression}" for key, _, _, expression in QUESTIONS) + " END"
        keys = ", ".join(f"('{key}')" for key, *_ in QUESTIONS)
        cursor.execute(f"""
            INSERT INTO entries_answer (entry_id, question_key, value, first_value, changes,
                answered_at)
            SELECT e.id, q.key, v.value, v.value, 0, e.started_at
            FROM (SELECT id, started_at, substring(token from '[0-9]+$')::int AS n
                  FROM entries_entry WHERE campaign_id = %s) e
            CROSS JOIN (VALUES {keys}) AS q(key)
            CROSS JOIN LATERAL (SELECT {value.replace("%", "%%")} AS value) v
        """, [campaign.pk])
        # Each entry's current values, as the runtime writes them beside its Answer rows.
        cursor.execute("""
            UPDATE entries_entry e SET answer_values = a.values
            FROM (SELECT entry_id, jsonb_object_agg(question_key, value) AS values
                  FROM entries_answer GROUP BY entry_id) a
            WHERE a.entry_id = e.id AND e.campaign_id = %s
        """, [campaign.pk])
        cursor.execute("VACUUM ANALYZE entries_entry")
        cursor.execute("ANALYZE entries_answer")
    return campaign.pk


def copy_sql(campaign_id: int) -> str:
    pivot = ", ".join(
        f"max(a.value #>> '{{}}') FILTER (WHERE a.question_key = '{key}') AS \"{key}\""
        for key, *_ in QUESTIONS)
    return f"""
        COPY (SELECT e.id, 'v' || v.number, e.status, e.started_at, e.completed_at, e.updated_at,
                     e.email, e.name, e.score, e.outcome, e.source ->> 'utm_source',
                     e.source ->> 'utm_medium', e.source ->> 'utm_campaign',
                     e.source ->> 'utm_term', e.source ->> 'utm_content',
                     e.source ->> 'referrer', {pivot}, e.consent, e.fraud ->> 'score',
                     e.fraud -> 'reasons', e.referral_code, e.referred_by_id, e.bonus_tickets
              FROM entries_entry e JOIN campaigns_campaignversion v ON v.id = e.version_id
              LEFT JOIN entries_answer a ON a.entry_id = e.id
              WHERE e.campaign_id = {int(campaign_id)}
              GROUP BY e.id, v.number ORDER BY e.id) TO STDOUT (FORMAT csv, HEADER)
    """


def measure(which: str, campaign_id: int) -> dict:
    """Runs in a child process: one export, its time and its peak memory above the start."""
    setup_django()
    from django.db import connection
    from import_export import resources

    from campaigns.models import Campaign
    from entries.exports.stream import ExportSpec, csv_chunks
    from entries.models import Entry

    campaign = Campaign.objects.get(pk=campaign_id)
    connection.ensure_connection()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    written = 0
    server_before = backend_cpu()
    cpu_before = time.process_time()
    start = time.perf_counter()
    if which == "copy":
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql(campaign_id)) as copy:
            for data in copy:
                written += len(data)
    elif which == "project":
        with tempfile.TemporaryFile("w+b") as out:
            for text, _ in csv_chunks(ExportSpec(campaign=campaign)):
                data = text.encode()
                out.write(data)
                written += len(data)
    else:
        plain = resources.modelresource_factory(Entry)()
        dataset = plain.export(Entry.objects.filter(campaign=campaign).order_by("id"))
        written = len(dataset.csv.encode())
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_before
    server = backend_cpu()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": (peak - before) / 1024, "bytes": written,
            "cpu": cpu + (server - server_before if server is not None else 0),
            "server_cpu": server - server_before if server is not None else None}




def run_child(which: str, campaign_id: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--measure", which, str(campaign_id)],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{which} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def cleanup(campaign_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT workspace_id FROM campaigns_campaign WHERE id = %s", [campaign_id])
        (workspace_id,) = cursor.fetchone()
        cursor.execute("DELETE FROM entries_answer WHERE entry_id IN "
                       "(SELECT id FROM entries_entry WHERE campaign_id = %s)", [campaign_id])
        cursor.execute("DELETE FROM entries_interaction WHERE entry_id IN "
                       "(SELECT id FROM entries_entry WHERE campaign_id = %s)", [campaign_id])
        cursor.execute("DELETE FROM entries_entry WHERE campaign_id = %s", [campaign_id])
        cursor.execute("UPDATE campaigns_campaign SET published_version_id = NULL WHERE id = %s",
                       [campaign_id])
        cursor.execute("DELETE FROM campaigns_campaignversion WHERE campaign_id = %s",
                       [campaign_id])
        cursor.execute("DELETE FROM campaigns_campaign WHERE id = %s", [campaign_id])
        cursor.execute("DELETE FROM campaigns_workspace WHERE id = %s", [workspace_id])
    connection.cursor().execute("VACUUM entries_answer")
    connection.cursor().execute("VACUUM entries_entry")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1_000_000, help="entries")
    parser.add_argument("--keep", action="store_true", help="keep the generated rows")
    parser.add_argument("--skip-in-memory", action="store_true",
                        help="skip import-export's in-memory export (slow, ~1 GB at 1M)")
    parser.add_argument("--campaign", type=int, help="measure this kept campaign (--keep)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of (a) and (b), best kept")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (COPY is the baseline).")
    if args.campaign:
        campaign_id, keep = args.campaign, True
    else:
        start = time.perf_counter()
        campaign_id, keep = generate(args.n), args.keep
        print(f"generated {args.n:,} entries × {len(QUESTIONS)} answers in "
              f"{time.perf_counter() - start:.0f} s (campaign {campaign_id})", flush=True)
    try:
        results: dict = {}
        for _ in range(args.repeat):
            for which in ("copy", "project"):
                result = run_child(which, campaign_id)
                if which not in results or result["seconds"] < results[which]["seconds"]:
                    results[which] = result
        if not args.skip_in_memory:
            results["in_memory"] = run_child("in_memory", campaign_id)
    finally:
        if not keep:
            cleanup(campaign_id)
    report(_entries(campaign_id) if args.campaign else args.n, results)


def report(n: int, results: dict) -> None:
    copy = results["copy"]["seconds"]
    names = {"copy": "PostgreSQL COPY … TO STDOUT (the limit)",
             "project": "project export (csv_chunks, streamed)",
             "in_memory": "import-export ModelResource.export(), in memory"}
    lines = [f"CSV export of {n:,} entries × {len(QUESTIONS)} answers "
             f"(PostgreSQL {_server_version()}, same run)", "",
             f"{'path':<46}{'seconds':>9}{'× COPY':>9}{'peak MB':>10}{'MB out':>9}"
             f"{'CPU s':>8}{'× COPY':>8}"]
    copy_cpu = results["copy"]["cpu"]
    for key, result in results.items():
        lines.append(f"{names[key]:<46}{result['seconds']:>9.1f}"
                     f"{result['seconds'] / copy:>9.1f}{result['peak_mb']:>10.0f}"
                     f"{result['bytes'] / 1e6:>9.0f}{result['cpu']:>8.1f}"
                     f"{result['cpu'] / copy_cpu:>8.1f}")
    lines += ["", "CPU s: the client's and, when PostgreSQL runs on this machine, its backend's "
              f"(load average {os.getloadavg()[0]:.1f} at the end)"]
    if "in_memory" in results:
        speedup = results["in_memory"]["seconds"] / results["project"]["seconds"]
        lines += ["", f"project vs in-memory: {speedup:.1f}× faster (goal ≥ 3×)"]
    lines += [f"project vs COPY: {results['project']['seconds'] / copy:.1f}× (goal ≤ 4×, issue 18)",
              f"project peak memory: {results['project']['peak_mb']:.0f} MB (goal < 100 MB)"]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "EXPORT_RESULTS.txt").write_text(text + "\n")


def _entries(campaign_id: int) -> int:
    from entries.models import Entry

    return Entry.objects.filter(campaign_id=campaign_id).count()


def _server_version() -> str:
    from django.db import connection

    return ".".join(str(part) for part in divmod(connection.pg_version // 100, 100))


if __name__ == "__main__":
    main()
