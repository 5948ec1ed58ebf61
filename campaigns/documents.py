"""The draft rows of a campaign read as one blueprint document (schema 1, see blueprints/README.md).

The reverse direction, document → rows, is a write and lives in `services.campaigns`.
"""

from django.db.models import Prefetch

from campaigns.models import Campaign, Question, Step


def draft_document(campaign: Campaign) -> dict:
    steps = campaign.steps.prefetch_related(
        Prefetch("questions", queryset=Question.objects.prefetch_related("choices")), "rules"
    )
    document = {
        "schema": 1,
        "name": campaign.name,
        "kind": campaign.kind,
        "description": campaign.description,
        "theme": campaign.theme,
        "settings": {
            "scoring": campaign.scoring,
            "progress": campaign.show_progress,
            "allow_back": campaign.allow_back,
        },
        "steps": [_step(step) for step in steps],
        "outcomes": [
            {
                "key": o.key, "title": o.title, "body": o.body, "image": o.image,
                "min_score": o.min_score, "max_score": o.max_score,
                "redirect_url": o.redirect_url, "share_image": o.share_image,
            }
            for o in campaign.outcomes.all()
        ],
        "emails": [
            {
                "trigger": e.trigger, "outcome": e.outcome_key or None, "subject": e.subject,
                "body": e.body, "delay_minutes": e.delay_minutes,
            }
            for e in campaign.email_templates.all()
        ],
    }
    if campaign.intro:
        document["intro"] = campaign.intro
    if campaign.languages:
        document["languages"] = campaign.languages
        document["translations"] = campaign.translations
    # Not part of the flow (normalise leaves it out of every version), but an export, an import
    # and a copy carry the campaign's gate, rules and limits with it.
    settings = {key: value for key, value in campaign.settings.items() if key != "rules_version"}
    if settings:
        document["campaign_settings"] = settings
    return document


def _step(step: Step) -> dict:
    return {
        "key": step.key,
        "title": step.title,
        "body": step.body,
        "button": step.button,
        "questions": [
            {
                "key": q.key, "kind": q.kind, "label": q.label, "help": q.help,
                "required": q.required, "placeholder": q.placeholder,
                "validation": q.validation, "correct": q.correct, "points": q.points,
                **({"contact": q.contact} if q.contact else {}),
                "choices": [
                    {"key": c.key, "label": c.label, "image": c.image,
                     "points": c.points, "weights": c.weights}
                    for c in q.choices.all()
                ],
            }
            for q in step.questions.all()
        ],
        "rules": [{"when": r.condition, "action": r.action} for r in step.rules.all()],
    }
