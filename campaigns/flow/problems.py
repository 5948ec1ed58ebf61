"""What validate() reports, and the shared analysis its checks read from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .definition import Definition
from .graph import cycles, flow_graph, reachable, reverse_postorder

_SECTION = re.compile(r"(steps|outcomes|emails)\[([0-9]+)\]")
_SECTION_ORDER = {"steps": 1, "outcomes": 2, "emails": 3}


@dataclass(frozen=True, slots=True)
class Problem:
    level: Literal["error", "warning"]  # errors block publishing; warnings are advice
    code: str
    message: str  # names the step and says how to fix it
    step: str | None  # the key of the step to fix, when there is one
    where: str  # JSON path of the field to fix, e.g. "steps[2].rules[0].when"


class Report:
    """The flow graph and its analyses, computed once, and the problems found so far."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.graph = flow_graph(definition)
        self.live = reachable(self.graph)
        self.loops = cycles(self.graph)
        self.order = reverse_postorder(self.graph, self.live)
        self.problems: list[Problem] = []

    def error(self, code: str, message: str, *, where: str, step: int | None = None) -> None:
        self._add("error", code, message, where, step)

    def warning(self, code: str, message: str, *, where: str, step: int | None = None) -> None:
        self._add("warning", code, message, where, step)

    def _add(self, level: str, code: str, message: str, where: str, step: int | None) -> None:
        key = self.definition.steps[step].key if step is not None else None
        self.problems.append(Problem(level, code, message, key, where))  # type: ignore[arg-type]

    def step_name(self, position: int) -> str:
        return f'Step {position + 1} "{self.definition.steps[position].key}"'

    def question_home(self, question_key: str) -> str:
        """Where a question is asked, e.g. 'step 4 "contact"'."""
        step_key = self.definition.question_steps[question_key]
        position = self.definition.step_positions[step_key]
        return f'step {position + 1} "{step_key}"'

    def sorted_problems(self) -> list[Problem]:
        def order(problem: Problem) -> tuple[int, int]:
            match = _SECTION.match(problem.where)
            if match is None:
                return (0, 0)
            return (_SECTION_ORDER[match.group(1)], int(match.group(2)))

        return sorted(self.problems, key=order)
