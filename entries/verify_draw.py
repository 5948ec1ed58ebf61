"""Draw winners verifiably ("draw-v1"), and check anyone's draw from its published files.

How a draw-v1 draw works, in short:

1. When the contest opens, the organiser picks a secret random salt and publishes only its
   fingerprint, salt_commit = sha256(salt). The salt cannot be changed later without that showing.
2. When the contest closes, every eligible entry becomes a ticket "ticket_id,weight" (a
   pseudonymous id; weight = 1 + bonus tickets). The sorted list is fingerprinted as entries_root.
3. seed = sha256("draw-v1" | campaign | entries_root | beacon | salt). The beacon is a public
   random value announced after the close, so nobody, the organiser included, could know the seed
   before then. (It is empty when no beacon was used; then only the organiser knew the salt.)
4. Each ticket gets a random number from the seed and its id, turned into a key -ln(u)/weight;
   a weight-2 ticket is exactly twice as likely as a weight-1 ticket to have the smallest key.
   The smallest keys win, the next ones are the alternates, in order.

This file is the code the organiser's server ran, and it only needs Python (3.9 or newer). To check
a draw, download its proof (JSON) and its tickets (CSV) and run:

    python verify_draw.py proof.json tickets.csv

It prints each check and "VERIFIED: winners reproduced" (exit status 0), or each discrepancy
(exit status 1); unreadable or malformed files give a message and exit status 2.
The full byte-by-byte specification is in the project's DESIGN.md, "Appendix: draw-v1".
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import IO, Any, NamedTuple, TypedDict

Ticket = tuple[str, int]

ALGORITHM = "draw-v1"
SALT_BYTES = 32
CSV_HEADER = "ticket_id,weight"
PROOF_FIELDS = (
    "algorithm",
    "campaign_id",
    "salt_commit",
    "salt",
    "beacon",
    "entries_root",
    "n",
    "total_weight",
    "winners",
    "alternates",
    "drawn_at",
)

_ENTRIES_PREFIX = b"draw-v1|entries|"
# float(2**256) is exact, so dividing by it gives the same u as the appendix's `/ 2**256`
# without converting a 257-bit int on every ticket.
_TWO_256 = float(2**256)
_BAR_MARGIN = 2.0**-40
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"(?:[0-9a-f]{2})*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ID = itemgetter(0)
_WEIGHT = itemgetter(1)
_LINE = "%s,%d\n"  # of a validated (str, int) ticket: "ticket_id,weight\n"


class Proof(TypedDict):
    algorithm: str
    campaign_id: str
    salt_commit: str
    salt: str
    beacon: str
    entries_root: str
    n: int
    total_weight: int
    winners: list[str]
    alternates: list[str]
    drawn_at: str


class Check(NamedTuple):
    """One thing `checks` looked at; `problem` is None when it held."""

    label: str
    problem: str | None


# --- tickets ---------------------------------------------------------------------------------


def _ticket_problem(ticket_id: object, weight: object) -> str | None:
    return _id_problem(ticket_id) or _weight_problem(ticket_id, weight)


def _id_problem(ticket_id: object) -> str | None:
    if not isinstance(ticket_id, str):
        return f"ticket_id must be a string, not {type(ticket_id).__name__}"
    if not ticket_id:
        return "ticket_id is empty"
    if not ticket_id.isascii():
        return f"ticket_id {ticket_id!r} is not ASCII"
    # \r counts as a newline too: CSV readers would split the row there.
    for forbidden, name in ((",", "a comma"), ("\n", "a newline"), ("\r", "a carriage return")):
        if forbidden in ticket_id:
            return f"ticket_id {ticket_id!r} contains {name}"
    return None


def _weight_problem(ticket_id: str, weight: object) -> str | None:
    # bool is an int subclass; True as a weight is a bug upstream, not a weight of 1.
    if type(weight) is not int:
        return f"weight of {ticket_id!r} must be an integer, not {type(weight).__name__}"
    if weight < 1:
        return f"weight of {ticket_id!r} must be positive, not {weight}"
    return None


def _validated(tickets: Iterable[Ticket], where: Callable[[int], str]) -> list[Ticket]:
    """Return the tickets as a list of tuples, or raise ValueError naming the first bad one.

    `where(i)` says where ticket i came from ("ticket 3", "line 4") for the error message.
    Whole-list checks run at C speed; only when one fails are the tickets walked for a message.
    """
    pairs = _as_pairs(list(tickets), where)
    ids = list(map(_ID, pairs))
    weights = list(map(_WEIGHT, pairs))
    if not _well_formed(ids, weights):
        for index, (ticket_id, weight) in enumerate(pairs):
            problem = _ticket_problem(ticket_id, weight)
            if problem:
                raise ValueError(f"{where(index)}: {problem}")
    if len(set(ids)) != len(ids):
        _refuse_duplicate(ids, where)
    return pairs


def _as_pairs(pairs: list, where: Callable[[int], str]) -> list[Ticket]:
    if set(map(type, pairs)) <= {tuple} and set(map(len, pairs)) <= {2}:
        return pairs
    for index, item in enumerate(pairs):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"{where(index)}: expected a (ticket_id, weight) pair, got {item!r}")
    return [(ticket_id, weight) for ticket_id, weight in pairs]


def _well_formed(ids: list, weights: list) -> bool:
    """Every ticket id and weight at once as `_ticket_problem` checks them one by one."""
    joined = "".join(ids) if set(map(type, ids)) <= {str} else None
    return (
        joined is not None
        and joined.isascii()
        and "," not in joined
        and "\n" not in joined
        and "\r" not in joined
        and "" not in ids
        and set(map(type, weights)) <= {int}
        and (not weights or min(weights) >= 1)
    )


def _refuse_duplicate(ids: list[str], where: Callable[[int], str]) -> None:
    first_seen: dict[str, int] = {}
    for index, ticket_id in enumerate(ids):
        if ticket_id in first_seen:
            raise ValueError(
                f"{where(index)}: duplicate ticket_id {ticket_id!r}"
                f" (also {where(first_seen[ticket_id])})"
            )
        first_seen[ticket_id] = index


def validate_tickets(tickets: Iterable[Ticket]) -> list[Ticket]:
    """Return the tickets as a list, or raise ValueError if any breaks the draw-v1 rules.

    A ticket_id is non-empty ASCII without a comma or newline; a weight is a positive int;
    no ticket_id appears twice.
    """
    return _validated(tickets, lambda index: f"ticket {index + 1}")


def _canonical_lines(tickets: list[Ticket]) -> str:
    # Ids are unique, so ordering by id alone is the spec's (ticket_id, weight) order, and it is
    # ~3x faster than comparing tuples.
    if len(set(map(len, map(_ID, tickets)))) == 1:
        # Ids of one length (a server's hex ids) differ before the comma, so the lines sort in the
        # same order as their ids: formatting them first and sorting the lines is ~25% faster at
        # a million tickets (no key list, and the lines are made in memory order).
        lines = list(map(_LINE.__mod__, tickets))
        lines.sort()
        return "".join(lines)
    return "".join(map(_LINE.__mod__, sorted(tickets, key=_ID)))


def _entries_root(tickets: list[Ticket]) -> str:
    digest = hashlib.sha256(_ENTRIES_PREFIX)
    digest.update(_canonical_lines(tickets).encode("ascii"))
    return digest.hexdigest()


def entries_root(tickets: Iterable[Ticket]) -> str:
    """sha256 of b"draw-v1|entries|" and the sorted lines "ticket_id,weight\\n", as hex."""
    return _entries_root(validate_tickets(tickets))


# --- seed and ranking ------------------------------------------------------------------------


def salt_commit(salt: bytes) -> str:
    """The published commitment to the secret salt: sha256(salt) as hex."""
    return hashlib.sha256(salt).hexdigest()


def seed(campaign_id: str, entries_root: str, beacon: str, salt: bytes) -> bytes:
    """sha256(b"draw-v1|campaign_id|<32 raw root bytes>|beacon|salt"): the draw's 32-byte seed."""
    if not _HEX_DIGEST.fullmatch(entries_root):
        raise ValueError(f"entries_root must be 64 lowercase hex digits, not {entries_root!r}")
    parts = [ALGORITHM.encode(), campaign_id.encode(), bytes.fromhex(entries_root)]
    return hashlib.sha256(b"|".join([*parts, beacon.encode(), salt])).digest()


def _key(digest: bytes, weight: int) -> float:
    """The appendix's key of a ticket from its blake2b digest: -ln(u) / weight."""
    return -math.log((int.from_bytes(digest, "big") + 0.5) / _TWO_256) / weight


def _bar(worst: float, weight: int) -> bytes:
    """A digest that a ticket of this weight must exceed to have a key below `worst`.

    The key falls as the digest grows. The bar is set 2**-40 lower in u than where the key
    crosses `worst`, so a digest at or below it has a key strictly above `worst` whatever the
    floats' rounding (about 2**-52 in u); b"" (every digest passes) when no bar is that safe.
    """
    u = math.exp(-worst * weight) - _BAR_MARGIN
    return int(u * _TWO_256).to_bytes(32, "big") if u > 0 else b""


class _Bars(dict):
    """weight -> its `_bar` under one `worst` key, worked out for the weights that occur."""

    def __init__(self, worst: float) -> None:
        super().__init__()
        self.worst = worst

    def __missing__(self, weight: int) -> bytes:
        bar = self[weight] = b"" if self.worst == math.inf else _bar(self.worst, weight)
        return bar


def _rank(
    tickets: list[Ticket], seed: bytes, winners: int, alternates: int
) -> tuple[list[str], list[str]]:
    # The appendix sorts every ticket by (key, ticket_id); this keeps only the best `wanted`, in
    # that order. A ticket's key is only worked out when its digest clears the bar of the worst
    # key kept so far: below it the key is certainly worse, so the ranking is the appendix's.
    # (At a million tickets a few hundred clear it; the rest cost a hash and a comparison.)
    wanted = winners + alternates
    best: list[tuple[float, str]] = []
    fresh = hashlib.blake2b(key=seed, digest_size=32).copy  # skips re-absorbing the key block
    bars = _Bars(math.inf)
    for ticket_id, weight in tickets if wanted else ():
        hasher = fresh()
        hasher.update(ticket_id.encode())
        digest = hasher.digest()
        if digest > bars[weight]:
            item = (_key(digest, weight), ticket_id)
            if len(best) < wanted or item < best[-1]:
                bisect.insort(best, item)
                del best[wanted:]
                if len(best) == wanted:
                    bars = _Bars(best[-1][0])
    ranked = [ticket_id for _, ticket_id in best]
    return ranked[:winners], ranked[winners:]


def _count(name: str, value: object, minimum: int) -> int:
    if type(value) is not int or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, not {value!r}")
    return value


def rank(
    tickets: Iterable[Ticket], seed: bytes, winners: int, alternates: int
) -> tuple[list[str], list[str]]:
    """The winners (in rank order) and the alternates (in order) for this seed.

    With fewer tickets than winners + alternates, every ticket is ranked: the winners fill first.
    """
    if not isinstance(seed, bytes) or len(seed) != 32:
        raise ValueError("seed must be 32 bytes")
    return _rank(
        validate_tickets(tickets),
        seed,
        _count("winners", winners, 0),
        _count("alternates", alternates, 0),
    )


def draw(
    campaign_id: str,
    tickets: Iterable[Ticket],
    salt: bytes,
    beacon: str,
    winners: int,
    alternates: int,
    drawn_at: datetime,
) -> Proof:
    """Draw winners and alternates; return the proof to publish next to the tickets CSV.

    `salt` is the secret committed to when the contest went live (SALT_BYTES random bytes),
    `beacon` the public random value announced after the close ("" when there is none), and
    `drawn_at` a timezone-aware time.
    """
    return _draw(campaign_id, tickets, salt, beacon, winners, alternates, drawn_at)[0]


def draw_with_tickets_csv(
    campaign_id: str,
    tickets: Iterable[Ticket],
    salt: bytes,
    beacon: str,
    winners: int,
    alternates: int,
    drawn_at: datetime,
    *,
    on_csv: Callable[[str], object] | None = None,
) -> tuple[Proof, str]:
    """`draw`, and the tickets CSV to publish beside the proof (what `write_tickets_csv` writes),
    from one validation and one sort of the tickets instead of two.

    `on_csv`, if given, is called with that CSV as soon as it is known, before the ranking, so a
    caller can compress or store it meanwhile.
    """
    text: list[str] = []

    def known(lines: str) -> None:
        text.append(f"{CSV_HEADER}\n{lines}")
        if on_csv is not None:
            on_csv(text[0])

    proof, _ = _draw(campaign_id, tickets, salt, beacon, winners, alternates, drawn_at, known)
    return proof, text[0]


def _draw(
    campaign_id: str,
    tickets: Iterable[Ticket],
    salt: bytes,
    beacon: str,
    winners: int,
    alternates: int,
    drawn_at: datetime,
    on_lines: Callable[[str], None] | None = None,
) -> tuple[Proof, str]:
    if not isinstance(campaign_id, str) or not campaign_id:
        raise ValueError("campaign_id must be a non-empty string")
    if not isinstance(salt, bytes) or len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    if not isinstance(beacon, str):
        raise ValueError("beacon must be a string")
    if not isinstance(drawn_at, datetime) or drawn_at.utcoffset() is None:
        raise ValueError("drawn_at must be a timezone-aware datetime")
    checked = validate_tickets(tickets)
    if not checked:
        raise ValueError("there are no tickets to draw from")
    lines = _canonical_lines(checked)
    if on_lines is not None:
        on_lines(lines)
    digest = hashlib.sha256(_ENTRIES_PREFIX)
    digest.update(lines.encode("ascii"))
    root = digest.hexdigest()
    won, alternate = _rank(
        checked,
        seed(campaign_id, root, beacon, salt),
        _count("winners", winners, 1),
        _count("alternates", alternates, 0),
    )
    proof: Proof = {
        "algorithm": ALGORITHM,
        "campaign_id": campaign_id,
        "salt_commit": salt_commit(salt),
        "salt": salt.hex(),
        "beacon": beacon,
        "entries_root": root,
        "n": len(checked),
        "total_weight": sum(map(_WEIGHT, checked)),
        "winners": won,
        "alternates": alternate,
        "drawn_at": drawn_at.isoformat(),
    }
    return proof, lines


# --- verification ----------------------------------------------------------------------------


def _is_text(value: object) -> bool:
    # JSON allows lone surrogates ("\ud800"), which have no UTF-8 bytes to hash.
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _is_id_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and _HEX_DIGEST.fullmatch(value) is not None


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None


# Each proof field, what its value must be, and that in words.
_PROOF_TYPES: list[tuple[str, Callable[[object], bool], str]] = [
    ("campaign_id", _is_text, "a string"),
    ("salt_commit", _is_digest, "64 lowercase hex digits"),
    ("salt", _is_hex, "lowercase hex"),
    ("beacon", _is_text, "a string"),
    ("entries_root", _is_digest, "64 lowercase hex digits"),
    ("n", _is_count, "a non-negative integer"),
    ("total_weight", _is_count, "a non-negative integer"),
    ("winners", _is_id_list, "a list of ticket ids"),
    ("alternates", _is_id_list, "a list of ticket ids"),
    ("drawn_at", _is_text, "a string"),
]


def _checked_proof(proof: object) -> Mapping[str, Any]:
    """Raise ValueError unless `proof` has the draw-v1 fields with the right types."""
    if not isinstance(proof, Mapping):
        raise ValueError("the proof must be a JSON object")
    missing = [field for field in PROOF_FIELDS if field not in proof]
    unexpected = sorted(str(field) for field in proof if field not in PROOF_FIELDS)
    if missing or unexpected:
        raise ValueError(
            "the proof's fields are not draw-v1's:"
            + (f" missing {', '.join(missing)}" if missing else "")
            + (";" if missing and unexpected else "")
            + (f" unexpected {', '.join(unexpected)}" if unexpected else "")
        )
    if proof["algorithm"] != ALGORITHM:
        raise ValueError(f"unsupported algorithm {proof['algorithm']!r}; this checks {ALGORITHM}")
    for field, is_valid, expected in _PROOF_TYPES:
        if not is_valid(proof[field]):
            raise ValueError(f"proof field {field} must be {expected}, not {proof[field]!r}")
    return proof


def _list_difference(name: str, published: list[str], reproduced: list[str]) -> str | None:
    if published == reproduced:
        return None
    if len(published) != len(reproduced):
        return (
            f"the proof lists {len(published)} {name} but the tickets only give"
            f" {len(reproduced)}: {', '.join(reproduced) or 'none'}"
        )
    differences = [
        f"#{index + 1}: proof {published[index]}, recomputed {reproduced[index]}"
        for index in range(len(published))
        if published[index] != reproduced[index]
    ]
    return f"{name} differ at " + "; ".join(differences)


def checks(proof: Mapping[str, Any], tickets: Iterable[Ticket]) -> list[Check]:
    """Recompute everything the proof claims from the tickets; one Check per claim.

    Raises ValueError when the proof or the tickets are malformed (nothing can be checked).
    """
    return _checks(_checked_proof(proof), validate_tickets(tickets))


def _checks(proof: Mapping[str, Any], checked: list[Ticket]) -> list[Check]:
    salt = bytes.fromhex(proof["salt"])
    salt_problem = None
    if salt_commit(salt) != proof["salt_commit"]:
        salt_problem = "sha256(salt) is not the salt_commit published before the draw"
    elif len(salt) != SALT_BYTES:
        salt_problem = f"the salt is {len(salt)} bytes; draw-v1 uses {SALT_BYTES}"

    root = _entries_root(checked)
    n = len(checked)
    total = sum(map(_WEIGHT, checked))
    # The seed uses the root of the tickets actually given, so winners only reproduce when the
    # tickets are exactly the ones drawn from.
    won, alternate = _rank(
        checked,
        seed(proof["campaign_id"], root, proof["beacon"], salt),
        len(proof["winners"]),
        len(proof["alternates"]),
    )

    def unless(holds: bool, problem: str) -> str | None:
        return None if holds else problem

    return [
        Check("salt matches the published salt_commit", salt_problem),
        Check(
            f"entries_root {proof['entries_root'][:16]}... recomputed from the tickets",
            unless(root == proof["entries_root"], f"the tickets give entries_root {root}"),
        ),
        Check(
            f"n = {proof['n']:,} tickets",
            unless(n == proof["n"], f"the tickets file has {n:,} tickets"),
        ),
        Check(
            f"total_weight = {proof['total_weight']:,}",
            unless(total == proof["total_weight"], f"the tickets' weights add up to {total:,}"),
        ),
        Check(
            f"{len(proof['winners'])} winners reproduced in rank order",
            _list_difference("winners", proof["winners"], won),
        ),
        Check(
            f"{len(proof['alternates'])} alternates reproduced in order",
            _list_difference("alternates", proof["alternates"], alternate),
        ),
    ]


def verify(proof: Mapping[str, Any], tickets: Iterable[Ticket]) -> list[str]:
    """Human-readable discrepancies between the proof and the tickets; empty means verified."""
    return [check.problem for check in checks(proof, tickets) if check.problem]


# --- files -----------------------------------------------------------------------------------


def _parse_tickets_text(text: str) -> list[Ticket]:
    # str.isascii() is O(1) (CPython records it); the regex only runs to find the bad line.
    if not text.isascii():
        non_ascii = _NON_ASCII.search(text)
        assert non_ascii is not None
        line = text.count("\n", 0, non_ascii.start()) + 1
        raise ValueError(f"line {line}: {non_ascii.group()!r} is not ASCII")
    # Tolerate CRLF (a file re-saved on Windows); a lone \r is left for validation to reject.
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != CSV_HEADER:
        found = repr(lines[0][:60]) if lines else "an empty file"
        raise ValueError(f"line 1: expected the header {CSV_HEADER!r}, found {found}")
    rows = lines[1:]
    # Split every row at once (one comma per row checked first, so fields cannot shift rows).
    one_comma_each = set(map(str.count, rows, repeat(","))) == {1}
    fields = ",".join(rows).split(",") if one_comma_each else []
    weights = fields[1::2]
    if len(fields) != 2 * len(rows) or not all(map(str.isdigit, weights)):
        for number, row in enumerate(rows, start=2):
            _, comma, weight = row.partition(",")
            if not (comma and weight.isdigit()):
                raise ValueError(f"line {number}: expected 'ticket_id,weight', found {row[:60]!r}")
    # Both halves have len(rows) items, as just checked; zip(strict=) would need Python 3.10.
    tickets = list(zip(fields[0::2], map(int, weights)))  # noqa: B905
    return _validated(tickets, lambda index: f"line {index + 2}")


def read_tickets_csv(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> list[Ticket]:
    """Read a tickets CSV (header `ticket_id,weight`, one row per ticket) from a path or file.

    Raises ValueError with the line number of the first problem, OSError if it cannot be read.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            data: bytes | str = file.read()
    else:
        data = source.read()
    if isinstance(data, bytes):
        # ASCII is a subset of UTF-8, so this only lets the non-ASCII check name the bad line.
        data = data.decode("utf-8", errors="replace")
    return _parse_tickets_text(data.removeprefix("\ufeff"))


def write_tickets_csv(tickets: Iterable[Ticket], file: IO[str]) -> None:
    """Write the tickets CSV; its rows are the exact lines hashed into entries_root, in order."""
    file.write(CSV_HEADER + "\n")
    file.write(_canonical_lines(validate_tickets(tickets)))


def load_proof(path: str | os.PathLike[str]) -> Mapping[str, Any]:
    """Read and structurally check a proof JSON file (ValueError if it is not a draw-v1 proof)."""
    with open(path, encoding="utf-8") as file:
        try:
            proof = json.load(file)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ValueError(f"not valid JSON ({exc})") from exc
    return _checked_proof(proof)


# --- command line ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_draw.py",
        description="Reproduce a draw-v1 contest draw from its proof and its tickets.",
    )
    parser.add_argument("proof", help="the draw's proof (JSON)")
    parser.add_argument("tickets", help="the draw's tickets (CSV with header ticket_id,weight)")
    args = parser.parse_args(argv)

    try:
        proof = load_proof(args.proof)
    except (OSError, ValueError) as exc:
        print(f"error: cannot use proof {args.proof}: {exc}", file=sys.stderr)
        return 2
    try:
        tickets = read_tickets_csv(args.tickets)
    except (OSError, ValueError) as exc:
        print(f"error: cannot use tickets {args.tickets}: {exc}", file=sys.stderr)
        return 2
    # Both files were validated as they were read.
    results = _checks(proof, tickets)
    print(f"{ALGORITHM} draw of campaign {proof['campaign_id']!r}, drawn at {proof['drawn_at']}")
    print(f"beacon: {proof['beacon']!r}")
    print(f"tickets: {len(tickets):,} read from {args.tickets}")
    for label, problem in results:
        print(f"  ok    {label}" if problem is None else f"  FAIL  {label}\n        {problem}")
    failures = sum(problem is not None for _, problem in results)
    if failures:
        print(f"NOT VERIFIED: {failures} discrepanc{'y' if failures == 1 else 'ies'}")
        return 1
    print("VERIFIED: winners reproduced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
