"""A campaign's follow-up emails: the templates editor (preview, test send) and the send log.

Templates are draft rows, published with the campaign's next version. The preview renders
exactly what a recipient gets, for the newest completed entry or made-up answers.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from builder.access import campaign_view
from campaigns.models import Campaign, EmailTemplate, EmailTrigger
from campaigns.services.drafts import StaleDraft, parse_revision
from campaigns.services.email_templates import (
    email_template_create,
    email_template_delete,
    email_template_update,
    merge_tags,
)
from entries.mail import render as mail_render
from entries.mail.outbox import email_queue_test, email_requeue
from entries.mail.samples import sample_for
from entries.models import EmailStatus

TRIGGER_HELP = {
    EmailTrigger.COMPLETED: "Sent to everyone who finishes, a few seconds after they do.",
    EmailTrigger.OUTCOME: "Sent to those who reach one outcome, beside the completion email.",
    EmailTrigger.WINNER: "Sent to each winner when you draw them, with their claim link.",
    EmailTrigger.RESUME: "Sent when a visitor asks for a link to continue later. Without one of "
                         "yours, a built-in email is sent.",
    EmailTrigger.REMINDER: "Sent once to a visitor who stopped before the end, gave their email "
                           "and ticked a consent box, after the delay you choose.",
}


class EmailTemplateForm(forms.Form):
    trigger = forms.ChoiceField(choices=EmailTrigger.choices, label="Send when")
    outcome_key = forms.ChoiceField(required=False, label="Outcome")
    delay_minutes = forms.IntegerField(required=False, min_value=0, label="Delay (minutes)",
                                       help_text="How long after the visitor stopped.")
    # Required-ness and tags are checked by the service, so every problem shows at once.
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Text", required=False,
                           help_text="Plain text with merge tags. A blank line starts a new "
                                     "paragraph; links become clickable.")

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_key"].choices = [("", "Choose an outcome")] + [
            (o.key, o.title) for o in campaign.outcomes.all()]


def _form_for(request: HttpRequest, campaign: Campaign,
              template: EmailTemplate | None) -> EmailTemplateForm:
    if request.method == "POST":
        return EmailTemplateForm(request.POST, campaign=campaign)
    if template is not None:
        initial = {"trigger": template.trigger, "outcome_key": template.outcome_key,
                   "delay_minutes": template.delay_minutes, "subject": template.subject,
                   "body": template.body}
    else:
        trigger = request.GET.get("trigger")
        trigger = trigger if trigger in EmailTrigger.values else EmailTrigger.COMPLETED
        initial = {"trigger": trigger, "delay_minutes": 60 if trigger == "reminder" else 0}
    return EmailTemplateForm(initial=initial, campaign=campaign)


def _preview(campaign: Campaign, values: dict) -> dict:
    trigger = values.get("trigger") or EmailTrigger.COMPLETED
    sample = sample_for(campaign, trigger=trigger, outcome_key=values.get("outcome_key") or "")
    rendered = mail_render.render(
        mail_render.Template(values.get("subject", ""), values.get("body", "")), sample.context,
        campaign_name=campaign.name,
        primary=campaign.theme.get("primary") or mail_render.DEFAULT_PRIMARY,
        logo_url=mail_render.absolute_image(campaign.theme.get("logo", "")))
    return {"rendered": rendered, "sample": sample}


def _values(form: EmailTemplateForm) -> dict:
    """What the form holds, cleaned or not: the preview shows even half-written drafts."""
    if form.is_bound:
        return {name: form.data.get(name, "") for name in form.fields}
    return {name: form.initial.get(name, "") for name in form.fields}


@require_GET
@campaign_view()
def campaign_emails(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    templates = list(campaign.email_templates.all())
    outcomes = dict(campaign.outcomes.values_list("key", "title"))
    for template in templates:
        template.outcome_title = outcomes.get(template.outcome_key, template.outcome_key)
    triggers = [
        {"value": value, "label": label, "help": TRIGGER_HELP[value],
         "templates": [t for t in templates if t.trigger == value]}
        for value, label in EmailTrigger.choices
    ]
    counts = dict(campaign.outbound_emails.values_list("status").annotate(n=Count("id")))
    return render(request, "builder/emails.html", {
        "campaign": campaign, "triggers": triggers,
        "counts": [(s, label, counts.get(s, 0)) for s, label in EmailStatus.choices],
        "recent": campaign.outbound_emails.select_related("entry")[:10],
    })


def _editor(request: HttpRequest, campaign: Campaign, template: EmailTemplate | None):
    form = _form_for(request, campaign, template)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "preview":
        if request.htmx:
            # The preview, and out of band the tags and help of the trigger now chosen.
            return render(request, "builder/_email_preview.html",
                          {**_editor_context(campaign, template, form), "oob": True})
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"trigger": data["trigger"], "subject": data["subject"], "body": data["body"],
                  "outcome_key": data["outcome_key"] or "",
                  "delay_minutes": data["delay_minutes"] or 0}
        revision = parse_revision(request.POST.get("revision"))
        try:
            if template is None:
                template = email_template_create(campaign=campaign, by=request.user,
                                                 revision=revision, **fields)
            else:
                template = email_template_update(template=template, by=request.user,
                                                 revision=revision, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        except StaleDraft as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, "Email saved. It goes out with the next published "
                             "version." if campaign.published_version_id else "Email saved.")
            return redirect("builder:email_template", campaign.pk, template.pk)
    return render(request, "builder/email_template.html",
                  _editor_context(campaign, template, form))


def _editor_context(campaign: Campaign, template: EmailTemplate | None,
                    form: EmailTemplateForm) -> dict:
    values = _values(form)
    trigger = values.get("trigger") if values.get("trigger") in EmailTrigger.values else (
        EmailTrigger.COMPLETED)
    return {
        "campaign": campaign, "template": template, "form": form,
        "tags": [("{{ " + name + " }}", label) for name, label in merge_tags(campaign, trigger)],
        "trigger_help": TRIGGER_HELP[trigger],
        **_preview(campaign, {**values, "trigger": trigger}),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view()
def email_template_new(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return _editor(request, campaign, None)


@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view()
def email_template_edit(request: HttpRequest, campaign: Campaign,
                        email_template_id: int) -> HttpResponse:
    template = _template(campaign, email_template_id)
    return _editor(request, campaign, template)


def _template(campaign: Campaign, email_template_id: int) -> EmailTemplate:
    return get_object_or_404(EmailTemplate, campaign=campaign, pk=email_template_id)


@require_POST
@campaign_view()
def email_template_delete_view(request: HttpRequest, campaign: Campaign,
                               email_template_id: int) -> HttpResponse:
    template = _template(campaign, email_template_id)
    try:
        email_template_delete(template=template, by=request.user,
                              revision=parse_revision(request.POST.get("revision")))
    except StaleDraft as stale:
        messages.error(request, str(stale))
        return redirect("builder:email_template", campaign.pk, template.pk)
    messages.success(request, f"Email “{template.subject}” deleted.")
    return redirect("builder:campaign_emails", campaign.pk)


@require_POST
@campaign_view()
def email_template_test(request: HttpRequest, campaign: Campaign,
                        email_template_id: int) -> HttpResponse:
    """Send the saved template to the signed-in marketer, rendered for the preview's sample."""
    template = _template(campaign, email_template_id)
    sample = sample_for(campaign, trigger=template.trigger, outcome_key=template.outcome_key)
    email_queue_test(template=template, to_email=request.user.email, context=sample.context)
    messages.success(request, f"Test email on its way to {request.user.email}. It shows in the "
                     "send log below within seconds.")
    return redirect("builder:email_template", campaign.pk, template.pk)


@require_GET
@campaign_view()
def campaign_email_log(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    emails = campaign.outbound_emails.select_related("entry")
    status = request.GET.get("status", "")
    if status in EmailStatus.values:
        emails = emails.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        emails = emails.filter(to_email__icontains=query)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    context = {"campaign": campaign, "page": page, "emails": page.object_list,
               "status": status, "query": query, "statuses": EmailStatus.choices}
    template = "builder/_email_log_results.html" if request.htmx else "builder/email_log.html"
    return render(request, template, context)


@require_POST
@campaign_view()
def email_retry(request: HttpRequest, campaign: Campaign, email_id: int) -> HttpResponse:
    email = get_object_or_404(campaign.outbound_emails, pk=email_id)
    if email.status != EmailStatus.FAILED:
        messages.error(request, "Only failed emails can be sent again.")
    else:
        email_requeue(email=email)
        messages.success(request, f"The email to {email.to_email} is queued again.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("builder:campaign_email_log", args=[campaign.pk])
    return redirect(back)
