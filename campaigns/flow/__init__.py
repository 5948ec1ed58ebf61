"""The pure flow engine: blueprint documents in, decisions out. Imports nothing from Django.

Load a blueprint once (`load`), then decide each step with `advance`; `validate` finds what
would hurt visitors before publishing. The contract is campaigns/blueprints/README.md.
"""

from .conditions import OPERATORS, Context, Group, Leaf, evaluate
from .definition import (
    Action,
    Choice,
    Definition,
    EmailTemplate,
    Intro,
    Outcome,
    Question,
    Rule,
    Settings,
    Step,
    Theme,
    dump,
    load,
)
from .engine import (
    Advance,
    Progress,
    State,
    Walk,
    advance,
    first_step,
    pick_outcome,
    progress,
    replay,
    walk,
)
from .files import FILE_TYPES, file_display_name, file_types
from .kinds import (
    KINDS,
    SCORE_OPERATORS,
    AnswerError,
    clean_answer,
    display,
    operators_for,
)
from .normalise import normalise
from .problems import Problem
from .recall import recall_context, render, tags_in, untagged
from .schema import BlueprintError, SchemaProblem
from .translations import (
    check_texts,
    check_translations,
    direction,
    in_language,
    source_hash,
    tag_problem,
    texts,
)
from .validate import check, validate

__all__ = [
    "FILE_TYPES",
    "KINDS",
    "OPERATORS",
    "SCORE_OPERATORS",
    "Action",
    "Advance",
    "AnswerError",
    "BlueprintError",
    "Choice",
    "Context",
    "Definition",
    "EmailTemplate",
    "Group",
    "Intro",
    "Leaf",
    "Outcome",
    "Problem",
    "Progress",
    "Question",
    "Rule",
    "SchemaProblem",
    "Settings",
    "State",
    "Step",
    "Theme",
    "Walk",
    "advance",
    "check",
    "check_texts",
    "check_translations",
    "clean_answer",
    "direction",
    "display",
    "dump",
    "file_display_name",
    "file_types",
    "evaluate",
    "first_step",
    "in_language",
    "load",
    "normalise",
    "operators_for",
    "pick_outcome",
    "progress",
    "recall_context",
    "untagged",
    "render",
    "replay",
    "source_hash",
    "tag_problem",
    "texts",
    "tags_in",
    "validate",
    "walk",
]
