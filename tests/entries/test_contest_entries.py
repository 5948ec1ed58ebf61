"""Entering a contest: one entry per person, consent, the age and quiz gates, referral bonuses,
fraud signals."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from campaigns.blueprints import gallery_template
from entries.models import Entry, EntryStatus, ReferralCredit
from entries.services import contests, fraud
from tests.entries.contests import (
    eligible_entry,
    email_first_document,
    enter,
    giveaway_document,
    start,
)
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def giveaway(publish):
    return publish(giveaway_document())


def completed(campaign):
    return Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED)


# --- one entry per person --------------------------------------------------------------------


def test_a_completed_entry_keeps_consent_dedupe_key_and_says_it_is_in_the_draw(client,
                                                                                giveaway):
    response, url = enter(client, giveaway, "Ada.Lovelace+win@GMail.com")
    assert response.status_code == 303
    entry = completed(giveaway).get()
    assert entry.dedupe_key == "adalovelace@gmail.com"
    assert entry.email == "Ada.Lovelace+win@gmail.com"  # the +tag stays: mail goes to it
    rules = entry.consent["rules"]
    assert rules["question"] == "rules_consent"
    assert rules["rules_version"] == 1
    assert rules["wording"].startswith("I'm 18 or older and I agree to the Official Rules")
    assert rules["at"]
    page = client.get(url).text
    assert "You're in the draw" in page
    assert "1 ticket" in page
    assert f"?ref={entry.referral_code}" in page


def test_a_second_entry_by_the_same_person_is_told_kindly_and_changes_nothing(client,
                                                                               giveaway):
    enter(client, giveaway, "ab@gmail.com")
    first = completed(giveaway).get()
    response, url = enter(client, giveaway, "A.B+second@GoogleMail.com", name="Eve")
    assert response.status_code == 200
    assert "You're already in!" in response.text
    # Nothing personal about the first entrant, only the link that earns them bonus tickets.
    assert "ab@gmail.com" not in response.text
    assert "Ada" not in response.text
    assert f"?ref={first.referral_code}" in response.text
    assert first.token not in response.text
    assert completed(giveaway).count() == 1
    duplicate = Entry.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])
    assert duplicate.status == EntryStatus.STARTED
    assert duplicate.dedupe_key == ""
    assert not duplicate.answers.filter(question_key="email").exists()


def test_already_in_over_htmx_swaps_the_stage(client, giveaway):
    enter(client, giveaway, "ab@example.com")
    response, _ = enter(client, giveaway, "AB@example.com", **HTMX)
    assert response.status_code == 200
    assert "You're already in!" in response.text
    assert "<html" not in response.text


def test_other_campaigns_and_one_entry_off_are_not_deduplicated(client, giveaway, publish):
    other = publish(giveaway_document())
    enter(client, giveaway, "ab@example.com")
    enter(client, other, "ab@example.com")
    assert completed(giveaway).count() == completed(other).count() == 1

    open_ = publish(giveaway_document(), settings={"one_entry_per_person": False})
    enter(client, open_, "ab@example.com")
    enter(client, open_, "ab@example.com")
    assert completed(open_).count() == 2
    assert set(completed(open_).values_list("dedupe_key", flat=True)) == {""}


def test_the_step_that_asks_the_email_records_it_and_a_restart_is_not_locked_out(client,
                                                                                  publish):
    campaign = publish(email_first_document())
    abandoned = start(client, campaign)
    client.post(abandoned, {"step": "contact", "email": "zoe@example.com"})
    first = Entry.objects.get()
    assert first.email == "zoe@example.com"
    assert first.dedupe_key == ""

    # The same person starts again (lost the link): a partial entry holds nobody back.
    again = start(client, campaign)
    client.post(again, {"step": "contact", "email": "Zoe@Example.com"})
    client.post(again, {"step": "taste", "colour": "teal"})
    assert client.post(again, {"step": "rules", "rules_consent": "yes"}).status_code == 303
    winner = completed(campaign).get()
    assert winner.pk != first.pk
    assert winner.dedupe_key == "zoe@example.com"

    # The abandoned one cannot complete any more: that person is already in.
    client.post(abandoned, {"step": "taste", "colour": "red"})
    response = client.post(abandoned, {"step": "rules", "rules_consent": "yes"})
    assert "You're already in!" in response.text
    first.refresh_from_db()
    assert first.status == EntryStatus.STARTED
    assert first.dedupe_key == ""
    assert completed(campaign).count() == 1


def test_a_disqualified_person_cannot_enter_again(client, giveaway):
    enter(client, giveaway, "cheat@example.com")
    entry = completed(giveaway).get()
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.DISQUALIFIED)
    response, _ = enter(client, giveaway, "cheat@example.com")
    assert "You're already in!" in response.text
    assert not completed(giveaway).exists()


# --- consent, the age gate, the quiz gate, the entry window ----------------------------------


def test_without_the_rules_consent_the_form_refuses_and_nothing_completes(client, giveaway):
    response, _ = enter(client, giveaway, "ab@example.com", consent=False)
    assert response.status_code == 200
    assert 'id="error-rules_consent"' in response.text
    assert not completed(giveaway).exists()


@pytest.fixture
def age_gated(publish):
    return publish(giveaway_document(), settings={"min_age": 18})


def _adult_birthday():
    today = timezone.localdate()
    return {"dob_day": str(today.day), "dob_month": str(today.month),
            "dob_year": str(today.year - 18)}


def test_the_age_gate_asks_a_date_of_birth_before_the_first_step(client, age_gated):
    page = client.get(f"/c/{age_gated.slug}/").text
    assert "<legend class=\"rt-label\">Your date of birth</legend>" in page
    assert 'autocomplete="bday-year"' in page
    assert "18 or older" in page


@pytest.mark.parametrize(("given", "message"), [
    ({}, "Enter your date of birth"),
    ({"dob_day": "x", "dob_month": "1", "dob_year": "1990"}, "Use numbers only"),
    ({"dob_day": "31", "dob_month": "2", "dob_year": "1990"}, "That date doesn&#x27;t exist"),
    ({"dob_day": "1", "dob_month": "1", "dob_year": "90"}, "four-digit year"),
    ({"dob_day": "1", "dob_month": "1", "dob_year": "9999"}, "four-digit year"),
    # Digits int() cannot read, and more digits than it will read, are not numbers either.
    ({"dob_day": "²", "dob_month": "1", "dob_year": "1990"}, "Use numbers only"),
    ({"dob_day": "1", "dob_month": "1", "dob_year": "1" * 5000}, "Use numbers only"),
])
def test_a_bad_date_of_birth_is_explained_next_to_the_field(client, age_gated, given, message):
    response = client.post(f"/c/{age_gated.slug}/", given)
    assert response.status_code == 200
    assert message in response.text
    assert 'id="dob-error"' in response.text
    assert not Entry.objects.exists()


def test_under_age_visitors_get_a_kind_refusal_and_nothing_is_stored(client, age_gated):
    birthday = _adult_birthday()
    tomorrow = timezone.localdate() + timedelta(days=1)
    birthday.update(dob_day=str(tomorrow.day), dob_month=str(tomorrow.month),
                    dob_year=str(tomorrow.year - 18))
    response = client.post(f"/c/{age_gated.slug}/", birthday)
    assert response.status_code == 200
    assert "only open to older entrants" in response.text
    assert not Entry.objects.exists()


def test_of_age_visitors_enter_and_only_the_confirmation_is_kept(client, age_gated):
    response = client.post(f"/c/{age_gated.slug}/", _adult_birthday())
    assert response.status_code == 303
    entry = Entry.objects.get()
    assert entry.consent["age"]["min_age"] == 18
    assert entry.consent["age"]["confirmed_at"]
    assert str(timezone.localdate().year - 18) not in str(entry.consent)


def test_age_gate_error_over_htmx_rerenders_the_start_form_in_place(client, age_gated):
    response = client.post(f"/c/{age_gated.slug}/", {"dob_day": "40"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'value="40"' in response.text


@pytest.fixture
def gated(publish):
    document = gallery_template("quiz-gated-contest").document
    return publish(document, settings={"gate_outcomes": ["eligible"], "gate_min_score": 2})


def _quiz(client, campaign, answers, email):
    url = start(client, campaign)
    for step, (key, value) in zip(["question_1", "question_2", "question_3"], answers,
                                  strict=True):
        client.post(url, {"step": step, key: value})
    client.post(url, {"step": "enter", "first_name": "Kim", "email": email,
                      "rules_consent": "yes"})
    return url, Entry.objects.get(email=email)


def test_the_quiz_gate_decides_who_is_in_the_draw_and_the_result_page_says_so(client, gated):
    right = [("aperture", "f1_8"), ("rule_of_thirds", "three"), ("golden_hour", "sunrise_sunset")]
    wrong = [("aperture", "f22"), ("rule_of_thirds", "nine"), ("golden_hour", "noon")]
    url_in, entry_in = _quiz(client, gated, right, "kim@example.com")
    url_out, entry_out = _quiz(client, gated, wrong, "lee@example.com")
    assert entry_in.outcome == "eligible"
    assert entry_out.outcome == "not_this_time"
    assert "You're in the draw" in client.get(url_in).text
    page = client.get(url_out).text
    assert "isn't in the prize draw" in page
    assert "qualifying result" in page
    assert list(contests.eligible_entries(gated)) == [entry_in]


def test_the_photo_quiz_template_as_published_keeps_a_failing_score_out_of_the_draw(client,
                                                                                  publish):
    # Exactly what the gallery makes: no setting added by hand.
    campaign = publish(gallery_template("quiz-gated-contest").document)
    assert campaign.settings["gate_outcomes"] == ["eligible"]
    one_of_three = [("aperture", "f1_8"), ("rule_of_thirds", "three"), ("golden_hour", "noon")]
    url, entry = _quiz(client, campaign, one_of_three, "lee@example.com")
    assert entry.score == 1
    assert entry.outcome == "not_this_time"
    page = client.get(url).text
    assert "you needed 2" in page
    assert "You're in the draw" not in page
    assert "isn't in the prize draw" in page
    assert contests.ineligibility(entry)
    assert not contests.eligible_entries(campaign).exists()


def test_an_entry_completed_after_the_close_is_not_in_the_draw(client, giveaway):
    enter(client, giveaway, "late@example.com")
    entry = completed(giveaway).get()
    giveaway.ends_at = entry.completed_at - timedelta(seconds=1)
    giveaway.save()
    entry.refresh_from_db()
    assert contests.ineligibility(entry) == "It was completed after entries closed."
    assert not contests.eligible_entries(giveaway).exists()


# --- referrals -------------------------------------------------------------------------------


def test_a_referrer_earns_the_bonus_once_when_the_friend_completes(client, publish):
    campaign = publish(giveaway_document(), settings={"referral_bonus": 2})
    _, host_url = enter(client, campaign, "host@example.com")
    host = completed(campaign).get()
    enter(client, campaign, "friend@example.com", query=f"?ref={host.referral_code}")
    friend = completed(campaign).get(email="friend@example.com")
    assert friend.referred_by == host
    host.refresh_from_db()
    assert host.bonus_tickets == 2
    assert contests.referral_credit(entry=friend) is None  # never twice
    host.refresh_from_db()
    assert host.bonus_tickets == 2
    assert ReferralCredit.objects.get().tickets == 2
    assert "3 tickets (2 bonus from friends you referred)" in client.get(host_url).text


def test_a_started_but_unfinished_friend_earns_nothing(client, giveaway):
    enter(client, giveaway, "host@example.com")
    host = completed(giveaway).get()
    url = start(client, giveaway, f"?ref={host.referral_code}")
    client.post(url, {"step": "pick_cabin", "cabin": "forest"})
    host.refresh_from_db()
    assert host.bonus_tickets == 0


def test_no_bonus_for_referring_yourself(client, publish):
    campaign = publish(giveaway_document(), settings={"one_entry_per_person": False})
    enter(client, campaign, "me@gmail.com")
    me = completed(campaign).get()
    enter(client, campaign, "m.e+again@gmail.com", query=f"?ref={me.referral_code}")
    me.refresh_from_db()
    assert me.bonus_tickets == 0
    assert not ReferralCredit.objects.exists()
    # The same entry as its own referrer cannot earn either.
    Entry.objects.filter(pk=me.pk).update(referred_by=me)
    me.refresh_from_db()
    assert contests.referral_credit(entry=me) is None


def test_an_ineligible_friend_earns_nothing(client, publish):
    campaign = publish(gallery_template("quiz-gated-contest").document,
                       settings={"gate_outcomes": ["eligible"]})
    url = start(client, campaign)
    for step, key, value in [("question_1", "aperture", "f1_8"),
                             ("question_2", "rule_of_thirds", "three"),
                             ("question_3", "golden_hour", "sunrise_sunset")]:
        client.post(url, {"step": step, key: value})
    client.post(url, {"step": "enter", "first_name": "H", "email": "h@example.com",
                      "rules_consent": "yes"})
    host = Entry.objects.get(email="h@example.com")
    url = start(client, campaign, f"?ref={host.referral_code}")
    for step, key, value in [("question_1", "aperture", "f22"),
                             ("question_2", "rule_of_thirds", "nine"),
                             ("question_3", "golden_hour", "noon")]:
        client.post(url, {"step": step, key: value})
    client.post(url, {"step": "enter", "first_name": "F", "email": "f@example.com",
                      "rules_consent": "yes"})
    host.refresh_from_db()
    assert host.bonus_tickets == 0


# --- fraud signals ---------------------------------------------------------------------------


def test_a_normal_entry_only_shows_speed_in_tests(client, giveaway):
    enter(client, giveaway, "ab@example.com")
    record = completed(giveaway).get().fraud
    # The test client answers in milliseconds: faster than any person.
    assert record["signals"] == ["too_fast"]
    assert record["score"] == fraud.WEIGHTS["too_fast"]
    assert "Answered 4 questions in" in record["reasons"][0]


def test_a_slow_careful_entrant_has_a_clean_record(client, giveaway):
    url = start(client, giveaway)
    client.post(url, {"step": "pick_cabin", "cabin": "lakeside"})
    Entry.objects.update(started_at=timezone.now() - timedelta(minutes=2))
    client.post(url, {"step": "enter", "first_name": "Ada", "email": "ada@example.com",
                      "rules_consent": "yes"})
    assert completed(giveaway).get().fraud == {"score": 0, "reasons": [], "signals": []}


def test_the_honeypot_on_a_later_step_is_recorded_as_a_signal(client, giveaway):
    url = start(client, giveaway)
    client.post(url, {"step": "pick_cabin", "cabin": "lakeside", "website": "http://spam"})
    client.post(url, {"step": "enter", "first_name": "Bot", "email": "bot@example.com",
                      "rules_consent": "yes"})
    record = completed(giveaway).get().fraud
    assert "honeypot" in record["signals"]
    assert record["honeypot"] is True
    assert record["score"] == fraud.WEIGHTS["honeypot"] + fraud.WEIGHTS["too_fast"]


def test_bursts_from_one_network_disposable_and_near_duplicate_emails(client, publish):
    campaign = publish(giveaway_document(), settings={"one_entry_per_person": False})
    for n in range(3):
        enter(client, campaign, f"anna.k{n}@example.com", ip="10.9.9.9")
    enter(client, campaign, "someone@mailinator.com", ip="10.1.1.1")
    fourth = completed(campaign).get(email="someone@mailinator.com")
    assert "disposable" in fourth.fraud["signals"]
    assert "ip_burst" not in fourth.fraud["signals"]

    enter(client, campaign, "annak9@example.com", ip="10.9.9.9")
    last = completed(campaign).get(email="annak9@example.com")
    assert {"ip_burst", "near_duplicate"} <= set(last.fraud["signals"])
    assert any("3 other entries from the same network" in r for r in last.fraud["reasons"])
    assert any("nearly the same as 3 other" in r for r in last.fraud["reasons"])
    assert last.fraud["score"] == min(100, sum(fraud.WEIGHTS[s] for s in last.fraud["signals"]))
    first = completed(campaign).get(email="anna.k0@example.com")
    assert "near_duplicate" not in first.fraud["signals"]


def test_skeleton_groups_look_alike_addresses():
    assert fraud.skeleton("Anna.K1@Example.com") == fraud.skeleton("annak22@example.com")
    assert fraud.skeleton("anna@example.com") != fraud.skeleton("anna@example.org")
    assert fraud.skeleton("1234@example.com") == "1234@example.com"


def test_quizzes_are_not_contests(client, publish):
    quiz = publish(branching_quiz())
    url = start(client, quiz)
    client.post(url, {"step": "about", "name": "Ada", "email": "a@example.com"})
    client.post(url, {"step": "taste", "drink": "tea"})
    entry = Entry.objects.get()
    assert entry.fraud == {}
    assert entry.consent == {}
    assert entry.dedupe_key == ""
    assert "in the draw" not in client.get(url).text


def test_eligible_entry_helper_is_in_the_draw(publish):
    campaign = publish(giveaway_document())
    entry = eligible_entry(campaign)
    assert contests.ineligibility(entry) == ""
