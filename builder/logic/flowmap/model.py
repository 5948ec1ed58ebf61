"""What the flow map is made of: boxes (and the waypoints long arrows pass through), arrows,
and the sizes they are drawn at."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns import flow

BOX_W, BOX_H = 216, 54
GAP_X, GAP_Y = 44, 92
WAYPOINT_W = 16
WAYPOINT_GAP = 14
WAYPOINT_BUDGET = 400
MARGIN = 24
BACK_LANE = 22
LABEL_CHARS = 28
SWEEPS = 8


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Node:
    id: str
    kind: str  # step | end | outcome | waypoint
    order: int  # document order: steps, then the ending, then outcomes
    title: str = ""
    sub: str = ""
    key: str = ""
    href: str = ""
    layer: int = 0
    x: float = 0  # centre
    y: float = 0  # top
    width: float = BOX_W
    problems: list[flow.Problem] = field(default_factory=list)

    @property
    def level(self) -> str:
        levels = {p.level for p in self.problems}
        return "error" if "error" in levels else "warning" if levels else ""

    @property
    def short_title(self) -> str:
        return _shorten(self.title, 27)

    @property
    def short_sub(self) -> str:
        return _shorten(self.sub, 32)

    @property
    def left(self) -> float:
        return self.x - self.width / 2


@dataclass
class Edge:
    source: str
    target: str
    labels: list[str]
    dashed: bool = False  # picked by scoring, not by a rule
    back: bool = False
    path: str = ""
    label_x: float = 0
    label_y: float = 0
    chain: list[str] = field(default_factory=list)  # waypoint ids between source and target
    lane_x: float = 0  # a back edge's lane, right of the boxes
    points: list[tuple[float, float]] = field(default_factory=list)  # a forward edge's route
    source_node: Node | None = None
    target_node: Node | None = None

    @property
    def label(self) -> str:
        return " or ".join(self.labels)

    @property
    def short_label(self) -> str:
        return _shorten(self.label, LABEL_CHARS)

    @property
    def label_width(self) -> float:
        return len(self.short_label) * 6.3 + 12


@dataclass
class FlowMap:
    nodes: list[Node]
    edges: list[Edge]
    width: float
    height: float

    @property
    def boxes(self) -> list[Node]:
        return [node for node in self.nodes if node.kind != "waypoint"]

    def node(self, node_id: str) -> Node:
        return next(node for node in self.nodes if node.id == node_id)
