"""The runtime's prebuilt SQL loads and writes exactly what the ORM would, on each backend."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.blueprints import gallery_template
from campaigns.models import Campaign
from entries import events
from entries.models import Answer, Entry, Interaction
from entries.services.entry_store import entry_for_runtime, step_save
from entries.services.runtime import COMPLETION_FIELDS, STEP_FIELDS
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(publish):
    campaign = publish(branching_quiz(), ends_at=timezone.now() + timedelta(days=3),
                       settings={"embed_origins": ["https://shop.example"]})
    return Entry.objects.create(
        campaign=campaign, version_id=campaign.published_version_id, current_step="about",
        trail=[], state={"score": 0}, answer_values={}, source={"utm_source": "mail"},
        completed_at=timezone.now(), score=1.5,
    )


def _values(instance, model):
    return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}


def test_the_entry_and_its_campaign_load_as_the_orm_loads_them(entry):
    with CaptureQueriesContext(connection) as queries:
        loaded = entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
        campaign = loaded.campaign
    assert len(queries) == 1
    reference = Entry.objects.select_related("campaign").get(pk=entry.pk)
    # Datetimes (strings on SQLite) and JSON (text on PostgreSQL) come back as Python values.
    assert _values(loaded, Entry) == _values(reference, Entry)
    assert not loaded._state.adding
    assert loaded.get_deferred_fields() == set()
    # The campaign's draft translations are left out, and read only if asked for.
    assert campaign.get_deferred_fields() == {"translations"}
    with CaptureQueriesContext(connection) as queries:
        assert _values(campaign, Campaign) == _values(reference.campaign, Campaign)
    assert len(queries) == 1


def test_a_translated_campaigns_step_never_reads_its_draft_translations(client, publish):
    campaign = publish(gallery_template("product-recommender").document)
    assert campaign.translations  # what the runtime leaves out
    url = client.post(f"/c/{campaign.slug}/?lang=es").headers["Location"]
    first = campaign.published_version.definition["steps"][0]
    answers = {"step": first["key"], **{q["key"]: q["choices"][0]["key"] if q.get("choices")
                                       else "Ada" for q in first["questions"]}}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, answers).status_code == 303
    # A deferred field is loaded by the ORM, whose SQL is always logged.
    assert all("translations" not in (q["sql"] or "") for q in queries.captured_queries)


def test_an_unknown_token_or_another_campaigns_slug_finds_nothing(entry, publish):
    other = publish(branching_quiz())
    assert entry_for_runtime(slug=entry.campaign.slug, token="nope") is None
    assert entry_for_runtime(slug=other.slug, token=entry.token) is None


def _move(entry, step, next_step, answers):
    entry.trail = [*entry.trail, step]
    entry.current_step = next_step
    entry.answer_values = {**entry.answer_values, **answers}


def test_a_step_writes_the_entry_its_new_answers_and_events(entry):
    entry = entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
    before = entry.updated_at
    _move(entry, "about", "taste", {"name": "Ada", "note": None})
    step_save(entry, fields=STEP_FIELDS, new_answers={"name": "Ada", "note": None},
              changed_answers={},
              events=[events.step_submitted(entry, "about", changed=[]),
                      events.step_viewed(entry, "taste")])
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.current_step, stored.trail) == ("taste", ["about"])
    assert stored.answer_values == {"name": "Ada", "note": None}
    assert stored.updated_at > before  # auto_now, as Model.save() sets it
    answers = {a.question_key: a for a in Answer.objects.filter(entry=entry)}
    assert (answers["name"].value, answers["name"].first_value, answers["name"].changes) == (
        "Ada", "Ada", 0)
    # None is SQL NULL, as the ORM stores it, so `value__isnull` finds it.
    assert list(Answer.objects.filter(entry=entry, value__isnull=True).values_list(
        "question_key", flat=True)) == ["note"]
    assert list(Interaction.objects.filter(entry=entry).order_by("id").values_list(
        "step_key", "kind", "data")) == [("about", "submit", {}), ("taste", "view",
                                                                   {"by": "server"})]


def test_a_changed_answer_keeps_its_first_value_and_a_repeat_adds_nothing(entry):
    entry = entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
    step_save(entry, fields=STEP_FIELDS, new_answers={"name": "Ada"}, changed_answers={},
              events=[])
    # A concurrent double submit: the same "new" answer again lands on the conflict.
    step_save(entry, fields=STEP_FIELDS, new_answers={"name": "Ada"}, changed_answers={},
              events=[])
    step_save(entry, fields=STEP_FIELDS, new_answers={}, changed_answers={"name": "Grace"},
              events=[])
    answer = Answer.objects.get(entry=entry)
    assert (answer.value, answer.first_value, answer.changes) == ("Grace", "Ada", 1)


def test_completing_writes_its_fields_and_leaves_the_others_alone(entry):
    entry = entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
    entry.status, entry.outcome, entry.email = "completed", "coffee", "ada@example.com"
    entry.consent = {"rules": {"version": 2}}
    # Meanwhile a friend's completion credits this entry's referral bonus.
    Entry.objects.filter(pk=entry.pk).update(bonus_tickets=3)
    step_save(entry, fields=COMPLETION_FIELDS, new_answers={}, changed_answers={}, events=[])
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.status, stored.outcome, stored.email, stored.consent) == (
        "completed", "coffee", "ada@example.com", {"rules": {"version": 2}})
    assert stored.bonus_tickets == 3


def test_a_step_is_one_statement_on_postgresql(entry):
    entry = entry_for_runtime(slug=entry.campaign.slug, token=entry.token)
    with CaptureQueriesContext(connection) as queries:
        step_save(entry, fields=STEP_FIELDS, new_answers={"name": "Ada"},
                  changed_answers={"x": 1}, events=[events.step_viewed(entry, "taste")])
    expected = 1 if connection.vendor == "postgresql" else 4  # entry, answers, change, events
    assert len(queries) == expected, queries.captured_queries


def _drop_this_connection() -> None:
    """What a database restart does to a kept connection: its backend is terminated, from
    another connection, and this one learns of it only when it next speaks."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], password=db["PASSWORD"] or None,
                         dbname=db["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("health_checks", [True, False])
def test_a_dropped_connection_costs_the_visitor_nothing(client, publish, health_checks,
                                                       monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: pg_terminate_backend drops the connection under Django")
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", health_checks)
    connection.close()  # reconnects with the setting, as a process starting with it would
    campaign = publish(branching_quiz())
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]

    _drop_this_connection()
    response = client.post(url, {"step": "about", "name": "Ada"})

    assert response.status_code == 303
    entry = Entry.objects.get()
    assert entry.current_step == "taste"
    assert entry.answer_values["name"] == "Ada"
    _drop_this_connection()
    assert client.get(url).status_code == 200
