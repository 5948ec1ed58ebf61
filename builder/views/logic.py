"""The rule editor: per step, its rules in order, each a sentence with a form behind it.

One rule form is open at a time (`?edit=<rule id>` or `?add=<step key>`). Editing the condition
(adding a row, changing the question) posts the form with `edit=…` and gets the form back,
re-drawn, without saving; `save` writes through campaigns.services.rules. A plain request is
redirected after a write; an HTMX one gets the steps region again, with every form on the new
revision.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from builder.access import campaign_view
from builder.htmx import fragment, written
from builder.logic import ruleform
from builder.logic.describe import describe_action, describe_condition
from builder.views import Confirmation, confirmation_page
from builder.views.flowmap import checked, draft_map, fixed_in_logic
from campaigns.documents import draft_document
from campaigns.flow.kinds import format_number
from campaigns.models import Campaign, Role, Rule, Scoring, Step
from campaigns.rule_checks import DraftIndex, RuleInvalid
from campaigns.services.drafts import StaleDraft, parse_revision
from campaigns.services.rules import (
    campaign_scoring_set,
    rule_create,
    rule_delete,
    rule_move,
    rule_update,
)

REGION = "#logic-steps"


def _rule(campaign: Campaign, rule_id: int) -> Rule:
    rule = Rule.objects.select_related("step__campaign").filter(
        step__campaign=campaign, pk=rule_id).first()
    if rule is None:
        raise Http404("Not found.")
    return rule


def _logic_url(campaign: Campaign, step_key: str = "") -> str:
    url = reverse("builder:campaign_logic", args=[campaign.pk])
    return f"{url}#rules-{step_key}" if step_key else url


@require_GET
@campaign_view()
def campaign_logic(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    document = draft_document(campaign)
    index = DraftIndex.of(document)
    form = None
    if request.membership.allows(Role.EDITOR):
        form = _requested_form(campaign, index, request.GET)
    context = _context(request, campaign, document, index, form)
    template = "builder/_logic_steps.html" if request.htmx else "builder/logic.html"
    return render(request, template, context)


def _requested_form(campaign: Campaign, index: DraftIndex, query) -> dict | None:
    if query.get("edit", "").isdigit():
        rule = Rule.objects.filter(step__campaign=campaign, pk=int(query["edit"])).select_related(
            "step").first()
        if rule is not None:
            return _form(campaign, rule.step, rule, ruleform.tree_from_condition(rule.condition),
                         ruleform.ActionForm.of(rule.action))
    step = campaign.steps.filter(key=query.get("add", "")).first()
    if step is not None:
        tree = ruleform.Group(ruleform.ROOT, "all",
                              [ruleform.default_leaf(index, step.key, "w.0")])
        return _form(campaign, step, None, tree, _default_action(index, step.key))
    return None


def _default_action(index: DraftIndex, step_key: str) -> ruleform.ActionForm:
    """A new rule jumps to the step after the next one: the commonest reason to add a rule."""
    keys = list(index.steps)
    position = keys.index(step_key) if step_key in keys else 0
    later = keys[position + 2:] or keys[position + 1:]
    return ruleform.ActionForm(type="goto_step", step=later[0] if later else "")


def _form(campaign: Campaign, step: Step, rule: Rule | None, tree: ruleform.Group,
          action: ruleform.ActionForm, errors: dict | None = None, stale: str = "") -> dict:
    url = (reverse("builder:rule", args=[campaign.pk, rule.pk]) if rule
           else reverse("builder:rule_new", args=[campaign.pk]))
    return {"step": step, "rule": rule, "tree": tree, "action": action, "errors": errors or {},
            "stale": stale, "url": url,
            "prefix": f"rule-{rule.pk}" if rule else f"new-{step.key}"}


def _context(request: HttpRequest, campaign: Campaign, document: dict, index: DraftIndex,
             form: dict | None, notice: str = "") -> dict:
    definition, problems = checked(document)
    steps = []
    rows = zip(document["steps"], campaign.steps.prefetch_related("rules"), strict=True)
    for position, (step_doc, step) in enumerate(rows):
        rules = list(step.rules.all())  # prefetched
        steps.append({
            "step": step,
            "number": position + 1,
            "questions": len(step_doc.get("questions", [])),
            "rules": [{"rule": rule, "when": describe_condition(index, rule.condition),
                       "then": describe_action(index, rule.action),
                       "open": bool(form and form["rule"] and form["rule"].pk == rule.pk)}
                      for rule in rules],
            "adding": bool(form and form["rule"] is None and form["step"].pk == step.pk),
            "problems": [p for p in problems if p.step == step.key and fixed_in_logic(p)],
            "falls_to": _falls_to(document, position, index),
            "always_jumps": next((number for number, rule in enumerate(rules, start=1)
                                  if rule.condition is None and rule.action.get("type") in (
                                      "goto_step", "goto_outcome", "end")), None),
        })
    if form is not None:
        _prepare(form, index)
    return {
        "campaign": campaign, "index": index, "steps": steps, "form": form, "notice": notice,
        "can_edit": request.membership.allows(Role.EDITOR),
        "scoring_choices": Scoring.choices,
        "field_options": ruleform.field_options(index),
        "action_types": ruleform.action_types(),
        "problem_count": len(problems),
        "map": draft_map(campaign, document, definition, problems),
        "outcomes": [{"title": o.get("title") or o["key"], "range": _range(o)}
                     for o in document.get("outcomes", [])],
    }


def _range(outcome: dict) -> str:
    low, high = outcome.get("min_score"), outcome.get("max_score")
    if low is None and high is None:
        return "no range: reached only by a rule"
    shown = [format_number(v) if v is not None else None for v in (low, high)]
    if low is not None and high is not None:
        return f"score {shown[0]} to {shown[1]}"
    return f"score {shown[0]} or more" if low is not None else f"score {shown[1]} or less"


def _rule_sentence(campaign: Campaign, rule: Rule) -> str:
    """The rule as the logic page writes it: "If … → …" or "Always → …"."""
    index = DraftIndex.of(draft_document(campaign))
    then = describe_action(index, rule.action)
    if rule.condition is None:
        return f"Always: {then}."
    return f"If {describe_condition(index, rule.condition)}: {then}."


def _falls_to(document: dict, position: int, index: DraftIndex) -> str:
    steps = document["steps"]
    if position + 1 < len(steps):
        following = steps[position + 1]
        return f"step {following['key']}" + (f" ({following['title']})"
                                             if following.get("title") else "")
    return {"score": "the outcome the score picks", "weights": "the outcome with most weight"
            }.get(document["settings"]["scoring"], "the thank-you page")


def _prepare(form: dict, index: DraftIndex) -> None:
    """Attach what the template shows to each node: pickers, labels, ids and errors."""
    errors = ruleform.errors_by_path(form["errors"])
    prefix = form["prefix"]

    def visit(node) -> None:
        dom = f"{prefix}-{node.path.replace('.', '-')}"
        node.dom = dom
        node.number = ".".join(str(int(part) + 1) for part in node.path.split(".")[1:])
        node.error = errors.get(node.path, "")
        node.kind = type(node).__name__.lower()
        if isinstance(node, ruleform.Group):
            node.can_nest = node.depth < ruleform.EDITABLE_DEPTH
            for item in node.items:
                visit(item)
        elif isinstance(node, ruleform.Frozen):
            node.summary = ruleform.frozen_summary(index, node)
        else:
            node.view = ruleform.leaf_view(index, node)
            node.errors = {part: errors.get(f"{node.path}.{part}", "")
                           for part in ("field", "op", "value")}
            node.error_id = f"{dom}-error" if any(node.errors.values()) else ""
            node.lines, node.numbers = "\n".join(node.values), ", ".join(node.values)

    shown: set[str] = set()
    visit(form["tree"])
    for node in _nodes(form["tree"]):
        shown.add(node.path)
        shown.update(f"{node.path}.{part}" for part in ("field", "op", "value"))
    form["action_errors"] = {key[7:]: message for key, message in errors.items()
                             if key.startswith("action.")}
    # Anything not shown beside a field (a kept deeper group, the rule as a whole) goes on top.
    form["other_errors"] = [message for key, message in errors.items()
                            if key not in shown and not key.startswith("action.")]


def _nodes(group: ruleform.Group):
    yield group
    for item in group.items:
        if isinstance(item, ruleform.Group):
            yield from _nodes(item)
        elif isinstance(item, ruleform.Leaf):
            yield item


def _region(request: HttpRequest, campaign: Campaign, notice: str = "") -> HttpResponse:
    campaign.refresh_from_db()
    document = draft_document(campaign)
    return fragment(request, "builder/_logic_steps.html",
                    _context(request, campaign, document, DraftIndex.of(document), None, notice),
                    target=REGION)


def _show_form(request: HttpRequest, campaign: Campaign, form: dict) -> HttpResponse:
    document = draft_document(campaign)
    index = DraftIndex.of(document)
    if request.htmx:
        _prepare(form, index)
        return render(request, "builder/_rule_form.html",
                      {"campaign": campaign, "form": form, "index": index,
                       "field_options": ruleform.field_options(index),
                       "action_types": ruleform.action_types()})
    return render(request, "builder/logic.html",
                  _context(request, campaign, document, index, form))


@require_POST
@campaign_view()
def rule_new(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    step = campaign.steps.filter(key=request.POST.get("step", "")).first()
    if step is None:
        messages.error(request, "That step no longer exists; the rule was not added.")
        return _after_write(request, campaign)
    return _rule_post(request, campaign, step, None)


@require_POST
@campaign_view()
def rule_edit(request: HttpRequest, campaign: Campaign, rule_id: int) -> HttpResponse:
    rule = _rule(campaign, rule_id)
    return _rule_post(request, campaign, rule.step, rule)


def _rule_post(request: HttpRequest, campaign: Campaign, step: Step,
               rule: Rule | None) -> HttpResponse:
    index = DraftIndex.of(draft_document(campaign))
    tree = ruleform.tree_from_post(request.POST)
    action = ruleform.ActionForm.from_post(request.POST)
    edit = request.POST.get("edit", "")
    if edit and not request.POST.get("save"):
        if edit != "refresh":
            tree = ruleform.apply_edit(tree, edit, ruleform.default_leaf(index, step.key))
        return _show_form(request, campaign, _form(campaign, step, rule, tree, action))
    condition, errors = ruleform.condition_from_tree(tree, index)
    action_dict, action_errors = action.to_action()
    errors |= action_errors
    stale = ""
    if not errors:
        revision = parse_revision(request.POST.get("revision"))
        try:
            if rule is None:
                rule_create(step=step, condition=condition, action=action_dict, by=request.user,
                            revision=revision)
            else:
                rule_update(rule=rule, condition=condition, action=action_dict, by=request.user,
                            revision=revision)
        except RuleInvalid as refused:
            errors = refused.errors
        except StaleDraft as refused:
            stale = str(refused)
        else:
            messages.success(request, f"Rule saved on step {step.key}.")
            return _after_write(request, campaign, step.key)
    form = _form(campaign, step, rule, tree, action, errors, stale)
    return _show_form(request, campaign, form)


@require_POST
@campaign_view()
def rule_move_view(request: HttpRequest, campaign: Campaign, rule_id: int) -> HttpResponse:
    rule = _rule(campaign, rule_id)
    direction = request.POST.get("direction")
    position = request.POST.get("position", "")
    if direction in ("up", "down"):
        target = rule.position + (-1 if direction == "up" else 1)
    elif position.isdigit():
        target = int(position)
    else:
        messages.error(request, "Say where the rule should go.")
        return _after_write(request, campaign, rule.step.key)
    try:
        rule_move(rule=rule, position=target, by=request.user,
                  revision=parse_revision(request.POST.get("revision")))
    except StaleDraft as refused:
        messages.error(request, str(refused))
    return _after_write(request, campaign, rule.step.key)


@require_POST
@campaign_view()
def rule_delete_view(request: HttpRequest, campaign: Campaign, rule_id: int) -> HttpResponse:
    rule = _rule(campaign, rule_id)
    if not request.POST.get("confirm"):  # the HTMX form asks in a dialog and sends confirm
        return confirmation_page(request, campaign, Confirmation(
            title="Delete the rule?", question=f"Delete this rule of step {rule.step.key}?",
            body=f"{_rule_sentence(campaign, rule)} It cannot be undone.", button="Delete",
            action=reverse("builder:rule_delete", args=[campaign.pk, rule.pk]),
            cancel_url=_logic_url(campaign, rule.step.key),
            fields=(("revision", request.POST.get("revision", "")),)))
    try:
        rule_delete(rule=rule, by=request.user,
                    revision=parse_revision(request.POST.get("revision")))
    except StaleDraft as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Rule deleted from step {rule.step.key}.")
    return _after_write(request, campaign, rule.step.key)


@require_POST
@campaign_view()
def campaign_scoring(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    try:
        campaign_scoring_set(campaign=campaign, scoring=request.POST.get("scoring", ""),
                             by=request.user,
                             revision=parse_revision(request.POST.get("revision")))
    except RuleInvalid as refused:
        messages.error(request, "; ".join(refused.errors.values()))
    except StaleDraft as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Outcomes are now picked {_scoring_phrase(campaign.scoring)}.")
    return _after_write(request, campaign)


def _scoring_phrase(scoring: str) -> str:
    return {"none": "only by rules (no scoring)", "score": "by score range",
            "weights": "by most weight"}[scoring]


def _after_write(request: HttpRequest, campaign: Campaign, step_key: str = "") -> HttpResponse:
    return written(request, to=_logic_url(campaign, step_key),
                   region=lambda: _region(request, campaign))
