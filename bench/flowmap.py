"""Flow map benchmark: laying out and routing the map of bench/flow.py's generated campaigns
(10, 100, 1,000 steps, forward jumps from every step) against `validate` of the same campaign,
measured in the same run. The map page runs both, so the ratio says what the drawing adds to
the check every builder page already pays for; it should stay a small constant factor.

    python bench/flowmap.py
"""

from __future__ import annotations

import platform
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.flow import campaign  # noqa: E402
from builder.logic.flowmap import flow_map  # noqa: E402
from campaigns.flow import load, validate  # noqa: E402
from campaigns.rule_checks import DraftIndex  # noqa: E402

SIZES = (10, 100, 1_000)
REPEATS = 5


def main() -> None:
    print(f"flow map, Python {platform.python_version()} on {platform.machine()}")
    print(f"min of {REPEATS} repeats; ratio: the map's layout to validate() of the same campaign")
    print(f"{'steps':>6} | {'validate':>10} | {'map':>10} {'ratio':>7} | boxes  arrows")
    for size in SIZES:
        document = campaign(size)
        definition = load(document)
        index = DraftIndex.of(document)
        problems = validate(definition)
        number = max(1, 200 // size)

        def draw(definition=definition, index=index, problems=problems):
            return flow_map(definition, index, problems, step_href="{key}", outcome_href="{key}")

        check = min(timeit.repeat(lambda d=definition: validate(d), number=number,
                                  repeat=REPEATS)) / number
        layout = min(timeit.repeat(draw, number=number, repeat=REPEATS)) / number
        drawing = draw()
        print(f"{size:>6} | {check * 1e3:>8.2f}ms | {layout * 1e3:>8.2f}ms {layout / check:>6.1f}x"
              f" | {len(drawing.boxes):>5} {len(drawing.edges):>7}")


if __name__ == "__main__":
    main()
