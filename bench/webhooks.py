"""Benchmark of webhooks: commit-to-received latency through a real worker and HTTP receiver.

    .venv/bin/python bench/webhooks.py [--rate 50] [--seconds 20] [--pool threads|prefork]
                                       [--concurrency 8]

PostgreSQL (127.0.0.1:5432, user postgres, scratch database `sc_webhooks_bench`, dropped at the
end), Redis at CELERY_BROKER_URL (default redis://127.0.0.1:6379/1, on a private queue), a
`celery worker` process, and an HTTP receiver (http.server, threaded) in a process of its own
that notes when each event arrived and which `webhook-id`s it saw more than once.

Entries of a one-step campaign whose workspace has one endpoint subscribed to `entry.completed`
are completed open loop at a steady rate by --clients processes, as in bench/emails.py (whose
helpers this uses); each completion's commit is noted by an on_commit callback registered first.

Printed, as p50/p95/p99 over every entry of the run:
  - commit → received: commit until the receiver had read the signed request;
  - queue wait: commit until a worker claimed the delivery row;
  - send: claim until the row was marked delivered (sign, POST, answer, the UPDATE);
and, as the baseline measured in the same run, one signed POST straight from this process to
the same receiver through the same sender (address check, connection, signature, answer).
Goal (issue 15): p95 commit → received ≤ 1 s at 50 completions/s, none lost or duplicated.
Written to bench/WEBHOOKS_RESULTS.txt.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.emails import (  # noqa: E402 -- after the path is set
    client,
    cpu_seconds,
    ms,
    percentiles,
    pg_admin,
    start_worker,
)

RESULTS = ROOT / "bench" / "WEBHOOKS_RESULTS.txt"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "sc_webhooks_bench"
WARMUP = 20
BASELINE_POSTS = 100

DOCUMENT = {
    "schema": 1, "name": "Bench signup", "kind": "form",
    "steps": [{"key": "s1", "title": "Sign up", "questions": [
        {"key": "name", "kind": "short_text", "label": "Name", "required": True},
        {"key": "email", "kind": "email", "label": "Email", "required": True}]}],
}


def serve_receiver(port: int, path: str) -> None:
    """The receiver, in a process of its own: one line per request (email, id, time)."""
    lock = threading.Lock()
    out = open(path, "a")  # noqa: SIM115 -- open for the life of the process

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 -- http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            now = time.time()
            entry = (json.loads(body).get("data") or {}).get("entry") or {}
            with lock:
                out.write(f"{entry.get('email', '')}\t{self.headers['webhook-id']}\t{now}\n")
                out.flush()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


def arrivals_in(path: Path) -> tuple[dict[str, float], int]:
    """(first arrival per address, how many requests repeated a webhook-id already seen)."""
    arrived, ids, repeats = {}, set(), 0
    for line in path.read_text().splitlines():
        address, message_id, at = line.split("\t")
        repeats += message_id in ids
        ids.add(message_id)
        arrived.setdefault(address, float(at))
    return arrived, repeats


def start_receiver(port: int, path: Path) -> subprocess.Popen:
    import socket

    receiver = subprocess.Popen([sys.executable, __file__, "--receiver", str(port), str(path)],
                                cwd=ROOT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return receiver
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--pool", choices=["threads", "prefork"], default="threads")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--receiver", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        serve_receiver(int(args.receiver[0]), args.receiver[1])
        return

    from tests.smtp_sink import free_port

    port = free_port()
    arrivals = ROOT / "var" / f"bench-webhooks-arrivals-{uuid.uuid4().hex[:8]}.txt"
    arrivals.parent.mkdir(exist_ok=True)
    arrivals.write_text("")
    receiver = start_receiver(port, arrivals)
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-webhooks",
        "DATABASE_URL": f"{PG_SERVER}/{PG_DB}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1"),
        "CELERY_QUEUE": queue,
        "CACHE_URL": os.environ.get("CACHE_URL", "locmemcache://"),
        "WEBHOOKS_ALLOW_PRIVATE": "true",  # the receiver is on loopback
        "SITE_URL": "https://bench.example.com",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_DB}")
    worker = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                       env=os.environ, check=True, timeout=600)
        import django

        django.setup()
        campaign, endpoint = seed(f"http://127.0.0.1:{port}/hooks/stepcraft")
        log = ROOT / "var" / f"bench-webhooks-worker-{queue}.log"
        worker = start_worker(queue, args.pool, args.concurrency, log)
        baseline = post_directly(endpoint, BASELINE_POSTS)
        run(campaign, arrivals, WARMUP, rate=args.rate, clients=args.clients)
        cpu_before = cpu_seconds(worker.pid)
        report = run(campaign, arrivals, round(args.rate * args.seconds), rate=args.rate,
                     clients=args.clients)
        report["worker_cpu"] = (cpu_seconds(worker.pid) - cpu_before) / max(report["received"], 1)
        write(report, baseline, args)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        receiver.terminate()
        receiver.wait(timeout=30)
        arrivals.unlink(missing_ok=True)
        from django.db import connections

        connections.close_all()
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def seed(url: str):
    from builder.models import User
    from campaigns.services.campaigns import campaign_create, campaign_publish
    from campaigns.services.workspaces import workspace_create
    from entries.webhooks.endpoints import webhook_endpoint_create

    user = User.objects.create_user(email="bench@stepcraft.test", password=None)
    workspace = workspace_create(owner=user, name="Bench")
    campaign = campaign_create(workspace=workspace, by=user, document=DOCUMENT)
    campaign_publish(campaign=campaign, by=user)
    campaign.refresh_from_db()
    endpoint = webhook_endpoint_create(workspace=workspace, url=url, events=["entry.completed"])
    return campaign, endpoint


def post_directly(endpoint, count: int) -> list[float]:
    """The floor: one signed POST of a sample event straight to the receiver, no queue."""
    from django.conf import settings

    from entries.webhooks import sender
    from entries.webhooks.events import sample_payload

    times = []
    for n in range(count):
        body = json.dumps(sample_payload("entry.completed"), separators=(",", ":"))
        started = time.perf_counter()
        headers = sender.headers(secrets=endpoint.signing_secrets(), message_id=f"msg_b{n}",
                                 body=body)
        attempt = sender.post(endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT)
        times.append(time.perf_counter() - started)
        assert attempt.ok, attempt
    return times


def run(campaign, arrivals: Path, count: int, *, rate: float, clients: int) -> dict:
    import multiprocessing

    from django.db import connections

    from entries.models import WebhookDelivery

    tag = uuid.uuid4().hex[:6]
    addresses = [f"w{tag}-{n}@example.com" for n in range(count)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.time() + 0.5
    processes = [context.Process(target=client, args=(campaign, addresses, started, rate, k,
                                                      clients, results))
                 for k in range(clients)]
    for process in processes:
        process.start()
    committed: dict[str, float] = {}
    late: list[float] = []
    for _ in processes:
        times, lags = results.get(timeout=600)
        committed.update(times)
        late += lags
    for process in processes:
        process.join()
    offered = time.time() - started
    deadline = time.monotonic() + 120
    arrived, repeats = arrivals_in(arrivals)
    while time.monotonic() < deadline and not all(a in arrived for a in addresses):
        time.sleep(0.2)
        arrived, repeats = arrivals_in(arrivals)
    rows = {row["entry__email"]: row for row in WebhookDelivery.objects.filter(
        entry__email__in=addresses).values("entry__email", "claimed_at", "delivered_at",
                                           "attempts")}
    received = [a for a in addresses if a in arrived and a in committed]
    return {
        "count": count,
        "offered_seconds": offered,
        "achieved_rate": len(committed) / offered,
        "received": len(received),
        "rows": len(rows),
        "repeats": repeats,
        "retried": sum(1 for r in rows.values() if r["attempts"] > 1),
        "latency": [arrived[a] - committed[a] for a in received],
        "queue_wait": [rows[a]["claimed_at"].timestamp() - committed[a] for a in received],
        "send": [(rows[a]["delivered_at"] - rows[a]["claimed_at"]).total_seconds()
                 for a in received if rows[a]["delivered_at"]],
        "schedule_lag": late,
    }


def write(report: dict, baseline: list[float], args) -> None:
    p = {name: percentiles(report[name]) for name in ("latency", "queue_wait", "send")}
    floor = percentiles(baseline)
    lost = report["count"] - report["received"]
    goal_met = p["latency"][1] <= 1.0 and lost == 0 and report["repeats"] == 0
    lines = [
        f"bench/webhooks.py  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        f"worker: --pool {args.pool} --concurrency {args.concurrency}; {args.clients} client "
        "processes; PostgreSQL; Redis broker; http.server receiver in its own process",
        f"offered {args.rate:g} completions/s for {report['offered_seconds']:.1f} s: "
        f"{report['count']} entries, {report['achieved_rate']:.1f} commits/s achieved, "
        f"{report['received']} events received ({lost} lost), {report['repeats']} received "
        f"twice, {report['retried']} retried",
        f"schedule lag (client's own): p95 {ms(percentiles(report['schedule_lag'])[1])}",
        "",
        f"{'':32}{'p50':>10}{'p95':>10}{'p99':>10}",
    ]
    rows = [("commit -> received", p["latency"]),
            ("  queue wait (commit -> claim)", p["queue_wait"]),
            ("  send (claim -> delivered)", p["send"]),
            ("baseline: one direct POST", floor)]
    for label, (p50, p95, p99) in rows:
        lines.append(f"{label:32}{ms(p50):>10}{ms(p95):>10}{ms(p99):>10}")
    cpu = report["worker_cpu"]
    lines += ["", f"worker CPU per delivery: {ms(cpu)} (all its processes), so "
              f"{1 / cpu:,.0f} deliveries/s per core at most"]
    verdict = "met" if goal_met else "NOT met"
    if args.rate < 50:
        verdict += f" at this rate ({args.rate:g}/s); the goal is at 50/s"
    lines += ["", f"p95 commit -> received is {p['latency'][1] / floor[1]:.0f}x the direct "
              f"POST's p95; p95 <= 1 s with none lost or doubled: {verdict}"]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
