"""draw-v1: the server's draw and the public verifier (entries/verify_draw.py)."""

import hashlib
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from entries import verify_draw as vd

REPO = Path(__file__).resolve().parents[2]
MODULE_FILE = REPO / "entries" / "verify_draw.py"
DRAWN_AT = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)

# The golden vector: five tickets, a fixed salt and beacon.
GOLDEN_CAMPAIGN = "summer-giveaway-2025"
GOLDEN_BEACON = "drand quicknet round 12345678"
GOLDEN_SALT = bytes(range(32))
GOLDEN_TICKETS = [
    ("9f86d081884c7d659a2feaa0c55ad015", 1),
    ("60303ae22b998861bce3b28f33eec1be", 3),
    ("fd61a03af4f77d870fc21e05e7e80678", 1),
    ("a4e624d686e03ed2767c0abd85c14426", 2),
    ("2c624232cdd221771294dfbb310aca00", 5),
]
# Computed once with the appendix-literal functions below and frozen here, so that an accidental
# change to the algorithm (in either implementation) fails this test.
GOLDEN_ROOT = "4b6ee76a997e7b622086da5eeb420ac334e70e55cba3b76fd375290495f50feb"
GOLDEN_SEED = "25f5f4311da92248fb7c3c06175151046bbaebac4a281d078afaf5bccdeb0ec8"
GOLDEN_SALT_COMMIT = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
GOLDEN_WINNERS = ["60303ae22b998861bce3b28f33eec1be", "2c624232cdd221771294dfbb310aca00"]
GOLDEN_ALTERNATES = ["a4e624d686e03ed2767c0abd85c14426", "9f86d081884c7d659a2feaa0c55ad015"]


# --- the appendix, transcribed line by line (deliberately naive: a full sort, no shortcuts) ----


def appendix_root(tickets):
    lines = b"".join(f"{ticket_id},{weight}\n".encode() for ticket_id, weight in sorted(tickets))
    return hashlib.sha256(b"draw-v1|entries|" + lines).hexdigest()


def appendix_seed(campaign_id, entries_root, beacon, salt):
    parts = [b"draw-v1", campaign_id.encode(), bytes.fromhex(entries_root), beacon.encode(), salt]
    return hashlib.sha256(b"|".join(parts)).digest()


def appendix_key(ticket_id, weight, seed):
    h = hashlib.blake2b(ticket_id.encode(), key=seed, digest_size=32)
    u = (int.from_bytes(h.digest(), "big") + 0.5) / 2**256
    return -math.log(u) / weight


def appendix_ranking(tickets, seed):
    keyed = sorted((appendix_key(t, w, seed), t) for t, w in tickets)
    return [ticket_id for _, ticket_id in keyed]


# --- helpers -------------------------------------------------------------------------------


def random_tickets(rng, n, max_weight=5):
    return [(rng.randbytes(16).hex(), rng.randint(1, max_weight)) for _ in range(n)]


def make_draw(tickets, winners=3, alternates=3, salt=GOLDEN_SALT, beacon="b", campaign="c"):
    return vd.draw(campaign, tickets, salt, beacon, winners, alternates, DRAWN_AT)


# --- the golden vector ---------------------------------------------------------------------


def test_appendix_transcription_gives_the_frozen_golden_values():
    root = appendix_root(GOLDEN_TICKETS)
    seed = appendix_seed(GOLDEN_CAMPAIGN, root, GOLDEN_BEACON, GOLDEN_SALT)
    assert root == GOLDEN_ROOT
    assert seed.hex() == GOLDEN_SEED
    assert hashlib.sha256(GOLDEN_SALT).hexdigest() == GOLDEN_SALT_COMMIT
    assert appendix_ranking(GOLDEN_TICKETS, seed) == GOLDEN_WINNERS + GOLDEN_ALTERNATES + [
        "fd61a03af4f77d870fc21e05e7e80678"
    ]


def test_module_gives_the_frozen_golden_values():
    assert vd.entries_root(GOLDEN_TICKETS) == GOLDEN_ROOT
    assert vd.salt_commit(GOLDEN_SALT) == GOLDEN_SALT_COMMIT
    seed = vd.seed(GOLDEN_CAMPAIGN, GOLDEN_ROOT, GOLDEN_BEACON, GOLDEN_SALT)
    assert seed.hex() == GOLDEN_SEED
    assert vd.rank(GOLDEN_TICKETS, seed, 2, 2) == (GOLDEN_WINNERS, GOLDEN_ALTERNATES)


def test_golden_proof_is_exactly_the_appendix_fields():
    proof = vd.draw(GOLDEN_CAMPAIGN, GOLDEN_TICKETS, GOLDEN_SALT, GOLDEN_BEACON, 2, 2, DRAWN_AT)
    assert proof == {
        "algorithm": "draw-v1",
        "campaign_id": GOLDEN_CAMPAIGN,
        "salt_commit": GOLDEN_SALT_COMMIT,
        "salt": GOLDEN_SALT.hex(),
        "beacon": GOLDEN_BEACON,
        "entries_root": GOLDEN_ROOT,
        "n": 5,
        "total_weight": 12,
        "winners": GOLDEN_WINNERS,
        "alternates": GOLDEN_ALTERNATES,
        "drawn_at": "2025-06-30T18:00:00+00:00",
    }
    assert list(proof) == list(vd.PROOF_FIELDS)
    assert vd.verify(json.loads(json.dumps(proof)), GOLDEN_TICKETS) == []


def test_empty_beacon_is_empty_bytes():
    preimage = b"draw-v1|c|" + bytes.fromhex(GOLDEN_ROOT) + b"||" + GOLDEN_SALT
    assert vd.seed("c", GOLDEN_ROOT, "", GOLDEN_SALT) == hashlib.sha256(preimage).digest()


def test_module_matches_the_appendix_on_random_ticket_sets():
    rng = random.Random(20250630)
    for _ in range(50):
        tickets = random_tickets(rng, rng.randint(1, 200), max_weight=rng.choice([1, 5, 1000]))
        salt, beacon = rng.randbytes(32), rng.choice(["", "round 7", "ünïcode ✓"])
        root = appendix_root(tickets)
        assert vd.entries_root(tickets) == root
        seed = appendix_seed("camp", root, beacon, salt)
        assert vd.seed("camp", root, beacon, salt) == seed
        winners, alternates = rng.randint(1, 10), rng.randint(0, 10)
        ranking = appendix_ranking(tickets, seed)
        expected = (ranking[:winners], ranking[winners : winners + alternates])
        assert vd.rank(tickets, seed, winners, alternates) == expected
        proof = vd.draw("camp", tickets, salt, beacon, winners, alternates, DRAWN_AT)
        assert (proof["winners"], proof["alternates"]) == expected


# --- reproducibility and sensitivity ---------------------------------------------------------


def test_verifier_reproduces_every_draw():
    rng = random.Random(7)
    for _ in range(200):
        tickets = random_tickets(rng, rng.randint(1, 300))
        proof = vd.draw(
            f"campaign-{rng.randint(1, 10**6)}",
            tickets,
            rng.randbytes(32),
            rng.choice(["", "lottery 2025-06-30: 4 8 15 16 23 42"]),
            rng.randint(1, 5),
            rng.randint(0, 5),
            DRAWN_AT,
        )
        # Round-trip both published files the way the public gets them.
        published = json.loads(json.dumps(proof))
        csv_file = io.StringIO()
        vd.write_tickets_csv(tickets, csv_file)
        csv_file.seek(0)
        assert vd.verify(published, vd.read_tickets_csv(csv_file)) == []


@pytest.fixture
def drawn():
    tickets = random_tickets(random.Random(11), 40)
    return tickets, make_draw(tickets)


def test_changing_any_ticket_id_changes_the_root_and_fails(drawn):
    tickets, proof = drawn
    for index in range(len(tickets)):
        changed = list(tickets)
        ticket_id, weight = changed[index]
        changed[index] = (ticket_id[:-1] + ("0" if ticket_id[-1] != "0" else "1"), weight)
        assert vd.entries_root(changed) != proof["entries_root"]
        problems = vd.verify(proof, changed)
        assert any("entries_root" in problem for problem in problems)
        assert any(problem.startswith("winners") for problem in problems)


def test_changing_any_weight_changes_the_root_and_fails(drawn):
    tickets, proof = drawn
    for index in range(len(tickets)):
        changed = list(tickets)
        ticket_id, weight = changed[index]
        changed[index] = (ticket_id, weight + 1)
        assert vd.entries_root(changed) != proof["entries_root"]
        problems = vd.verify(proof, changed)
        assert any("entries_root" in problem for problem in problems)
        assert any("add up to" in problem for problem in problems)


def test_dropping_or_adding_a_ticket_fails(drawn):
    tickets, proof = drawn
    for changed in (tickets[1:], [*tickets, ("feedface", 1)]):
        problems = vd.verify(proof, changed)
        assert any("tickets file has" in problem for problem in problems)
        assert any(problem.startswith("winners") for problem in problems)


def test_another_salt_breaks_the_commitment_and_the_winners(drawn):
    tickets, proof = drawn
    other_salt = bytes(31) + b"\x01"
    problems = vd.verify({**proof, "salt": other_salt.hex()}, tickets)
    assert problems[0] == "sha256(salt) is not the salt_commit published before the draw"
    assert problems[1].startswith("winners differ")
    # Even a salt consistent with its commitment gives other winners.
    redrawn = make_draw(tickets, salt=other_salt)
    assert redrawn["winners"] != proof["winners"]


@pytest.mark.parametrize(("field", "value"), [("beacon", "another beacon"), ("campaign_id", "c2")])
def test_another_beacon_or_campaign_gives_other_winners(drawn, field, value):
    tickets, proof = drawn
    problems = vd.verify({**proof, field: value}, tickets)
    assert problems
    assert problems[0].startswith("winners differ")


def test_tampered_winner_order_is_reported(drawn):
    tickets, proof = drawn
    swapped = [proof["winners"][1], proof["winners"][0], *proof["winners"][2:]]
    problems = vd.verify({**proof, "winners": swapped}, tickets)
    assert len(problems) == 1
    assert problems[0].startswith("winners differ at #1: proof ")
    assert "#2" in problems[0]
    assert "#3" not in problems[0]


def test_wrong_counts_are_reported(drawn):
    tickets, proof = drawn
    problems = vd.verify({**proof, "n": proof["n"] + 1, "total_weight": 1}, tickets)
    assert problems == [
        f"the tickets file has {len(tickets):,} tickets",
        f"the tickets' weights add up to {sum(w for _, w in tickets):,}",
    ]


def test_input_order_does_not_matter():
    tickets = random_tickets(random.Random(3), 100)
    proof = make_draw(tickets)
    rng = random.Random(4)
    for _ in range(10):
        shuffled = list(tickets)
        rng.shuffle(shuffled)
        assert make_draw(shuffled) == proof
        assert vd.verify(proof, shuffled) == []


def test_winners_and_alternates_are_disjoint_and_in_key_order():
    rng = random.Random(5)
    for _ in range(30):
        tickets = random_tickets(rng, 60)
        proof = make_draw(tickets, winners=5, alternates=10)
        chosen = proof["winners"] + proof["alternates"]
        assert len(chosen) == len(set(chosen)) == 15
        seed = vd.seed("c", proof["entries_root"], "b", GOLDEN_SALT)
        weights = dict(tickets)
        keys = [appendix_key(t, weights[t], seed) for t in chosen]
        assert keys == sorted(keys)
        # Nobody left out has a smaller key than the last one chosen.
        unchosen = [appendix_key(t, w, seed) for t, w in tickets if t not in set(chosen)]
        assert min(unchosen) > keys[-1]


@pytest.mark.parametrize(
    ("winners", "alternates", "expected_winners", "expected_alternates"),
    [(2, 5, 2, 1), (3, 0, 3, 0), (5, 5, 3, 0), (1, 2, 1, 2)],
)
def test_more_places_than_tickets(winners, alternates, expected_winners, expected_alternates):
    tickets = [("a", 1), ("b", 2), ("c", 3)]
    proof = make_draw(tickets, winners=winners, alternates=alternates)
    assert len(proof["winners"]) == expected_winners
    assert len(proof["alternates"]) == expected_alternates
    assert vd.verify(proof, tickets) == []
    if winners + alternates >= 3:
        assert sorted(proof["winners"] + proof["alternates"]) == ["a", "b", "c"]


def test_tied_keys_fall_back_to_ticket_id_order():
    # Keys tie only when u rounds to the same float; a key of -0.0 equals 0.0 for the sort too.
    assert sorted([(0.0, "b"), (-0.0, "a")]) == [(-0.0, "a"), (0.0, "b")]


def test_first_winner_frequency_follows_weight_chi_square():
    classes = {1: 4, 2: 4, 5: 4}  # weight -> number of tickets in that class
    tickets = [
        (f"w{weight}-{i}", weight) for weight, count in classes.items() for i in range(count)
    ]
    weight_of = dict(tickets)
    total = sum(weight_of.values())
    trials = 3000
    observed = dict.fromkeys(classes, 0)
    for trial in range(trials):
        seed = hashlib.sha256(f"chi-square trial {trial}".encode()).digest()
        (first,), _ = vd.rank(tickets, seed, 1, 0)
        observed[weight_of[first]] += 1
    statistic = 0.0
    for weight, count in classes.items():
        expected = trials * weight * count / total
        statistic += (observed[weight] - expected) ** 2 / expected
    # 13.82 is the 0.999 quantile of chi-square with 2 degrees of freedom; fixed seeds make this
    # deterministic, so it fails only if the weighting is wrong.
    assert statistic < 13.82, (observed, statistic)


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tickets", "message"),
    [
        ([("a,b", 1)], "ticket 1: ticket_id 'a,b' contains a comma"),
        ([("a", 1), ("b\n", 1)], "ticket 2: ticket_id 'b\\n' contains a newline"),
        ([("b\r", 1)], "ticket 1: ticket_id 'b\\r' contains a carriage return"),
        ([("é", 1)], "ticket 1: ticket_id 'é' is not ASCII"),
        ([("", 1)], "ticket 1: ticket_id is empty"),
        ([(7, 1)], "ticket 1: ticket_id must be a string, not int"),
        ([("a", 0)], "ticket 1: weight of 'a' must be positive, not 0"),
        ([("a", -2)], "ticket 1: weight of 'a' must be positive, not -2"),
        ([("a", 1.0)], "ticket 1: weight of 'a' must be an integer, not float"),
        ([("a", True)], "ticket 1: weight of 'a' must be an integer, not bool"),
        ([("a", "1")], "ticket 1: weight of 'a' must be an integer, not str"),
        ([("a", 1), ("b", 1), ("a", 2)], "ticket 3: duplicate ticket_id 'a' (also ticket 1)"),
        ([("a", 1, 2)], "ticket 1: expected a (ticket_id, weight) pair"),
        (["a1"], "ticket 1: expected a (ticket_id, weight) pair, got 'a1'"),
    ],
)
def test_bad_tickets_are_refused(tickets, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        vd.validate_tickets(tickets)
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        make_draw(tickets)


def test_lists_are_accepted_as_pairs():
    assert vd.validate_tickets([["a", 1]]) == [("a", 1)]
    assert vd.entries_root([["a", 1]]) == vd.entries_root([("a", 1)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"salt": b"short"}, "salt must be 32 bytes"),
        ({"winners": 0}, "winners must be an integer >= 1"),
        ({"alternates": -1}, "alternates must be an integer >= 0"),
        ({"campaign": ""}, "campaign_id must be a non-empty string"),
        ({"tickets": []}, "no tickets"),
    ],
)
def test_bad_draw_arguments_are_refused(kwargs, message):
    arguments = {"tickets": GOLDEN_TICKETS, **kwargs}
    with pytest.raises(ValueError, match=message):
        make_draw(**arguments)


def test_naive_drawn_at_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        vd.draw("c", GOLDEN_TICKETS, GOLDEN_SALT, "", 1, 0, datetime(2025, 1, 1))


def test_seed_refuses_a_malformed_root():
    with pytest.raises(ValueError, match="64 lowercase hex"):
        vd.seed("c", GOLDEN_ROOT.upper(), "", GOLDEN_SALT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"algorithm": "draw-v2"}, "unsupported algorithm 'draw-v2'"),
        ({"extra": 1}, "unexpected extra"),
        ({"winners": "abc"}, "proof field winners must be a list of ticket ids"),
        ({"n": True}, "proof field n must be a non-negative integer"),
        ({"salt": "xyz"}, "proof field salt must be lowercase hex"),
        ({"entries_root": "00"}, "proof field entries_root must be 64 lowercase hex digits"),
        ({"beacon": "\ud800"}, "proof field beacon must be a string"),
    ],
)
def test_malformed_proofs_are_refused(drawn, change, message):
    tickets, proof = drawn
    with pytest.raises(ValueError, match=re.escape(message)):
        vd.verify({**proof, **change}, tickets)


def test_missing_proof_field_is_named(drawn):
    tickets, proof = drawn
    del proof["drawn_at"]
    with pytest.raises(ValueError, match="missing drawn_at"):
        vd.verify(proof, tickets)


def test_a_salt_of_the_wrong_length_is_a_discrepancy(drawn):
    tickets, proof = drawn
    salt = b"sixteen bytes!!!"
    proof = {**proof, "salt": salt.hex(), "salt_commit": vd.salt_commit(salt)}
    assert vd.verify(proof, tickets)[0] == "the salt is 16 bytes; draw-v1 uses 32"


# --- the tickets CSV -------------------------------------------------------------------------


def test_csv_round_trip_and_rows_are_the_hashed_lines():
    tickets = random_tickets(random.Random(9), 50)
    file = io.StringIO()
    vd.write_tickets_csv(tickets, file)
    text = file.getvalue()
    header, _, body = text.partition("\n")
    assert header == "ticket_id,weight"
    assert hashlib.sha256(b"draw-v1|entries|" + body.encode()).hexdigest() == appendix_root(tickets)
    assert sorted(vd.read_tickets_csv(io.StringIO(text))) == sorted(tickets)
    assert sorted(vd.read_tickets_csv(io.BytesIO(text.encode()))) == sorted(tickets)


@pytest.mark.parametrize(
    "content",
    [
        b"ticket_id,weight\r\na,1\r\nb,2\r\n",
        b"\xef\xbb\xbfticket_id,weight\na,1\nb,2\n",
        b"ticket_id,weight\na,1\nb,2",
        b"ticket_id,weight\nb,2\na,01\n",
    ],
)
def test_csv_tolerates_crlf_bom_missing_final_newline_and_order(content):
    assert sorted(vd.read_tickets_csv(io.BytesIO(content))) == [("a", 1), ("b", 2)]


def test_csv_with_only_a_header_has_no_tickets(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,weight\n")
    assert vd.read_tickets_csv(path) == []
    assert vd.read_tickets_csv(str(path)) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line 1: expected the header 'ticket_id,weight', found an empty file"),
        (b"id,weight\na,1\n", "line 1: expected the header 'ticket_id,weight', found 'id,weight'"),
        (b"ticket_id,weight\na,1\nb\n", "line 3: expected 'ticket_id,weight', found 'b'"),
        (b"ticket_id,weight\na,1\nb,2,3\n", "line 3: expected 'ticket_id,weight', found 'b,2,3'"),
        (b"ticket_id,weight\na,1\n\nb,2\n", "line 3: expected 'ticket_id,weight', found ''"),
        (b"ticket_id,weight\na,x\n", "line 2: expected 'ticket_id,weight', found 'a,x'"),
        (b"ticket_id,weight\na,-1\n", "line 2: expected"),
        (b"ticket_id,weight\na,1.5\n", "line 2: expected"),
        (b"ticket_id,weight\na,1\nb,0\n", "line 3: weight of 'b' must be positive, not 0"),
        (b"ticket_id,weight\na,1\nb,1\na,2\n", "line 4: duplicate ticket_id 'a' (also line 2)"),
        (b"ticket_id,weight\na,1\n\xc3\xa9,1\n", "line 3: '\xe9' is not ASCII"),
        (b"ticket_id,weight\na,1\n\xff,1\n", "line 3:"),
        (b"ticket_id,weight\na\rb,1\n", "line 2: ticket_id 'a\\rb' contains a carriage return"),
        (b"ticket_id,weight\n,1\n", "line 2: ticket_id is empty"),
    ],
)
def test_csv_errors_name_the_line(content, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        vd.read_tickets_csv(io.BytesIO(content))


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path):
    """A draw's two public files, as the proof page offers them."""
    tickets = random_tickets(random.Random(13), 500)
    proof = make_draw(tickets, winners=3, alternates=2)
    proof_path = tmp_path / "proof.json"
    proof_path.write_text(json.dumps(proof, indent=2))
    tickets_path = tmp_path / "tickets.csv"
    with tickets_path.open("w", newline="") as file:
        vd.write_tickets_csv(tickets, file)
    return proof, proof_path, tickets_path


def run(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60,
        check=False,
    )


def test_cli_verifies_a_draw(published):
    _, proof_path, tickets_path = published
    result = run("-m", "entries.verify_draw", proof_path, tickets_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "VERIFIED: winners reproduced"
    for checked in ("salt_commit", "entries_root", "n = 500 tickets", "total_weight", "winners"):
        assert checked in result.stdout
    assert "FAIL" not in result.stdout
    assert result.stderr == ""


def test_cli_runs_as_a_standalone_script(published, tmp_path):
    _, proof_path, tickets_path = published
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(MODULE_FILE, alone / "verify_draw.py")
    result = run("-I", "verify_draw.py", proof_path, tickets_path, cwd=alone)
    assert result.returncode == 0, result.stderr
    assert "VERIFIED: winners reproduced" in result.stdout


def test_cli_reports_discrepancies_with_exit_1(published):
    proof, proof_path, tickets_path = published
    proof["winners"][0], proof["alternates"][0] = proof["alternates"][0], proof["winners"][0]
    proof_path.write_text(json.dumps(proof))
    result = run("-m", "entries.verify_draw", proof_path, tickets_path)
    assert result.returncode == 1
    assert "FAIL  3 winners reproduced in rank order" in result.stdout
    assert "winners differ at #1" in result.stdout
    assert "alternates differ at #1" in result.stdout
    assert result.stdout.splitlines()[-1] == "NOT VERIFIED: 2 discrepancies"
    assert "VERIFIED: winners" not in result.stdout


def test_cli_reports_a_changed_ticket_file(published):
    _, proof_path, tickets_path = published
    lines = tickets_path.read_text().splitlines(keepends=True)
    ticket_id, _ = lines[7].strip().split(",")
    lines[7] = f"{ticket_id},9\n"
    tickets_path.write_text("".join(lines))
    result = run("-m", "entries.verify_draw", proof_path, tickets_path)
    assert result.returncode == 1
    assert "the tickets give entries_root" in result.stdout


@pytest.mark.parametrize(
    ("proof_text", "tickets_text", "message"),
    [
        ("{oops", None, "cannot use proof"),
        ("{oops", None, "not valid JSON"),
        ("[]", None, "the proof must be a JSON object"),
        ('{"algorithm": "draw-v1"}', None, "missing campaign_id"),
        (None, "ticket,weight\n", "cannot use tickets"),
        (None, "ticket,weight\n", "line 1: expected the header"),
        (None, "ticket_id,weight\na,1\na,1\n", "line 3: duplicate ticket_id 'a'"),
    ],
)
def test_cli_bad_files_exit_2_without_a_traceback(published, proof_text, tickets_text, message):
    _, proof_path, tickets_path = published
    if proof_text is not None:
        proof_path.write_text(proof_text)
    if tickets_text is not None:
        tickets_path.write_text(tickets_text)
    result = run("-m", "entries.verify_draw", proof_path, tickets_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("missing", ["proof", "tickets"])
def test_cli_missing_file_exits_2(published, tmp_path, missing):
    _, proof_path, tickets_path = published
    paths = {"proof": proof_path, "tickets": tickets_path}
    paths[missing] = tmp_path / "nope"
    result = run("-m", "entries.verify_draw", paths["proof"], paths["tickets"])
    assert result.returncode == 2
    assert f"cannot use {missing}" in result.stderr
    assert "No such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_usage_error_exits_2():
    result = run("-m", "entries.verify_draw", "only-one-argument.json")
    assert result.returncode == 2
    assert "usage:" in result.stderr
