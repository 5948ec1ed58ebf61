"""The publish check of a contest's settings: official rules to agree to, and a say on which
results enter the draw that agrees with the outcomes' score ranges."""

import copy
import json

import pytest

from campaigns.blueprints import gallery_template
from campaigns.documents import draft_document
from campaigns.flow import BlueprintError
from campaigns.services.campaigns import (
    PublishRefused,
    campaign_check,
    campaign_create,
    campaign_import,
    campaign_publish,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    return MembershipFactory()


def photo_quiz(**settings) -> dict:
    """The photo quiz template with its campaign settings replaced by `settings`."""
    document = copy.deepcopy(gallery_template("quiz-gated-contest").document)
    document["campaign_settings"] = settings
    return document


RULES = "<p>Prize: a camera. Sponsor: Lens Ltd. Closes 1 May. One random draw.</p>"


def problems_of(membership, document) -> dict[str, object]:
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=document)
    return {p.code: p for p in campaign_check(campaign=campaign) if p.level == "error"}


def test_a_contest_with_several_results_and_no_gate_is_refused(membership):
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=photo_quiz(rules_text=RULES))
    with pytest.raises(PublishRefused) as refused:
        campaign_publish(campaign=campaign, by=membership.user)
    [problem] = [p for p in refused.value.problems if p.level == "error"]
    assert problem.code == "contest_gate_missing"
    assert problem.where == "campaign_settings.gate_outcomes"
    assert '"eligible", "not_this_time"' in problem.message
    assert "Settings → Who may win" in problem.message
    assert "tick" in problem.message


def test_saying_every_result_enters_the_draw_is_allowed(membership):
    document = photo_quiz(rules_text=RULES, gate_outcomes=["eligible", "not_this_time"])
    assert problems_of(membership, document) == {}


def test_empty_official_rules_are_refused(membership):
    for rules in ("", "<p> </p>"):
        problems = problems_of(membership, photo_quiz(rules_text=rules,
                                                      gate_outcomes=["eligible"]))
        assert set(problems) == {"contest_rules_empty"}
        message = problems["contest_rules_empty"].message
        assert 'question "rules_consent"' in message
        assert "Settings → Official rules" in message
        for part in ("prize", "sponsor", "when entries open and close", "winners are picked"):
            assert part in message
    giveaway = copy.deepcopy(gallery_template("giveaway").document)
    del giveaway["campaign_settings"]["rules_text"]
    assert set(problems_of(membership, giveaway)) == {"contest_rules_empty"}


def test_a_minimum_score_that_splits_a_result_is_refused(membership):
    # "eligible" covers 2 to 3, so a minimum of 3 lets in only some of those told they are in.
    problems = problems_of(membership, photo_quiz(rules_text=RULES, gate_min_score=3))
    problem = problems["gate_splits_outcome"]
    assert problem.where == "outcomes[0].min_score"
    assert 'Outcome "eligible" covers scores 2 to 3' in problem.message
    assert "at least 3" in problem.message
    # A minimum at the boundary of the ranges splits nothing.
    assert problems_of(membership, photo_quiz(rules_text=RULES, gate_min_score=2)) == {}


def test_a_qualifying_outcome_below_the_minimum_score_is_refused(membership):
    document = photo_quiz(rules_text=RULES, gate_outcomes=["eligible", "not_this_time"],
                          gate_min_score=2)
    problem = problems_of(membership, document)["gate_outcome_below_score"]
    assert 'Outcome "not_this_time" enters the draw' in problem.message
    assert "scores 0 to 1" in problem.message


def test_a_gate_on_an_outcome_deleted_since_is_refused(membership):
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=photo_quiz(rules_text=RULES, gate_outcomes=["eligible"]))
    campaign.outcomes.filter(key="eligible").update(key="qualified")
    errors = {p.code for p in campaign_check(campaign=campaign) if p.level == "error"}
    assert "gate_unknown_outcome" in errors


def test_quizzes_and_forms_are_not_held_to_contest_settings(membership):
    document = copy.deepcopy(gallery_template("knowledge-quiz").document)
    assert problems_of(membership, document) == {}


# --- settings carried by blueprints -------------------------------------------------------------


def test_an_export_carries_the_settings_and_an_import_restores_them(membership):
    original = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=gallery_template("quiz-gated-contest").document)
    exported = draft_document(original)
    assert exported["campaign_settings"]["gate_outcomes"] == ["eligible"]
    copy_ = campaign_import(workspace=membership.workspace, by=membership.user,
                            raw=json.dumps(exported))
    assert copy_.settings == original.settings
    assert campaign_check(campaign=copy_) == []


def test_a_blueprint_with_bad_settings_is_refused_with_where(membership):
    document = photo_quiz(rules_text=RULES, gate_outcomes=["nowhere"], winners=0,
                          favourite_colour="blue")
    with pytest.raises(BlueprintError) as refused:
        campaign_create(workspace=membership.workspace, by=membership.user, document=document)
    paths = {p.path for p in refused.value.problems}
    assert paths == {"campaign_settings.favourite_colour"}
    del document["campaign_settings"]["favourite_colour"]
    with pytest.raises(BlueprintError) as refused:
        campaign_create(workspace=membership.workspace, by=membership.user, document=document)
    assert {p.path for p in refused.value.problems} == {
        "campaign_settings.gate_outcomes", "campaign_settings.winners"}
    document["campaign_settings"] = "gate please"
    with pytest.raises(BlueprintError, match="campaign_settings"):
        campaign_create(workspace=membership.workspace, by=membership.user, document=document)
