"""Benchmark of the draw-v1 draw and its public verifier at contest scale.

    python bench/draw.py [n] [--repeat R]      (n defaults to 1,000,000)

Generates n tickets (32-hex HMAC ids, weights 1-5), writes the tickets CSV to a temporary
directory, then times, best of R runs each:

  (a) baseline: merely reading that CSV back with the standard csv module;
  (b) the draw: validation, entries_root, seed and ranking of 10 winners and 10 alternates;
  (c) verification from the files, through the command line's own code path (`main`).

Seconds are printed with each figure as a ratio to (a), which absorbs the machine's speed.
"""

import argparse
import contextlib
import csv
import hmac
import io
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1_000_000, help="number of tickets")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
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


if __name__ == "__main__":
    main()
