"""Benchmark of follow-up emails: commit-to-delivered latency through a real worker and SMTP.

    .venv/bin/python bench/emails.py [--rate 50] [--seconds 20] [--pool threads|prefork]
                                     [--concurrency 8]

PostgreSQL (127.0.0.1:5432, user postgres, scratch database `sc_emails_bench`, dropped at the
end), Redis at CELERY_BROKER_URL (default redis://127.0.0.1:6379/1, on a private queue), a
`celery worker` process (--pool threads --concurrency 8 by default: sending is mostly waiting on
SMTP and the database; --pool prefork as the Procfile runs it), and an SMTP sink
(aiosmtpd) in a process of its own that notes when each message was accepted.

Entries of a one-step campaign with one "completed" email are completed at a steady rate by
--clients processes (as several web processes would), open loop: each completion is scheduled
at a fixed moment and run by a pool of threads, so a slow system cannot hide its queue. Each
completion is one transaction, as a request's would be; the moment it commits is noted by an
on_commit callback registered first.

Printed, as p50/p95/p99 over every entry of the run (and the worker's CPU time per email, from
/proc, which hardly depends on what else the machine runs):
  - commit → delivered: commit until the sink answered 250 to the message's DATA;
  - queue wait: commit until a worker claimed the row (the broker and the worker's backlog);
  - send: claim until the row was marked sent (render, SMTP conversation, the UPDATE);
and, as the baseline measured in the same run, one email sent straight from this process to the
same sink through Django's SMTP backend (the floor: the SMTP conversation alone).
Goal (issue 6): p95 commit → delivered under 2 s at 50 entries/s. Written to
bench/EMAILS_RESULTS.txt.
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "EMAILS_RESULTS.txt"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "sc_emails_bench"
WARMUP = 20
BASELINE_SENDS = 100

DOCUMENT = {
    "schema": 1, "name": "Bench signup", "kind": "form",
    "steps": [{"key": "s1", "title": "Sign up", "questions": [
        {"key": "name", "kind": "short_text", "label": "Name", "required": True},
        {"key": "email", "kind": "email", "label": "Email", "required": True}]}],
    "emails": [{"trigger": "completed", "subject": "Thanks, {{ name }}",
                "body": "Hi {{ name }},\n\nYour entry is in: {{ result_link }}"}],
}


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return at(0.50), at(0.95), at(0.99)


def ms(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"


class Arrivals:
    """An SMTP sink handler noting when each recipient's message was accepted, one line each."""

    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        self.out.write("".join(f"{address}\t{now}\n" for address in envelope.rcpt_tos))
        self.out.flush()
        return "250 Message accepted"


def serve_sink(port: int, path: str) -> None:
    """The sink, run in a process of its own so the client's threads cannot slow its replies."""
    from aiosmtpd.controller import Controller

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # for sigwait, in every thread
    with open(path, "a") as out:
        controller = Controller(Arrivals(out), hostname="127.0.0.1", port=port)
        controller.start()
        signal.sigwait({signal.SIGTERM})
        controller.stop()


def arrivals_in(path: Path) -> dict[str, float]:
    arrived = {}
    for line in path.read_text().splitlines():
        address, _, at = line.partition("\t")
        arrived.setdefault(address, float(at))
    return arrived


def start_sink(port: int, path: Path) -> subprocess.Popen:
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port), str(path)], cwd=ROOT)
    import socket

    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
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
    parser.add_argument("--clients", type=int, default=2,
                        help="client processes completing entries (as several web processes)")
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        serve_sink(int(args.sink[0]), args.sink[1])
        return

    from tests.smtp_sink import free_port

    port = free_port()
    arrivals = ROOT / "var" / f"bench-emails-arrivals-{uuid.uuid4().hex[:8]}.txt"
    arrivals.parent.mkdir(exist_ok=True)
    arrivals.write_text("")
    sink = start_sink(port, arrivals)
    queue = f"bench-emails-{uuid.uuid4().hex[:8]}"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-emails",
        "DATABASE_URL": f"{PG_SERVER}/{PG_DB}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1"),
        "CELERY_QUEUE": queue,
        "CACHE_URL": "dummycache://",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
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
        campaign = seed()
        log = ROOT / "var" / f"bench-emails-worker-{queue}.log"
        log.parent.mkdir(exist_ok=True)
        worker = start_worker(queue, args.pool, args.concurrency, log)
        baseline = send_directly(BASELINE_SENDS)
        run(campaign, arrivals, WARMUP, rate=args.rate, clients=args.clients)
        cpu_before = cpu_seconds(worker.pid)
        report = run(campaign, arrivals, round(args.rate * args.seconds), rate=args.rate,
                     clients=args.clients)
        report["worker_cpu"] = (cpu_seconds(worker.pid) - cpu_before) / max(report["delivered"], 1)
        write(report, baseline, args)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        sink.terminate()
        sink.wait(timeout=30)
        arrivals.unlink(missing_ok=True)
        from django.db import connections

        connections.close_all()
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def seed():
    from builder.models import User
    from campaigns.services.campaigns import campaign_create, campaign_publish
    from campaigns.services.workspaces import workspace_create

    user = User.objects.create_user(email="bench@stepcraft.test", password=None)
    workspace = workspace_create(owner=user, name="Bench")
    campaign = campaign_create(workspace=workspace, by=user, document=DOCUMENT)
    campaign_publish(campaign=campaign, by=user)
    campaign.refresh_from_db()
    return campaign


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (prefork's pool), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def start_worker(queue: str, pool: str, concurrency: int, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
             "--pool", pool, "--concurrency", str(concurrency), "-Q", queue, "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env={**os.environ, "LOG_LEVEL": "INFO"}, stdout=out,
            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return worker


def send_directly(count: int) -> list[float]:
    """The floor: the same kind of message handed straight to the sink, no queue."""
    from django.core.mail import EmailMultiAlternatives

    times = []
    for n in range(count):
        message = EmailMultiAlternatives("Baseline", "Hello", to=[f"baseline-{n}@example.com"])
        message.attach_alternative("<p>Hello</p>", "text/html")
        started = time.perf_counter()
        message.send()
        times.append(time.perf_counter() - started)
    return times


def complete_one(campaign, address: str, committed: dict) -> int:
    from django.db import transaction

    from entries.services.runtime import answer_submit, entry_start

    with transaction.atomic():
        # Registered first, so it runs before the outbox's own callback publishes the task.
        transaction.on_commit(lambda: committed.__setitem__(address, time.time()))
        entry = entry_start(campaign=campaign, source={})
        answer_submit(entry=entry, step_key="s1",
                      raw={"name": ["Bench"], "email": [address]})
    return entry.pk


def client(campaign, addresses: list[str], started: float, rate: float, first: int,
           step: int, results) -> None:
    """One client process: completes addresses[first::step] at their scheduled moments."""
    from django.db import connection, connections

    connections.close_all()  # the parent's connections are not ours to use
    committed: dict[str, float] = {}
    late = []

    def job(address: str, scheduled: float) -> None:
        late.append(time.time() - scheduled)
        try:
            complete_one(campaign, address, committed)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for n in range(first, len(addresses), step):
            scheduled = started + n / rate
            pause = scheduled - time.time()
            if pause > 0:
                time.sleep(pause)
            pool.submit(job, addresses[n], scheduled)
    results.put((committed, late))


def run(campaign, arrivals: Path, count: int, *, rate: float, clients: int) -> dict:
    import multiprocessing

    from django.db import connections

    from entries.models import OutboundEmail

    tag = uuid.uuid4().hex[:6]
    addresses = [f"e{tag}-{n}@example.com" for n in range(count)]
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
    arrived = arrivals_in(arrivals)
    while time.monotonic() < deadline and not all(a in arrived for a in addresses):
        time.sleep(0.2)
        arrived = arrivals_in(arrivals)
    rows = {row["to_email"]: row for row in OutboundEmail.objects.filter(
        to_email__in=addresses).values("to_email", "claimed_at", "sent_at", "attempts")}
    delivered = [a for a in addresses if a in arrived and a in committed]
    return {
        "count": count,
        "offered_seconds": offered,
        "achieved_rate": len(committed) / offered,
        "delivered": len(delivered),
        "duplicates": sum(1 for r in rows.values() if r["attempts"] > 1),
        "latency": [arrived[a] - committed[a] for a in delivered],
        "queue_wait": [rows[a]["claimed_at"].timestamp() - committed[a] for a in delivered],
        "send": [(rows[a]["sent_at"] - rows[a]["claimed_at"]).total_seconds()
                 for a in delivered if rows[a]["sent_at"]],
        "schedule_lag": late,
    }


def write(report: dict, baseline: list[float], args) -> None:
    p = {name: percentiles(report[name]) for name in ("latency", "queue_wait", "send")}
    floor = percentiles(baseline)
    goal_met = p["latency"][1] < 2.0 and report["delivered"] == report["count"]
    lines = [
        f"bench/emails.py  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        f"worker: --pool {args.pool} --concurrency {args.concurrency}; {args.clients} client "
        "processes; PostgreSQL; Redis broker; aiosmtpd sink in its own process",
        f"offered {args.rate:g} entries/s for {report['offered_seconds']:.1f} s: "
        f"{report['count']} entries, {report['achieved_rate']:.1f} commits/s achieved, "
        f"{report['delivered']} emails delivered, {report['duplicates']} sent more than once",
        f"schedule lag (client's own): p95 {ms(percentiles(report['schedule_lag'])[1])}",
        "",
        f"{'':32}{'p50':>10}{'p95':>10}{'p99':>10}",
    ]
    rows = [("commit -> delivered", p["latency"]), ("  queue wait (commit -> claim)",
            p["queue_wait"]), ("  send (claim -> marked sent)", p["send"]),
            ("baseline: direct SMTP send", floor)]
    for label, (p50, p95, p99) in rows:
        lines.append(f"{label:32}{ms(p50):>10}{ms(p95):>10}{ms(p99):>10}")
    cpu = report["worker_cpu"]
    lines += ["", f"worker CPU per email: {ms(cpu)} (all its processes), so {1 / cpu:,.0f} "
              f"emails/s per core at most"]
    verdict = "met" if goal_met else "NOT met"
    if args.rate < 50:
        verdict += f" at this rate ({args.rate:g}/s); the goal is at 50/s"
    lines += ["", f"p95 commit -> delivered is {p['latency'][1] / floor[1]:.0f}x the direct "
              f"send's p95; p95 < 2 s: {verdict}"]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
