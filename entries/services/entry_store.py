"""The runtime's hot path to the database: an entry read by its token, a step's writes saved.

A step submit reads one entry with its campaign and writes three tables: the step's answers, the
entry moved on, and its events. Through the ORM that is six round trips, and compiling the
statements cost more than running them (about 0.3 ms each), so a submit cost three times a
one-row insert. Here the read is one prebuilt SELECT, and on PostgreSQL the writes are one
statement of data-modifying CTEs, atomic on its own. SQLite has no data-modifying CTEs: it keeps
the ORM writes in a transaction, which are also the reference the PostgreSQL statement matches.

On PostgreSQL both statements go through a server-side binding cursor, which psycopg prepares
once it has run a statement a few times (`prepare_threshold` in settings): planning them cost
PostgreSQL more than running them. Django's own cursors bind client-side and never prepare.

A connection the database dropped (a restart, a failover, `pg_terminate_backend`) costs one
reconnect, never an error: the cursor passes Django's health check (CONN_HEALTH_CHECKS) like
Django's own, and outside a transaction each statement runs once more on a fresh connection
when the first try found the connection dead. Both are safe to repeat: the read trivially, the
write because it only applies to the entry as it was read (a repeat after a commit matches
nothing and reports the entry moved).
"""

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import F, Field, Model
from django.utils import timezone

from campaigns.models import Campaign
from entries.connections import once_more_if_dropped
from entries.models import Answer, Entry, Interaction

# The campaign's draft translations (every text in every language: tens of KB of JSON) are the
# builder's; the runtime reads its version's. The read leaves them out (loaded if ever asked).
CAMPAIGN_LEFT_OUT = ("translations",)


def entry_for_runtime(*, slug: str, token: str) -> Entry | None:
    """The entry behind `token` on the campaign `slug`, with `entry.campaign` loaded (but for
    CAMPAIGN_LEFT_OUT)."""
    sql = _select_sql()
    row = _run(sql, [token, slug])
    if row is None:
        return None
    split = len(_ENTRY_FIELDS)
    entry = _instance(Entry, _ENTRY_FIELDS, row[:split])
    Entry.campaign.field.set_cached_value(entry, _instance(Campaign, _CAMPAIGN_FIELDS,
                                                           row[split:]))
    return entry


def step_save(entry: Entry, *, fields: Iterable[str], new_answers: dict[str, Any],
              changed_answers: dict[str, Any], events: list[Interaction]) -> bool:
    """Write `fields` of the entry, its answers and its events, all or nothing; False (and
    nothing written) when the entry changed since it was read.

    The write applies only to the entry as read (its `updated_at`), so of two submits built on
    one read (a double click) exactly one writes its answers and events; the other finds the
    entry moved. New answers are upserted; a changed answer (only after going back) keeps its
    first value and counts the change.
    """
    fields = tuple(Entry._meta.get_field(name) for name in fields)
    read_at = entry.updated_at
    now = timezone.now()
    if connection.vendor == "postgresql":
        # The pre_save and prep calls are the ones Model.save() makes (auto_now included).
        values = [f.get_db_prep_save(f.pre_save(entry, False), connection) for f in fields]
        row = _run(_step_sql(fields), [
            *values, entry.pk, read_at, now, json.dumps(new_answers), now,
            json.dumps(changed_answers), json.dumps([_event_json(e) for e in events]),
        ])
        return row[0] == 1
    with transaction.atomic(savepoint=False):  # a caller's transaction needs no savepoint
        moved = Entry.objects.filter(pk=entry.pk, updated_at=read_at).update(
            **{f.attname: f.pre_save(entry, False) for f in fields})
        if not moved:
            return False
        Answer.objects.bulk_create(
            [Answer(entry=entry, question_key=key, value=value, first_value=value,
                    answered_at=now) for key, value in new_answers.items()],
            update_conflicts=True, unique_fields=["entry", "question_key"],
            update_fields=["value", "answered_at"])
        for key, value in changed_answers.items():
            Answer.objects.filter(entry=entry, question_key=key).update(
                value=value, changes=F("changes") + 1, answered_at=now)
        Interaction.objects.bulk_create(events)
    return True


# --- the prebuilt statements ----------------------------------------------------------------------


def _run(sql: str, params: list) -> tuple | None:
    """Execute one statement and fetch its first row (both statements are safe to repeat)."""
    def fetch_one():
        with _cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    return once_more_if_dropped(fetch_one)


def _cursor():
    """A Django cursor; on PostgreSQL one binding server-side, so its statements can be prepared.

    Wrapped as Django wraps its own, so errors are translated and tests count its queries, and
    health-checked as Django checks its own (CONN_HEALTH_CHECKS).
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


_ENTRY_FIELDS = tuple(Entry._meta.concrete_fields)
_CAMPAIGN_FIELDS = tuple(f for f in Campaign._meta.concrete_fields
                         if f.name not in CAMPAIGN_LEFT_OUT)


@functools.cache
def _select_sql() -> str:
    """The SELECT of an entry and its campaign (the entry's columns first)."""
    entry_columns = ", ".join(f'e."{f.column}"' for f in _ENTRY_FIELDS)
    campaign_columns = ", ".join(f'c."{f.column}"' for f in _CAMPAIGN_FIELDS)
    return (f"SELECT {entry_columns}, {campaign_columns} FROM entries_entry e "
            "JOIN campaigns_campaign c ON c.id = e.campaign_id WHERE e.token = %s AND c.slug = %s")


@functools.cache
def _step_sql(fields: tuple[Field, ...]) -> str:
    """One statement: move the entry, upsert new answers, count changed ones, add the events;
    it returns how many entries moved (1, or 0 when the entry changed since it was read).

    Every part hangs on `moved`, so nothing is written for an entry that is gone or moved on.
    A concurrent submit waits for the first one's row lock, then finds `updated_at` changed.
    An answer of JSON null is stored as SQL NULL, as the ORM stores None.
    """
    sets = ", ".join(f'"{f.column}" = %s' for f in fields)
    return " ".join(f"""
        WITH moved AS (
            UPDATE entries_entry SET {sets} WHERE id = %s AND updated_at = %s RETURNING id
        ),
        added AS (
            INSERT INTO entries_answer
                (entry_id, question_key, value, first_value, changes, answered_at)
            SELECT moved.id, a.key, NULLIF(a.value, 'null'), NULLIF(a.value, 'null'), 0, %s
            FROM moved, jsonb_each(%s::jsonb) AS a
            ON CONFLICT (entry_id, question_key)
            DO UPDATE SET value = EXCLUDED.value, answered_at = EXCLUDED.answered_at
        ),
        changed AS (
            UPDATE entries_answer
            SET value = NULLIF(c.value, 'null'), changes = entries_answer.changes + 1,
                answered_at = %s
            FROM moved, jsonb_each(%s::jsonb) AS c
            WHERE entries_answer.entry_id = moved.id AND entries_answer.question_key = c.key
        ),
        logged AS (
            INSERT INTO entries_interaction (entry_id, step_key, kind, at, data)
            SELECT moved.id, i.step_key, i.kind, i.at, i.data
            FROM moved, jsonb_to_recordset(%s::jsonb)
                AS i(step_key varchar, kind varchar, at timestamptz, data jsonb)
        )
        SELECT count(*) FROM moved
    """.split())  # one line in logs


def _event_json(event: Interaction) -> dict[str, Any]:
    return {"step_key": event.step_key, "kind": event.kind, "at": event.at.isoformat(),
            "data": event.data}


# --- rows into model instances, as the ORM would build them ---------------------------------------


def _instance(model: type[Model], fields: tuple[Field, ...], values: tuple) -> Model:
    db = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the proxy to it
    values = list(values)
    for position, converters, column in _converters(db, fields):
        for convert in converters:
            values[position] = convert(values[position], column, db)
    names = None if len(fields) == len(model._meta.concrete_fields) else [
        f.attname for f in fields]
    return model.from_db(db.alias, names, values)


@functools.lru_cache(maxsize=64)
def _converters(db, fields: tuple[Field, ...]) -> list[tuple[int, list, Any]]:
    """The backend's and the fields' from-database converters (JSON, SQLite's datetimes...).

    Keyed by connection: backend converters are methods of that connection's operations.
    """
    found = []
    for position, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        converters = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if converters:
            found.append((position, converters, column))
    return found
