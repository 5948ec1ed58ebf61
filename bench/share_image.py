"""Share image benchmark: drawing one share image against serving it once it is stored.

A published quiz in a scratch SQLite database and a scratch media folder; through the test client,
the first request for an outcome's image (drawn and stored), a later one (read from storage) and a
crawler's revalidation (If-None-Match: a 304, nothing read); and `card_render` alone for a short
title, very long titles in Latin, Cyrillic and Arabic, and a card with a picture. Ratios are
against serving the stored image, measured in the same run. Best of REPEATS.

    python bench/share_image.py
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7
TITLES = {
    "short Latin title": "A tea person",
    "long Latin title": "Which coffee are you? The long answer, with espresso, cappuccino, "
                        "flat white and cortado " * 6,
    "long Cyrillic title": "Какой вы кофе? Длинный ответ: эспрессо, капучино, флэт уайт " * 6,
    "long Arabic title": "أي نوع من القهوة أنت؟ الجواب الطويل: إسبريسو وكابتشينو وكورتادو " * 6,
}


def best(action, number: int = 1) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(number):
            action()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="share-bench-")
    os.environ.update({"DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
                       "MEDIA_ROOT": f"{scratch}/media", "CACHE_URL": "dummycache://"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.test import Client
    from PIL import Image, features

    from campaigns.services.campaigns import campaign_create, campaign_publish
    from entries import share_images, sharing
    from tests.entries.documents import branching_quiz
    from tests.factories import MembershipFactory

    settings.MEDIA_ROOT = f"{scratch}/media"
    call_command("migrate", verbosity=0)
    membership = MembershipFactory(role="owner")
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=branching_quiz())
    campaign_publish(campaign=campaign, by=membership.user)
    campaign.refresh_from_db()
    client = Client()
    base = f"/c/{campaign.slug}/share/{campaign.published_version_id}/en/"

    stored = sharing.stored_image(version_id=campaign.published_version_id,
                                  definition=sharing.definition_for(
                                      campaign.published_version_id),
                                  language="en", outcome_key="tea-lover")

    def first_request():
        default_storage.delete(stored.name)
        assert client.get(base + "tea-lover").status_code == 200

    first = best(first_request)
    cached = best(lambda: client.get(base + "tea-lover"), number=20)
    etag = client.get(base + "tea-lover")["ETag"]
    revalidated = best(lambda: client.get(base + "tea-lover", HTTP_IF_NONE_MATCH=etag),
                       number=20)

    picture = BytesIO()
    Image.effect_noise((1200, 800), 60).convert("RGB").save(picture, "JPEG")
    photo = default_storage.save("bench/photo.jpg", ContentFile(picture.getvalue()))
    cards = {label: share_images.Card(
        title=title, subtitle="Which brew are you?", footer="quiz.example.com",
        background="#fffaf3", text="#8a4b2a", accent="#8a4b2a") for label, title in
        TITLES.items()}
    cards["short title with a 1200×800 photo"] = share_images.Card(
        title="A tea person", subtitle="Which brew are you?", footer="quiz.example.com",
        background="#fffaf3", text="#8a4b2a", accent="#8a4b2a", picture=photo)
    share_images.card_render(cards["short Latin title"])  # fonts loaded once, as in a server

    print(f"share images, Python {platform.python_version()} on {platform.machine()}, "
          f"Pillow {Image.__version__}, raqm {features.version('raqm')}, "
          f"load average {os.getloadavg()[0]:.1f}; best of {REPEATS}")
    print(f"{'what':<58} {'time':>10} {'ratio':>8}")
    rows = [("serving the stored image (test client, baseline)", cached),
            ("revalidation: If-None-Match, 304", revalidated),
            ("first request: draw, store and serve", first)]
    rows += [(f"card_render: {label}", best(lambda c=card: share_images.card_render(c)))
             for label, card in cards.items()]
    for label, seconds in rows:
        print(f"{label:<58} {seconds * 1e3:>8.2f}ms {seconds / cached:>7.1f}x")


if __name__ == "__main__":
    main()
