"""One person's data: everything exported as JSON, everything erased, an audit record kept."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from entries import tasks
from entries.emailaddr import EmailAddressError
from entries.models import Answer, Entry, Erasure, Interaction, OutboundEmail
from entries.services import personal_data
from entries.services.personal_data import (
    EXPORT_SECTIONS,
    PersonNotFound,
    delete_uploads,
    email_hash,
    person_entries,
    person_erase,
    personal_data_export,
)
from entries.services.retention import retention_purge, retention_purge_all, workspace_set_retention
from entries.services.uploaded_files import upload_path, uploads_storage
from tests.entries.export_data import two_version_campaign
from tests.entries.upload_files import HTML_PAGE, picture
from tests.factories import (
    AnswerFactory,
    CampaignVersionFactory,
    EntryFactory,
    InteractionFactory,
    OutboundEmailFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_uploads")]

V_EMAIL = {"schema": 1, "name": "Lead", "kind": "form", "steps": [{"key": "s1", "questions": [
    {"key": "work_email", "kind": "email", "label": "Work email"}]}]}


@pytest.fixture
def person(workspace):
    campaign, v1, v2 = two_version_campaign(workspace=workspace)
    completed = EntryFactory(version=v2, campaign=campaign, email="Ada.L@Example.org",
                             status="completed", name="Ada")
    AnswerFactory(entry=completed, question_key="name", value="Ada")
    InteractionFactory(entry=completed, kind="change", data={"question": "name", "value": "A"})
    # A partial entry elsewhere in the workspace, known only by its email answer.
    lead = CampaignVersionFactory(campaign__workspace=workspace, definition=V_EMAIL)
    partial = EntryFactory(version=lead, campaign=lead.campaign, email="")
    AnswerFactory(entry=partial, question_key="work_email", value="Ada.L@example.org")
    InteractionFactory(entry=partial)
    # Someone else, and the same address in another workspace: both untouched.
    other = EntryFactory(version=v1, campaign=campaign, email="bob@example.org")
    AnswerFactory(entry=other, question_key="name", value="Bob")
    elsewhere = EntryFactory(version__campaign__workspace=WorkspaceFactory(),
                             email="ada.l@example.org")
    return {"completed": completed, "partial": partial, "other": other,
            "elsewhere": elsewhere}


def test_the_person_is_found_by_address_in_any_case_and_by_email_answer(workspace, person):
    found = set(person_entries(workspace=workspace, email=" ada.l@EXAMPLE.org "))
    assert found == {person["completed"], person["partial"]}


def test_export_holds_every_section(workspace, person):
    document = personal_data_export(workspace=workspace, email="ada.l@example.org")
    assert set(document) >= {"email", "workspace", "generated_at", "entries", "answers",
                             "interactions"}
    assert {e["id"] for e in document["entries"]} == {person["completed"].pk,
                                                      person["partial"].pk}
    assert {(a["question_key"], a["value"]) for a in document["answers"]} == {
        ("name", "Ada"), ("work_email", "Ada.L@example.org")}
    assert next(a for a in document["answers"] if a["question_key"] == "name")["question"] \
        == "Your name"
    assert len(document["interactions"]) == 2
    assert "bob@example.org" not in str(document)


def test_a_section_registered_by_another_module_joins_the_export(workspace, person, monkeypatch):
    monkeypatch.setitem(EXPORT_SECTIONS, "extra", lambda entries: [e.pk for e in entries])
    document = personal_data_export(workspace=workspace, email="ada.l@example.org")
    assert sorted(document["extra"]) == sorted([person["completed"].pk, person["partial"].pk])


def test_the_emails_sent_to_the_person_are_exported_then_erased(workspace, person, owner):
    OutboundEmailFactory(campaign=person["completed"].campaign, entry=person["completed"],
                         to_email="Ada.L@example.org", subject="Your result", status="sent")
    OutboundEmailFactory(campaign=person["other"].campaign, entry=person["other"],
                         to_email="bob@example.org")
    document = personal_data_export(workspace=workspace, email="ada.l@example.org")
    assert [(e["to"], e["subject"], e["status"]) for e in document["emails"]] == [
        ("Ada.L@example.org", "Your result", "sent")]
    erasure = person_erase(workspace=workspace, email="ada.l@example.org", by=owner)
    assert erasure.counts["emails"] == 1
    assert not OutboundEmail.objects.filter(to_email="Ada.L@example.org").exists()
    assert OutboundEmail.objects.filter(to_email="bob@example.org").exists()


def test_erase_deletes_everything_of_the_person_and_logs_it(workspace, person, owner):
    storage = uploads_storage()
    # The file the visitor sent first and then replaced is theirs as much as the answer's one.
    replaced = storage.save(upload_path(person["partial"], "application/pdf"),
                            ContentFile(b"%PDF-1.4 first %%EOF"))
    path = storage.save(upload_path(person["partial"], "application/pdf"),
                        ContentFile(b"%PDF-1.4 %%EOF"))
    kept = storage.save(upload_path(person["other"], "application/pdf"),
                        ContentFile(b"%PDF-1.4 %%EOF"))
    AnswerFactory(entry=person["partial"], question_key="cv",
                  value={"name": "cv.pdf", "size": 4, "content_type": "application/pdf",
                         "path": path})
    erasure = person_erase(workspace=workspace, email="ADA.L@example.org", by=owner)
    assert not Entry.objects.filter(pk__in=[person["completed"].pk,
                                            person["partial"].pk]).exists()
    assert not Answer.objects.filter(value="Ada").exists()
    assert not storage.exists(path)
    assert not storage.exists(replaced)
    assert storage.exists(kept)
    assert erasure.counts == {"entries": 2, "answers": 3, "interactions": 2, "files": 2,
                              "emails": 0}
    assert erasure.by == owner
    assert erasure.workspace == workspace
    assert erasure.email_hash == email_hash("ada.l@example.org")
    assert "ada" not in erasure.email_hash.lower()
    assert len(erasure.email_hash) == 64
    # Everyone else is untouched.
    assert Entry.objects.filter(pk__in=[person["other"].pk, person["elsewhere"].pk]).count() == 2
    assert Answer.objects.filter(value="Bob").exists()


def test_erasing_someone_unknown_changes_nothing(workspace, person, owner):
    with pytest.raises(PersonNotFound):
        person_erase(workspace=workspace, email="nobody@example.org", by=owner)
    assert not Erasure.objects.exists()
    with pytest.raises(EmailAddressError):
        person_entries(workspace=workspace, email="not an address")


def test_an_erase_step_registered_by_another_module_runs_first(workspace, person, owner,
                                                              monkeypatch):
    seen = []
    monkeypatch.setattr(personal_data, "ERASE_STEPS",
                        [*personal_data.ERASE_STEPS,
                         lambda ids: seen.append(Entry.objects.filter(pk__in=ids).count())
                         or {"draw_tickets": 0}])
    erasure = person_erase(workspace=workspace, email="ada.l@example.org", by=owner)
    assert seen == [2]
    assert erasure.counts["draw_tickets"] == 0


def test_retention_purges_old_interactions_and_partial_entries(workspace):
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=5)
    version = CampaignVersionFactory(campaign__workspace=workspace)
    kept_complete = EntryFactory(version=version, status="completed")
    old_partial = EntryFactory(version=version)
    new_partial = EntryFactory(version=version)
    Entry.objects.filter(pk__in=[kept_complete.pk, old_partial.pk]).update(updated_at=old)
    Entry.objects.filter(pk=new_partial.pk).update(updated_at=recent)
    AnswerFactory(entry=kept_complete)
    for entry in (kept_complete, new_partial):
        InteractionFactory(entry=entry, at=old)
        InteractionFactory(entry=entry, at=recent)
    InteractionFactory(entry=old_partial, at=old)
    untouched = InteractionFactory(entry__version__campaign__workspace=WorkspaceFactory(), at=old)
    storage = uploads_storage()
    purged_file, kept_file = (
        storage.save(upload_path(entry, "text/plain"), ContentFile(b"notes"))
        for entry in (old_partial, kept_complete))

    assert retention_purge(workspace=workspace) == {}  # no setting: nothing goes
    workspace_set_retention(workspace=workspace, days=30)
    counts = retention_purge(workspace=workspace, batch=1)
    assert counts == {"interactions": 3, "partial_entries": 1}
    assert set(Entry.objects.filter(campaign__workspace=workspace)) == {kept_complete,
                                                                          new_partial}
    assert Interaction.objects.filter(entry__campaign__workspace=workspace).count() == 2
    assert Answer.objects.filter(entry=kept_complete).exists()
    assert Interaction.objects.filter(pk=untouched.pk).exists()
    assert not storage.exists(purged_file)
    assert storage.exists(kept_file)
    assert retention_purge_all() == {workspace.pk: {"interactions": 0, "partial_entries": 0}}


def test_retention_refuses_nonsense(workspace):
    for days in (0, 100_000):
        with pytest.raises(ValidationError):
            workspace_set_retention(workspace=workspace, days=days)
    assert workspace_set_retention(workspace=workspace, days=None).retention_days is None


def test_the_periodic_task_runs_the_purge(workspace):
    workspace_set_retention(workspace=workspace, days=1)
    old = InteractionFactory(entry__version__campaign__workspace=workspace,
                             at=timezone.now() - timedelta(days=2))
    tasks.retention_purge.delay()
    assert not Interaction.objects.filter(pk=old.pk).exists()


def test_the_erasure_summary_reads_in_a_fixed_order():
    counts = {"interactions": 9, "draw_tickets": 2, "files": 0, "answers": 1, "entries": 1}
    assert Erasure(counts=counts).summary == (
        "1 entry, 1 answer, 9 interactions, 0 files, 2 draw_tickets")


def test_files_kept_under_media_before_are_moved_private_and_typed_from_their_bytes(workspace):
    """The data migration 0010: each legacy file goes to the private storage under a generated
    name; its answer records the type of its bytes, "" for a page that claimed to be a PNG."""
    move = importlib.import_module("entries.migrations.0010_uploads_private_files")
    entry = EntryFactory(version=CampaignVersionFactory(campaign__workspace=workspace))
    legacy = {
        "photo": default_storage.save(f"uploads/{entry.campaign_id}/{entry.token}/ab-beach.png",
                                      ContentFile(picture("PNG"))),
        "page": default_storage.save(f"uploads/{entry.campaign_id}/{entry.token}/cd-x.html",
                                     ContentFile(HTML_PAGE)),
    }
    values = {key: {"name": path.rsplit("-", 1)[1], "size": 9, "content_type": "image/png",
                    "path": path} for key, path in legacy.items()}
    for key, value in values.items():
        AnswerFactory(entry=entry, question_key=key, value=value)
    Entry.objects.filter(pk=entry.pk).update(answer_values={**values, "name": "Ada"})

    move.move_legacy_uploads(apps, None)

    entry.refresh_from_db()
    moved = dict(Answer.objects.filter(entry=entry).values_list("question_key", "value"))
    assert entry.answer_values == {**moved, "name": "Ada"}
    assert moved["photo"]["content_type"] == "image/png"
    assert moved["page"]["content_type"] == ""
    for key, path in legacy.items():
        assert not default_storage.exists(path)
        assert moved[key]["path"].startswith(f"{entry.campaign_id}/{entry.pk}/")
        assert uploads_storage().exists(moved[key]["path"])
        assert moved[key]["name"] == values[key]["name"]
    assert delete_uploads([entry.pk]) == 2
