"""The editor page's items, each carrying the form it is edited with.

`Editor` decorates the draft's rows with their forms (a bound one where a save was refused, so
what the marketer typed is shown again with the errors), their recall tags and their problems.
The full page and every fragment read the same attributes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.forms import Form
from django.urls import reverse

from campaigns import flow
from campaigns.models import Campaign, Membership, Outcome, Question, Role, Rule, Step
from campaigns.services.campaigns import campaign_check
from campaigns.services.content import published_keys
from entries.sharing import live_share_images

from .forms import (
    AddChoiceForm,
    AddOutcomeForm,
    AddQuestionForm,
    AddStepForm,
    ChoiceForm,
    OutcomeForm,
    QuestionForm,
    StepForm,
)

_QUESTION_PATH = re.compile(r"steps\[(\d+)\]\.questions\[(\d+)\]")


@dataclass(frozen=True)
class RecallTag:
    label: str
    tag: str


def problems_link(campaign: Campaign) -> str:
    """The flow map marks each problem on its box and lists them with links to fix them."""
    return reverse("builder:campaign_map", args=[campaign.pk])


class Editor:
    def __init__(self, campaign: Campaign, membership: Membership, *,
                 revision: int | None = None, bound: dict[str, Form] | None = None,
                 opened: str = "", stale: str = ""):
        self.campaign = campaign
        self.can_edit = membership.allows(Role.EDITOR)
        # The revision the page's forms carry: after a refused save, the one the marketer's
        # page was drawn on, so the page never looks current when it is not.
        self.revision = campaign.revision if revision is None else revision
        self.bound = bound or {}
        self.opened = opened  # the id of the item to show expanded
        self.stale = stale
        self.published = published_keys(campaign)
        self.outcomes = list(campaign.outcomes.all())
        self.share_images = {image.key: image.path for image in live_share_images(campaign)}
        scoring, quiz = campaign.scoring, campaign.kind == "quiz"
        self.show_points = scoring == "score" or (quiz and scoring == "none")
        self.show_weights = bool(self.outcomes) and (
            scoring == "weights" or (quiz and scoring == "none"))
        self._problems: list[flow.Problem] | None = None
        self._question_problems: dict[tuple[int, int], list[flow.Problem]] = {}
        self._steps: list[Step] | None = None

    # Problems of the draft, as publishing would report them.
    @property
    def problems(self) -> list[flow.Problem]:
        if self._problems is None:
            self._problems = campaign_check(campaign=self.campaign)
        return self._problems

    @property
    def errors(self) -> list[flow.Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[flow.Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def problems_url(self) -> str:
        return problems_link(self.campaign)

    def _form(self, name: str, make):
        return self.bound.get(name) or make()

    def steps(self) -> list[Step]:
        if self._steps is None:
            questions = Question.objects.prefetch_related("choices")
            steps = list(self.campaign.steps.prefetch_related(
                Prefetch("questions", queryset=questions)))
            # A problem inside a question is shown on the question, the others on the step.
            by_step, by_question = defaultdict(list), defaultdict(list)
            for problem in self.problems:
                inside = _QUESTION_PATH.match(problem.where)
                if inside:
                    by_question[(int(inside[1]), int(inside[2]))].append(problem)
                else:
                    by_step[problem.step].append(problem)
            self._question_problems = by_question
            earlier: list[RecallTag] = []
            variables = self.variable_tags()
            for step in steps:
                step.recall_tags = [*earlier, RecallTag("Score so far", "{{ score }}"),
                                    *variables]
                step.step_problems = by_step.get(step.key, [])
                self.step(step, len(steps))
                earlier = earlier + [
                    RecallTag(q.label or q.key, f"{{{{ answers.{q.key} }}}}")
                    for q in step.questions.all() if q.kind != "statement"]
            self._steps = steps
        return self._steps

    def find_step(self, pk: int) -> Step:
        return next(step for step in self.steps() if step.pk == pk)

    def find_question(self, pk: int) -> Question:
        return next(q for step in self.steps() for q in step.question_list if q.pk == pk)

    def find_choice(self, pk: int):
        return next(c for step in self.steps() for q in step.question_list
                    for c in q.choice_list if c.pk == pk)

    def find_outcome(self, pk: int) -> Outcome:
        return next(o for o in self.outcome_list() if o.pk == pk)

    def step(self, step: Step, count: int) -> Step:
        step.is_first, step.is_last = step.position == 0, step.position >= count - 1
        step.title_id = f"step-{step.pk}-title"
        step.form = self._form(f"step-{step.pk}", lambda: StepForm(
            step=step, locked=step.key in self.published.steps))
        step.add_question_form = self._form(f"add-q-{step.pk}",
                                            lambda: AddQuestionForm(step=step))
        step.question_list = [self.question(q, step) for q in step.questions.all()]
        return step

    def question(self, question: Question, step: Step) -> Question:
        question.recall_tags = step.recall_tags
        question.question_problems = self._question_problems.get(
            (step.position, question.position), [])
        question.kind_info = flow.KINDS[question.kind]
        question.form = self._form(f"q-{question.pk}", lambda: QuestionForm(
            question=question, locked=question.key in self.published.questions))
        question.choice_list = [self.choice(c, question) for c in question.choices.all()]
        question.add_choice_form = self._form(f"add-c-{question.pk}",
                                              lambda: AddChoiceForm(question=question))
        siblings = len(step.questions.all())
        question.is_first = question.position == 0
        question.is_last = question.position >= siblings - 1
        question.title_id = f"question-{question.pk}-label"
        question.container = f"#questions-{step.pk}"
        question.choices_container = f"#choices-{question.pk}"
        return question

    def choice_form(self, choice, question: Question, *args) -> ChoiceForm:
        """The form of a choice; bound when `args` (POST data and files) are given."""
        return ChoiceForm(
            *args, choice=choice, locked=choice.key in self.published.choices_of(question.key),
            outcomes=self.outcomes, show_points=self.show_points,
            show_weights=self.show_weights, show_image=question.kind == "image_choice")

    def choice(self, choice, question: Question):
        choice.form = self._form(f"c-{choice.pk}", lambda: self.choice_form(choice, question))
        choice.is_first = choice.position == 0
        choice.is_last = choice.position >= len(question.choices.all()) - 1
        choice.dom_id = f"choice-{question.key}-{choice.key}"
        choice.label_id = f"choice-{choice.pk}-label"
        return choice

    def outcome(self, outcome: Outcome) -> Outcome:
        outcome.form = self._form(f"o-{outcome.pk}", lambda: OutcomeForm(
            outcome=outcome, locked=outcome.key in self.published.outcomes))
        outcome.is_first = outcome.position == 0
        outcome.is_last = outcome.position >= len(self.outcomes) - 1
        outcome.title_id = f"outcome-{outcome.pk}-title"
        outcome.live_share_image = self.share_images.get(outcome.key, "")
        return outcome

    def outcome_list(self) -> list[Outcome]:
        return [self.outcome(o) for o in self.outcomes]

    def outcome_tags(self) -> list[RecallTag]:
        tags = [RecallTag(q.label or q.key, f"{{{{ answers.{q.key} }}}}")
                for step in self.steps() for q in step.questions.all() if q.kind != "statement"]
        return [*tags, RecallTag("Final score", "{{ score }}"),
                RecallTag("Outcome title", "{{ outcome.title }}"), *self.variable_tags()]

    def variable_tags(self) -> list[RecallTag]:
        """The variables rules set (`vars.<name>`), which any text may show."""
        names = sorted({
            action["target"].removeprefix("vars.")
            for action in Rule.objects.filter(step__campaign=self.campaign).values_list(
                "action", flat=True)
            if isinstance(action, dict) and str(action.get("target", "")).startswith("vars.")})
        return [RecallTag(f"Variable {name}", f"{{{{ vars.{name} }}}}") for name in names]

    def add_step_form(self):
        return self._form("add-step", lambda: AddStepForm(campaign=self.campaign))

    def add_outcome_form(self):
        return self._form("add-outcome", lambda: AddOutcomeForm(campaign=self.campaign))
