"""The ranking's shortcut (entries.verify_draw._rank): only tickets whose digest clears the bar
of the worst key kept get a key worked out, and the result is still the appendix's full sort."""

import random

import pytest

from entries import verify_draw as vd
from tests.entries.test_verify_draw import appendix_ranking, random_tickets


@pytest.mark.parametrize(("n", "max_weight", "winners", "alternates"), [
    (20_000, 1, 10, 10),
    (20_000, 5, 3, 0),
    (5_000, 1000, 7, 13),
    (5_000, 10**9, 2, 2),  # keys so large that no bar is safe: every ticket is keyed
    (30, 5, 20, 20),  # fewer tickets than places: all of them, in order
])
def test_the_shortcut_ranks_as_the_appendix_sorts(n, max_weight, winners, alternates):
    rng = random.Random(n + max_weight)
    tickets = random_tickets(rng, n, max_weight=max_weight)
    seed = rng.randbytes(32)
    ranking = appendix_ranking(tickets, seed)
    expected = (ranking[:winners], ranking[winners:winners + alternates])
    assert vd.rank(tickets, seed, winners, alternates) == expected


def test_no_places_rank_no_one():
    assert vd.rank([("a", 1), ("b", 2)], bytes(32), 0, 0) == ([], [])


def test_a_digest_at_or_below_the_bar_has_a_worse_key():
    rng = random.Random(18)
    for _ in range(5_000):
        worst = rng.choice([rng.uniform(1e-9, 1e-4), rng.uniform(1e-4, 1), rng.uniform(1, 40)])
        weight = rng.choice([1, 2, 5, rng.randint(1, 10**6)])
        bar = vd._bar(worst, weight)
        if bar:
            # The bar is the best digest left out; a key falls as the digest grows.
            assert vd._key(bar, weight) > worst
        else:
            assert worst * weight > 27  # exp(-27) is about 2**-39: no margin left below it
