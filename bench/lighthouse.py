"""Lighthouse on the pages a visitor loads: a demo campaign's landing, a step and a result page,
and a step of the same quiz in focus and in chat mode.

    .venv/bin/python bench/lighthouse.py [--runs R]

Serves the demo (`seed_demo`, as `make run` loads it) from a scratch SQLite database with
gunicorn as in production (DEBUG off, static files collected into staticfiles/ and compressed,
as a deploy does), then runs
`npx --yes lighthouse@12.2.3` with Debian's Chromium (CHROME_PATH=/usr/bin/chromium, headless,
no sandbox, no GPU), mobile form factor (Lighthouse's default: an emulated phone, slow 4G and a
4x CPU slowdown, simulated), R times per page. Records the performance and accessibility scores,
the total transfer weight and the number of requests, and writes bench/LIGHTHOUSE_RESULTS.txt.
The full reports stay in the temporary directory only while it runs.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import runtime as rt  # noqa: E402  (needs the repository root on sys.path first)

RESULTS = ROOT / "bench" / "LIGHTHOUSE_RESULTS.txt"
LIGHTHOUSE = "lighthouse@12.2.3"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"

# Printed as JSON by a child Django process: the pages to audit, from the seeded demo.
PICK_PAGES = """
import json
from campaigns.models import Campaign
from entries.models import Entry
live = Campaign.objects.filter(published_version__isnull=False, kind="quiz").order_by("id")
quiz = live.first() or Campaign.objects.filter(published_version__isnull=False).first()
started = Entry.objects.filter(campaign=quiz, status="started").exclude(current_step="")
done = Entry.objects.filter(campaign=quiz, status="completed").exclude(outcome="")
pages = {"landing": f"/c/{quiz.slug}/",
         "step": f"/c/{quiz.slug}/e/{started.first().token}/",
         "result": f"/c/{quiz.slug}/e/{done.first().token}/"}
# The demo's personality quiz in focus and chat modes: published with the theme's mode, and a step.
from campaigns.blueprints import gallery_template
from campaigns.services.campaigns import campaign_create, campaign_publish
from entries.services.runtime import entry_start
document = gallery_template("personality-quiz").document
for mode in ("focus", "chat"):
    copied = campaign_create(workspace=quiz.workspace, by=quiz.created_by, document={
        **document, "name": f"{document['name']} ({mode})",
        "theme": {**document.get("theme", {}), "mode": mode, "persona": "Stepcraft"}})
    campaign_publish(campaign=copied, by=quiz.created_by)
    copied.refresh_from_db()
    entry = entry_start(campaign=copied, source={})
    pages[f"{mode} step"] = f"/c/{copied.slug}/e/{entry.token}/"
print(json.dumps(pages))
"""


def serve_env(tmp: Path) -> dict:
    env = rt.child_env(f"sqlite:///{tmp / 'lighthouse.sqlite3'}", tmp)
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", STATIC_MANIFEST="true",
               CACHE_URL="locmemcache://", MEDIA_ROOT=str(tmp / "media"),
               UPLOADS_ROOT=str(tmp / "uploads"))
    return env


def audit(url: str, out: Path) -> dict:
    done = subprocess.run(
        ["npx", "--yes", LIGHTHOUSE, url, "--output=json", f"--output-path={out}",
         "--only-categories=performance,accessibility", "--quiet",
         f"--chrome-flags={CHROME_FLAGS}"],
        env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True,
        timeout=300, check=False)
    if done.returncode or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    failing = [key for key, item in audits.items()
               if item.get("score") is not None and item["score"] < 1
               and item.get("scoreDisplayMode") == "binary"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "bytes": audits["total-byte-weight"]["numericValue"],
        "requests": len(audits["network-requests"]["details"]["items"]),
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "failing": failing,
    }


def spread(values: list[float], fmt: str) -> str:
    if min(values) == max(values):
        return format(values[0], fmt)
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-" \
           f"{format(max(values), fmt)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page [3]")
    args = parser.parse_args()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="stepcraft-lighthouse-") as directory:
        tmp = Path(directory)
        env = serve_env(tmp)
        rt.run_child(env, "manage.py", "migrate", "--noinput", "-v0")
        rt.run_child(env, "manage.py", "seed_demo")
        rt.run_child(env, "manage.py", "collectstatic", "--noinput", "-v0")
        pages = json.loads(rt.run_child(env, "manage.py", "shell", "-c", PICK_PAGES)
                           .strip().splitlines()[-1])
        server = rt.Server(env, tmp / "gunicorn.log", workers=2)
        results: dict[str, list[dict]] = {}
        try:
            server.start(pages["landing"])
            for name, path in pages.items():
                for run in range(args.runs):
                    print(f"[{time.strftime('%H:%M:%S')}] {name} run {run + 1}", flush=True)
                    results.setdefault(name, []).append(
                        audit(f"http://127.0.0.1:{server.port}{path}", tmp / f"{name}.json"))
        finally:
            server.stop()
    lines = [
        f"bench/lighthouse.py: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {LIGHTHOUSE}, "
        f"{args.runs} run(s) a page, {time.monotonic() - began:.0f} s",
        f"Chromium {CHROME} ({CHROME_FLAGS}); mobile form factor (emulated phone, simulated slow "
        f"4G, 4x CPU slowdown); gunicorn 2 sync workers, DEBUG off, compressed static files; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
        f"Python {platform.python_version()}",
        "medians, (min-max) when the runs differ",
        "",
        f"{'page':<12}{'performance':>16}{'accessibility':>15}{'KiB':>12}{'requests':>10}"
        f"{'LCP ms':>22}{'TBT ms':>14}",
    ]
    for name, runs in results.items():
        lines.append(
            f"{name:<12}{spread([r['performance'] for r in runs], 'd'):>16}"
            f"{spread([r['accessibility'] for r in runs], 'd'):>15}"
            f"{spread([r['bytes'] / 1024 for r in runs], '.1f'):>12}"
            f"{spread([r['requests'] for r in runs], 'd'):>10}"
            f"{spread([r['lcp_ms'] for r in runs], '.0f'):>22}"
            f"{spread([r['tbt_ms'] for r in runs], '.0f'):>14}")
    failing = sorted({key for runs in results.values() for r in runs for key in r["failing"]})
    lines += ["", f"binary audits failing on any page: {', '.join(failing) or 'none'}"]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
