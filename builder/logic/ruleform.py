"""The rule editor's form: a condition tree posted as flat fields, and back.

A form lists its nodes in document order as hidden `node` inputs, `<path>|<type>`, where the root
group is `w` and its items `w.0`, `w.1`, a nested group's items `w.1.0`… Each node's own fields
are named after its path: a group's `<path>-mode`; a leaf's `<path>-field`, `<path>-op`,
`<path>-value` (several for checkboxes) and `<path>-value2` (the high end of `between`); a group
nested deeper than the editor edits travels whole as JSON in `<path>-json` and is kept as is.
Parsing never raises: what cannot be read becomes an error next to its field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from campaigns import flow
from campaigns.flow.kinds import format_number
from campaigns.flow.schema import ADJUSTMENTS, MAX_GROUP_ITEMS
from campaigns.rule_checks import DraftIndex

from .describe import ACTION_LABELS, describe_condition, operator_label
from .widgets import parse_number, widget_for

ROOT = "w"
EDITABLE_DEPTH = 1  # the root group plus one level of nested groups
_PATH = re.compile(r"w(?:\.[0-9]{1,3}){0,8}")
ACTION_TYPES = ("goto_step", "goto_outcome", "end", "add", "subtract", "set")


@dataclass
class Leaf:
    path: str
    field: str = ""
    op: str = ""
    values: list[str] = default(default_factory=list)
    value2: str = ""


@dataclass
class Group:
    path: str
    mode: str = "all"
    items: list[Leaf | Group | Frozen] = default(default_factory=list)

    @property
    def depth(self) -> int:
        return self.path.count(".")


@dataclass
class Frozen:
    """A group nested deeper than the editor edits: shown as a sentence, saved unchanged."""

    path: str
    condition: dict

    @property
    def as_json(self) -> str:
        return json.dumps(self.condition, separators=(",", ":"))


# --- condition <-> tree ---------------------------------------------------------------------

def tree_from_condition(condition: dict | None) -> Group:
    if condition is None:
        return Group(ROOT)
    if "all" not in condition and "any" not in condition:
        condition = {"all": [condition]}
    return _group(condition, ROOT)


def _group(condition: dict, path: str) -> Group:
    mode = "all" if "all" in condition else "any"
    group = Group(path, mode)
    for position, item in enumerate(condition[mode]):
        where = f"{path}.{position}"
        if "all" in item or "any" in item:
            depth = where.count(".")
            group.items.append(_group(item, where) if depth <= EDITABLE_DEPTH
                               else Frozen(where, item))
        else:
            group.items.append(_leaf(item, where))
    return group


def _leaf(condition: dict, path: str) -> Leaf:
    value = condition.get("value")
    values: list[Any] = [] if value is None else value if isinstance(value, list) else [value]
    leaf = Leaf(path, condition.get("field", ""), condition.get("op", ""))
    if condition.get("op") == "between" and len(values) == 2:
        leaf.values, leaf.value2 = [_raw(values[0])], _raw(values[1])
    else:
        leaf.values = [_raw(item) for item in values]
    return leaf


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def tree_from_post(post) -> Group:
    """The tree the form described; malformed node lists fall back to what can be read."""
    root = Group(ROOT, _mode(post.get(f"{ROOT}-mode")))
    groups: dict[str, Group] = {ROOT: root}
    for node in post.getlist("node")[:500]:
        path, _, kind = node.partition("|")
        parent_path = path.rpartition(".")[0]
        parent = groups.get(parent_path)
        if not _PATH.fullmatch(path) or path == ROOT or parent is None:
            continue
        if len(parent.items) >= MAX_GROUP_ITEMS:
            continue
        if kind == "group" and path.count(".") <= EDITABLE_DEPTH:
            group = Group(path, _mode(post.get(f"{path}-mode")))
            groups[path] = group
            parent.items.append(group)
        elif kind == "frozen":
            try:
                kept = json.loads(post.get(f"{path}-json", ""))
            except ValueError:
                kept = None
            if isinstance(kept, dict):
                parent.items.append(Frozen(path, kept))
        elif kind == "leaf":
            parent.items.append(Leaf(
                path, post.get(f"{path}-field", "")[:100], post.get(f"{path}-op", "")[:30],
                [v[:1000] for v in post.getlist(f"{path}-value")[:200]],
                post.get(f"{path}-value2", "")[:1000],
            ))
    return renumber(root)


def _mode(value: str | None) -> str:
    return "any" if value == "any" else "all"


def renumber(group: Group, path: str = ROOT) -> Group:
    """Paths follow positions again after an edit (error keys are paths)."""
    group.path = path
    for position, item in enumerate(group.items):
        where = f"{path}.{position}"
        if isinstance(item, Group):
            renumber(item, where)
        else:
            item.path = where
    return group


def find(group: Group, path: str) -> Leaf | Group | Frozen | None:
    if group.path == path:
        return group
    for item in group.items:
        if item.path == path:
            return item
        if isinstance(item, Group) and path.startswith(item.path + "."):
            return find(item, path)
    return None


def apply_edit(root: Group, edit: str, new_leaf: Leaf) -> Group:
    """`add:<group>`, `group:<group>` or `remove:<node>` applied to the tree the form posted."""
    verb, _, path = edit.partition(":")
    target = find(root, path)
    if verb == "add" and isinstance(target, Group) and len(target.items) < MAX_GROUP_ITEMS:
        target.items.append(new_leaf)
    elif (verb == "group" and isinstance(target, Group) and target.depth < EDITABLE_DEPTH
          and len(target.items) < MAX_GROUP_ITEMS):
        target.items.append(Group("", "any", [new_leaf]))
    elif verb == "remove" and target is not None and path != ROOT:
        parent = find(root, path.rpartition(".")[0])
        if isinstance(parent, Group):
            parent.items.remove(target)
    return renumber(root)


def condition_from_tree(root: Group, index: DraftIndex) -> tuple[dict | None, dict[str, str]]:
    """The blueprint condition (None when the root group is empty: always) and the fields that
    could not be read, keyed like RuleInvalid's errors."""
    errors: dict[str, str] = {}
    if not root.items:
        return None, errors
    return _condition(root, index, errors), errors


def _condition(node: Leaf | Group | Frozen, index: DraftIndex, errors: dict[str, str]):
    if isinstance(node, Frozen):
        return node.condition
    if isinstance(node, Group):
        return {node.mode: [_condition(item, index, errors) for item in node.items]}
    leaf = {"field": node.field, "op": node.op, "value": None}
    widget = widget_for(index, node.field, node.op)
    if widget.name != "none":
        value, problem = widget.parse(node.values, node.value2)
        if problem:
            errors[f"{node.path}.value"] = problem
        leaf["value"] = value
    return leaf


def errors_by_path(errors: dict[str, str]) -> dict[str, str]:
    """Service error keys (`when.0.1.op`) in the form's terms (`w.0.1.op`)."""
    return {(ROOT + key[4:] if key.startswith("when") else key): message
            for key, message in errors.items()}


# --- what the template shows ----------------------------------------------------------------

def field_options(index: DraftIndex) -> list[tuple[str, list[tuple[str, str]]]]:
    """The first dropdown, grouped by step: every question a condition can test, then the
    score and the variables actions set."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for position, (step_key, title) in enumerate(index.steps.items(), start=1):
        options = [(f"answers.{q.key}", q.label or q.key) for q in index.questions.values()
                   if q.step == step_key and q.kind in flow.KINDS and flow.operators_for(q.kind)]
        if options:
            groups.append((f"Step {position}: {title or step_key}", options))
    extra = [("score", "Score")] + [(f"vars.{name}", f"Variable: {name}")
                                    for name in index.variables]
    groups.append(("Score and variables", extra))
    return groups


def default_leaf(index: DraftIndex, step_key: str, path: str = "") -> Leaf:
    """A new condition starts on the step's first question that a condition can test."""
    candidates = [q for q in index.questions.values() if q.kind in flow.KINDS
                  and flow.operators_for(q.kind)]
    on_step = [q for q in candidates if q.step == step_key]
    chosen = (on_step or candidates or [None])[0]
    name = f"answers.{chosen.key}" if chosen else "score"
    return Leaf(path, name, index.operators_for_field(name)[0])


def leaf_view(index: DraftIndex, leaf: Leaf) -> dict:
    operators = index.operators_for_field(leaf.field)
    if leaf.op not in operators and operators:
        leaf.op = operators[0]
    question = index.questions.get(leaf.field[8:]) if leaf.field.startswith("answers.") else None
    kind = question.kind if question else None
    return {
        "ops": [(op, operator_label(op, kind)) for op in operators],
        "widget": widget_for(index, leaf.field, leaf.op),
        "known_field": bool(operators),
    }


@dataclass
class ActionForm:
    type: str = "goto_step"
    step: str = ""
    outcome: str = ""
    target: str = "score"  # "score" or "vars"
    variable: str = ""
    value: str = ""

    @classmethod
    def of(cls, action: dict | None) -> ActionForm:
        action = action or {}
        target = action.get("target") or "score"
        value = action.get("value")
        return cls(
            type=action.get("type", "goto_step"), step=action.get("step") or "",
            outcome=action.get("outcome") or "",
            target="score" if target == "score" else "vars",
            variable=target[5:] if target.startswith("vars.") else "",
            value=_raw(value) if value is not None else "",
        )

    @classmethod
    def from_post(cls, post) -> ActionForm:
        return cls(
            type=post.get("action-type", "")[:20], step=post.get("action-step", "")[:63],
            outcome=post.get("action-outcome", "")[:63],
            target="vars" if post.get("action-target") == "vars" else "score",
            variable=post.get("action-variable", "").strip()[:63],
            value=post.get("action-value", "").strip()[:30],
        )

    def to_action(self) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        if self.type == "goto_step":
            return {"type": "goto_step", "step": self.step}, errors
        if self.type == "goto_outcome":
            return {"type": "goto_outcome", "outcome": self.outcome}, errors
        if self.type in ADJUSTMENTS:
            number, problem = parse_number(self.value)
            if problem:
                errors["action.value"] = problem
            target = "score" if self.target == "score" else f"vars.{self.variable}"
            return {"type": self.type, "target": target, "value": number}, errors
        return {"type": self.type}, errors


def action_types() -> list[tuple[str, str]]:
    labels = {"add": "Add to score or variable", "subtract": "Subtract from score or variable",
              "set": "Set score or variable"}
    return [(kind, labels.get(kind, ACTION_LABELS[kind])) for kind in ACTION_TYPES]


def frozen_summary(index: DraftIndex, frozen: Frozen) -> str:
    return describe_condition(index, frozen.condition)
