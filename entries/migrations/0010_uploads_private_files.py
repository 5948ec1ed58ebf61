"""Move the files visitors uploaded before they were kept privately.

They were under MEDIA_ROOT/uploads/, named after the visitor's file, with the type the browser
claimed. Each is moved to the private uploads storage under a generated name in its entry's folder,
and its answer (the row and the entry's current values) records the type its bytes are, "" when it
is no type the runtime takes now, so it is only ever handed out as anonymous bytes.
"""

import secrets

from django.core.files.storage import default_storage, storages
from django.db import migrations

LEGACY_PREFIX = "uploads/"


def _moved(path, entry, cache):
    if path in cache:
        return cache[path]
    # Imported when the migration runs, not whenever migrations are loaded.
    from entries.services.uploaded_files import (  # noqa: PLC0415
        EXTENSIONS,
        UploadRefused,
        upload_type,
    )

    with default_storage.open(path) as file:
        data = file.read()
    try:
        content_type = upload_type(data)
    except UploadRefused:
        content_type = ""
    name = f"{entry.campaign_id}/{entry.pk}/{secrets.token_hex(16)}." \
        f"{EXTENSIONS.get(content_type, 'bin')}"
    with default_storage.open(path) as file:
        new_path = storages["uploads"].save(name, file)
    cache[path] = (new_path, content_type)
    return cache[path]


def _rewritten(value, entry, cache):
    path = value.get("path") if isinstance(value, dict) else None
    if not (isinstance(path, str) and path.startswith(LEGACY_PREFIX)
            and default_storage.exists(path)):
        return value
    new_path, content_type = _moved(path, entry, cache)
    return {**value, "path": new_path, "content_type": content_type}


def move_legacy_uploads(apps, schema_editor):
    Answer, Entry = apps.get_model("entries", "Answer"), apps.get_model("entries", "Entry")
    cache, current = {}, {}
    answers = Answer.objects.filter(value__has_key="path").select_related("entry")
    for answer in answers.iterator():
        value = _rewritten(answer.value, answer.entry, cache)
        first_value = _rewritten(answer.first_value, answer.entry, cache)
        if value is answer.value and first_value is answer.first_value:
            continue
        answer.value, answer.first_value = value, first_value
        answer.save(update_fields=["value", "first_value"])
        current.setdefault(answer.entry_id, {})[answer.question_key] = value
    for entry_id, values in current.items():
        entry = Entry.objects.get(pk=entry_id)
        entry.answer_values = {**entry.answer_values, **values}
        entry.save(update_fields=["answer_values"])
    for path in cache:
        default_storage.delete(path)


class Migration(migrations.Migration):

    dependencies = [
        ("entries", "0009_lean_indexes"),
    ]

    operations = [
        migrations.RunPython(move_legacy_uploads, migrations.RunPython.noop, elidable=True),
    ]
