"""Benchmark of the public runtime under gunicorn against a one-row-insert baseline, same run.

    .venv/bin/python bench/runtime.py [--quick] [--workers N] [--no-sqlite]

PostgreSQL (127.0.0.1:5432, user postgres, scratch database `stepcraft_bench`, dropped at the end):

  1. step submits/s through the real runtime: virtual visitors walk a 5-step form (two questions
     per step) by plain form POSTs to /c/<slug>/e/<token>/, expecting 303 and not following it;
     the same again with HX-Request (expecting the next stage, 200);
  2. the stack's own limit: POST /bench/baseline/ (bench/urls.py) which inserts one row, through
     the same middleware, gunicorn and client;
  3. latency p50/p95/p99 of step submits at a steady 200/s, open loop: requests are scheduled at
     fixed intervals and timed from their scheduled moment, so a slow server cannot hide its
     queue (no coordinated omission);
  4. interaction events/s, in JSON batches of 50 to /c/<slug>/e/<token>/events; the rows in the
     database are counted at the end and the INSERTs per batch are counted in-process;

then the embedded default, SQLite (WAL) in a temporary file:

  5. 150 step submits/s, open loop, counting non-2xx/3xx answers and "database is locked" in the
     gunicorn log.

Throughputs are closed loop (a fixed number of client threads, each sending as soon as its last
answer came back); baseline, plain and HTMX run interleaved in slices so that a change in the
machine's other load hits them alike. The client runs on the same machine and takes its share of
the same cores, for the baseline as for the runtime. Each phase also notes the CPU time gunicorn,
the PostgreSQL backends and the client spent per request (from /proc), which hardly depends on
what else the machine runs, and from it the "CPU ceiling": the rate all cores could sustain.

CACHE_URL=dummycache:// so the per-IP rate limits (entries/guards.py) never trip: every request
comes from 127.0.0.1. gunicorn runs sync workers as in the Procfile. Figures are printed as a
table and written to bench/RUNTIME_RESULTS.txt.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RUNTIME_RESULTS.txt"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "stepcraft_bench"
STEPS = 5
EVENTS_PER_BATCH = 50
EVENT_KINDS = ("focus", "change", "idle", "time")
CLIENTS = 8  # closed-loop client threads
OPEN_LOOP_THREADS = 64
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def step_body(step: int) -> str:
    return urlencode({"step": f"s{step}", f"q{step}a": "A bench answer", f"q{step}b": "y"})


def events_body() -> bytes:
    now = int(time.time() * 1000)
    events = [{"kind": EVENT_KINDS[i % 4], "step": f"s{i % STEPS}", "at": now - i,
               "data": {"question": f"q{i % STEPS}a", "ms": 100 + i}}
              for i in range(EVENTS_PER_BATCH)]
    return json.dumps({"events": events}).encode()


# --- The child side: runs inside Django (bench.settings) to seed and count queries ---------------


def seed(tokens_file: str, entries: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(_seed(Path(tokens_file), entries)))


def _seed(tokens_file: Path, entries: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from builder.models import User
    from campaigns.services.campaigns import campaign_create, campaign_publish
    from campaigns.services.workspaces import workspace_create
    from entries.models import Entry, Interaction
    from tests.entries.documents import long_form

    user = User.objects.create_user(email="bench@stepcraft.test", password=None)
    workspace = workspace_create(owner=user, name="Bench")
    campaign = campaign_create(workspace=workspace, by=user, document=long_form(STEPS))
    campaign_publish(campaign=campaign, by=user)
    campaign.refresh_from_db()
    rows = Entry.objects.bulk_create(
        [Entry(campaign=campaign, version_id=campaign.published_version_id, current_step="s0")
         for _ in range(entries)], batch_size=2000)
    tokens_file.write_text("\n".join(e.token for e in rows))
    baseline_entry = Entry.objects.filter(campaign=campaign).values_list("id", flat=True).first()

    # Queries per request, counted in-process through the same URLconf and middleware.
    client = Client(HTTP_HOST="127.0.0.1")
    probe = Entry.objects.bulk_create(
        [Entry(campaign=campaign, version_id=campaign.published_version_id, current_step="s0")
         for _ in range(3)])

    def walk(token: str, htmx: bool) -> tuple[list[int], list[str]]:
        counts, sql = [], []
        headers = {"HX-Request": "true"} if htmx else {}
        for step in range(STEPS):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(f"/c/{campaign.slug}/e/{token}/", step_body(step),
                                       content_type=FORM["Content-Type"], headers=headers)
            assert response.status_code == (200 if htmx else 303), response.status_code
            counts.append(len(queries))
            if step == 1:
                sql = [(q["sql"] or "(prepared)")[:160] for q in queries.captured_queries]
        return counts, sql

    # The first walk loads this process's cached definition, and shows the statements' text:
    # once psycopg prepares them (after 5 runs) Django logs no text for them.
    _, plain_sql = walk(probe[0].token, htmx=False)
    plain, _ = walk(probe[1].token, htmx=False)
    htmx, _ = walk(probe[2].token, htmx=True)
    rows_before = Interaction.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/c/{campaign.slug}/e/{probe[1].token}/events", events_body(),
                               content_type="application/json")
    assert response.status_code == 204, response.status_code
    inserts = [q for q in queries.captured_queries
               if (q["sql"] or "").lstrip().startswith("INSERT")]
    written = Interaction.objects.count() - rows_before
    Interaction.objects.filter(kind__in=EVENT_KINDS).delete()  # so the load's count starts at 0
    return {
        "slug": campaign.slug,
        "baseline_entry": baseline_entry,
        "queries_plain": plain,
        "queries_htmx": htmx,
        "queries_plain_sql": plain_sql,
        "events_queries": len(queries),
        "events_inserts": len(inserts),
        "events_probe_rows": written,
    }


# --- The parent side: databases, gunicorn, load ---------------------------------------------------


def child_env(database_url: str, tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        CACHE_URL="dummycache://",  # rate limits never trip (every request is from 127.0.0.1)
        # PostgreSQL connections kept for the whole run (default 60 s), so that each backend's
        # CPU time can be read from /proc; this changes nothing else (they are persistent anyway).
        CONN_MAX_AGE="900",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="false",
        SECURE_SSL_REDIRECT="false",
        CELERY_BROKER_URL="",
        EMAIL_FILE_PATH=str(tmp / "mail"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_child(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def pg_count_events() -> int:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_DB}", autocommit=True, connect_timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM entries_interaction WHERE kind = ANY(%s)",
                            [list(EVENT_KINDS)]).fetchone()[0]


def pg_entry_updates() -> tuple[int, int]:
    """Updates of entries_entry so far, and how many were HOT (no index entry written).
    Backends report them when their transactions end; read after the server has stopped."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_DB}", autocommit=True, connect_timeout=10) as conn:
        return conn.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                            "WHERE relname = 'entries_entry'").fetchone()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn (sync workers, like the Procfile) in its own process group, stopped on exit."""

    def __init__(self, env: dict, log: Path, workers: int):
        self.env, self.log, self.workers = env, log, workers
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, probe_path: str) -> None:
        self.logfile = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--no-control-socket", "--backlog", "2048",
             "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Conn(self.port).request("GET", probe_path)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created
                self.proc.wait(timeout=5)
        self.proc = None
        with contextlib.suppress(AttributeError):
            self.logfile.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Conn:
    """One client's HTTP/1.1 connection; reopened whenever the server closes it (sync workers)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None,
                headers: dict | None = None) -> tuple[int, str]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            response.read()
            if response.will_close:
                self.close()
            return response.status, response.getheader("Location") or ""
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Visitors:
    """Pre-created entries; each is walked step by step, one request at a time."""

    def __init__(self, tokens: list[str]):
        self.fresh = iter(tokens)
        self.ready: deque[list] = deque()
        self.lock = threading.Lock()

    def take(self) -> list | None:
        with self.lock:
            if self.ready:
                return self.ready.popleft()
            token = next(self.fresh, None)
            return None if token is None else [token, 0]

    def give_back(self, visitor: list) -> None:
        if visitor[1] < STEPS:
            with self.lock:
                self.ready.append(visitor)


class OutOfVisitors(Exception):
    pass


def submit_action(slug: str, visitors: Visitors, htmx: bool,
                  floor: bool = False) -> Callable[[Conn], int]:
    """A visitor's next step through the runtime, or through the floor view (bench/urls.py)."""
    headers = {**FORM, **({"HX-Request": "true"} if htmx else {})}
    expected = 200 if htmx else 303

    def act(conn: Conn) -> int:
        visitor = visitors.take()
        if visitor is None:
            raise OutOfVisitors
        token, step = visitor
        path = f"/bench/floor/{slug}/{token}/" if floor else f"/c/{slug}/e/{token}/"
        status, location = conn.request("POST", path, step_body(step), headers)
        if status == expected and (htmx or urlsplit(location).path == f"/c/{slug}/e/{token}/"):
            visitor[1] += 1
            visitors.give_back(visitor)
        return status

    return act


def baseline_action(entry_id: int) -> Callable[[Conn], int]:
    body = urlencode({"entry": entry_id, "step": "baseline", "q1a": "A bench answer", "q1b": "y"})

    def act(conn: Conn) -> int:
        return conn.request("POST", "/bench/baseline/", body, FORM)[0]

    return act


def events_action(slug: str, tokens: list[str]) -> Callable[[Conn], int]:
    counter = iter(range(10**9))
    headers = {"Content-Type": "application/json"}

    def act(conn: Conn) -> int:
        token = tokens[next(counter) % len(tokens)]
        return conn.request("POST", f"/c/{slug}/e/{token}/events", events_body(), headers)[0]

    return act


class Tally:
    """What one load phase (or several slices of it) saw."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.failures: Counter = Counter()
        self.late: Counter = Counter()  # closed loop: answers that came after the deadline
        self.missed = 0  # open loop: requests still unsent when the time ran out
        self.elapsed = 0.0

    def add(self, latency: float, status: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.statuses[status] += 1

    def fail(self, error: BaseException) -> None:
        with self.lock:
            self.failures[type(error).__name__] += 1

    def merge(self, other: "Tally") -> None:
        self.latencies += other.latencies
        self.statuses += other.statuses
        self.failures += other.failures
        self.late += other.late
        self.missed += other.missed
        self.elapsed += other.elapsed

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def answered(self) -> int:
        return len(self.latencies) + sum(self.late.values())

    @property
    def bad(self) -> int:
        """Answers outside 2xx/3xx, plus requests that got no answer at all."""
        return (sum(n for s, n in (self.statuses + self.late).items() if not 200 <= s < 400)
                + sum(self.failures.values()) + self.missed)

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, max(0, round(p / 100 * len(data)) - 1))] * 1000

    def percentiles(self) -> str:
        return "/".join(f"{self.percentile(p):.0f}" for p in (50, 95, 99))


def _run_threads(count: int, target: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def closed_loop(port: int, act: Callable[[Conn], int], seconds: float,
                clients: int = CLIENTS) -> Tally:
    """`clients` threads, each sending its next request as soon as the last one is answered."""
    tally = Tally()
    start = time.perf_counter()
    stop = start + seconds

    def worker() -> None:
        conn = Conn(port)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                status = act(conn)
            except OutOfVisitors:
                break
            except (OSError, http.client.HTTPException) as error:
                tally.fail(error)
                continue
            ended = time.perf_counter()
            if ended <= stop:
                tally.add(ended - began, status)
            else:
                with tally.lock:
                    tally.late[status] += 1
        conn.close()

    _run_threads(clients, worker)
    tally.elapsed = min(time.perf_counter(), stop) - start
    return tally


def open_loop(port: int, act: Callable[[Conn], int], rate: float, seconds: float) -> Tally:
    """`rate` requests/s at fixed intervals; each latency counts from its scheduled moment.

    Requests not yet sent 5 s (or half the run) after the last scheduled moment are given up and
    counted as missed: the server could not keep up.
    """
    tally = Tally()
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    hard_stop = start + seconds + max(5.0, seconds / 2)
    lock = threading.Lock()
    issued = iter(range(total))
    last_done = [start]

    def worker() -> None:
        conn = Conn(port)
        while True:
            with lock:
                index = next(issued, None)
            if index is None:
                break
            if time.perf_counter() > hard_stop:
                with lock:
                    tally.missed += 1
                continue
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                status = act(conn)
            except OutOfVisitors:
                break
            except (OSError, http.client.HTTPException) as error:
                tally.fail(error)
                continue
            ended = time.perf_counter()
            tally.add(ended - scheduled, status)
            with lock:
                last_done[0] = max(last_done[0], ended)
        conn.close()

    _run_threads(OPEN_LOOP_THREADS, worker)
    tally.elapsed = max(last_done[0] - start, 1e-9)
    return tally


# --- CPU accounting: where each request's time goes, whatever else the machine is doing ----------

TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str] | None:
    try:  # the fields after "(comm)": state, ppid, ..., utime at [11], stime at [12]
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    stats = {pid: _proc_stat(pid) for pid in pids}
    return {pid: (int(s[11]) + int(s[12])) / TICKS for pid, s in stats.items() if s}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots; a process that appeared in between counts in full."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat and int(stat[1]) == parent:
                found.append(int(entry.name))
    return found


def pg_backends() -> list[int]:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            [PG_DB]).fetchall()
    return [pid for (pid,) in rows]


def ceiling(cpu_ms: list[float]) -> float:
    """Requests/s this machine could serve if its every core did nothing else."""
    return (os.cpu_count() or 1) * 1000 / sum(cpu_ms)


# --- The run --------------------------------------------------------------------------------------


class Phase:
    def __init__(self):
        self.tally = Tally()
        self.cpu = [0.0, 0.0, 0.0]  # seconds: gunicorn, postgres, this client
        self.loads: list[float] = []

    @property
    def per_request(self) -> list[float]:
        """CPU milliseconds per answered request: gunicorn, postgres, client."""
        return [1000 * c / max(self.tally.answered, 1) for c in self.cpu]


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args, self.tmp = args, tmp
        quick = args.quick
        self.d = {  # seconds per phase
            "warm": 1 if quick else 3, "throughput": 4 if quick else 20,
            "htmx": 3 if quick else 15, "slices": 2 if quick else 5,
            "open": 5 if quick else 30, "events": 3 if quick else 15,
            "sqlite_open": 5 if quick else 40, "sqlite_throughput": 0 if quick else 10,
        }
        self.rows: list[tuple[str, ...]] = []  # metric, value, goal, met?
        self.phases: dict[str, Phase] = {}
        self.sql: list[str] = []

    def row(self, metric: str, value: str, goal: str = "", met: bool | None = None) -> None:
        self.rows.append((metric, value, goal, "" if met is None else ("yes" if met else "NO")))

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    def prepare(self, env: dict, entries: int) -> tuple[dict, list[str]]:
        run_child(env, "manage.py", "migrate", "--noinput", "-v0")
        tokens_file = self.tmp / "tokens.txt"
        meta = json.loads(run_child(env, __file__, "--seed", str(tokens_file),
                                    "--entries", str(entries)))
        return meta, tokens_file.read_text().split("\n")

    def phase(self, label: str, server: Server, run: Callable[[], Tally],
              postgres: bool) -> Phase:
        """Run one load phase (or one more slice of it), noting the CPU seconds that gunicorn,
        PostgreSQL and this client spent: unlike rates, they hardly depend on other load."""
        self.log(label)
        phase = self.phases.setdefault(label, Phase())
        phase.loads.append(os.getloadavg()[0])
        pids = [server.proc.pid, *children(server.proc.pid)]
        before = (cpu_seconds(pids), cpu_seconds(pg_backends() if postgres else []),
                  time.process_time())
        tally = run()
        pids = [server.proc.pid, *children(server.proc.pid)]
        after = (cpu_seconds(pids), cpu_seconds(pg_backends() if postgres else []),
                 time.process_time())
        used = (cpu_used(before[0], after[0]), cpu_used(before[1], after[1]),
                after[2] - before[2])
        phase.cpu = [a + b for a, b in zip(phase.cpu, used, strict=True)]
        phase.tally.merge(tally)
        return phase

    def postgresql(self) -> None:
        d = self.d
        env = child_env(f"{PG_SERVER}/{PG_DB}", self.tmp)
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB}")
        server = Server(env, self.tmp / "gunicorn-pg.log", self.args.workers)
        try:
            self.log("PostgreSQL: migrate and seed")
            meta, tokens = self.prepare(env, 2500 if self.args.quick else 16000)
            slug = meta["slug"]
            event_tokens, tokens = tokens[:50], tokens[50:]
            floor_tokens, tokens = tokens[:len(tokens) // 3], tokens[len(tokens) // 3:]
            visitors = Visitors(tokens)
            floor = submit_action(slug, Visitors(floor_tokens), htmx=False, floor=True)
            baseline = baseline_action(meta["baseline_entry"])
            plain = submit_action(slug, visitors, htmx=False)
            htmx = submit_action(slug, visitors, htmx=True)
            events = events_action(slug, event_tokens)
            server.start(f"/c/{slug}/")
            port = server.port
            self.log("warm-up")
            for act in (baseline, floor, plain, htmx, events):
                closed_loop(port, act, d["warm"])
            events_before = pg_count_events()

            def phase(label: str, run: Callable[[], Tally]) -> Phase:
                return self.phase(f"PG {label}", server, run, postgres=True)

            # Interleaved slices, so that a change in the machine's other load hits both alike.
            n = d["slices"]
            t, th = d["throughput"] / n, d["htmx"] / n
            for _ in range(n):
                base = phase(f"baseline, closed loop {CLIENTS} clients",
                             lambda: closed_loop(port, baseline, t))
                floored = phase(f"floor (a submit's SQL only), closed loop {CLIENTS} clients",
                                lambda: closed_loop(port, floor, t))
                run = phase(f"submits plain, closed loop {CLIENTS} clients",
                            lambda: closed_loop(port, plain, t))
                run_htmx = phase(f"submits HTMX, closed loop {CLIENTS} clients",
                                 lambda: closed_loop(port, htmx, th))
            opened = phase(f"submits plain, 200/s open loop {d['open']} s",
                           lambda: open_loop(port, plain, 200, d["open"]))
            base_open = None
            if not self.args.quick:
                base_open = phase(f"baseline, 200/s open loop {d['open'] // 2} s",
                                  lambda: open_loop(port, baseline, 200, d["open"] // 2))
            batches = phase(f"events x{EVENTS_PER_BATCH}, closed loop {d['events']} s",
                            lambda: closed_loop(port, events, d["events"]))
            server.stop()
            written = pg_count_events() - events_before
            updates, hot = pg_entry_updates()
            tracebacks = server.log_text().count("Traceback")
        finally:
            server.stop()
            with contextlib.suppress(Exception):
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")

        ratio = run.tally.rate / base.tally.rate
        self.row("PG baseline: 1-row insert POST (req/s)", f"{base.tally.rate:,.0f}",
                 "(reference)")
        self.row("PG step submits/s, plain POST -> 303",
                 f"{run.tally.rate:,.0f} ({ratio:.2f}x base)", ">= 0.8x baseline", ratio >= 0.8)
        server_ms = {p: sum(p.per_request[:2]) for p in (base, run)}  # gunicorn + postgres
        cpu_ratio = server_ms[base] / server_ms[run]
        self.row("  same, by server CPU per request", f"{server_ms[run]:.1f} vs "
                 f"{server_ms[base]:.1f} ms ({cpu_ratio:.2f}x)", ">= 0.8x baseline",
                 cpu_ratio >= 0.8)
        self.row("  CPU ceiling: cores / CPU per submit (incl. client)",
                 f"{ceiling(run.per_request):,.0f} submits/s", ">= 200/s (for the p95 goal)",
                 ceiling(run.per_request) >= 200)
        floor_ratio = floored.tally.rate / base.tally.rate
        self.row("PG floor: a submit's own read + writes, no logic",
                 f"{floored.tally.rate:,.0f} ({floor_ratio:.2f}x base)", "(limit of the goal)")
        self.row("  runtime against its floor", f"{run.tally.rate / floored.tally.rate:.2f}x",
                 "(info)")
        self.row("  floor by server CPU per request",
                 f"{sum(floored.per_request[:2]):.1f} ms "
                 f"(gunicorn {floored.per_request[0]:.2f}, postgres {floored.per_request[1]:.2f})",
                 "(info)")
        htmx_ratio = run_htmx.tally.rate / base.tally.rate
        self.row("PG step submits/s, HTMX (renders next step)",
                 f"{run_htmx.tally.rate:,.0f} ({htmx_ratio:.2f}x base)", ">= 0.7x baseline",
                 htmx_ratio >= 0.7)
        htmx_ms = sum(run_htmx.per_request[:2])
        self.row("  same, by server CPU per request", f"{htmx_ms:.1f} vs {server_ms[base]:.1f} ms "
                 f"({server_ms[base] / htmx_ms:.2f}x)", "(info)")
        self.row("  the render: gunicorn CPU over a plain submit",
                 f"{run_htmx.per_request[0] - run.per_request[0]:.2f} ms", "(info)")
        o = opened.tally
        self.row("PG submits at 200/s open loop: p50/p95/p99 ms",
                 f"{o.percentiles()} (achieved {o.rate:.0f}/s, {o.bad} bad/missed)",
                 "p95 <= 25 ms", o.percentile(95) <= 25 and o.bad == 0)
        if base_open:
            b = base_open.tally
            self.row("PG baseline at 200/s open loop: p50/p95/p99 ms",
                     f"{b.percentiles()} (achieved {b.rate:.0f}/s)", "(reference)")
        e = batches.tally
        events_rate = e.rate * EVENTS_PER_BATCH
        self.row(f"PG events/s (batches of {EVENTS_PER_BATCH})",
                 f"{events_rate:,.0f} ({e.rate:.0f} batches/s)", ">= 5,000/s",
                 events_rate >= 5000 and e.bad == 0)
        events_ceiling = ceiling(batches.per_request) * EVENTS_PER_BATCH
        self.row("  CPU ceiling: cores / CPU per batch (incl. client)",
                 f"{events_ceiling:,.0f} events/s", ">= 5,000/s", events_ceiling >= 5000)
        self.row("PG INSERTs per events batch (counted in-process)",
                 f"{meta['events_inserts']} ({meta['events_probe_rows']} rows, "
                 f"{meta['events_queries']} queries in all)", "1",
                 meta["events_inserts"] == 1 and meta["events_probe_rows"] == EVENTS_PER_BATCH)
        accepted = (e.statuses[204] + e.late[204]) * EVENTS_PER_BATCH
        self.row("PG event rows written = events accepted (204)", f"{written:,} = {accepted:,}",
                 "equal", written == accepted)
        self.row("PG entry updates that were HOT (no index written)",
                 f"{hot:,} of {updates:,} ({hot / max(updates, 1):.0%})", "(info)")
        self.row("queries per step submit, plain (steps 1..5)",
                 "/".join(map(str, meta["queries_plain"])), "(info)")
        self.row("queries per step submit, HTMX (steps 1..5)",
                 "/".join(map(str, meta["queries_htmx"])), "(info)")
        bad = sum(p.tally.bad for p in self.phases.values()) + tracebacks
        self.row("PG bad answers/missed + tracebacks in log (all)", str(bad), "0", bad == 0)
        self.sql = meta["queries_plain_sql"]

    def sqlite(self) -> None:
        d = self.d
        env = child_env(f"sqlite:///{self.tmp / 'bench.sqlite3'}", self.tmp)
        server = Server(env, self.tmp / "gunicorn-sqlite.log", self.args.workers)
        try:
            self.log("SQLite: migrate and seed")
            meta, tokens = self.prepare(env, 1500 if self.args.quick else 6000)
            slug = meta["slug"]
            plain = submit_action(slug, Visitors(tokens), htmx=False)
            server.start(f"/c/{slug}/")
            port = server.port
            self.log("warm-up")
            closed_loop(port, plain, d["warm"], clients=2)
            mark = len(server.log_text())
            opened = self.phase(f"SQLite submits plain, 150/s open loop {d['sqlite_open']} s",
                                server, lambda: open_loop(port, plain, 150, d["sqlite_open"]),
                                postgres=False)
            locked = server.log_text()[mark:].count("database is locked")
            through = None
            if t := d["sqlite_throughput"]:
                baseline = baseline_action(meta["baseline_entry"])
                through = (
                    self.phase(f"SQLite baseline, closed loop {t} s", server,
                               lambda: closed_loop(port, baseline, t), postgres=False),
                    self.phase(f"SQLite submits plain, closed loop {t} s", server,
                               lambda: closed_loop(port, plain, t), postgres=False))
            server.stop()
            locked_all = server.log_text().count("database is locked")
        finally:
            server.stop()
        o = opened.tally
        self.row("SQLite at 150 submits/s: achieved, bad/missed, 'locked'",
                 f"{o.rate:.0f}/s, {o.bad}, {locked}", ">= 150/s, 0, 0",
                 o.rate >= 150 * 0.97 and o.bad == 0 and locked == 0)
        self.row("  CPU ceiling: cores / CPU per submit (incl. client)",
                 f"{ceiling(opened.per_request):,.0f} submits/s", ">= 150/s",
                 ceiling(opened.per_request) >= 150)
        self.row("SQLite at 150/s: p50/p95/p99 ms", o.percentiles(), "(info)")
        if through:
            b, r = (p.tally for p in through)
            self.row("SQLite baseline / step submits, closed loop (req/s)",
                     f"{b.rate:,.0f} / {r.rate:,.0f} ({r.rate / b.rate:.2f}x)", "(info)")
            self.row("SQLite closed loop: bad answers, 'locked' in log",
                     f"{b.bad + r.bad}, {locked_all}", "(info)")

    def phase_rows(self) -> list[tuple[str, ...]]:
        return [(label, f"{p.tally.answered:,}", f"{p.tally.rate:,.0f}",
                 *(f"{ms:.2f}" for ms in p.per_request),
                 f"{min(p.loads):.1f}-{max(p.loads):.1f}")
                for label, p in self.phases.items()]


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (< 60 s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers [4]")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite part")
    parser.add_argument("--seed", metavar="TOKENS_FILE", help=argparse.SUPPRESS)
    parser.add_argument("--entries", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:  # the child side, run with the server's environment
        seed(args.seed, args.entries)
        return

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the clean-ups below
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="stepcraft-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        bench.postgresql()
        if not args.no_sqlite:
            bench.sqlite()
    took = time.monotonic() - began

    text = "\n".join([
        f"bench/runtime.py{' --quick' if args.quick else ''}: "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {took:.0f} s",
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn "
        f"{args.workers} sync workers (--no-control-socket); load generator in this process: "
        f"{CLIENTS} closed-loop / {OPEN_LOOP_THREADS} open-loop threads (stdlib http.client, "
        "a new connection per request as sync workers close it)",
        f"campaign: {STEPS} steps x (required short text + single choice + a scoring rule); "
        f"visitors are pre-created entries walking s0..s{STEPS - 1}; closed-loop baseline, "
        f"plain and HTMX phases run interleaved in {bench.d['slices']} slices",
        "CACHE_URL=dummycache:// so the per-IP rate limits (entries/guards.py) never trip",
        "",
        table(("metric", "value", "goal", "met?"), bench.rows),
        "",
        "CPU ms per answered request, from /proc (less sensitive than rates to other load)",
        table(("phase", "requests", "req/s", "gunicorn", "postgres", "client", "load avg"),
              bench.phase_rows()),
        "",
        "SQL of one plain step submit (PostgreSQL):",
        *(f"  {sql}" for sql in bench.sql),
    ]) + "\n"
    print()
    print(text)
    RESULTS.write_text(text)
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
