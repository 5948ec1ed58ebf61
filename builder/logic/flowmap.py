"""The flow map: steps, the ending and outcomes as boxes in layers, jumps as labelled arrows.

A layered (Sugiyama-style) drawing, computed here and drawn as inline SVG by a template:
1. edges: each step's live jump rules (labelled with their condition), its fall-through, and
   from the natural ending to the outcomes `settings.scoring` can pick;
2. layers by longest path over the forward edges (document order breaks cycles: a jump to an
   earlier step is a back edge, drawn on the side), outcomes together on the last layer;
3. long edges get a waypoint per layer they cross; barycentre sweeps reorder each layer to limit
   crossings, keeping the best ordering seen;
4. coordinates: each layer centred. Everything is a pure function of the definition, so the
   same draft always draws the same map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns import flow
from campaigns.flow.kinds import format_number
from campaigns.rule_checks import DraftIndex

from .describe import describe_condition

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


def flow_map(definition: flow.Definition, index: DraftIndex, problems: list[flow.Problem], *,
             step_href: str, outcome_href: str) -> FlowMap:
    """`step_href` / `outcome_href` are format strings taking `key`: where a box links to."""
    nodes = _nodes(definition, problems, step_href, outcome_href)
    by_id = {node.id: node for node in nodes}
    edges = _edges(definition, index, by_id)
    nodes = [node for node in nodes if node.kind != "end" or any(
        edge.source == "end" or edge.target == "end" for edge in edges)]
    by_id = {node.id: node for node in nodes}
    for edge in edges:
        edge.back = by_id[edge.target].order <= by_id[edge.source].order
    _layer(nodes, edges, by_id)
    layers = _waypoints(nodes, edges, by_id)
    _order(layers, edges, by_id)
    width, height = _place(layers, edges)
    _route(edges, by_id, width)
    _place_labels(edges, by_id)
    for edge in edges:
        edge.source_node, edge.target_node = by_id[edge.source], by_id[edge.target]
        edge.label_x = max(edge.label_x, 2)
    right = max((edge.label_x + edge.label_width for edge in edges if edge.labels),
                default=0)
    lanes = max((edge.lane_x for edge in edges if edge.back), default=0)
    return FlowMap(nodes, edges, max(width, right + MARGIN / 2, lanes + MARGIN), height)


def _nodes(definition: flow.Definition, problems: list[flow.Problem], step_href: str,
           outcome_href: str) -> list[Node]:
    nodes = []
    for position, step in enumerate(definition.steps):
        questions = len(step.questions)
        nodes.append(Node(
            f"step:{step.key}", "step", position, f"{position + 1}. {step.title or step.key}",
            f"{step.key} · {questions} question{'s' if questions != 1 else ''}", step.key,
            step_href.format(key=step.key),
            problems=[p for p in problems if p.step == step.key],
        ))
    scoring = definition.settings.scoring
    end_title = {"score": "Result by score", "weights": "Result by most weight"}.get(
        scoring, "Thank-you page")
    nodes.append(Node("end", "end", len(nodes), end_title, "the flow ends here"))
    for position, outcome in enumerate(definition.outcomes):
        where = f"outcomes[{position}]"
        nodes.append(Node(
            f"outcome:{outcome.key}", "outcome", len(nodes), outcome.title or outcome.key,
            f"outcome · {outcome.key}", outcome.key, outcome_href.format(key=outcome.key),
            problems=[p for p in problems if p.where == where or p.where.startswith(where + ".")],
        ))
    return nodes


def _edges(definition: flow.Definition, index: DraftIndex, by_id: dict[str, Node]) -> list[Edge]:
    edges: dict[tuple[str, str], Edge] = {}

    def connect(source: str, target: str, label: str, *, dashed: bool = False) -> None:
        edge = edges.setdefault((source, target), Edge(source, target, [], dashed))
        if label and label not in edge.labels:
            edge.labels.append(label)

    for position, step in enumerate(definition.steps):
        source = f"step:{step.key}"
        jumps = 0
        unconditional = False
        for rule in step.rules:
            action = rule.action
            if action.type == "goto_step" and action.step in definition.steps_by_key:
                target = f"step:{action.step}"
            elif action.type == "goto_outcome" and action.outcome in definition.outcomes_by_key:
                target = f"outcome:{action.outcome}"
            elif action.type == "end":
                target = "end"
            else:
                continue
            jumps += 1
            connect(source, target, _condition_text(index, rule.when))
            if rule.when is None:
                unconditional = True
                break
        if not unconditional:
            following = (f"step:{definition.steps[position + 1].key}"
                         if position + 1 < len(definition.steps) else "end")
            connect(source, following, "otherwise" if jumps else "")
    scoring = definition.settings.scoring
    for outcome in definition.outcomes:
        if scoring == "score" and outcome.has_range:
            connect("end", f"outcome:{outcome.key}", _range_text(outcome), dashed=True)
        elif scoring == "weights":
            connect("end", f"outcome:{outcome.key}", "most weight", dashed=True)
    return list(edges.values())


def _condition_text(index: DraftIndex, condition) -> str:
    if condition is None:
        return "always"
    return describe_condition(index, _as_document(condition))


def _as_document(condition):
    """A loaded condition back in blueprint form, which the sentences are written from."""
    if isinstance(condition, flow.Group):
        return {condition.mode: [_as_document(item) for item in condition.items]}
    value = list(condition.value) if isinstance(condition.value, tuple) else condition.value
    return {"field": condition.field, "op": condition.op, "value": value}


def _range_text(outcome: flow.Outcome) -> str:
    shown = format_number
    low, high = outcome.min_score, outcome.max_score
    if low is not None and high is not None:
        return f"score {shown(low)}–{shown(high)}"
    return f"score ≥ {shown(low)}" if low is not None else f"score ≤ {shown(high)}"


def _layer(nodes: list[Node], edges: list[Edge], by_id: dict[str, Node]) -> None:
    incoming: dict[str, list[str]] = {node.id: [] for node in nodes}
    for edge in edges:
        if not edge.back:
            incoming[edge.target].append(edge.source)
    last_step_layer = 0
    for node in sorted(nodes, key=lambda n: n.order):
        if node.kind == "outcome":
            continue
        node.layer = max((by_id[source].layer + 1 for source in incoming[node.id]), default=0)
        last_step_layer = max(last_step_layer, node.layer)
    for node in nodes:
        if node.kind == "outcome":
            node.layer = last_step_layer + 1


def _waypoints(nodes: list[Node], edges: list[Edge], by_id: dict[str, Node]) -> list[list[Node]]:
    """Long forward edges get a waypoint per layer they cross, shortest edges first, within a
    budget: beyond it (huge, tangled drafts) an edge is drawn straight to its target."""
    count = max(node.layer for node in nodes) + 1
    layers: list[list[Node]] = [[] for _ in range(count)]
    for node in sorted(nodes, key=lambda n: n.order):
        layers[node.layer].append(node)
    budget = max(WAYPOINT_BUDGET, 3 * len(nodes))
    numbered = [(number, edge) for number, edge in enumerate(edges) if not edge.back]
    numbered.sort(key=lambda item: (by_id[item[1].target].layer - by_id[item[1].source].layer,
                                    item[0]))
    for number, edge in numbered:
        source, target = by_id[edge.source], by_id[edge.target]
        span = target.layer - source.layer - 1
        if span <= 0 or span > budget:
            continue
        budget -= span
        for layer in range(source.layer + 1, target.layer):
            waypoint = Node(f"via:{number}:{layer}", "waypoint", source.order, layer=layer,
                            width=WAYPOINT_W)
            by_id[waypoint.id] = waypoint
            nodes.append(waypoint)
            layers[layer].append(waypoint)
            edge.chain.append(waypoint.id)
    return layers


def _segments(edges: list[Edge]) -> list[tuple[str, str]]:
    """Each forward edge as the consecutive pairs of its source, waypoints and target."""
    pairs = []
    for edge in edges:
        if not edge.back:
            chain = [edge.source, *edge.chain, edge.target]
            pairs.extend(zip(chain, chain[1:], strict=False))
    return pairs


def _order(layers: list[list[Node]], edges: list[Edge], by_id: dict[str, Node]) -> None:
    pairs = _segments(edges)
    above: dict[str, list[str]] = {}
    below: dict[str, list[str]] = {}
    for upper, lower in pairs:
        below.setdefault(upper, []).append(lower)
        above.setdefault(lower, []).append(upper)
    at = {node.id: place for layer in layers for place, node in enumerate(layer)}

    def reorder(layer: list[Node], neighbours: dict[str, list[str]]) -> None:
        def barycentre(item: tuple[int, Node]) -> tuple[float, int]:
            place, node = item
            linked = [at[other] for other in neighbours.get(node.id, ())]
            return (sum(linked) / len(linked) if linked else place, place)

        layer[:] = [node for _, node in sorted(enumerate(layer), key=barycentre)]
        at.update((node.id, place) for place, node in enumerate(layer))

    best = [list(layer) for layer in layers]
    best_crossings = _crossings(pairs, at, by_id)
    for sweep in range(SWEEPS if best_crossings else 0):
        downwards = sweep % 2 == 0
        sequence = range(1, len(layers)) if downwards else range(len(layers) - 2, -1, -1)
        for number in sequence:
            if len(layers[number]) > 1:
                reorder(layers[number], above if downwards else below)
        crossings = _crossings(pairs, at, by_id)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
        if not crossings:
            break
    layers[:] = best


def _crossings(pairs: list[tuple[str, str]], at: dict[str, int], by_id: dict[str, Node]) -> int:
    by_layer: dict[int, list[tuple[int, int]]] = {}
    for upper, lower in pairs:
        by_layer.setdefault(by_id[upper].layer, []).append((at[upper], at[lower]))
    total = 0
    for segments in by_layer.values():
        for first, (a, b) in enumerate(segments):
            for c, d in segments[first + 1:]:
                total += (a - c) * (b - d) < 0
    return total


def _place(layers: list[list[Node]], edges: list[Edge]) -> tuple[float, float]:
    def gap(left: Node, right: Node) -> float:
        return GAP_X if left.kind != "waypoint" and right.kind != "waypoint" else WAYPOINT_GAP

    def width(layer: list[Node]) -> float:
        return sum(node.width for node in layer) + sum(
            gap(left, right) for left, right in zip(layer, layer[1:], strict=False))

    widths = [width(layer) for layer in layers]
    widest = max(widths, default=BOX_W)
    for number, layer in enumerate(layers):
        x = MARGIN + (widest - widths[number]) / 2
        for place, node in enumerate(layer):
            if place:
                x += gap(layer[place - 1], node)
            node.x = x + node.width / 2
            node.y = MARGIN + number * (BOX_H + GAP_Y)
            x += node.width
    return widest + 2 * MARGIN, MARGIN * 2 + len(layers) * BOX_H + (len(layers) - 1) * GAP_Y


def _route(edges: list[Edge], by_id: dict[str, Node], width: float) -> None:
    lane = 0
    forward = [edge for edge in edges if not edge.back]
    for edge in edges:
        if edge.back:
            lane += 1
            source, target = by_id[edge.source], by_id[edge.target]
            x = edge.lane_x = width - MARGIN / 2 + lane * BACK_LANE
            start = (source.x + source.width / 2, source.y + BOX_H / 2)
            end = (target.x + target.width / 2, target.y + BOX_H / 2)
            edge.path = (f"M{start[0]:.0f},{start[1]:.0f} C{x:.0f},{start[1]:.0f} "
                         f"{x:.0f},{end[1]:.0f} {end[0] + 6:.0f},{end[1]:.0f}")
            edge.label_x, edge.label_y = x - edge.label_width / 2, (start[1] + end[1]) / 2
    for edge in forward:
        edge.points = [(0.0, 0.0)]
        for waypoint_id in edge.chain:
            waypoint = by_id[waypoint_id]
            edge.points += [(waypoint.x, waypoint.y), (waypoint.x, waypoint.y + BOX_H)]
        edge.points.append((0.0, 0.0))
    _ports(forward, by_id)
    for edge in forward:
        points = edge.points
        commands = [f"M{points[0][0]:.0f},{points[0][1]:.0f}"]
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            if x1 == x2:
                commands.append(f"L{x2:.0f},{y2:.0f}")
            else:
                middle = (y1 + y2) / 2
                commands.append(f"C{x1:.0f},{middle:.0f} {x2:.0f},{middle:.0f} {x2:.0f},{y2:.0f}")
        edge.path = " ".join(commands)


def _ports(edges: list[Edge], by_id: dict[str, Node]) -> None:
    """Arrows leaving (entering) one box start (end) at points spread along its bottom (top)
    edge, in the order of where they go to (come from), so they fan out instead of bundling."""
    leaving: dict[str, list[Edge]] = {}
    entering: dict[str, list[Edge]] = {}
    for edge in edges:
        leaving.setdefault(edge.source, []).append(edge)
        entering.setdefault(edge.target, []).append(edge)

    def spread(node: Node, count: int, number: int) -> float:
        usable = min(node.width - 40, 36 * (count - 1))
        return node.x if count == 1 else node.x - usable / 2 + usable * number / (count - 1)

    for source_id, group in leaving.items():
        source = by_id[source_id]
        group.sort(key=lambda e: (_towards(e, by_id, -1), by_id[e.target].order))
        for number, edge in enumerate(group):
            edge.points[0] = (spread(source, len(group), number), source.y + BOX_H)
    for target_id, group in entering.items():
        target = by_id[target_id]
        group.sort(key=lambda e: (_towards(e, by_id, 0), by_id[e.source].order))
        for number, edge in enumerate(group):
            edge.points[-1] = (spread(target, len(group), number), target.y - 6)


def _towards(edge: Edge, by_id: dict[str, Node], end: int) -> float:
    """The x of the node next to one end of the edge: its first waypoint or its other end."""
    if edge.chain:
        return by_id[edge.chain[0 if end == -1 else -1]].x
    return by_id[edge.target if end == -1 else edge.source].x


def _place_labels(edges: list[Edge], by_id: dict[str, Node]) -> None:
    """Each label sits on the end of its arrow where fewer labels meet: near the source when
    its box sends few labelled arrows, else near the target. Labels meeting at one box are put
    at different heights, so that neighbours do not overlap."""
    labelled = [edge for edge in edges if not edge.back and edge.labels]
    leaving: dict[str, list[Edge]] = {}
    entering: dict[str, list[Edge]] = {}
    for edge in labelled:
        leaving.setdefault(edge.source, []).append(edge)
        entering.setdefault(edge.target, []).append(edge)
    near_target: dict[str, list[Edge]] = {}
    near_source: dict[str, list[Edge]] = {}
    for edge in labelled:
        if len(leaving[edge.source]) > 2 and len(entering[edge.target]) < len(
                leaving[edge.source]):
            near_target.setdefault(edge.target, []).append(edge)
        else:
            near_source.setdefault(edge.source, []).append(edge)
    for group in near_source.values():
        _stagger(group, lambda edge: (edge.points[0], edge.points[1]), 0.2, 0.6)
    for group in near_target.values():
        _stagger(group, lambda edge: (edge.points[-2], edge.points[-1]), 0.45, 0.35)


def _stagger(group: list[Edge], segment, first: float, span: float) -> None:
    group.sort(key=lambda edge: segment(edge)[0][0])
    for number, edge in enumerate(group):
        (x1, y1), (x2, y2) = segment(edge)
        share = first + span / 2 if len(group) == 1 else first + span * number / (len(group) - 1)
        # x along the arrow's curve (3t² - 2t³ for these control points) at that height
        ease = 3 * share ** 2 - 2 * share ** 3
        edge.label_x = x1 + (x2 - x1) * ease - edge.label_width / 2
        edge.label_y = y1 + (y2 - y1) * share
