"""What visitors answered: a distribution per question and how often first answers changed.

Counts are grouped in the database by (question, value); Python only spreads the few distinct
groups over bars (a multiple-choice combination over its choices, numbers over ranges).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, JSONField, Q, Value, When
from django.db.models.functions import TruncWeek

from campaigns import flow
from campaigns.flow.conditions import is_number
from campaigns.flow.kinds import KINDS, format_number, scale_of
from entries.analytics.scope import Scope
from entries.models import Answer

# Free text and files are personal and unbounded: only how many answered.
DISTRIBUTED = frozenset({"choice", "choices", "bool", "number"})
NO_ANSWER = "(no answer)"
CHANGE_PAIRS_SHOWN = 5
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class Bar:
    label: str
    count: int


@dataclass(frozen=True)
class Change:
    before: str
    after: str
    count: int


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score of an opinion scale (0–10): % promoters (9–10) − % detractors (0–6)."""

    promoters: int
    passives: int
    detractors: int

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        if not self.total:
            return None
        return round(100 * (self.promoters - self.detractors) / self.total)

    @classmethod
    def of(cls, counts: dict[int, int]) -> "Nps":
        return cls(promoters=sum(n for point, n in counts.items() if point >= 9),
                   passives=sum(n for point, n in counts.items() if 7 <= point <= 8),
                   detractors=sum(n for point, n in counts.items() if 0 <= point <= 6))


@dataclass
class QuestionFigures:
    key: str
    label: str
    kind: str
    step_key: str
    answered: int = 0
    changed: int = 0
    bars: list[Bar] = field(default_factory=list)  # empty for text questions
    changes: list[Change] = field(default_factory=list)  # most frequent first
    nps: Nps | None = None  # opinion scales only
    nps_weeks: list[tuple[date, Nps]] = field(default_factory=list)  # by week answered

    @property
    def chart(self) -> str:
        answer = KINDS[self.kind].answer
        if answer == "number":
            return "histogram"
        return "bars" if answer in DISTRIBUTED else "count"

    @property
    def change_rate(self) -> float:
        return self.changed / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class _Merged:
    """A question across the versions in scope: the newest wording, every choice ever offered."""

    question: flow.Question
    step_key: str
    labels: dict[str, str]  # choice key -> label, in the newest order first


def _questions(scope: Scope) -> dict[str, _Merged]:
    merged: dict[str, _Merged] = {}
    for _, definition in scope.definitions:
        for key, question in definition.questions_by_key.items():
            if question.kind == "statement":
                continue
            entry = merged.setdefault(
                key, _Merged(question, definition.question_steps[key], {}))
            for choice in question.choices:
                entry.labels.setdefault(choice.key, choice.label or choice.key)
    return merged


def questions(scope: Scope) -> list[QuestionFigures]:
    merged = _questions(scope)
    figures = {key: QuestionFigures(key=key, label=flow.untagged(m.question.label) or key,
                                    kind=m.question.kind, step_key=m.step_key)
               for key, m in merged.items()}
    answers = Answer.objects.filter(scope.entry_q("entry__")).order_by()
    distributed = [key for key, m in merged.items() if KINDS[m.question.kind].answer in DISTRIBUTED]
    # One pass for counts and distributions: grouped by question and, for the questions with a
    # distribution only, by value (free text would make a group per answer).
    shown = (Case(When(question_key__in=distributed, then=F("value")), default=None,
                  output_field=JSONField()) if distributed else Value(None, JSONField()))
    groups: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for key, value, answered, changed in (
        answers.annotate(shown=shown).values("question_key", "shown")
        .annotate(answered=Count("id", filter=Q(value__isnull=False)),
                  changed=Count("id", filter=Q(changes__gt=0)))
        .values_list("question_key", "shown", "answered", "changed")
    ):
        if key not in figures:
            continue
        figures[key].answered += answered
        figures[key].changed += changed
        if value is not None:
            groups[key].append((value, answered))
    for key in distributed:
        figures[key].bars = _bars(merged[key], groups[key])

    pairs: dict[str, list[Change]] = defaultdict(list)
    for key, before, after, n in (
        answers.filter(question_key__in=distributed, changes__gt=0)
        .values("question_key", "first_value", "value").annotate(n=Count("id"))
        .order_by("question_key", "-n").values_list("question_key", "first_value", "value", "n")
    ):
        if len(pairs[key]) < CHANGE_PAIRS_SHOWN:
            pairs[key].append(Change(_show(merged[key], before), _show(merged[key], after), n))
    for key, changes in pairs.items():
        figures[key].changes = changes
    _nps(answers, figures)
    return list(figures.values())


def _nps(answers, figures: dict[str, QuestionFigures]) -> None:
    """The score of each opinion scale in scope, overall and per week (Monday) answered."""
    scales = [key for key, f in figures.items() if f.kind == "opinion_scale"]
    weeks: dict[str, dict[date, dict[int, int]]] = {key: defaultdict(dict) for key in scales}
    for key, week, value, n in (
        answers.filter(question_key__in=scales, value__isnull=False)
        .annotate(week=TruncWeek("answered_at")).values("question_key", "week", "value")
        .annotate(n=Count("id")).values_list("question_key", "week", "value", "n")
    ):
        if is_number(value) and week is not None:
            day = week.date() if hasattr(week, "date") else week
            counts = weeks[key][day]
            counts[int(value)] = counts.get(int(value), 0) + n
    for key in scales:
        overall = {int(bar.label): bar.count for bar in figures[key].bars}
        figures[key].nps = Nps.of(overall)
        figures[key].nps_weeks = [(day, Nps.of(counts))
                                  for day, counts in sorted(weeks[key].items())]


def _show(merged: _Merged, value: Any) -> str:
    if value is None or value == []:
        return NO_ANSWER
    if isinstance(value, list):
        return ", ".join(merged.labels.get(str(item), str(item)) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return merged.labels.get(value, value)
    return format_number(value) if is_number(value) else str(value)


def _bars(merged: _Merged, groups: list[tuple[Any, int]]) -> list[Bar]:
    kind = KINDS[merged.question.kind]
    if kind.has_choices:
        counts: dict[str, int] = defaultdict(int)
        for value, n in groups:
            for item in value if isinstance(value, list) else [value]:
                counts[str(item)] += n
        order = [*merged.labels, *sorted(counts.keys() - merged.labels.keys())]
        return [Bar(merged.labels.get(key, key), counts.get(key, 0)) for key in order]
    if kind.answer == "bool":
        counts = {True: 0, False: 0}
        for value, n in groups:
            if isinstance(value, bool):
                counts[value] += n
        return [Bar("Yes", counts[True]), Bar("No", counts[False])]
    numbers = [(float(value), n) for value, n in groups if is_number(value)]
    if kind.scale:
        low, high = scale_of(merged.question)
        counts = defaultdict(int)
        for value, n in numbers:
            counts[int(value)] += n
        return [Bar(str(point), counts.get(point, 0)) for point in range(low, high + 1)]
    return histogram(numbers)


def histogram(values: list[tuple[float, int]], bins: int = HISTOGRAM_BINS) -> list[Bar]:
    """(value, count) pairs spread over at most `bins` ranges of a round width.

    Whole numbers spanning fewer than `bins` values get one bar each; otherwise the width is
    1, 2 or 5 times a power of ten and ranges are [low, low + width).
    """
    if not values:
        return []
    low, high = min(v for v, _ in values), max(v for v, _ in values)
    whole = all(v == int(v) for v, _ in values)
    if whole and high - low < bins:
        counts: dict[int, int] = defaultdict(int)
        for value, n in values:
            counts[int(value)] += n
        return [Bar(format_number(point), counts.get(point, 0))
                for point in range(int(low), int(high) + 1)]
    width = _round_width((high - low) / bins)
    start = math.floor(low / width) * width

    def index(value: float) -> int:
        return math.floor((value - start) / width + 1e-9)  # 0.3 / 0.1 is 2.9999999999999996

    count = index(high) + 1
    counts = defaultdict(int)
    for value, n in values:
        counts[index(value)] += n
    return [Bar(f"{format_number(start + i * width)}–{format_number(start + (i + 1) * width)}",
                counts.get(i, 0))
            for i in range(count)]


def _round_width(raw: float) -> float:
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return step * power
    return 10 * power
