"""CSV text in chunks, straight from the database: never more than one chunk of rows in memory.

Entries are read in keyset chunks on their id (an indexed range scan per chunk, whatever the
table's size) as plain `.values()` dicts, the wide format's answers with them (the entry's
`answer_values`); the long format's answers or the interactions come in one more query a chunk.
`csv_chunks` yields `(text, entries_in_chunk)`: a download streams the text, the Celery job writes
it to a file and reports progress.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from campaigns.flow.visitor_input import printable
from campaigns.models import Campaign
from entries.entrants import EntrantFilters, entrants
from entries.exports.columns import (
    ENTRY_FIELDS,
    INTERACTION_HEADERS,
    JSON_FIELDS,
    LONG_HEADERS,
    entry_values,
    interaction_cells,
    long_cells,
    version_numbers,
    wide_columns,
)
from entries.models import Answer, Entry, EntryStatus, ExportFormat, Interaction

CHUNK_SIZE = 2000
BOM = "\ufeff"
_DECODE = json.JSONDecoder().raw_decode


@dataclass(frozen=True)
class ExportSpec:
    """What to export: the campaign, the table's filters, the format and the two options."""

    campaign: Campaign
    format: str = ExportFormat.WIDE
    filters: EntrantFilters = field(default_factory=EntrantFilters)
    include_partial: bool = True
    bom: bool = False

    def entries(self) -> QuerySet[Entry]:
        queryset = entrants(self.campaign, self.filters)
        if not self.include_partial:
            queryset = queryset.exclude(status=EntryStatus.STARTED)
        return queryset

    def filename(self) -> str:
        suffix = {ExportFormat.WIDE: "entries", ExportFormat.LONG: "answers",
                  ExportFormat.INTERACTIONS: "interactions"}[ExportFormat(self.format)]
        return f"{self.campaign.slug}-{suffix}.csv"


def entry_chunks(queryset: QuerySet[Entry], size: int = CHUNK_SIZE, *,
                 answers: bool = False) -> Iterator[list[dict]]:
    """Rows of ENTRY_FIELDS (and `answers`, {question key: current value}, if asked)."""
    json_fields = (*JSON_FIELDS, "answer_values") if answers else JSON_FIELDS
    rows = queryset.order_by("id").values(
        *(name for name in ENTRY_FIELDS if name not in json_fields), **entry_values(),
        **{f"{name}_text": Cast(name, TextField()) for name in json_fields})
    last = 0
    while True:
        chunk = list(rows.filter(id__gt=last)[:size])
        if not chunk:
            return
        last = chunk[-1]["id"]
        for row in chunk:
            # JSON read as its text and decoded here, a call a value: the JSONField's converter
            # (three Python frames and two regex matches a value) was a fifth of the export.
            for name in json_fields:
                row[name] = _json(row.pop(f"{name}_text"))
        if answers:
            # The entry row carries its answers' current values (written with the Answer rows,
            # Entry.answer_values): reading them there saves a second query a chunk, and the
            # aggregation of ten rows an entry that was 70% of the database's work.
            for row in chunk:
                row["answers"] = row.pop("answer_values")
        yield chunk


def _json(text: str | None) -> Any:
    """What the JSONField's converter gives for the column's text (JSON's own decoder)."""
    return None if text is None else _DECODE(text)[0]


class _Buffer:
    def __init__(self) -> None:
        self.io = io.StringIO()
        self.writer = csv.writer(self.io, lineterminator="\r\n")

    def take(self) -> str:
        """What was written since the last take, as text UTF-8 can encode: a lone surrogate
        stored before visitor input was checked becomes U+FFFD instead of breaking the file."""
        text = self.io.getvalue()
        self.io.seek(0)
        self.io.truncate()
        return printable(text)


def csv_chunks(spec: ExportSpec, *, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[str, int]]:
    """The header line first (with the BOM if asked), then one piece of text per chunk."""
    buffer = _Buffer()
    versions = version_numbers([spec.campaign.pk])
    fmt = ExportFormat(spec.format)
    if fmt == ExportFormat.WIDE:
        columns = wide_columns([spec.campaign], versions)
        buffer.writer.writerow([column.header for column in columns])
    else:
        buffer.writer.writerow(LONG_HEADERS if fmt == ExportFormat.LONG else INTERACTION_HEADERS)
    yield (BOM if spec.bom else "") + buffer.take(), 0

    for chunk in entry_chunks(spec.entries(), chunk_size, answers=fmt == ExportFormat.WIDE):
        if fmt == ExportFormat.WIDE:
            values = [column.value for column in columns]
            buffer.writer.writerows([[value(row) for value in values] for row in chunk])
        elif fmt == ExportFormat.LONG:
            _write_long(buffer.writer, chunk, versions)
        else:
            _write_interactions(buffer.writer, chunk, versions)
        yield buffer.take(), len(chunk)


INCOMPLETE = ("This export stopped here because of an error, so this file is incomplete. "
              "Export again; if it happens again, tell us.")


def marked_if_incomplete(texts: Iterator[str]) -> Iterator[str]:
    """A download's text, ended by a row saying the file is incomplete when it fails part-way.

    The status line has gone by then, so the error is re-raised after that row: the server
    breaks the transfer off (an unfinished chunked response, for clients that check), and the
    row tells anyone who opens the file anyway.
    """
    try:
        yield from texts
    except Exception:
        buffer = _Buffer()
        buffer.writer.writerow([INCOMPLETE])
        yield buffer.take()
        raise


def _write_long(writer, chunk: list[dict], versions: dict[int, int]) -> None:
    by_id = {row["id"]: row for row in chunk}
    answers = Answer.objects.filter(entry_id__in=list(by_id)).order_by(
        "entry_id", "answered_at", "id").values(
        "entry_id", "question_key", "value", "first_value", "changes", "answered_at")
    writer.writerows(long_cells(by_id[answer["entry_id"]], answer, versions)
                     for answer in answers)


def _write_interactions(writer, chunk: list[dict], versions: dict[int, int]) -> None:
    by_id = {row["id"]: row for row in chunk}
    events = Interaction.objects.filter(entry_id__in=list(by_id)).order_by(
        "entry_id", "at", "id").values("entry_id", "step_key", "kind", "at", "data")
    writer.writerows(interaction_cells(by_id[event["entry_id"]], event, versions)
                     for event in events)
