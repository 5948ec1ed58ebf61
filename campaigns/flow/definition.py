"""A blueprint loaded once into frozen dataclasses, with the indexes the engine decides from.

`load(doc)` normalises the document (raising BlueprintError) and builds a Definition; `dump`
turns a Definition back into the normalised document, so `dump(load(d)) == normalise(d)`.
Lookups by key are dict indexes built here, so deciding one step never scans the campaign.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import Any

from .conditions import Condition, Group, Leaf
from .normalise import normalise
from .normalise_rules import ACTION_FIELDS
from .schema import JUMPS


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str
    image: str
    points: float
    weights: Mapping[str, float]  # outcome key -> weight added when chosen


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    kind: str
    label: str
    help: str
    required: bool
    placeholder: str
    validation: Mapping[str, Any]  # every setting of the kind, defaults filled in
    choices: tuple[Choice, ...]
    correct: str | tuple[str, ...] | None
    points: float  # added to the score when the answer is `correct`
    contact: str  # what the answer says about the entrant: "email", "name" or "none"
    choice_index: Mapping[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = MappingProxyType({choice.key: choice for choice in self.choices})
        object.__setattr__(self, "choice_index", index)


@dataclass(frozen=True, slots=True)
class Action:
    type: str  # goto_step | goto_outcome | end | add | subtract | set
    step: str | None = None
    outcome: str | None = None
    target: str | None = None  # "score" or "vars.<name>"
    value: float | None = None

    @property
    def is_jump(self) -> bool:
        return self.type in JUMPS


@dataclass(frozen=True, slots=True)
class Rule:
    when: Condition | None  # None always fires
    action: Action


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: str
    body: str
    button: str
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str
    title: str
    body: str
    image: str
    min_score: float | None
    max_score: float | None
    redirect_url: str
    # The marketer's own picture for shared links, instead of the drawn card. Versions published
    # before it existed have none.
    share_image: str = ""

    @property
    def has_range(self) -> bool:
        """An outcome with both bounds null takes no part in score ranges (README)."""
        return self.min_score is not None or self.max_score is not None

    def holds(self, score: float) -> bool:
        low, high = self.min_score, self.max_score
        return self.has_range and (low is None or low <= score) and (high is None or score <= high)


@dataclass(frozen=True, slots=True)
class EmailTemplate:
    trigger: str
    outcome: str | None
    subject: str
    body: str
    delay_minutes: int


@dataclass(frozen=True, slots=True)
class Intro:
    title: str
    body: str
    button: str
    image: str


@dataclass(frozen=True, slots=True)
class Theme:
    primary: str
    background: str
    text: str
    font: str
    logo: str
    cover: str
    mode: str = "card"  # card | focus | chat (schema.DISPLAY_MODES)
    persona: str = ""
    avatar: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    scoring: str  # none | score | weights
    progress: bool
    allow_back: bool


@dataclass(frozen=True)
class Definition:
    schema: int
    name: str
    kind: str
    description: str
    intro: Intro | None
    theme: Theme
    settings: Settings
    steps: tuple[Step, ...]
    outcomes: tuple[Outcome, ...]
    emails: tuple[EmailTemplate, ...]
    languages: tuple[str, ...]  # the first is the default, the language of the texts above
    # language -> text id -> {"text", "source"} (flow/translations.py); texts only, never keys
    translations: Mapping[str, Mapping[str, Mapping[str, str]]]
    steps_by_key: Mapping[str, Step] = field(init=False, repr=False, compare=False)
    step_positions: Mapping[str, int] = field(init=False, repr=False, compare=False)
    questions_by_key: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    question_steps: Mapping[str, str] = field(init=False, repr=False, compare=False)
    outcomes_by_key: Mapping[str, Outcome] = field(init=False, repr=False, compare=False)
    variables: frozenset[str] = field(init=False, repr=False, compare=False)  # set by actions
    language: str = field(init=False, repr=False, compare=False)  # of the texts above
    untranslated: frozenset[str] = field(init=False, repr=False, compare=False)  # text ids
    # in_language's cache: each language's definition, built once per loaded version.
    translated: dict[str, Definition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def index(name: str, value: dict[str, Any]) -> None:
            object.__setattr__(self, name, MappingProxyType(value))

        index("steps_by_key", {step.key: step for step in self.steps})
        index("step_positions", {step.key: position for position, step in enumerate(self.steps)})
        questions = [(step, question) for step in self.steps for question in step.questions]
        index("questions_by_key", {question.key: question for _, question in questions})
        index("question_steps", {question.key: step.key for step, question in questions})
        index("outcomes_by_key", {outcome.key: outcome for outcome in self.outcomes})
        targets = (rule.action.target for step in self.steps for rule in step.rules)
        variables = {target[5:] for target in targets if target and target.startswith("vars.")}
        object.__setattr__(self, "variables", frozenset(variables))
        object.__setattr__(self, "language", self.languages[0])
        object.__setattr__(self, "untranslated", frozenset())
        object.__setattr__(self, "translated", {})


def load(doc: Any) -> Definition:
    """Checks and normalises `doc` (BlueprintError lists every problem), then builds it once."""
    data = normalise(doc)
    intro = data["intro"]
    return Definition(
        schema=data["schema"],
        name=data["name"],
        kind=data["kind"],
        description=data["description"],
        intro=Intro(**intro) if intro is not None else None,
        theme=Theme(**data["theme"]),
        settings=Settings(**data["settings"]),
        steps=tuple(_step(step) for step in data["steps"]),
        outcomes=tuple(Outcome(**outcome) for outcome in data["outcomes"]),
        emails=tuple(EmailTemplate(**email) for email in data["emails"]),
        languages=tuple(data["languages"]),
        translations=_freeze(data["translations"]),
    )


def _step(data: dict[str, Any]) -> Step:
    return Step(
        key=data["key"],
        title=data["title"],
        body=data["body"],
        button=data["button"],
        questions=tuple(_question(question) for question in data["questions"]),
        rules=tuple(
            Rule(when=condition(rule["when"]), action=Action(**rule["action"]))
            for rule in data["rules"]
        ),
    )


def _question(data: dict[str, Any]) -> Question:
    choices = tuple(
        Choice(**{**choice, "weights": _freeze(choice["weights"])}) for choice in data["choices"]
    )
    return Question(
        **{
            **data,
            "validation": _freeze(data["validation"]),
            "choices": choices,
            "correct": _freeze(data["correct"]),
        }
    )


def condition(data: dict[str, Any] | None) -> Condition | None:
    """A normalised condition dict as a Group/Leaf tree."""
    if data is None:
        return None
    for mode in ("all", "any"):
        if mode in data:
            return Group(mode, tuple(condition(item) for item in data[mode]))
    source, _, name = data["field"].partition(".")
    return Leaf(data["field"], data["op"], _freeze(data["value"]), source, name)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def dump(definition: Definition) -> dict[str, Any]:
    """The normalised blueprint document that `definition` was loaded from."""
    return _thaw(definition)


def _thaw(value: Any) -> Any:
    if isinstance(value, Leaf | Group | Action):
        return _thaw_rule_part(value)
    if is_dataclass(value):
        return {item.name: _thaw(getattr(value, item.name)) for item in fields(value) if item.init}
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(item) for item in value]
    return value


def _thaw_rule_part(value: Leaf | Group | Action) -> dict[str, Any]:
    """A rule's condition or action as the blueprint writes it (only its type's fields)."""
    if isinstance(value, Leaf):
        return {"field": value.field, "op": value.op, "value": _thaw(value.value)}
    if isinstance(value, Group):
        return {value.mode: [_thaw(item) for item in value.items]}
    return {name: getattr(value, name) for name in ACTION_FIELDS[value.type]}
