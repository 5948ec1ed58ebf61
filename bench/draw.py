"""Benchmark of the draw-v1 draw and its public verifier at contest scale.

    python bench/draw.py [n] [--repeat R] [--no-service] [--postgres]   (n defaults to 1,000,000)

Generates n tickets (32-hex HMAC ids, weights 1-5), writes the tickets CSV to a temporary
directory, then times, best of R runs each:

  (a) baseline: merely reading that CSV back with the standard csv module;
  (b) the draw: validation, entries_root, seed and ranking of 10 winners and 10 alternates;
  (c) verification from the files, through the command line's own code path (`main`).

Then the service path, once (a draw runs once per contest): n completed entries of a published
giveaway are inserted into a scratch database (SQLite in a temporary file, the embedded default,
or with --postgres a scratch database `stepcraft_bench_draw` on 127.0.0.1:5432, dropped at the
end), and it times

  (d) baseline: reading the eligible entries' (id, bonus_tickets) from the database;
  (e) `tickets_freeze`: that query and the HMAC ticket id of each entry;
  (f) `draw_run`, the whole service: freeze, draw, the gzipped tickets CSV stored in the same
      transaction as the proof, the winners written and notified.

Seconds are printed with each figure as a ratio to (a), which absorbs the machine's speed.
"""

import argparse
import contextlib
import csv
import hmac
import io
import json
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from entries import verify_draw  # noqa: E402  (needs the repository root on sys.path first)

WINNERS = 10
ALTERNATES = 10
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "stepcraft_bench_draw"
INSERT_BATCH = 20_000


def make_tickets(n: int) -> list[verify_draw.Ticket]:
    key = b"bench-campaign-ticket-key"
    rng = random.Random(20250630)
    return [
        (hmac.digest(key, b"entry-%d" % i, "sha256").hex()[:32], rng.randint(1, 5))
        for i in range(n)
    ]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def read_baseline(path: Path) -> list[list[str]]:
    with path.open(newline="") as file:
        return list(csv.reader(file))


def _timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _django(database_url: str) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=database_url,
                      SECRET_KEY="bench-draw", DEBUG="false", CACHE_URL="locmemcache://")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _insert_entries(campaign, n: int) -> None:
    """n completed, consented entries (bonus tickets 0-4), by executemany: the setup, untimed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from entries.models import Entry

    now = timezone.now()
    consent = json.dumps({"rules": {"question": "rules_consent", "wording": "I agree",
                                    "rules_version": 1, "at": now.isoformat()}})
    columns = ["campaign_id", "version_id", "token", "status", "current_step", "trail", "state",
               "score", "outcome", "email", "name", "dedupe_key", "source", "consent", "fraud",
               "ip_hash", "referral_code", "bonus_tickets", "started_at", "updated_at",
               "completed_at"]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Entry._meta.db_table)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    rng = random.Random(20251201)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, n, INSERT_BATCH):
            cursor.executemany(sql, [
                (campaign.pk, campaign.published_version_id, f"bench-token-{i}", "completed", "",
                 "[]", "{}", 0, "entered", f"entrant{i}@example.org", "", f"entrant{i}@example.org",
                 "{}", consent, "{}", "", f"b{i}", rng.randint(0, 4), now, now, now)
                for i in range(start, min(n, start + INSERT_BATCH))
            ])


def service_path(n: int, postgres: bool) -> list[tuple[str, float]]:
    """Times (d), (e), (f) on a scratch database; returns (label, seconds) rows."""
    directory = tempfile.TemporaryDirectory()
    if postgres:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        _django(f"{PG_SERVER}/{PG_DB}")
    else:
        _django(f"sqlite:///{Path(directory.name) / 'bench.sqlite3'}")
    try:
        from django.db import connection

        from builder.models import User
        from campaigns.blueprints import gallery_template
        from campaigns.models import Status
        from campaigns.services.campaigns import (
            campaign_create,
            campaign_publish,
            campaign_set_status,
        )
        from campaigns.services.workspaces import workspace_create
        from entries.models import ContestSeal
        from entries.services.contests import eligible_entries
        from entries.services.draws import draw_run, tickets_freeze

        user = User.objects.create_user(email="bench@example.com", password="bench-draw-1")
        workspace = workspace_create(name="Bench", owner=user)
        campaign = campaign_create(workspace=workspace, by=user,
                                   document=gallery_template("giveaway").document)
        campaign.settings = {"winners": WINNERS, "alternates": ALTERNATES}
        campaign.save()
        campaign_publish(campaign=campaign, by=user)
        campaign.refresh_from_db()
        setup, _ = _timed(lambda: _insert_entries(campaign, n))
        campaign_set_status(campaign=campaign, status=Status.ENDED)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE entries_entry")
        seal = ContestSeal.objects.get(campaign=campaign)

        reading, rows = _timed(lambda: list(eligible_entries(campaign).values_list(
            "id", "bonus_tickets").order_by().iterator(chunk_size=20_000)))
        assert len(rows) == n
        freezing, _ = _timed(lambda: tickets_freeze(campaign, seal))
        drawing, draw = _timed(lambda: draw_run(campaign=campaign, by=user))
        assert draw.proof["n"] == n
        assert draw.winners.count() == WINNERS
        print(f"service path on {connection.vendor} ({connection.settings_dict['NAME']}): "
              f"{n:,} entries inserted in {setup:.1f} s (setup, untimed)")
        return [
            ("(d) read (id, bonus) of the eligible entries (baseline)", reading),
            ("(e) tickets_freeze: query + HMAC ticket id per entry", freezing),
            ("(f) draw_run: freeze + draw + store tickets + winners", drawing),
        ]
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        directory.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1_000_000, help="number of tickets")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--no-service", action="store_true",
                        help="skip the service path (database, draw_run)")
    parser.add_argument("--postgres", action="store_true",
                        help="service path on PostgreSQL instead of a SQLite file")
    args = parser.parse_args()

    tickets = make_tickets(args.n)
    salt = secrets.token_bytes(verify_draw.SALT_BYTES)
    drawn_at = datetime.now(UTC)

    def draw() -> verify_draw.Proof:
        return verify_draw.draw(
            "bench-giveaway", tickets, salt, "bench beacon", WINNERS, ALTERNATES, drawn_at
        )

    with tempfile.TemporaryDirectory() as directory:
        tickets_path = Path(directory) / "tickets.csv"
        with tickets_path.open("w", newline="") as file:
            verify_draw.write_tickets_csv(tickets, file)
        proof_path = Path(directory) / "proof.json"
        proof_path.write_text(json.dumps(draw(), indent=2))

        def verify() -> None:
            with contextlib.redirect_stdout(io.StringIO()) as output:
                status = verify_draw.main([str(proof_path), str(tickets_path)])
            if status != 0:
                raise SystemExit(f"verification failed:\n{output.getvalue()}")

        baseline = best_of(args.repeat, lambda: read_baseline(tickets_path))
        drawing = best_of(args.repeat, draw)
        verifying = best_of(args.repeat, verify)
        size = tickets_path.stat().st_size

    print(
        f"draw-v1 at n={args.n:,} tickets ({size / 1e6:.1f} MB CSV), {WINNERS} winners + "
        f"{ALTERNATES} alternates, best of {args.repeat}, Python {sys.version.split()[0]}"
    )
    for label, seconds in [
        ("(a) read the tickets CSV (csv.reader, baseline)", baseline),
        ("(b) draw: validate + entries_root + seed + rank", drawing),
        ("(c) verify proof.json + tickets.csv (CLI path)", verifying),
    ]:
        print(f"{label:50} {seconds:7.2f} s  {seconds / baseline:5.1f}x baseline")
    if args.no_service:
        return
    rows = service_path(args.n, args.postgres)
    reading = rows[0][1]
    for label, seconds in rows:
        print(f"{label:56} {seconds:7.2f} s  {seconds / baseline:5.1f}x (a)  "
              f"{seconds / reading:5.1f}x (d)")


if __name__ == "__main__":
    main()
