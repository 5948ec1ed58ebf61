"""Layers, waypoints, ordering within layers and coordinates (steps 2 to 4 of the drawing)."""

from __future__ import annotations

from .model import (
    BOX_H,
    BOX_W,
    GAP_X,
    GAP_Y,
    MARGIN,
    SWEEPS,
    WAYPOINT_BUDGET,
    WAYPOINT_GAP,
    WAYPOINT_W,
    Edge,
    Node,
)


def layer(nodes: list[Node], edges: list[Edge], by_id: dict[str, Node]) -> None:
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


def waypoints(nodes: list[Node], edges: list[Edge], by_id: dict[str, Node]) -> list[list[Node]]:
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


def order(layers: list[list[Node]], edges: list[Edge], by_id: dict[str, Node]) -> None:
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


def place(layers: list[list[Node]], edges: list[Edge]) -> tuple[float, float]:
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
