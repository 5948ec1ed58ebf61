"""On PostgreSQL, an index for the entrants search by address prefix (`email__istartswith`).

Django compiles that lookup to `UPPER(email::text) LIKE UPPER('ada@%')`, which only a
`text_pattern_ops` index on the same expression can serve; SQLite has no such operator class and
scans one campaign's entries instead, which is fine at its sizes.
"""

from django.db import migrations

INDEX = "entry_campaign_email_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON entries_entry "
            "(campaign_id, (UPPER(email::text)) text_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("entries", "0006_contests_seal_live"),
    ]

    operations = [migrations.RunPython(create, drop)]
