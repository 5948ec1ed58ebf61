"""Stepcraft's runtime against the peer a Django developer would pick instead, in the same run.

    .venv/bin/python bench/peer_formtools.py [--quick] [--workers N] [--runs R]

The peer is the same 5-step form (a required short text and a single choice per step) built with
django-formtools' `SessionWizardView`: answers kept in Django's database sessions, saved to a
model at the end (bench/peer/, served through bench/peer_settings.py by the same gunicorn). Both
are walked by bench/runtime.py's client, closed loop, in interleaved slices:

  - Stepcraft plain: POST a step, 303 to the entry's URL (not followed);
  - Stepcraft HTMX: POST a step with HX-Request, 200 with the next step rendered;
  - peer: POST a step with the session cookie, 200 with the next step rendered (303 after the
    last, when it saves).

Stepcraft does more per step: server-side state that survives a lost cookie, answer rows with
their first value and changes, two interaction events and a score. Each visitor is started
before the timed phases (a Stepcraft entry created, a peer session opened by a GET), so only step
submits are timed. CPU per step is gunicorn's and PostgreSQL's, from /proc, as in runtime.py.
Results go to bench/PEER_RESULTS.txt. PostgreSQL database `h_perf_peer`, dropped at the end.
"""

import argparse
import contextlib
import http.client
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import runtime as rt  # noqa: E402  (needs the repository root on sys.path first)

rt.PG_DB = "h_perf_peer"  # runtime.py's helpers read it when called: this run's own database
RESULTS = ROOT / "bench" / "PEER_RESULTS.txt"
PREFIX = "peer_wizard"  # SessionWizardView's prefix: the view class's name, normalised


def peer_body(step: int) -> str:
    return urlencode({f"{PREFIX}-current_step": f"s{step}", f"s{step}-q{step}a": "A bench answer",
                      f"s{step}-q{step}b": "y"})


def open_session(port: int) -> str:
    """GET /peer/ as a new visitor; the session cookie the wizard's storage lives behind."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/peer/")
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        cookie = SimpleCookie(response.getheader("Set-Cookie"))
        return cookie["sessionid"].value
    finally:
        conn.close()


def peer_action(visitors: rt.Visitors) -> Callable[[rt.Conn], int]:
    def act(conn: rt.Conn) -> int:
        visitor = visitors.take()
        if visitor is None:
            raise rt.OutOfVisitors
        session, step = visitor
        headers = {**rt.FORM, "Cookie": f"sessionid={session}"}
        status, _ = conn.request("POST", "/peer/", peer_body(step), headers)
        if status == (303 if step == rt.STEPS - 1 else 200):
            visitor[1] += 1
            visitors.give_back(visitor)
        return status

    return act


def open_sessions(port: int, count: int) -> list[str]:
    sessions: list[str] = []
    lock = threading.Lock()
    per_thread = -(-count // 8)

    def worker() -> None:
        opened = [open_session(port) for _ in range(per_thread)]
        with lock:
            sessions.extend(opened)

    rt._run_threads(8, worker)
    return sessions[:count]


def peer_rows() -> int:
    with psycopg.connect(f"{rt.PG_SERVER}/{rt.PG_DB}", autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM peer_peersubmission").fetchone()[0]


def one_run(args: argparse.Namespace, tmp: Path) -> dict:
    """One run: seed, serve, interleave the three walks; returns rates and CPU per step."""
    bench = rt.Bench(args, tmp)
    env = rt.child_env(f"{rt.PG_SERVER}/{rt.PG_DB}", tmp)
    env["DJANGO_SETTINGS_MODULE"] = "bench.peer_settings"
    rt.pg_admin(f"DROP DATABASE IF EXISTS {rt.PG_DB} WITH (FORCE)")
    rt.pg_admin(f"CREATE DATABASE {rt.PG_DB}")
    server = rt.Server(env, tmp / "gunicorn-peer.log", args.workers)
    slices, seconds = (2, 2.0) if args.quick else (5, 4.0)
    try:
        meta, tokens = bench.prepare(env, 3000 if args.quick else 12000)
        slug = meta["slug"]
        server.start(f"/c/{slug}/")
        port = server.port
        sessions = open_sessions(port, 500 if args.quick else 2000)
        plain = rt.submit_action(slug, rt.Visitors(tokens[: len(tokens) // 2]), htmx=False)
        htmx = rt.submit_action(slug, rt.Visitors(tokens[len(tokens) // 2:]), htmx=True)
        peer = peer_action(rt.Visitors(sessions))  # wizard sessions walked like entries
        for act in (plain, htmx, peer):
            rt.closed_loop(port, act, 1.0)
        phases = {}
        for _ in range(slices):
            for label, act in (("stepcraft plain", plain), ("stepcraft HTMX", htmx),
                               ("formtools", peer)):
                phases[label] = bench.phase(label, server,
                                            lambda act=act: rt.closed_loop(port, act, seconds),
                                            postgres=True)
        saved = peer_rows()
        server.stop()
        tracebacks = server.log_text().count("Traceback")
    finally:
        server.stop()
        with contextlib.suppress(Exception):
            rt.pg_admin(f"DROP DATABASE IF EXISTS {rt.PG_DB} WITH (FORCE)")
    result = {"saved": saved, "tracebacks": tracebacks, "load": os.getloadavg()[0]}
    for label, phase in phases.items():
        result[label] = {"rate": phase.tally.rate, "bad": phase.tally.bad,
                         "cpu_ms": sum(phase.per_request[:2]),
                         "gunicorn_ms": phase.per_request[0], "postgres_ms": phase.per_request[1]}
    return result


def spread(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return (f"{format(statistics.median(values), fmt)} "
            f"({format(min(values), fmt)}-{format(max(values), fmt)})")


def report(runs: list[dict], args: argparse.Namespace, took: float) -> str:
    peer = [run["formtools"] for run in runs]
    lines = [
        f"bench/peer_formtools.py{' --quick' if args.quick else ''}: "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(runs)} run(s), {took:.0f} s",
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn "
        f"{args.workers} sync workers, PostgreSQL; {rt.CLIENTS} closed-loop client threads; "
        "load average at the end of each run: "
        + ", ".join(f"{run['load']:.1f}" for run in runs),
        "medians over the runs, (min-max) when more than one",
        "",
        f"{'walk':<18}{'steps/s':>22}{'x formtools':>22}{'CPU ms/step':>22}"
        f"{'formtools CPU / it':>24}",
    ]
    for label in ("formtools", "stepcraft plain", "stepcraft HTMX"):
        rows = [run[label] for run in runs]
        rates = [r["rate"] for r in rows]
        cpu = [r["cpu_ms"] for r in rows]
        rate_ratio = [r["rate"] / p["rate"] for r, p in zip(rows, peer, strict=True)]
        cpu_ratio = [p["cpu_ms"] / r["cpu_ms"] for r, p in zip(rows, peer, strict=True)]
        lines.append(f"{label:<18}{spread(rates, ',.0f'):>22}{spread(rate_ratio, '.2f'):>22}"
                     f"{spread(cpu, '.2f'):>22}{spread(cpu_ratio, '.2f'):>24}")
    lines += ["", "CPU ms per step, gunicorn + postgres, per run:"]
    for index, run in enumerate(runs, start=1):
        lines.append(f"  run {index}: " + "; ".join(
            f"{label} {run[label]['gunicorn_ms']:.2f} + {run[label]['postgres_ms']:.2f}"
            for label in ("formtools", "stepcraft plain", "stepcraft HTMX")))
    bad = sum(run[label]["bad"] for run in runs
              for label in ("formtools", "stepcraft plain", "stepcraft HTMX"))
    lines += ["", f"bad answers + tracebacks: {bad + sum(run['tracebacks'] for run in runs)}; "
              f"peer submissions saved: {', '.join(str(run['saved']) for run in runs)}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers [4]")
    parser.add_argument("--runs", type=int, default=3, help="runs, for the spread [3]")
    args = parser.parse_args()
    began = time.monotonic()
    runs = []
    for index in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="stepcraft-peer-") as tmp:
            print(f"run {index + 1} of {args.runs}", flush=True)
            runs.append(one_run(args, Path(tmp)))
    text = report(runs, args, time.monotonic() - began)
    print(text)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
