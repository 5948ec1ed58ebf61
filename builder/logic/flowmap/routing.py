"""Arrow paths, where they leave and enter boxes, and where their labels sit."""

from __future__ import annotations

from .model import BACK_LANE, BOX_H, MARGIN, Edge, Node


def route(edges: list[Edge], by_id: dict[str, Node], width: float) -> None:
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


def place_labels(edges: list[Edge], by_id: dict[str, Node]) -> None:
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
