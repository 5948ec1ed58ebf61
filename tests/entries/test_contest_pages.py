"""The public contest pages: rules with the commitment, draw proofs and their downloads, the
verifier, claiming a prize. Cookie-free, no personal data, never a 500."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries import verify_draw
from entries.models import ContestSeal, Entry, Winner, WinnerStatus
from entries.services.draws import draw_run
from entries.services.winners import winner_forfeit
from tests.entries.contests import eligible_entry, giveaway_document
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(publish):
    campaign = publish(giveaway_document(), settings={
        "winners": 1, "alternates": 2, "rules_version": 3,
        "rules_text": "<p>Open to UK residents.</p><script>x</script>"})
    for n in range(5):
        eligible_entry(campaign, email=f"private{n}@example.com", name=f"Secret Name {n}")
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    draw = draw_run(campaign=campaign, by=None, beacon="lottery 2026-12-01: 4 8 15 16 23 42")
    return campaign, draw


def assert_public(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert response.headers["Cache-Control"] == "no-store"
    body = response.getvalue() if response.streaming else response.content
    for entry in Entry.objects.all():
        assert entry.email.encode() not in body
        assert entry.name.encode() not in body
        assert entry.token.encode() not in body
    return body


def test_the_rules_page_shows_the_commitment_but_never_the_salt_before_the_draw(client, publish):
    campaign = publish(giveaway_document(), settings={"rules_text": "<p>Be nice.</p>"})
    seal = ContestSeal.objects.get(campaign=campaign)
    response = client.get(f"/c/{campaign.slug}/rules/")
    assert response.status_code == 200
    assert seal.salt_commit in response.text
    assert "Be nice." in response.text
    assert seal.salt not in response.text
    assert seal.ticket_key not in response.text
    assert_public(response)


def test_the_rules_page_links_the_draw_and_sanitises_the_rules(client, drawn):
    campaign, draw = drawn
    page = client.get(f"/c/{campaign.slug}/rules/").text
    assert "rules version 3" in page
    assert "Open to UK residents." in page
    assert "<script>x</script>" not in page
    assert f"/c/{campaign.slug}/draws/{draw.pk}/" in page


def test_the_proof_page_shows_every_input_and_the_ranked_ticket_ids(client, drawn):
    campaign, draw = drawn
    response = client.get(f"/c/{campaign.slug}/draws/{draw.pk}/")
    assert response.status_code == 200
    proof = draw.proof
    for field in ("salt_commit", "salt", "entries_root", "campaign_id"):
        assert proof[field] in response.text
    assert "lottery 2026-12-01: 4 8 15 16 23 42" in response.text
    assert "before the first entry" in response.text
    for ticket in proof["winners"] + proof["alternates"]:
        assert ticket in response.text
    assert "Alternate 2" in response.text
    assert "python verify_draw.py proof.json tickets.csv" \
        in response.text
    assert_public(response)


def test_proof_json_and_tickets_csv_download_and_verify(client, drawn, tmp_path):
    campaign, draw = drawn
    proof = client.get(f"/c/{campaign.slug}/draws/{draw.pk}/proof.json")
    tickets = client.get(f"/c/{campaign.slug}/draws/{draw.pk}/tickets.csv")
    assert proof.status_code == tickets.status_code == 200
    assert "attachment" in proof.headers["Content-Disposition"]
    assert tickets.headers["Content-Type"].startswith("text/csv")
    (tmp_path / "proof.json").write_bytes(assert_public(proof))
    (tmp_path / "tickets.csv").write_bytes(assert_public(tickets))
    assert json.loads(proof.content) == draw.proof
    assert verify_draw.main([str(tmp_path / "proof.json"), str(tmp_path / "tickets.csv")]) == 0


def test_the_verifier_download_is_the_verifier(client):
    response = client.get("/c/verify_draw.py")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body == Path(verify_draw.__file__).read_text()


@pytest.mark.parametrize("path", [
    "/c/{slug}/draws/999999/", "/c/{slug}/draws/999999/proof.json",
    "/c/{slug}/draws/999999/tickets.csv", "/c/nope/draws/{draw}/", "/c/{slug}/draws/x/",
    "/c/{slug}/claim/forged-token/", "/c/nope/rules/", "/c/{slug}/draws/{draw}/proof.json/x",
])
def test_unknown_or_forged_addresses_are_404_never_500(client, drawn, path):
    campaign, draw = drawn
    response = client.get(path.format(slug=campaign.slug, draw=draw.pk))
    assert response.status_code == 404


def test_another_campaigns_draw_is_not_found_under_this_slug(client, drawn, publish):
    _, draw = drawn
    other = publish(giveaway_document())
    assert client.get(f"/c/{other.slug}/draws/{draw.pk}/").status_code == 404
    quiz = publish(branching_quiz())
    assert client.get(f"/c/{quiz.slug}/rules/").status_code == 404


def test_a_winner_claims_from_the_link(client, drawn):
    campaign, draw = drawn
    winner = draw.winners.get()
    url = f"/c/{campaign.slug}/claim/{winner.claim_token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "You won!" in page.text
    assert "Claim my prize" in page.text
    assert_public(page)
    response = client.post(url)
    assert response.status_code == 303
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.CLAIMED
    assert "Prize claimed" in client.get(url).text
    assert client.post(url).status_code == 303  # a second click changes nothing


def test_a_claim_after_the_deadline_is_refused(client, drawn):
    campaign, draw = drawn
    winner = draw.winners.get()
    url = f"/c/{campaign.slug}/claim/{winner.claim_token}/"
    Winner.objects.filter(pk=winner.pk).update(claim_deadline=timezone.now() - timedelta(1))
    assert "deadline has passed" in client.get(url).text
    response = client.post(url)
    assert response.status_code == 200
    assert "deadline" in response.text
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.NOTIFIED


def test_an_embedding_site_that_is_not_allowed_cannot_claim(client, publish):
    campaign = publish(giveaway_document(), settings={"embed_origins": ["https://shop.example"]})
    eligible_entry(campaign)
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    winner = draw_run(campaign=campaign, by=None).winners.get()
    url = f"/c/{campaign.slug}/claim/{winner.claim_token}/"
    response = client.post(url, HTTP_ORIGIN="https://evil.example")
    assert "be sent from that site" in response.text
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.NOTIFIED
    assert client.post(url, HTTP_ORIGIN="https://shop.example").status_code == 303


def test_a_forfeited_claim_link_says_so(client, drawn):
    campaign, draw = drawn
    winner = draw.winners.get()
    winner_forfeit(winner=winner, reason="No reply")
    page = client.get(f"/c/{campaign.slug}/claim/{winner.claim_token}/").text
    assert "can no longer be claimed" in page


def test_every_contest_page_links_the_official_rules(client, publish):
    giveaway = publish(giveaway_document())
    assert f'href="/c/{giveaway.slug}/rules/"' in client.get(f"/c/{giveaway.slug}/").text
    quiz = publish(branching_quiz())
    assert "Official rules" not in client.get(f"/c/{quiz.slug}/").text
