"""Editing a campaign's draft content: steps, questions, choices, outcomes.

Every write is keyword-only, names the draft revision its form was drawn on (`revision`) and
edits the draft at it with `drafts.draft_edit` in one transaction, so a stale save raises
`StaleDraft` and writes nothing. Invalid input raises ValidationError keyed by field.
"""

from .choices import ChoiceFields, choice_create, choice_delete, choice_move, choice_update
from .keys import LOCKED_MESSAGE, PublishedKeys, key_from, published_keys
from .outcomes import (
    OutcomeFields,
    outcome_create,
    outcome_delete,
    outcome_move,
    outcome_update,
)
from .questions import (
    QuestionFields,
    question_create,
    question_delete,
    question_duplicate,
    question_move,
    question_update,
)
from .settings import validation_clean
from .steps import (
    question_keys_before,
    step_create,
    step_delete,
    step_duplicate,
    step_move,
    step_update,
)
from .usage import (
    Usage,
    usages_of_choice,
    usages_of_outcome,
    usages_of_question,
    usages_of_step,
)

__all__ = [
    "ChoiceFields",
    "OutcomeFields",
    "QuestionFields",
    "LOCKED_MESSAGE",
    "PublishedKeys",
    "Usage",
    "choice_create",
    "choice_delete",
    "choice_move",
    "choice_update",
    "key_from",
    "outcome_create",
    "outcome_delete",
    "outcome_move",
    "outcome_update",
    "published_keys",
    "question_create",
    "question_delete",
    "question_duplicate",
    "question_keys_before",
    "question_move",
    "question_update",
    "step_create",
    "step_delete",
    "step_duplicate",
    "step_move",
    "step_update",
    "usages_of_choice",
    "usages_of_outcome",
    "usages_of_question",
    "usages_of_step",
    "validation_clean",
]
