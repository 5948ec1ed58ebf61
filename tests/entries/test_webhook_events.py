"""Each change a marketer or the contest makes writes its event in the same transaction:
disqualified and reinstated, a winner drawn, claimed or forfeited, a person erased."""

import pytest

from campaigns import flow
from campaigns.models import Status
from campaigns.services.campaigns import campaign_set_status
from entries.models import Entry, WebhookDelivery
from entries.services.draws import draw_run
from entries.services.moderation import entry_disqualify, entry_reinstate
from entries.services.personal_data import person_erase
from entries.services.winners import winner_claim, winner_forfeit
from entries.webhooks.endpoints import webhook_endpoint_create
from entries.webhooks.events import EVENT_NAMES, answers_data
from tests.entries.contests import eligible_entry, giveaway_document
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(publish):
    campaign = publish(giveaway_document(), settings={"winners": 1, "alternates": 2})
    for n in range(4):
        eligible_entry(campaign, email=f"e{n}@example.com", name=f"Entrant {n}",
                       answer_values={"first_name": f"Entrant {n}"})
    campaign_set_status(campaign=campaign, status=Status.ENDED)
    return campaign


@pytest.fixture
def marketer(contest):
    return contest.workspace.memberships.get().user


@pytest.fixture
def endpoint(contest):
    return webhook_endpoint_create(workspace=contest.workspace, url="http://127.0.0.1:9/",
                                   events=list(EVENT_NAMES))


def _events(**lookup):
    return [(d.event, d.payload) for d in WebhookDelivery.objects.filter(**lookup)
            .order_by("pk")]


def test_disqualifying_and_reinstating_send_the_reason(contest, marketer, endpoint):
    entry = Entry.objects.filter(campaign=contest).first()
    entry_disqualify(entry=entry, by=marketer, reason="Same household")
    entry_reinstate(entry=entry, by=marketer, reason="Checked: neighbours")
    (out, body_out), (back, body_back) = _events(entry=entry)
    assert (out, back) == ("entry.disqualified", "entry.reinstated")
    assert body_out["data"]["reason"] == "Same household"
    assert body_out["data"]["entry"]["status"] == "disqualified"
    assert body_back["data"]["entry"]["status"] == "completed"
    assert (body_out["sequence"], body_back["sequence"]) == (1, 2)
    assert body_out["data"]["entry"]["answers"]["first_name"]["text"].startswith("Entrant")


def test_a_draw_a_claim_and_a_forfeit_each_send_the_winner(contest, marketer, endpoint):
    draw = draw_run(campaign=contest, by=marketer)
    winner = draw.winners.get()
    [(event, body)] = _events(event="winner.drawn")
    assert body["data"]["winner"]["id"] == winner.pk
    assert body["data"]["winner"]["proof_url"].endswith(f"/c/{contest.slug}/draws/{draw.pk}/")
    assert body["data"]["entry"]["id"] == winner.entry_id
    winner_forfeit(winner=winner, reason="No reply", by=marketer)
    [(_, forfeited)] = _events(event="winner.forfeited")
    assert forfeited["data"]["winner"]["forfeit_reason"] == "No reply"
    successor = draw.winners.get(replaces=winner)
    assert [b["data"]["winner"]["id"] for _, b in _events(event="winner.drawn")] == [
        winner.pk, successor.pk]
    winner_claim(winner=successor)
    [(_, claimed)] = _events(event="winner.claimed")
    assert claimed["data"]["winner"]["status"] == "claimed"
    assert claimed["data"]["entry"]["id"] == successor.entry_id


def test_erasing_a_person_sends_their_entry_ids_not_their_address(contest, marketer, endpoint):
    entry = Entry.objects.get(campaign=contest, email="e1@example.com")
    entry_disqualify(entry=entry, by=marketer, reason="Bot")
    assert WebhookDelivery.objects.filter(entry=entry).exists()
    person_erase(workspace=contest.workspace, email="e1@example.com", by=marketer)
    # Its earlier deliveries (answers and all) went with the entry.
    assert _events(entry_id=entry.pk) == []
    [(event, body)] = _events(event="person.erased")
    assert body["data"]["entries"] == [{"id": entry.pk, "campaign": {
        "id": contest.pk, "slug": contest.slug, "name": contest.name}}]
    assert "e1@example.com" not in str(body)


def test_a_campaign_endpoint_hears_only_its_campaign(contest, marketer):
    other = CampaignFactory(workspace=contest.workspace)
    webhook_endpoint_create(workspace=contest.workspace, campaign=other,
                            url="http://127.0.0.1:9/", events=list(EVENT_NAMES))
    entry_disqualify(entry=Entry.objects.filter(campaign=contest).first(), by=marketer,
                     reason="Bot")
    assert not WebhookDelivery.objects.exists()


def test_answers_carry_the_question_the_value_and_its_text_but_never_a_file_s_path():
    definition = flow.load({
        "schema": 1, "name": "Uploads", "kind": "form",
        "steps": [{"key": "s1", "title": "Send", "questions": [
            {"key": "photo", "kind": "file_upload", "label": "Your photo"},
            {"key": "size", "kind": "single_choice", "label": "Size", "choices": [
                {"key": "m", "label": "Medium"}]}]}],
    })
    upload = {"name": "me.png", "size": 12, "content_type": "image/png", "path": "7/abc.png"}
    answers = answers_data(definition, {"photo": upload, "size": "m"})
    assert answers["photo"]["value"] == {"name": "me.png", "size": 12,
                                         "content_type": "image/png"}
    assert "7/abc.png" not in str(answers)
    assert answers["size"] == {"question": "Size", "kind": "single_choice", "value": "m",
                               "text": "Medium"}
