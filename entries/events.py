"""Interaction events: one function per event the server records itself, and the validation of
the batches the runtime script sends. Callers never build event rows inline."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from campaigns import flow
from campaigns.flow import visitor_input
from entries.models import Entry, Interaction, InteractionKind

# What the browser may report; the server records views, submits and refusals itself.
CLIENT_KINDS = {InteractionKind.VIEW, InteractionKind.FOCUS, InteractionKind.CHANGE,
                InteractionKind.BACK, InteractionKind.IDLE, InteractionKind.TIME}
MAX_EVENTS_PER_BATCH = 100
MAX_BATCH_BYTES = 32_000
MAX_DATA_BYTES = 500
# {"events": [{"data": {"value": [...]}}]} is four levels; one more leaves room, none for abuse.
MAX_DEPTH = 5
# Clocks drift and beacons arrive late; anything further off is a forgery or a broken clock.
CLOCK_TOLERANCE = timedelta(days=1)


class BatchRefused(ValueError):
    """The whole batch is refused, with a reason for the log; nothing of it is written."""


def step_viewed(entry: Entry, step_key: str) -> Interaction:
    return Interaction(entry=entry, step_key=step_key, kind=InteractionKind.VIEW,
                       at=timezone.now(), data={"by": "server"})


def step_submitted(entry: Entry, step_key: str, *, changed: list[str]) -> Interaction:
    return Interaction(entry=entry, step_key=step_key, kind=InteractionKind.SUBMIT,
                       at=timezone.now(), data={"changed": changed} if changed else {})


def step_refused(entry: Entry, step_key: str, *, fields: list[str]) -> Interaction:
    return Interaction(entry=entry, step_key=step_key, kind=InteractionKind.INVALID,
                       at=timezone.now(), data={"fields": fields})


def went_back(entry: Entry, step_key: str) -> Interaction:
    return Interaction(entry=entry, step_key=step_key, kind=InteractionKind.BACK,
                       at=timezone.now(), data={"by": "server"})


def shared(entry: Entry, *, network: str) -> Interaction:
    """The visitor shared their result (entries.sharing.NETWORKS names `network`)."""
    return Interaction(entry=entry, step_key=entry.current_step, kind=InteractionKind.SHARE,
                       at=timezone.now(), data={"network": network})


def record(*events: Interaction) -> None:
    Interaction.objects.bulk_create(events)


def client_batch(entry: Entry, definition: flow.Definition, body: bytes) -> list[Interaction]:
    """Parse and validate a batch from the runtime script and turn it into rows (not yet saved).

    The body is checked for size and depth before it is parsed, and every string and number in
    it for what the database can hold (campaigns.flow.visitor_input).
    """
    try:
        payload = visitor_input.parse_json(body or b"null", "The batch",
                                           max_bytes=MAX_BATCH_BYTES, max_depth=MAX_DEPTH)
    except visitor_input.Unstorable as refused:
        raise BatchRefused(refused.message) from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        raise BatchRefused("expected {'events': [...]}")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise BatchRefused(f"{len(events)} events is over {MAX_EVENTS_PER_BATCH}")
    now = timezone.now()
    return [_event_row(entry, definition, index, event, now)
            for index, event in enumerate(events)]


def _event_row(entry: Entry, definition: flow.Definition, index: int, event: Any,
               now: datetime) -> Interaction:
    """Event `index` of a batch as a row, or BatchRefused saying what is wrong with it."""
    if not isinstance(event, dict):
        raise BatchRefused(f"event {index} is not an object")
    kind, step, data = event.get("kind"), event.get("step"), event.get("data", {})
    if not isinstance(kind, str) or kind not in CLIENT_KINDS:
        raise BatchRefused(f"event {index}: unknown kind {kind!r}")
    if not isinstance(step, str) or step not in definition.steps_by_key:
        raise BatchRefused(f"event {index}: {step!r} is not a step of this campaign")
    moment = _event_moment(index, event.get("at"), now)
    if not isinstance(data, dict) or len(repr(data)) > MAX_DATA_BYTES:
        raise BatchRefused(f"event {index}: 'data' must be a small object")
    question = data.get("question")
    if question is not None and (not isinstance(question, str)
                                 or question not in definition.questions_by_key):
        raise BatchRefused(f"event {index}: {question!r} is not a question of this campaign")
    return Interaction(entry=entry, step_key=step, kind=kind, at=moment, data=data)


def _event_moment(index: int, at: Any, now: datetime) -> datetime:
    """An event's `at` (milliseconds since the epoch, as the script's clock says) as a time
    within the tolerance of the server's."""
    if not isinstance(at, int | float) or isinstance(at, bool):
        raise BatchRefused(f"event {index}: 'at' must be a time in milliseconds")
    try:
        moment = datetime.fromtimestamp(at / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise BatchRefused(f"event {index}: 'at' is not a time") from error
    if abs(moment - now) > CLOCK_TOLERANCE:
        raise BatchRefused(f"event {index}: 'at' is too far from now")
    return moment
