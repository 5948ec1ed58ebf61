"""Walking the draft as a visitor would, with nothing saved anywhere.

The runtime keeps a visitor's way in an Entry row; the preview keeps the same things (the step
shown, the trail behind it, the answers, where it ended) in a signed token that travels in a
hidden form field. Deciding uses the same engine calls as `entries.services.runtime`: answers
cleaned by their kind, the trail cut back when an earlier step is posted again, the state
replayed along the trail, `flow.advance` for what comes next.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core import signing

from campaigns import flow
from campaigns.models import Campaign
from entries.entry_state import state_to_json
from entries.models import Entry, EntryStatus
from entries.services.runtime import clean_step

FIELD = "preview_state"
MAX_AGE = 60 * 60 * 24  # a preview tab left open overnight starts again
NOT_ON_PATH = ("That step is not part of your way through this form. Carry on from the step "
               "shown.")


class PreviewRefused(Exception):
    """The posted state was not made by us for this campaign (tampered, expired, garbled)."""


@dataclass
class PreviewState:
    step: str = ""  # the step shown; "" before the intro's Start
    trail: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)  # hidden fields from the URL
    outcome: str = ""
    finished: bool = False


def _salt(campaign: Campaign) -> str:
    return f"stepcraft.preview.{campaign.pk}"


def pack(campaign: Campaign, state: PreviewState) -> str:
    return signing.dumps(asdict(state), salt=_salt(campaign), compress=True)


def unpack(campaign: Campaign, token: str) -> PreviewState:
    try:
        data = signing.loads(token, salt=_salt(campaign), max_age=MAX_AGE)
        return PreviewState(**data)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise PreviewRefused(str(error)) from None


def fits(definition: flow.Definition, state: PreviewState) -> bool:
    """Whether the state still names steps of the draft (which may have changed meanwhile)."""
    keys = [*state.trail, *([state.step] if state.step else [])]
    return all(key in definition.steps_by_key for key in keys) and (
        not state.outcome or state.outcome in definition.outcomes_by_key)


def start(definition: flow.Definition, source: dict[str, str]) -> PreviewState:
    return PreviewState(step=flow.first_step(definition), source=source)


def stand_in(campaign: Campaign, definition: flow.Definition, state: PreviewState) -> Entry:
    """An unsaved Entry holding the preview's state, for the runtime's templates and helpers."""
    # On a step: the state on entering it; finished: after the last step, as the runtime keeps.
    progress = flow.replay(definition, state.trail, state.answers)
    return Entry(campaign=campaign, current_step=state.step, trail=list(state.trail),
                 state=state_to_json(progress), score=progress.score, source=state.source,
                 status=EntryStatus.COMPLETED if state.finished else EntryStatus.STARTED,
                 outcome=state.outcome)


@dataclass
class Submitted:
    state: PreviewState
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # what was typed, to show again
    notice: str = ""


def submit(campaign: Campaign, definition: flow.Definition, state: PreviewState, step_key: str,
           raw: dict[str, Any], uploads: dict) -> Submitted:
    """The runtime's answer_submit on the preview's state; nothing is written, files included."""
    path = [*state.trail, state.step]
    if state.finished or step_key not in path or step_key not in definition.steps_by_key:
        return Submitted(state, notice=NOT_ON_PATH)
    position = path.index(step_key)
    step = definition.steps_by_key[step_key]
    values, errors = clean_step(stand_in(campaign, definition, state), step, raw, uploads)
    if errors:
        return Submitted(state, errors, raw)
    answers = {**state.answers, **values}
    trail = state.trail[:position]
    decision = flow.advance(definition, step_key, answers, flow.replay(definition, trail, answers))
    moved = PreviewState(step=decision.next_step or "", trail=[*trail, step_key],
                         answers=answers, source=state.source)
    if decision.finished:
        moved.finished = True
        moved.outcome = decision.outcome.key if decision.outcome else ""
    return Submitted(moved)


def back(definition: flow.Definition, state: PreviewState) -> PreviewState:
    if state.finished or not state.trail or not definition.settings.allow_back:
        return state
    return PreviewState(step=state.trail[-1], trail=state.trail[:-1], answers=state.answers,
                        source=state.source)
