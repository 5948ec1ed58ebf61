"""Flow engine benchmark: one `advance` on a middle step, and `validate` of the whole campaign,
for generated campaigns of 10, 100 and 1,000 steps. Prints absolute times and each as a ratio to
the 10-step campaign measured in the same run: a decision should stay ~1.0x (it reads only its
own step), validate should grow about linearly (~10x, ~100x).

    python bench/flow.py
"""

from __future__ import annotations

import platform
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaigns.flow import State, advance, load, validate  # noqa: E402

SIZES = (10, 100, 1_000)
REPEATS = 9


def campaign(size: int) -> dict[str, Any]:
    """`size` steps of three questions and three rules each, with forward jumps and recall."""
    steps = []
    for position in range(size):
        key = f"step-{position}"
        choice_question = f"q{position}-pick"
        forward = f"step-{min(position + 3, size - 1)}"
        steps.append(
            {
                "key": key,
                "title": f"Step {position}",
                "body": f"Earlier you said {{{{ answers.q{position - 1}-note }}}}"
                if position
                else "",
                "questions": [
                    {
                        "key": choice_question,
                        "kind": "single_choice",
                        "label": "Pick one",
                        "required": True,
                        "choices": [
                            {
                                "key": f"c{n}",
                                "label": f"Choice {n}",
                                "points": n,
                                "weights": {f"o{n % 3}": 1},
                            }
                            for n in range(4)
                        ],
                    },
                    {"key": f"q{position}-count", "kind": "number", "label": "How many?"},
                    {"key": f"q{position}-note", "kind": "short_text", "label": "Anything else?"},
                ],
                "rules": [
                    {
                        "when": {
                            "all": [
                                {
                                    "field": f"answers.{choice_question}",
                                    "op": "equals",
                                    "value": "c3",
                                },
                                {"field": "score", "op": "gte", "value": 2},
                            ]
                        },
                        "action": {"type": "goto_step", "step": forward},
                    },
                    {
                        "when": {"field": f"answers.q{position}-count", "op": "gt", "value": 5},
                        "action": {"type": "add", "target": "score", "value": 2},
                    },
                    {
                        "when": {
                            "any": [
                                {
                                    "field": f"answers.q{position}-note",
                                    "op": "contains",
                                    "value": "x",
                                },
                                {
                                    "field": f"answers.{choice_question}",
                                    "op": "any_of",
                                    "value": ["c1", "c2"],
                                },
                            ]
                        },
                        "action": {"type": "add", "target": "vars.bonus", "value": 1},
                    },
                ],
            }
        )
    return {
        "schema": 1,
        "name": f"Benchmark {size}",
        "kind": "quiz",
        "settings": {"scoring": "weights"},
        "steps": steps,
        "outcomes": [{"key": f"o{n}", "title": f"Outcome {n}"} for n in range(3)],
    }


def cases(size: int) -> tuple[Callable[[], object], Callable[[], object]]:
    definition = load(campaign(size))
    middle = definition.steps[size // 2]
    answers = {
        f"q{size // 2}-pick": "c2",
        f"q{size // 2}-count": 7,
        f"q{size // 2}-note": "fox",
    }
    state = State(score=3)
    return (
        lambda: advance(definition, middle.key, answers, state),
        lambda: validate(definition),
    )


def measure() -> dict[int, tuple[float, float]]:
    """Best time per call of each case; sizes take turns within every repeat, so a load spike
    on a shared machine hits all sizes alike instead of skewing one ratio."""
    timers = {size: cases(size) for size in SIZES}
    best = {size: [float("inf"), float("inf")] for size in SIZES}
    for _ in range(REPEATS):
        for size, (decide, check) in timers.items():
            for index, (call, number) in enumerate(((decide, 2_000), (check, 2_000 // size))):
                seconds = timeit.timeit(call, number=number) / number
                best[size][index] = min(best[size][index], seconds)
    return {size: (decide, check) for size, (decide, check) in best.items()}


def main() -> None:
    results = measure()
    base_decide, base_check = results[SIZES[0]]
    print(f"flow engine, Python {platform.python_version()} on {platform.machine()}")
    print(f"min of {REPEATS} repeats; ratios against the {SIZES[0]}-step campaign of this run")
    print(f"{'steps':>6} | {'advance':>10} {'ratio':>7} | {'validate':>10} {'ratio':>7}")
    for size, (decide, check) in results.items():
        print(
            f"{size:>6} | {decide * 1e6:>7.1f} µs {decide / base_decide:>6.2f}x | "
            f"{check * 1e3:>7.2f} ms {check / base_check:>6.1f}x"
        )


if __name__ == "__main__":
    main()
