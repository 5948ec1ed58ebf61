from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from builder.views.campaign_settings import SettingsForm
from campaigns.campaign_settings import SETTINGS, campaign_setting
from campaigns.services import campaign_settings as service
from campaigns.services.campaign_settings import (
    campaign_settings_from_blueprint,
    campaign_settings_update,
    origins_parse,
)
from campaigns.services.drafts import StaleDraft
from tests.factories import CampaignFactory, CampaignVersionFactory, OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _save(campaign, **values):
    campaign_settings_update(campaign=campaign, by=None, values=values,
                             revision=campaign.revision)
    campaign.refresh_from_db()
    return campaign


def _refused(campaign, **values) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        campaign_settings_update(campaign=campaign, by=None, values=values,
                                 revision=campaign.revision)
    return refused.value.message_dict


@pytest.mark.parametrize(("text", "expected"), [
    ("https://shop.example.com", ["https://shop.example.com"]),
    ("HTTPS://Shop.Example.com/\n\n  http://localhost:3000  ", ["https://shop.example.com",
                                                              "http://localhost:3000"]),
    ("*", ["*"]),
    ("https://a.example\nhttps://a.example/", ["https://a.example"]),
    ("", []),
])
def test_origins_are_normalised(text, expected):
    assert origins_parse(text) == expected


@pytest.mark.parametrize(("line", "problem"), [
    ("https://shop.example.com/landing", "has no path; use https://shop.example.com"),
    ("https://shop.example.com?x=1", "has no path"),
    ("shop.example.com", "start it with https://"),
    ("ftp://shop.example.com", "start it with https://"),
    ("javascript:alert(1)", "start it with https://"),
    ("https://user:pw@shop.example.com", "user name"),
    ("https://*.example.com", "wildcards"),
    ("https://shop.example.com:99999", "not a web address"),
])
def test_each_bad_origin_is_named_by_its_line(line, problem):
    with pytest.raises(ValidationError) as refused:
        origins_parse(f"https://ok.example\n{line}")
    (message,) = refused.value.messages
    assert message.startswith("Line 2 ")
    assert problem in message


@pytest.mark.parametrize("entries", [
    "https://ok.example\nhttps://b.example evil.example",
    ["https://ok.example", "https://b.example evil.example"],
])
def test_an_origin_that_would_add_to_the_header_is_refused_by_name(entries):
    campaign = CampaignFactory(kind="quiz", settings={"embed_origins": ["https://old.example"]})
    (message,) = _refused(campaign, embed_origins=entries)["embed_origins"]
    assert message.startswith("Line 2 “https://b.example evil.example”: ")
    campaign.refresh_from_db()
    assert campaign_setting(campaign, "embed_origins") == ["https://old.example"]


def test_a_list_of_origins_is_stored_canonical():
    campaign = _save(CampaignFactory(kind="quiz"),
                     embed_origins=["HTTPS://Bücher.Example:443/", "https://bücher.example"])
    assert campaign_setting(campaign, "embed_origins") == ["https://xn--bcher-kva.example"]


def test_embed_origins_that_are_not_a_list_are_refused():
    campaign = CampaignFactory(kind="quiz")
    assert "one origin per line" in _refused(campaign, embed_origins=7)["embed_origins"][0]


def test_settings_are_saved_with_a_logged_revision():
    campaign = CampaignFactory(kind="quiz")
    start = campaign.revision
    _save(campaign, embed_origins="https://shop.example.com", redirect_url="https://ex.com/ok",
          min_age=18, one_entry_per_person=True, timezone="Europe/Paris")
    assert campaign.revision == start + 1
    assert campaign_setting(campaign, "embed_origins") == ["https://shop.example.com"]
    assert campaign_setting(campaign, "redirect_url") == "https://ex.com/ok"
    assert campaign_setting(campaign, "min_age") == 18
    assert campaign_setting(campaign, "one_entry_per_person") is True
    assert "embed origins" in campaign.draft_changes.get().summary


def test_schedule_must_end_after_it_starts():
    campaign = CampaignFactory()
    start = datetime(2030, 5, 1, 9, tzinfo=UTC)
    errors = _refused(campaign, starts_at=start, ends_at=start)
    assert errors == {"ends_at": ["The end must be after the start."]}
    _save(campaign, starts_at=start, ends_at=start + timedelta(days=7))
    assert campaign.ends_at - campaign.starts_at == timedelta(days=7)
    assert _refused(campaign, starts_at=datetime(2030, 5, 1))["starts_at"]  # naive


@pytest.mark.parametrize(("field", "value"), [
    ("min_age", 0), ("min_age", 121), ("min_age", "18"), ("min_age", True),
    ("winners", 0), ("alternates", -1), ("claim_days", 400), ("referral_bonus", 101),
])
def test_numbers_outside_their_range_are_refused(field, value):
    campaign = CampaignFactory(kind="contest")
    assert "whole number" in _refused(campaign, **{field: value})[field][0]


def test_other_fields_are_checked_too():
    CampaignFactory(slug="taken")
    campaign = CampaignFactory(kind="giveaway")
    errors = _refused(campaign, name=" ", slug="Not A Slug", redirect_url="javascript:x",
                      timezone="Mars/Olympus", consent_wording="", auto_draw=True)
    assert set(errors) == {"name", "slug", "redirect_url", "timezone", "consent_wording",
                           "auto_draw"}
    assert "taken" in _refused(campaign, slug="taken")["slug"][0]


def test_rules_are_sanitised_and_a_change_bumps_their_version():
    campaign = CampaignFactory(kind="contest")
    assert campaign_setting(campaign, "rules_version") == 1
    _save(campaign, rules_text='<p onclick="x()">Open to <b>UK</b> residents.</p><script>x'
                               "</script>")
    assert campaign_setting(campaign, "rules_text") == "<p>Open to <b>UK</b> residents.</p>"
    assert campaign_setting(campaign, "rules_version") == 2
    _save(campaign, rules_text="<p>Open to <b>UK</b> residents.</p>", winners=2)
    assert campaign_setting(campaign, "rules_version") == 2  # same text: same version
    _save(campaign, rules_text="<p>Open to EU residents.</p>")
    assert campaign_setting(campaign, "rules_version") == 3


def test_contest_only_settings_are_ignored_for_other_kinds():
    campaign = CampaignFactory(kind="form")
    _save(campaign, winners=5, rules_text="<p>rules</p>", redirect_url="")
    assert "winners" not in campaign.settings
    assert "rules_text" not in campaign.settings


def test_quiz_gate_takes_known_outcomes_only():
    campaign = CampaignFactory(kind="contest")
    OutcomeFactory(campaign=campaign, key="expert")
    assert "ghost" in _refused(campaign, gate_outcomes=["expert", "ghost"])["gate_outcomes"][0]
    _save(campaign, gate_outcomes=["expert"], gate_min_score=7.5)
    assert campaign_setting(campaign, "gate_outcomes") == ["expert"]
    assert campaign_setting(campaign, "gate_min_score") == 7.5


def test_changing_a_published_campaigns_address_needs_confirming():
    campaign = CampaignFactory(slug="spring")
    campaign.published_version = CampaignVersionFactory(campaign=campaign)
    campaign.save()
    message = _refused(campaign, slug="summer")["slug"][0]
    assert "/c/spring/" in message
    assert "stop working" in message
    _save(campaign, slug="summer", confirm_slug_change=True)
    assert campaign.slug == "summer"


def test_a_stale_save_is_refused_and_saves_nothing():
    campaign = CampaignFactory()
    old = campaign.revision
    _save(campaign, name="Renamed by Alice")
    with pytest.raises(StaleDraft, match="changed the settings: name"):
        campaign_settings_update(campaign=campaign, by=UserFactory(), values={"name": "Bob's"},
                                 revision=old)
    campaign.refresh_from_db()
    assert campaign.name == "Renamed by Alice"


def test_an_address_taken_between_the_check_and_the_save_is_a_field_error(monkeypatch):
    campaign = CampaignFactory(slug="mine")
    CampaignFactory(slug="theirs")
    # The check ran before the other campaign took the address: only the constraint sees it.
    monkeypatch.setattr(service, "_checked", lambda c, v: ({}, {
        "name": c.name, "slug": "theirs", "description": "", "starts_at": None,
        "ends_at": None, "settings": {}}))
    with pytest.raises(ValidationError) as refused:
        campaign_settings_update(campaign=campaign, by=None, values={},
                                 revision=campaign.revision)
    assert "taken" in refused.value.message_dict["slug"][0]
    assert campaign.slug == "mine"
    campaign.refresh_from_db()
    assert campaign.slug == "mine"


@pytest.mark.parametrize("key", [key for key, setting in SETTINGS.items()
                                 if setting.type == "whole"])
def test_a_blueprint_and_the_settings_page_take_the_same_whole_numbers(key):
    """Both read the bounds from the one declaration of each setting."""
    setting = SETTINGS[key]
    refused = CampaignFactory(kind="contest")
    with pytest.raises(ValidationError) as problem:
        campaign_settings_from_blueprint(campaign=refused, values={key: setting.high + 1})
    assert problem.value.message_dict[key] == [
        f"Enter a whole number from {setting.low} to {setting.high}."]
    taken = CampaignFactory(kind="contest")
    campaign_settings_from_blueprint(campaign=taken, values={key: setting.high})
    assert campaign_setting(taken, key) == setting.high
    field = SettingsForm(campaign=taken).fields[key]
    assert (field.min_value, field.max_value) == (setting.low, setting.high)
