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

from campaigns import flow
from campaigns.flow.kinds import format_number
from campaigns.rule_checks import DraftIndex

from ..describe import describe_condition
from . import layout, routing
from .model import BOX_H, MARGIN, Edge, FlowMap, Node

__all__ = ["BOX_H", "Edge", "FlowMap", "Node", "flow_map"]


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
    layout.layer(nodes, edges, by_id)
    layers = layout.waypoints(nodes, edges, by_id)
    layout.order(layers, edges, by_id)
    width, height = layout.place(layers, edges)
    routing.route(edges, by_id, width)
    routing.place_labels(edges, by_id)
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
            target = _jump_target(definition, rule.action)
            if not target:
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


def _jump_target(definition: flow.Definition, action) -> str:
    """The node a rule's action jumps to; "" for an action that jumps nowhere (or nowhere that
    still exists)."""
    if action.type == "goto_step" and action.step in definition.steps_by_key:
        return f"step:{action.step}"
    if action.type == "goto_outcome" and action.outcome in definition.outcomes_by_key:
        return f"outcome:{action.outcome}"
    return "end" if action.type == "end" else ""


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
