"""The builder's Draws section and an entry's contest panel: what each role sees and may do."""

from datetime import UTC

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.models import Status
from campaigns.services.campaigns import campaign_create, campaign_publish, campaign_set_status
from entries.models import ContestSeal, Draw, EntryAudit, EntryStatus, WinnerStatus
from entries.services.draws import draw_run
from tests.entries.contests import eligible_entry, giveaway_document
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def giveaway(workspace, owner):
    campaign = campaign_create(workspace=workspace, by=owner, document=giveaway_document())
    campaign.settings = {**campaign.settings, "winners": 1, "alternates": 2}
    campaign.save()
    campaign_publish(campaign=campaign, by=owner)
    campaign.refresh_from_db()
    for n in range(4):
        eligible_entry(campaign, email=f"fan{n}@example.com", name=f"Fan {n}",
                       bonus_tickets=1 if n == 0 else 0)
    return campaign


def draws_url(campaign):
    return reverse("builder:campaign_draws", args=[campaign.pk])


def run_url(campaign):
    return reverse("builder:campaign_draw_run", args=[campaign.pk])


def test_the_draws_section_shows_the_commitment_and_the_pool(login, viewer, giveaway):
    page = login(viewer).get(draws_url(giveaway))
    assert page.status_code == 200
    assert ContestSeal.objects.get(campaign=giveaway).salt_commit in page.text
    assert ContestSeal.objects.get(campaign=giveaway).salt not in page.text
    assert "Eligible entries</dt><dd>4</dd>" in page.text
    assert "Tickets</dt><dd>5</dd>" in page.text
    assert "Entries are still open" in page.text
    assert 'aria-current="page">Draws</a>' in page.text
    assert "Editors and owners can run the draw" not in page.text  # still open: no form at all


def test_the_draws_link_is_only_on_contests(login, viewer, workspace, owner, giveaway):
    quiz = campaign_create(workspace=workspace, by=owner, document=branching_quiz())
    client = login(viewer)
    assert ">Draws</a>" not in client.get(reverse("builder:campaign", args=[quiz.pk])).text
    assert ">Draws</a>" in client.get(reverse("builder:campaign", args=[giveaway.pk])).text
    assert client.get(draws_url(quiz)).status_code == 404


def test_an_editor_runs_the_draw_after_confirming(login, editor, giveaway):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    client = login(editor)
    page = client.get(draws_url(giveaway)).text
    assert "Draw 1 winner from 5 tickets" in page

    response = client.post(run_url(giveaway), {"beacon": "drand 99"}, **HTMX)
    assert response.status_code == 200
    assert "Tick this box to confirm the draw." in response.text
    assert 'aria-describedby="confirm-error"' in response.text
    assert 'value="drand 99"' in response.text
    assert not Draw.objects.exists()

    response = client.post(run_url(giveaway), {"beacon": "drand 99", "confirm": "on"}, **HTMX)
    assert response.status_code == 200
    draw = Draw.objects.get()
    assert draw.drawn_by == editor
    assert draw.proof["beacon"] == "drand 99"
    winner = draw.winners.get()
    assert "Drawn from 4 entrants holding 5 tickets" in response.text
    assert winner.entry.email in response.text  # the marketer sees who won
    assert f"/c/{giveaway.slug}/draws/{draw.pk}/" in response.text
    assert "Alternates waiting" in response.text
    assert "Only entries completed by" in response.text
    assert f"{draw.cutoff.astimezone(UTC):%H:%M:%S} UTC, when entries closed" in response.text

    again = client.post(run_url(giveaway), {"confirm": "on"})
    assert again.status_code == 302
    assert "already been drawn" in client.get(draws_url(giveaway)).text
    assert Draw.objects.count() == 1


def test_a_draw_refused_over_htmx_explains_why(login, editor, giveaway):
    response = login(editor).post(run_url(giveaway), {"confirm": "on"}, **HTMX)
    assert response.status_code == 200
    assert "Entries are still open" in response.text
    assert not Draw.objects.exists()


def test_forfeit_and_pass_on_with_a_reason(login, editor, giveaway):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    draw = draw_run(campaign=giveaway, by=editor)
    winner = draw.winners.get()
    client = login(editor)
    url = reverse("builder:winner_forfeit", args=[giveaway.pk, winner.pk])

    response = client.post(url, {"reason": ""}, **HTMX)
    assert response.status_code == 200
    assert "Give a reason" in response.text
    assert f'aria-describedby="forfeit-error-{winner.pk}"' in response.text
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.NOTIFIED

    response = client.post(url, {"reason": "Lives outside the UK"})
    assert response.status_code == 302
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.FORFEITED
    assert winner.replaced_by.rank == 2
    page = client.get(draws_url(giveaway)).text
    assert "Lives outside the UK" in page
    assert winner.replaced_by.entry.email in page


def test_viewers_see_but_cannot_draw_forfeit_or_disqualify(login, viewer, editor, giveaway):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    client = login(viewer)
    assert "Editors and owners can run the draw" in client.get(draws_url(giveaway)).text
    assert client.post(run_url(giveaway), {"confirm": "on"}).status_code == 403
    draw = draw_run(campaign=giveaway, by=editor)
    winner = draw.winners.get()
    page = client.get(draws_url(giveaway)).text
    assert "Forfeit &amp; pass on" not in page
    assert client.post(reverse("builder:winner_forfeit", args=[giveaway.pk, winner.pk]),
                       {"reason": "x"}).status_code == 403
    entry = winner.entry
    assert client.post(reverse("builder:entry_disqualify", args=[giveaway.pk, entry.pk]),
                       {"reason": "x"}).status_code == 403
    panel = client.get(reverse("builder:entrant", args=[giveaway.pk, entry.pk])).text
    assert "Why disqualify" not in panel
    assert "In the draw" in panel


def test_another_workspace_cannot_reach_any_of_it(login, outsider, giveaway):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    draw = draw_run(campaign=giveaway, by=None)
    winner = draw.winners.get()
    client = login(outsider)
    for url in (draws_url(giveaway),
                reverse("builder:entry_contest", args=[giveaway.pk, winner.entry_id])):
        assert client.get(url).status_code == 404
    for url in (run_url(giveaway),
                reverse("builder:winner_forfeit", args=[giveaway.pk, winner.pk]),
                reverse("builder:entry_disqualify", args=[giveaway.pk, winner.entry_id])):
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    winner.refresh_from_db()
    assert winner.status == WinnerStatus.NOTIFIED


def test_an_entry_of_another_campaign_is_404_under_this_one(login, editor, giveaway, workspace,
                                                            owner):
    other = campaign_create(workspace=workspace, by=owner, document=giveaway_document())
    campaign_publish(campaign=other, by=owner)
    other.refresh_from_db()
    stranger = eligible_entry(other)
    url = reverse("builder:entry_disqualify", args=[giveaway.pk, stranger.pk])
    assert login(editor).post(url, {"reason": "x"}).status_code == 404


def test_the_entry_panel_disqualifies_and_reinstates_with_an_audit_log(login, editor,
                                                                       giveaway):
    entry = giveaway.entries.get(email="fan0@example.com")
    entry.fraud = {"score": 55, "reasons": ["Uses a disposable email address.",
                                            "Filled in the invisible field that only bots see."]}
    entry.save()
    client = login(editor)
    panel_url = reverse("builder:entry_contest", args=[giveaway.pk, entry.pk])
    assert client.get(panel_url).headers["Location"] == reverse(
        "builder:entrant", args=[giveaway.pk, entry.pk]) + "#entry-contest"
    panel = client.get(panel_url, **HTMX).text
    assert "55" in panel
    assert "Uses a disposable email address." in panel
    assert "2 tickets (1 + 1 referral bonus)" in panel
    assert "In the draw" in panel

    disqualify = reverse("builder:entry_disqualify", args=[giveaway.pk, entry.pk])
    response = client.post(disqualify, {"reason": ""}, **HTMX)
    assert response.status_code == 200
    assert 'id="moderate-error"' in response.text
    response = client.post(disqualify, {"reason": "Bot signals"}, **HTMX)
    assert response.status_code == 200
    assert "Entry disqualified." in response.text
    assert "Why reinstate this entry?" in response.text
    assert "Bot signals" in response.text
    assert '<section id="entry-contest"' in response.text
    assert "<html" not in response.text
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DISQUALIFIED

    reinstate = reverse("builder:entry_reinstate", args=[giveaway.pk, entry.pk])
    response = client.post(reinstate, {"reason": "False alarm", "next": "/app/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/app/"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.COMPLETED
    assert list(EntryAudit.objects.values_list("reason", flat=True)) == ["False alarm",
                                                                         "Bot signals"]


def test_next_never_redirects_off_site(login, editor, giveaway):
    entry = giveaway.entries.first()
    response = login(editor).post(
        reverse("builder:entry_disqualify", args=[giveaway.pk, entry.pk]),
        {"reason": "Spam", "next": "https://evil.example/"})
    assert response.headers["Location"] == reverse(
        "builder:entrant", args=[giveaway.pk, entry.pk]) + "#entry-contest"


def test_the_panel_renders_nothing_for_entries_of_other_campaigns():
    assert render_to_string("builder/_entry_contest.html", {}).strip() == ""


def test_the_entrant_page_carries_the_contest_panel_and_the_emails_sent(
        login, editor, giveaway, django_capture_on_commit_callbacks):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    with django_capture_on_commit_callbacks(execute=True):
        winner = draw_run(campaign=giveaway, by=editor).winners.get()
    page = login(editor).get(reverse("builder:entrant", args=[giveaway.pk, winner.entry_id])).text
    assert '<section id="entry-contest"' in page
    assert "Why disqualify" in page
    assert "Winner drawn" in page
    assert winner.entry.email in page
    assert "Sent" in page


def test_a_winner_whose_data_was_erased_still_shows_as_a_prize(login, viewer, giveaway):
    campaign_set_status(campaign=giveaway, status=Status.ENDED)
    draw = draw_run(campaign=giveaway, by=None)
    draw.winners.get().entry.delete()
    page = login(viewer).get(draws_url(giveaway))
    assert page.status_code == 200
    assert "(personal data erased)" in page.text
