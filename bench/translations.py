"""Benchmark of a translated step against the same step in the default language, in-process.

    .venv/bin/python bench/translations.py [--rounds 15] [--per-round 40]

The gallery's shoe finder (English default, Spanish and Arabic) is published into a scratch
SQLite database (a temporary file, migrated here). Each iteration takes a fresh entry waiting at
the first step and does what a visitor's browser does with JavaScript on: GET the entry's page,
then POST the step with HX-Request, which answers the next stage rendered. English (the default
language: the definition as loaded) and Spanish (`flow.in_language`, built once per version and
language) alternate iteration by iteration, so a change in the machine's other load hits both
alike; each round gives one ratio of medians (Spanish time / English time), and the median
ratio with its spread over the rounds is the figure. Times are this process's CPU time (client,
view, template and SQLite all run in it), which other jobs on the machine hardly change.
Goal (issue 16): at most 1.05×. Written to bench/TRANSLATIONS_RESULTS.txt.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "TRANSLATIONS_RESULTS.txt"
LANGUAGES = ("en", "es")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--per-round", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.update({
            "DEBUG": "true", "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "CACHE_URL": "dummycache://", "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "EMAIL_URL": "memorymail://",
        })
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        report = run(args.rounds, args.per_round)
    RESULTS.write_text(report + "\n")
    print(report)


def run(rounds: int, per_round: int) -> str:
    from django.test import Client

    from builder.models import User
    from campaigns.blueprints import GALLERY_DIR
    from campaigns.services.campaigns import campaign_create, campaign_publish
    from campaigns.services.workspaces import workspace_create
    from entries.models import Entry

    user = User.objects.create_user(email="bench@stepcraft.test", password=None)
    workspace = workspace_create(owner=user, name="Bench")
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    campaign = campaign_create(workspace=workspace, by=user, document=document)
    campaign_publish(campaign=campaign, by=user)
    campaign.refresh_from_db()
    client = Client(HTTP_HOST="127.0.0.1")

    def entries(language: str, count: int) -> list[str]:
        rows = Entry.objects.bulk_create(
            Entry(campaign=campaign, version_id=campaign.published_version_id,
                  current_step="where", language=language) for _ in range(count))
        return [f"/c/{campaign.slug}/e/{row.token}/" for row in rows]

    def iteration(url: str, expected: str) -> float:
        started = time.process_time()
        page = client.get(url)
        stage = client.post(url, {"step": "where", "surface": "trail"}, HTTP_HX_REQUEST="true")
        elapsed = time.process_time() - started
        assert page.status_code == stage.status_code == 200, (page, stage)
        assert expected in stage.content.decode(), expected
        return elapsed

    next_title = {"en": "What are you training for?", "es": "¿Para qué entrenas?"}
    for language in LANGUAGES:  # warm-up: caches, templates, the translated definition
        for url in entries(language, 10):
            iteration(url, next_title[language])
    ratios, means = [], {language: [] for language in LANGUAGES}
    for _ in range(rounds):
        urls = {language: entries(language, per_round) for language in LANGUAGES}
        took = {language: [] for language in LANGUAGES}
        for index in range(per_round):
            # Pairs, in alternating order: a burst of other load hits both languages alike.
            for language in LANGUAGES[::1 if index % 2 else -1]:
                took[language].append(iteration(urls[language][index], next_title[language]))
        for language in LANGUAGES:
            means[language].append(statistics.median(took[language]))
        ratios.append(means["es"][-1] / means["en"][-1])
    ratios.sort()
    quartiles = statistics.quantiles(ratios, n=4)
    lines = [
        f"bench/translations.py  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  "
        f"{platform.python_version()}  load {os.getloadavg()[0]:.2f}",
        f"{rounds} rounds x {per_round} iterations per language; one iteration = GET the step "
        "page + HTMX POST of the step (next stage rendered)",
        f"English (default)  median CPU {1000 * statistics.median(means['en']):.2f} ms",
        f"Spanish            median CPU {1000 * statistics.median(means['es']):.2f} ms",
        f"ratio Spanish/English: median {statistics.median(ratios):.3f}x, "
        f"quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}x, "
        f"min-max {ratios[0]:.3f}-{ratios[-1]:.3f}x  (goal <= 1.05x)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
