"""Integrations: the webhook endpoints of a workspace and of each campaign, and their delivery log.

Viewers see endpoints and deliveries; editors add, change, test, replay, rotate, enable, disable
and delete. A secret is shown once, on the page that answers its creation or rotation.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from builder.access import campaign_view, object_view, require_role, workspace_view
from builder.views import Confirmation, confirmation_page
from campaigns.models import Campaign, Role
from entries.models import DeliveryStatus, WebhookEndpoint
from entries.webhooks.endpoints import (
    EndpointRefused,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_update,
    webhook_secret_rotate,
)
from entries.webhooks.events import EVENTS, EVENTS_BY_NAME
from entries.webhooks.outbox import webhook_deliveries_replay, webhook_test_send

MAX_REPLAY = 500

endpoint_view = object_view(
    WebhookEndpoint.objects.select_related("campaign", "workspace"),
    url_kwarg="endpoint_id", name="endpoint")


class EndpointForm(forms.Form):
    url = forms.CharField(label="URL", max_length=2000,
                          widget=forms.URLInput(attrs={"placeholder": "https://…"}),
                          help_text="Where each event is POSTed, as JSON signed with the "
                                    "endpoint's secret.")
    description = forms.CharField(max_length=200, required=False,
                                  help_text="What it feeds, for your team (optional).")
    # Checked by the service, so that every problem shows as one message.
    events = forms.MultipleChoiceField(
        choices=[(event.name, event.name) for event in EVENTS], required=False,
        widget=forms.CheckboxSelectMultiple)


def _counts(endpoints) -> dict[int, dict[str, int]]:
    rows = (WebhookEndpoint.objects.filter(pk__in=[e.pk for e in endpoints])
            .annotate(**{status: Count("deliveries", filter=Q(deliveries__status=status))
                         for status in DeliveryStatus.values})
            .values("pk", *DeliveryStatus.values))
    return {row.pop("pk"): row for row in rows}


def _listing(request: HttpRequest, endpoints, *, campaign: Campaign | None,
             form: EndpointForm) -> HttpResponse:
    endpoints = list(endpoints)
    counts = _counts(endpoints)
    for endpoint in endpoints:
        endpoint.counts = counts.get(endpoint.pk, {})
    return render(request, "builder/integrations.html", {
        "campaign": campaign, "endpoints": endpoints, "form": form, "events": EVENTS,
        "section": "integrations"}, status=400 if form.errors else 200)


def _create(request: HttpRequest, *, workspace, campaign: Campaign | None, endpoints):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(
                workspace=workspace, campaign=campaign, url=form.cleaned_data["url"],
                events=form.cleaned_data["events"], created_by=request.user,
                description=form.cleaned_data["description"])
        except EndpointRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Endpoint added. Copy its secret now: it is shown once.")
            return _detail(request, endpoint, new_secret=endpoint.secret)
    return _listing(request, endpoints, campaign=campaign, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view()
def workspace_integrations(request: HttpRequest) -> HttpResponse:
    """Every endpoint of the workspace; a new one here gets the events of every campaign."""
    if request.method == "POST":
        require_role(request.membership, Role.EDITOR)
    workspace = request.membership.workspace
    endpoints = workspace.webhook_endpoints.select_related("campaign")
    return _create(request, workspace=workspace, campaign=None, endpoints=endpoints)


@require_http_methods(["GET", "HEAD", "POST"])
@campaign_view()
def campaign_integrations(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The campaign's own endpoints, and those of the workspace that also get its events."""
    endpoints = WebhookEndpoint.objects.filter(
        Q(campaign=campaign) | Q(workspace_id=campaign.workspace_id, campaign__isnull=True)
    ).select_related("campaign")
    return _create(request, workspace=campaign.workspace, campaign=campaign, endpoints=endpoints)


def _detail(request: HttpRequest, endpoint: WebhookEndpoint, *, new_secret: str = "",
            form: EndpointForm | None = None) -> HttpResponse:
    deliveries = endpoint.deliveries.all()
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    form = form or EndpointForm(initial={"url": endpoint.url, "events": endpoint.events,
                                         "description": endpoint.description})
    return render(request, "builder/integrations_endpoint.html", {
        "endpoint": endpoint, "campaign": endpoint.campaign, "new_secret": new_secret,
        "page": page, "deliveries": page.object_list, "status": status,
        "statuses": DeliveryStatus.choices, "form": form, "events": EVENTS,
        "parked": endpoint.deliveries.filter(status=DeliveryStatus.PARKED).count(),
        "section": "integrations",
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@endpoint_view
def webhook_endpoint(request: HttpRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    """The endpoint, its settings (a POST changes them) and its delivery log."""
    if request.method != "POST":
        return _detail(request, endpoint)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            webhook_endpoint_update(endpoint=endpoint, url=form.cleaned_data["url"],
                                    events=form.cleaned_data["events"],
                                    description=form.cleaned_data["description"])
        except EndpointRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("builder:webhook_endpoint", endpoint.pk)
    endpoint.refresh_from_db()
    return _detail(request, endpoint, form=form)


def _back(endpoint: WebhookEndpoint) -> str:
    return reverse("builder:webhook_endpoint", args=[endpoint.pk])


def _confirm(request: HttpRequest, endpoint: WebhookEndpoint, confirmation: Confirmation):
    return confirmation_page(request, endpoint.campaign, confirmation)


@require_POST
@endpoint_view
def webhook_endpoint_test(request: HttpRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    event = request.POST.get("event", "")
    if event not in EVENTS_BY_NAME:
        messages.error(request, "Pick an event to send as a test.")
    else:
        delivery = webhook_test_send(endpoint=endpoint, event=event)
        messages.success(request, f"A sample {event} event was sent ({delivery.message_id}); "
                                  "its result is at the top of the log.")
    return redirect(_back(endpoint))


@require_POST
@endpoint_view
def webhook_endpoint_rotate(request: HttpRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    if not request.POST.get("confirm"):
        return _confirm(request, endpoint, Confirmation(
            title="Rotate the secret", question="Make a new signing secret?",
            body="Requests are signed with both the new and the old secret for 24 hours, so "
                 "your receiver keeps working while you switch it to the new one. The new "
                 "secret is shown once.",
            button="Rotate the secret", action=reverse("builder:webhook_endpoint_rotate",
                                                       args=[endpoint.pk]),
            cancel_url=_back(endpoint)))
    webhook_secret_rotate(endpoint=endpoint)
    messages.success(request, "New secret made. Copy it now: it is shown once.")
    return _detail(request, endpoint, new_secret=endpoint.secret)


@require_POST
@endpoint_view
def webhook_endpoint_active(request: HttpRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    if request.POST.get("active") == "1":
        webhook_endpoint_enable(endpoint=endpoint)
        messages.success(request, "Endpoint enabled: events are sent again, those that waited "
                                  "too.")
        return redirect(_back(endpoint))
    if not request.POST.get("confirm"):
        return _confirm(request, endpoint, Confirmation(
            title="Disable the endpoint", question="Stop sending events to this endpoint?",
            body="Nothing is sent while it is disabled, and events that happen meanwhile are "
                 "not kept for it. Deliveries already waiting are sent once you enable it.",
            button="Disable", action=reverse("builder:webhook_endpoint_active",
                                             args=[endpoint.pk]),
            cancel_url=_back(endpoint), fields=(("active", "0"),)))
    webhook_endpoint_disable(endpoint=endpoint, reason=f"Disabled by {request.user.email}.")
    messages.success(request, "Endpoint disabled.")
    return redirect(_back(endpoint))


@require_POST
@endpoint_view
def webhook_endpoint_delete_view(request: HttpRequest,
                                 endpoint: WebhookEndpoint) -> HttpResponse:
    if not request.POST.get("confirm"):
        return _confirm(request, endpoint, Confirmation(
            title="Delete the endpoint", question=f"Delete the endpoint {endpoint.url}?",
            body="It gets no more events, and its delivery log goes with it, waiting "
                 "deliveries included. This cannot be undone.",
            button="Delete the endpoint", action=reverse("builder:webhook_endpoint_delete",
                                                         args=[endpoint.pk]),
            cancel_url=_back(endpoint)))
    campaign_id = endpoint.campaign_id
    webhook_endpoint_delete(endpoint=endpoint)
    messages.success(request, "Endpoint deleted.")
    if campaign_id:
        return redirect("builder:campaign_integrations", campaign_id)
    return redirect("builder:workspace_integrations")


@require_POST
@endpoint_view
def webhook_deliveries_replay_view(request: HttpRequest,
                                   endpoint: WebhookEndpoint) -> HttpResponse:
    """Replay the ticked deliveries, or every parked one (asks first)."""
    deliveries = endpoint.deliveries.all()
    if request.POST.get("all_parked"):
        deliveries = deliveries.filter(status=DeliveryStatus.PARKED)
        if not request.POST.get("confirm"):
            return _confirm(request, endpoint, Confirmation(
                title="Replay parked deliveries",
                question=f"Send all {deliveries.count()} parked deliveries again?",
                body="Each is sent with its own webhook-id, so a receiver that already has "
                     "one drops the copy. Failures are retried for another day.",
                button="Replay them", action=reverse("builder:webhook_deliveries_replay",
                                                     args=[endpoint.pk]),
                cancel_url=_back(endpoint), fields=(("all_parked", "1"),)))
    else:
        ids = [value for value in request.POST.getlist("delivery") if value.isdigit()]
        deliveries = deliveries.filter(pk__in=ids)
    replayed = webhook_deliveries_replay(deliveries=list(deliveries[:MAX_REPLAY]))
    if replayed:
        messages.success(request, f"{replayed} {'delivery' if replayed == 1 else 'deliveries'} "
                                  "queued again.")
    else:
        messages.error(request, "Tick the deliveries to send again (those being sent now "
                                "are left alone).")
    return redirect(_back(endpoint))
