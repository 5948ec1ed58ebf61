"""Contests in Debian's Chromium: the age gate, the draw status on the result page, "you're
already in", the public rules, proof and claim pages, and the builder's Draws section and entry
panel; each checked by axe-core and screenshotted."""


import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Role, Status
from campaigns.services.campaigns import campaign_set_status
from entries.models import Draw, Entry, EntryStatus, WinnerStatus
from entries.services.draws import draw_run
from tests.browser.serial import DB_TURN, one_request_at_a_time  # noqa: F401 (takes turns)
from tests.browser.test_runtime_browser import assert_accessible
from tests.entries.contests import eligible_entry, giveaway_document
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)



def _publish(publish, **settings):
    with DB_TURN:
        return publish(giveaway_document(), settings=settings)


def _enter(page, email: str) -> None:
    page.get_by_text("A mountain hut with a view above the clouds").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_text("I'm 18 or older and I agree").click()
    page.get_by_role("button", name="Enter the giveaway").click()


def test_age_gate_entry_result_and_already_in(page, live_server, publish, screenshot):
    campaign = _publish(publish, min_age=18)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.get_by_role("button", name="Enter now").click()
    expect(page.get_by_text("Enter your date of birth: day, month and year.")).to_be_visible()
    expect(page.get_by_label("Day")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "age gate with an error")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(timezone.localdate().year - 10))
    page.get_by_role("button", name="Enter now").click()
    expect(page.get_by_role("heading", name="Thanks for stopping by")).to_be_visible()
    with DB_TURN:
        assert not Entry.objects.exists()

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("1990")
    screenshot(page, "contest-age-gate")
    page.get_by_role("button", name="Enter now").click()
    _enter(page, "ada.lovelace@gmail.com")
    expect(page.get_by_text("You're in the draw")).to_be_visible()
    assert_accessible(page, "result page with the draw status")
    screenshot(page, "contest-result-in-the-draw")

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1991")
    page.get_by_role("button", name="Enter now").click()
    _enter(page, "Ada.Lovelace+again@GMail.com")
    expect(page.get_by_role("heading", name="You're already in!")).to_be_visible()
    assert_accessible(page, "already in")
    screenshot(page, "contest-already-in")
    with DB_TURN:
        assert Entry.objects.filter(status=EntryStatus.COMPLETED).count() == 1


def test_public_rules_proof_and_claim_pages(page, live_server, publish, screenshot):
    campaign = _publish(publish, winners=1, alternates=3,
                        rules_text="<p>Open to residents of the UK aged 18 or over. One entry "
                                   "per person. Closes 31 December.</p>")
    with DB_TURN:
        for n in range(8):
            eligible_entry(campaign, bonus_tickets=n % 3)
        campaign_set_status(campaign=campaign, status=Status.ENDED)
        draw = draw_run(campaign=campaign, by=None, beacon="drand round 5210000")
        winner = draw.winners.get()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/c/{campaign.slug}/rules/")
    expect(page.get_by_role("heading", name="Our commitment")).to_be_visible()
    assert_accessible(page, "rules page")
    screenshot(page, "contest-rules")

    page.get_by_role("link", name="Draw of").click()
    expect(page.get_by_role("heading", name="Draw proof")).to_be_visible()
    expect(page.get_by_role("cell", name=winner.ticket_id)).to_be_visible()
    assert_accessible(page, "proof page")
    screenshot(page, "contest-draw-proof")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/c/{campaign.slug}/claim/{winner.claim_token}/")
    expect(page.get_by_role("heading", name="You won!")).to_be_visible()
    assert_accessible(page, "claim page")
    screenshot(page, "contest-claim")
    page.get_by_role("button", name="Claim my prize").click()
    expect(page.get_by_role("heading", name="Prize claimed")).to_be_visible()
    with DB_TURN:
        winner.refresh_from_db()
        assert winner.status == WinnerStatus.CLAIMED


def test_builder_draws_and_entry_panel(page, live_server, publish, screenshot):
    with DB_TURN:
        campaign = publish(giveaway_document(), settings={"winners": 2, "alternates": 3})
        owner = MembershipFactory(workspace=campaign.workspace, role=Role.OWNER).user
        for n in range(9):
            eligible_entry(campaign, email=f"fan{n}@example.com", name=f"Fan {n}",
                           bonus_tickets=n % 2,
                           fraud={"score": 30 if n == 4 else 0,
                                  "reasons": ["Uses a disposable email address."] if n == 4
                                  else [], "signals": []})
        campaign_set_status(campaign=campaign, status=Status.ENDED)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/draws/")
    expect(page.get_by_role("heading", name="Run the draw")).to_be_visible()
    assert_accessible(page, "draws before the draw")
    screenshot(page, "builder-draws-before")

    page.get_by_role("button", name="Draw 2 winners").click()
    expect(page.get_by_text("Tick this box to confirm the draw.")).to_be_visible()
    page.get_by_label("Public beacon (optional)").fill("drand round 5210000")
    page.get_by_label("I understand the draw runs once").check()
    page.get_by_role("button", name="Draw 2 winners").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    with DB_TURN:
        draw = Draw.objects.get()
        first = draw.winners.get(prize=1)
    page.get_by_label("Reason to forfeit prize 1").fill("Declined: cannot travel on the dates")
    page.get_by_role("row").filter(has_text=first.entry.email).get_by_role(
        "button", name="Forfeit & pass on").click()
    expect(page.get_by_text("Declined: cannot travel on the dates")).to_be_visible()
    assert_accessible(page, "draws after a forfeit")
    screenshot(page, "builder-draws-after")

    with DB_TURN:
        suspicious = Entry.objects.get(email="fan4@example.com")
    page.goto(f"{live_server.url}/app/campaigns/{campaign.pk}/entries/{suspicious.pk}/contest/")
    page.get_by_label("Why disqualify this entry?").fill("Disposable address, same device")
    page.get_by_role("button", name="Disqualify").click()
    expect(page.get_by_text("Entry disqualified.")).to_be_visible()
    reason = page.get_by_role("cell", name="Disposable address, same device", exact=True)
    expect(reason).to_be_visible()
    assert_accessible(page, "entry contest panel")
    screenshot(page, "builder-entry-contest")
    with DB_TURN:
        suspicious.refresh_from_db()
        assert suspicious.status == EntryStatus.DISQUALIFIED
        assert draw.winners.exclude(status=WinnerStatus.FORFEITED).count() == 2
