"""An entry's flow state and answers as the engine reads them, from the row's JSON.

Read by the runtime, the emails' recall and the builder's preview: its own module so that none
of them imports another's services for it.
"""

from typing import Any

from campaigns import flow
from entries.models import Entry


def state_to_json(state: flow.State) -> dict:
    return {"score": state.score, "vars": dict(state.vars), "weights": dict(state.weights)}


def state_from_json(data: dict) -> flow.State:
    return flow.State(data.get("score", 0), data.get("vars", {}), data.get("weights", {}))


def entry_answers(entry: Entry) -> dict[str, Any]:
    return dict(entry.answer_values)
