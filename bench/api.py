"""Benchmark of the REST API's entry list: page through 10,000 entries.

    [DATABASE_URL=postgres://…/db] python bench/api.py [n] [--limit 100] [--keep]

Generates a workspace with one published campaign and n entries (default 10,000) of 10 answers
each, makes an API key, then pages through every entry with `GET /api/v1/entries` in the same
process (Django's test client: the whole request — URL routing, key lookup, rate limit, query,
validation of the output schema, JSON — without a network), in both orders (`updated`, the
default, and `completed`). For each page it records the time and the SQL queries run. The
baseline, in the same run, is the page's own keyset query run bare through the ORM (no request,
no auth, no serialisation). Prints p50/p95/max per page, queries per page (min–max over all
pages), ratios, and writes them to bench/API_RESULTS.txt. The rows are deleted unless --keep.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["API_RATE_LIMIT"] = "1000000"  # measure the work, not the limit

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from builder.api.entries import LIST_FIELDS, ORDERS  # noqa: E402
from builder.api.keys import api_key_create  # noqa: E402
from builder.models import ApiScope  # noqa: E402
from campaigns.models import Campaign, CampaignVersion, Workspace  # noqa: E402
from entries.entrants import decode_cursor  # noqa: E402
from entries.models import Entry  # noqa: E402

QUESTIONS = [f"q{i}" for i in range(10)]


def generate(n: int) -> Workspace:
    definition = {"schema": 1, "name": "API bench", "kind": "form", "steps": [
        {"key": "s1", "questions": [{"key": key, "kind": "short_text", "label": key.upper()}
                                    for key in QUESTIONS]}]}
    with transaction.atomic():
        workspace = Workspace.objects.create(name="API bench")
        campaign = Campaign.objects.create(workspace=workspace, name="API bench",
                                           slug=f"api-bench-{int(time.time())}", kind="form",
                                           status="live")
        version = CampaignVersion.objects.create(campaign=campaign, number=1,
                                                 definition=definition)
        now = timezone.now()
        Entry.objects.bulk_create((Entry(
            campaign=campaign, version=version, status="completed" if i % 3 else "started",
            completed_at=now if i % 3 else None, email=f"visitor{i}@example.org",
            answer_values={key: f"answer {i} to {key}" for key in QUESTIONS},
        ) for i in range(n)), batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE entries_entry")  # as autovacuum would, soon after
    return workspace


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def page_through(client: Client, secret: str, order: str, limit: int, campaign: int | None
                 ) -> dict:
    headers = {"Authorization": f"Bearer {secret}"}
    seen, times, queries, cursors = [], [], [], []
    cursor = None
    while True:
        params = {"order": order, "limit": limit, **({"cursor": cursor} if cursor else {}),
                  **({"campaign": campaign} if campaign else {})}
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get("/api/v1/entries", params, headers=headers)
            body = response.json()
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, body
        queries.append(len(captured))
        cursors.append(cursor)
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return {"ids": seen, "times": times, "queries": queries, "cursors": cursors}


def bare_pages(workspace: Workspace, order: str, limit: int, campaign: int | None,
               cursors: list) -> list[float]:
    """The same pages' keyset query alone, from the cursors the API handed out."""
    field = ORDERS[order]
    times = []
    for cursor in cursors:
        entries = Entry.objects.filter(campaign__workspace=workspace)
        if campaign:
            entries = entries.filter(campaign_id=campaign)
        if order == "completed":
            entries = entries.filter(completed_at__isnull=False)
        if cursor:
            value, pk = decode_cursor(cursor, field)
            entries = entries.filter(Q(**{f"{field}__gt": value})
                                     | Q(**{field: value, "id__gt": pk}))
        start = time.perf_counter()
        list(entries.order_by(field, "id").values(
            *LIST_FIELDS, version_number=F("version__number"))[: limit + 1])
        times.append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    workspace = generate(args.n)
    _, secret = api_key_create(workspace=workspace, name="bench", scopes=[ApiScope.ENTRIES_READ],
                               by=None)
    client = Client()
    client.get("/api/v1/entries", {"limit": 1}, headers={"Authorization": f"Bearer {secret}"})
    lines = [f"GET /api/v1/entries through {args.n:,} entries, {args.limit} a page "
             f"({connection.vendor}, in-process test client)", ""]
    lines.append(f"{'order':<19} {'pages':>5} {'API p50 ms':>10} {'p95 ms':>7} {'max ms':>7} "
                 f"{'bare p95 ms':>11} {'p95 ratio':>9} {'queries/page':>12}")
    expected = {"updated": args.n, "completed+campaign": 0,
                "completed": Entry.objects.filter(campaign__workspace=workspace,
                                                  completed_at__isnull=False).count()}
    try:
        campaign = workspace.campaigns.get().pk
        for label, order, only in (("updated", "updated", None), ("completed", "completed", None),
                                   ("completed+campaign", "completed", campaign)):
            run = page_through(client, secret, order, args.limit, only)
            bare = bare_pages(workspace, order, args.limit, only, run["cursors"])
            ids = run["ids"]
            want = expected[label] or expected["completed"]
            assert len(ids) == len(set(ids)) == want, (len(ids), want)
            api_p95, bare_p95 = percentile(run["times"], 95), percentile(bare, 95)
            q = run["queries"]
            lines.append(
                f"{label:<19} {len(run['times']):>5} {ms(statistics.median(run['times'])):>10} "
                f"{ms(api_p95):>7} {ms(max(run['times'])):>7} {ms(bare_p95):>11} "
                f"{api_p95 / bare_p95:>8.1f}× {f'{min(q)}–{max(q)}':>12}")
            first, last = run["times"][: len(q) // 10 or 1], run["times"][-(len(q) // 10 or 1):]
            lines.append(f"{'':<19} first tenth of pages p50 {ms(statistics.median(first))} ms, "
                         f"last tenth p50 {ms(statistics.median(last))} ms; every entry seen "
                         f"once ({len(ids):,})")
    finally:
        if not args.keep:
            Entry.objects.filter(campaign__workspace=workspace).delete()  # versions are protected
            workspace.delete()
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "API_RESULTS.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
