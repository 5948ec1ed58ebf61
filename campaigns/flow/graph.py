"""The flow as a graph of steps, and the linear-time analyses validate() builds on.

Nodes are step positions. A step has an edge to every step a live rule can jump to, and to the
next step when no rule jumps unconditionally. Rules after an unconditional jump never run.
Nothing here enumerates paths: reachability and SCCs are one DFS each, and dataflow visits
each edge a constant number of times per pass over a reverse postorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .definition import Definition


@dataclass(frozen=True, slots=True)
class FlowGraph:
    successors: tuple[tuple[int, ...], ...]
    predecessors: tuple[tuple[int, ...], ...]
    natural_ends: tuple[bool, ...]  # can finish with the outcome settings.scoring picks
    outcome_jumps: tuple[tuple[str, ...], ...]  # outcome keys the step can jump to
    live_rules: tuple[int, ...]  # how many of the step's rules can ever run


def flow_graph(definition: Definition) -> FlowGraph:
    successors, natural_ends, outcome_jumps, live_rules = [], [], [], []
    for position, step in enumerate(definition.steps):
        targets: dict[int, None] = {}
        outcomes: dict[str, None] = {}
        ends = False
        live = len(step.rules)
        for index, rule in enumerate(step.rules):
            action = rule.action
            # A jump to a missing target is skipped at run time (and reported by validate).
            if action.type == "goto_step" and action.step in definition.step_positions:
                targets[definition.step_positions[action.step]] = None
            elif action.type == "goto_outcome" and action.outcome in definition.outcomes_by_key:
                outcomes[action.outcome] = None
            elif action.type == "end":
                ends = True
            else:
                continue
            if rule.when is None:
                live = index + 1
                break
        else:
            if position + 1 < len(definition.steps):
                targets[position + 1] = None
            else:
                ends = True
        successors.append(tuple(targets))
        natural_ends.append(ends)
        outcome_jumps.append(tuple(outcomes))
        live_rules.append(live)
    predecessors: list[list[int]] = [[] for _ in successors]
    for source, targets in enumerate(successors):
        for target in targets:
            predecessors[target].append(source)
    return FlowGraph(
        tuple(successors),
        tuple(tuple(sources) for sources in predecessors),
        tuple(natural_ends),
        tuple(outcome_jumps),
        tuple(live_rules),
    )


def reachable(graph: FlowGraph) -> list[bool]:
    seen = [False] * len(graph.successors)
    if not seen:
        return seen
    seen[0] = True
    stack = [0]
    while stack:
        for target in graph.successors[stack.pop()]:
            if not seen[target]:
                seen[target] = True
                stack.append(target)
    return seen


def cycles(graph: FlowGraph) -> list[list[int]]:
    """Every strongly connected component that contains a cycle (Tarjan's, iterative)."""
    count = len(graph.successors)
    index_of = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(count):
        if index_of[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            targets = graph.successors[node]
            if edge < len(targets):
                work.append((node, edge + 1))
                target = targets[edge]
                if index_of[target] == -1:
                    work.append((target, 0))
                elif on_stack[target]:
                    low[node] = min(low[node], index_of[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = _pop_component(stack, on_stack, node)
                if len(component) > 1 or node in targets:
                    found.append(sorted(component))
    return found


def _pop_component(stack: list[int], on_stack: list[bool], root: int) -> list[int]:
    """The strongly connected component `root` heads: the stack down to it, taken off."""
    component = []
    while True:
        member = stack.pop()
        on_stack[member] = False
        component.append(member)
        if member == root:
            return component


def reverse_postorder(graph: FlowGraph, live: list[bool]) -> list[int]:
    """Live steps in an order that puts every step before its successors when acyclic."""
    order: list[int] = []
    visited = [False] * len(graph.successors)
    for root in range(len(graph.successors)):
        if visited[root] or not live[root]:
            continue
        visited[root] = True
        work = [(root, 0)]
        while work:
            node, edge = work.pop()
            targets = graph.successors[node]
            if edge < len(targets):
                work.append((node, edge + 1))
                target = targets[edge]
                if not visited[target] and live[target]:
                    visited[target] = True
                    work.append((target, 0))
            else:
                order.append(node)
    order.reverse()
    return order


def forward_dataflow(
    graph: FlowGraph,
    order: list[int],
    *,
    start: int,
    initial: int,
    meet: Callable[[int, int], int],
    gen: list[int],
) -> list[int]:
    """Bitmask sets OUT[s] = meet(OUT[p] for each predecessor p, plus `start` at step 0) | gen[s]
    for the steps in `order`, iterated until stable: on an acyclic graph in reverse postorder
    that is one pass and a confirming one. Steps outside `order` keep `initial`, which must be
    neutral for `meet` (all bits for AND, none for OR)."""
    out = [initial] * len(graph.successors)
    changed = True
    while changed:
        changed = False
        for node in order:
            incoming = start if node == 0 else None
            for source in graph.predecessors[node]:
                incoming = out[source] if incoming is None else meet(incoming, out[source])
            value = (initial if incoming is None else incoming) | gen[node]
            if value != out[node]:
                out[node] = value
                changed = True
    return out
