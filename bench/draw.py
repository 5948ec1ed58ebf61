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
  (e0) that query and the HMAC ticket id of each entry: freezing before entries kept their ids;
  (e) `tickets_freeze`: the query of the ticket ids the entries kept as they completed;
  (f) `draw_run`, the whole service: freeze, draw, the gzipped tickets CSV stored in the same
      transaction as the proof, the winners written and notified (with --profile, under
      cProfile, which prints where its time goes and slows it down).

Seconds are printed with each figure as a ratio to (a), which absorbs the machine's speed, and
for the service path with the CPU seconds it took (this process's and its PostgreSQL backend's).
"""

import argparse
import contextlib
import cProfile
import csv
import hmac
import io
import json
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.backend import backend_cpu  # noqa: E402  (needs the repository root on sys.path first)
from entries import verify_draw  # noqa: E402

WINNERS = 10
ALTERNATES = 10
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "stepcraft_bench_draw"


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


def _cpu_timed(run: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process's, and its PostgreSQL backend's when the server
    runs on this machine) and the result: on a loaded machine CPU compares where wall cannot."""
    server = backend_cpu() or 0.0
    cpu = time.process_time()
    seconds, result = _timed(run)
    return seconds, time.process_time() - cpu + (backend_cpu() or 0.0) - server, result




def _django(database_url: str) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=database_url,
                      SECRET_KEY="bench-draw", DEBUG="false", CACHE_URL="locmemcache://")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _insert_entries(campaign, n: int, key: bytes) -> None:
    """n completed, consented entries (bonus tickets 0-4), each with the ticket id it keeps as
    it completes, generated inside the database by one INSERT … SELECT (generate_series, or a
    recursive CTE on SQLite; the ids come from Python): the setup, untimed."""
    from django.db import connection, transaction
    from django.db.models import Max

    from entries.models import Entry
    from entries.services.contests import ticket_mac

    mac = ticket_mac(key)
    first = (Entry.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    now = datetime.now(UTC)
    consent = json.dumps({"rules": {"question": "rules_consent", "wording": "I agree",
                                    "rules_version": 1, "at": now.isoformat()}})
    columns = ["id", "campaign_id", "version_id", "token", "status", "current_step", "trail",
               "state", "answer_values", "score", "outcome", "email", "name", "dedupe_key",
               "source", "language", "consent", "fraud", "ip_hash", "referral_code",
               "bonus_tickets", "started_at", "updated_at", "completed_at", "ticket_id"]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        numbers = "unnest(%s::text[]) WITH ORDINALITY AS s(ticket, n)"
        numbers_param: object = [mac(first - 1 + i) for i in range(1, n + 1)]
        ticket = "s.ticket"
    else:
        connection.ensure_connection()
        connection.connection.create_function("bench_ticket", 1, lambda i: mac(first - 1 + i),
                                              deterministic=True)
        numbers = ("(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                   "WHERE n < %s) SELECT n FROM s) AS s")
        numbers_param, ticket = n, "bench_ticket(n)"
    email = "'entrant' || n || '@example.org'"
    sql = (f"INSERT INTO {quote(Entry._meta.db_table)} ({', '.join(map(quote, columns))}) "
           f"SELECT %s + n - 1, %s, %s, 'bench-token-' || n, 'completed', '', '[]', '{{}}', "
           f"'{{}}', 0, 'entered', {email}, '', {email}, '{{}}', '', %s, '{{}}', '', 'b' || n, "
           f"(n %% 7919) %% 5, %s, %s, %s, {ticket} FROM {numbers}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [first, campaign.pk, campaign.published_version_id, consent, now,
                             now, now, numbers_param])
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                           [Entry._meta.db_table, first + n - 1])


def _freeze_computing(campaign, key: bytes) -> list:
    """What freezing the tickets cost before entries kept their ids: the query, then the HMAC
    of every entry id (the fallback `tickets_freeze` keeps for entries without one)."""
    from entries.services.contests import eligible_entries, ticket_mac

    mac = ticket_mac(key)
    return [(mac(entry_id), 1 + bonus) for entry_id, bonus in eligible_entries(
        campaign).values_list("id", "bonus_tickets").order_by().iterator(chunk_size=20_000)]


def service_path(n: int, postgres: bool, profile: bool = False) -> list[tuple[str, float]]:
    """Times (d), (e0), (e), (f) on a scratch database; returns (label, seconds, CPU) rows."""
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
        from django.urls import reverse

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
        campaign.settings = {"winners": WINNERS, "alternates": ALTERNATES,
                             "rules_text": "<p>Prize: a cabin weekend. Sponsor: Bench Ltd.</p>"}
        campaign.save()
        campaign_publish(campaign=campaign, by=user)
        campaign.refresh_from_db()
        seal = ContestSeal.objects.get(campaign=campaign)
        key = bytes.fromhex(seal.ticket_key)
        setup, _ = _timed(lambda: _insert_entries(campaign, n, key))
        campaign_set_status(campaign=campaign, status=Status.ENDED)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE entries_entry")

        # The winner emails' links load the URLconf on first use: a one-off cost of the process
        # (≈0.3-0.5 s), already paid in the web process or worker that runs a real draw.
        reverse("entries:claim", args=["bench", "token"])
        reading = _cpu_timed(lambda: list(eligible_entries(campaign).values_list(
            "id", "bonus_tickets").order_by().iterator(chunk_size=20_000)))
        computing = _cpu_timed(lambda: _freeze_computing(campaign, key))
        freezing = _cpu_timed(lambda: tickets_freeze(campaign, seal))
        assert freezing[2][0] == computing[2]  # the kept ids are the computed ones
        run = lambda: draw_run(campaign=campaign, by=user)  # noqa: E731
        if profile:
            profiler = cProfile.Profile()
            run = lambda: profiler.runcall(draw_run, campaign=campaign, by=user)  # noqa: E731
        drawing = _cpu_timed(run)
        draw = drawing[2]
        if profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
        assert draw.proof["n"] == n
        assert draw.winners.count() == WINNERS
        print(f"service path on {connection.vendor} ({connection.settings_dict['NAME']}): "
              f"{n:,} entries inserted in {setup:.1f} s (setup, untimed)")
        return [
            ("(d) read (id, bonus) of the eligible entries (baseline)", *reading[:2]),
            ("(e0) query + HMAC per entry (before ids were kept)", *computing[:2]),
            ("(e) tickets_freeze: the kept ticket ids", *freezing[:2]),
            ("(f) draw_run: freeze + draw + store tickets + winners", *drawing[:2]),
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
    parser.add_argument("--profile", action="store_true",
                        help="run (f) under cProfile and print where its time goes (slower)")
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
    rows = service_path(args.n, args.postgres, args.profile)
    reading = rows[0][1]
    for label, seconds, cpu in rows:
        print(f"{label:56} {seconds:7.2f} s  {seconds / baseline:5.1f}x (a)  "
              f"{seconds / reading:5.1f}x (d)  CPU {cpu:5.2f} s")
    print(f"(load average {os.getloadavg()[0]:.1f}; CPU includes the PostgreSQL backend's)")


if __name__ == "__main__":
    main()
