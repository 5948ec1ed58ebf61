"""Writes to a campaign's draft email templates, published with the campaign's next version.

Each write edits the draft at its revision (`draft_edit`) in the same transaction, so two editors
never overwrite each other. The checks here are the ones the editor can fix on the spot; the
publish check (`flow.validate`) still runs over the whole campaign before it goes live.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max

from campaigns import flow
from campaigns.flow.recall import EMAIL_NAMES, UNPROVEN_NAMES, UNPROVEN_TRIGGERS
from campaigns.models import Campaign, EmailTemplate, EmailTrigger
from campaigns.services.drafts import draft_edit

MAX_DELAY_MINUTES = 30 * 24 * 60
# Names that only make sense for some triggers: shown in the tag picker for those only.
TRIGGER_ONLY_NAMES = {"resume_link": ("resume", "reminder"),
                      "claim_link": ("winner",), "claim_deadline": ("winner",),
                      "proof_link": ("winner",)}
DESCRIPTIONS = {
    "score": "Score", "outcome.title": "Outcome title", "result_link": "Link to their result",
    "referral_link": "Their referral link", "unsubscribe_link": "Unsubscribe link",
    "resume_link": "Link to continue their entry", "claim_link": "Link to claim the prize",
    "claim_deadline": "Claim deadline", "proof_link": "The draw's public proof",
}


def merge_tags(campaign: Campaign, trigger: str) -> list[tuple[str, str]]:
    """(tag, what it shows) for the picker: answers of the draft's questions, then the rest."""
    if trigger in UNPROVEN_TRIGGERS:
        return [(name, DESCRIPTIONS[name]) for name in UNPROVEN_NAMES]
    tags = [("name", "The entrant's name")]
    questions = campaign.questions.order_by("step__position", "position", "id")
    for key, label, kind in questions.values_list("key", "label", "kind"):
        if kind != "statement":
            tags.append((f"answers.{key}", label or key))
    for name in EMAIL_NAMES:
        if name != "name" and trigger in TRIGGER_ONLY_NAMES.get(name, (trigger,)):
            tags.append((name, DESCRIPTIONS.get(name, name)))
    return tags


def _clean(campaign: Campaign, *, trigger: str, subject: str, body: str, outcome_key: str,
           delay_minutes: int) -> dict:
    errors = {}
    if trigger not in EmailTrigger.values:
        errors["trigger"] = "Choose when this email is sent."
    subject, body = " ".join(subject.split()), body.replace("\r\n", "\n").strip()
    if not subject:
        errors["subject"] = "Give the email a subject."
    elif len(subject) > 300:
        errors["subject"] = "Keep the subject under 300 characters."
    if not body:
        errors["body"] = "Write the email's text."
    outcome_key, delay_minutes = _trigger_fields(campaign, trigger, outcome_key, delay_minutes,
                                                 errors)
    known = {tag for tag, _ in merge_tags(campaign, trigger)} | {
        f"answers.{key}" for key in campaign.questions.values_list("key", flat=True)}
    for field, text in (("subject", subject), ("body", body)):
        problem = None if field in errors else _tags_problem(trigger, text, known)
        if problem:
            errors[field] = problem
    if errors:
        raise ValidationError(errors)
    return {"trigger": trigger, "subject": subject, "body": body, "outcome_key": outcome_key,
            "delay_minutes": delay_minutes}


def _trigger_fields(campaign: Campaign, trigger: str, outcome_key: str, delay_minutes: int,
                    errors: dict[str, str]) -> tuple[str, int]:
    """The outcome and the delay, each kept only for the trigger that uses it (and checked)."""
    if trigger != EmailTrigger.OUTCOME:
        outcome_key = ""
    elif not campaign.outcomes.filter(key=outcome_key).exists():
        errors["outcome_key"] = "Choose the outcome that sends this email."
    if trigger != EmailTrigger.REMINDER:
        delay_minutes = 0
    elif not 1 <= delay_minutes <= MAX_DELAY_MINUTES:
        errors["delay_minutes"] = "Send the reminder between 1 minute and 30 days after " \
                                  "the visitor stopped."
    return outcome_key, delay_minutes


def _tags_problem(trigger: str, text: str, known: set[str]) -> str | None:
    """Why the merge tags of `text` cannot be sent on `trigger`, if they cannot."""
    tags = flow.tags_in(text)
    if trigger in UNPROVEN_TRIGGERS:
        private = [tag for tag in tags if tag not in UNPROVEN_NAMES]
        if private:
            return ("A “Continue later” email goes to whatever address is typed in, so it "
                    "can't show {{ " + private[0][:60] + " }}: use only its links.")
    unknown = [tag for tag in tags if tag not in known and not tag.startswith("vars.")]
    if unknown:
        names = ", ".join("{{ " + tag[:60] + " }}" for tag in unknown[:3])
        return (f"{names} is not a merge tag of this campaign and would show nothing. Pick one "
                "from the list of merge tags.")
    return None


def email_template_create(*, campaign: Campaign, by, revision: int | None,
                          trigger: str, subject: str, body: str, outcome_key: str = "",
                          delay_minutes: int = 0) -> EmailTemplate:
    fields = _clean(campaign, trigger=trigger, subject=subject, body=body,
                    outcome_key=outcome_key, delay_minutes=delay_minutes)
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"Added the email “{fields['subject']}”"):
        last = campaign.email_templates.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
        return EmailTemplate.objects.create(campaign=campaign, position=position, **fields)


def email_template_update(*, template: EmailTemplate, by, revision: int | None,
                          trigger: str, subject: str, body: str, outcome_key: str = "",
                          delay_minutes: int = 0) -> EmailTemplate:
    fields = _clean(template.campaign, trigger=trigger, subject=subject, body=body,
                    outcome_key=outcome_key, delay_minutes=delay_minutes)
    with draft_edit(campaign=template.campaign, by=by, revision=revision,
                    summary=f"Changed the email “{fields['subject']}”"):
        for name, value in fields.items():
            setattr(template, name, value)
        template.save()
    return template


def email_template_delete(*, template: EmailTemplate, by,
                          revision: int | None) -> Campaign:
    with draft_edit(campaign=template.campaign, by=by, revision=revision,
                    summary=f"Deleted the email “{template.subject}”") as campaign:
        template.delete()
    return campaign
