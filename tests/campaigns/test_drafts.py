import pytest
from django.core.exceptions import ValidationError

from campaigns.campaign_settings import campaign_setting
from campaigns.models import Campaign, DraftChange
from campaigns.services.drafts import StaleDraft, draft_edit, parse_revision
from tests.factories import CampaignFactory, UserFactory


@pytest.mark.django_db
def test_an_edit_on_the_current_revision_claims_the_next_and_is_logged():
    campaign = CampaignFactory()
    alice = UserFactory(email="alice@example.com")
    start = campaign.revision
    with draft_edit(campaign=campaign, by=alice, revision=start, summary="Renamed step"):
        pass
    campaign.refresh_from_db()
    assert campaign.revision == start + 1
    assert DraftChange.objects.get().summary == "Renamed step"


@pytest.mark.django_db
def test_an_edit_on_an_old_revision_is_refused_and_says_what_changed():
    campaign = CampaignFactory()
    start = campaign.revision
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    with draft_edit(campaign=campaign, by=alice, revision=start, summary="Added a question"):
        pass
    with pytest.raises(StaleDraft) as refused, \
            draft_edit(campaign=campaign, by=bob, revision=start, summary="Deleted a step"):
        pytest.fail("a stale edit's block must not run")
    assert "alice@example.com" in str(refused.value)
    assert "Added a question" in str(refused.value)
    assert [c.summary for c in refused.value.changes] == ["Added a question"]
    campaign.refresh_from_db()
    assert campaign.revision == start + 1


@pytest.mark.django_db
def test_a_missing_revision_is_stale():
    campaign = CampaignFactory()
    with pytest.raises(StaleDraft), draft_edit(campaign=campaign, by=None,
                                               revision=parse_revision("x"), summary="anything"):
        pytest.fail("a stale edit's block must not run")


@pytest.mark.django_db
def test_an_edit_refused_inside_its_block_claims_no_revision():
    campaign = CampaignFactory()
    start = campaign.revision

    def half_an_edit():
        with draft_edit(campaign=campaign, by=None, revision=start, summary="Half an edit"):
            Campaign.objects.filter(pk=campaign.pk).update(name="Half renamed")
            raise ValidationError("refused after the first write")

    with pytest.raises(ValidationError, match="refused after the first write"):
        half_an_edit()
    campaign.refresh_from_db()
    assert campaign.revision == start
    assert campaign.name != "Half renamed"
    assert not DraftChange.objects.exists()


@pytest.mark.django_db
def test_settings_read_their_defaults_and_contests_default_to_one_entry():
    assert campaign_setting(CampaignFactory(kind="giveaway", settings={}),
                            "one_entry_per_person") is True
    assert campaign_setting(CampaignFactory(kind="form", settings={}),
                            "one_entry_per_person") is False
    assert campaign_setting(CampaignFactory(settings={"winners": 3}), "winners") == 3
    with pytest.raises(KeyError):
        campaign_setting(CampaignFactory(), "no_such_setting")
