"""Workspaces, members and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from builder.access import (
    current_membership,
    member_object,
    object_view,
    require_role,
    switch_workspace,
    workspace_view,
)
from builder.forms import InvitationForm, RoleForm, WorkspaceForm
from builder.htmx import fragment_or_page, written
from campaigns.models import Invitation, Membership, Role
from campaigns.services.workspaces import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_set_role,
    workspace_create,
    workspace_rename,
)


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def no_workspace(request: HttpRequest) -> HttpResponse:
    if current_membership(request) is not None:
        return redirect("builder:home")
    return render(request, "builder/no_workspace.html", {"form": WorkspaceForm()})


@login_required
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = workspace_create(owner=request.user, name=form.cleaned_data["name"])
        switch_workspace(request, workspace.memberships.get(user=request.user))
        messages.success(request, f"Workspace “{workspace.name}” created.")
        return redirect("builder:home")
    request.membership = current_membership(request)
    return render(request, "builder/workspace_new.html", {"form": form})


@require_POST
@login_required
def workspace_switch(request: HttpRequest, workspace_id: int) -> HttpResponse:
    membership = member_object(request, Membership.objects.filter(user=request.user),
                               workspace_id=workspace_id)
    switch_workspace(request, membership)
    return redirect("builder:home")


@workspace_view(Role.OWNER)
def workspace_settings(request: HttpRequest) -> HttpResponse:
    workspace = request.membership.workspace
    form = WorkspaceForm(request.POST or None, initial={"name": workspace.name})
    if request.method == "POST" and form.is_valid():
        workspace_rename(workspace=workspace, name=form.cleaned_data["name"])
        messages.success(request, "Workspace renamed.")
        return redirect("builder:workspace_settings")
    return render(request, "builder/workspace_settings.html", {"form": form})


def _members_context(request: HttpRequest, invite_form: InvitationForm | None = None) -> dict:
    workspace = request.membership.workspace
    return {
        "members": workspace.memberships.select_related("user").order_by("user__email"),
        "invitations": workspace.invitations.filter(accepted_at__isnull=True),
        "invite_form": invite_form or InvitationForm(),
        "roles": Role.choices,
        "can_manage": request.membership.allows(Role.OWNER),
    }


def _members_response(request: HttpRequest, invite_form: InvitationForm | None = None):
    """The page, or for HTMX just the members panel it swaps in place."""
    return fragment_or_page(request, fragment="builder/_members.html",
                            page="builder/members.html",
                            context=_members_context(request, invite_form))


def _members_written(request: HttpRequest) -> HttpResponse:
    return written(request, to=reverse("builder:members"),
                   region=lambda: _members_response(request))


@require_GET
@workspace_view()
def members(request: HttpRequest) -> HttpResponse:
    return render(request, "builder/members.html", _members_context(request))


@require_POST
@workspace_view(Role.OWNER)
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                workspace=request.membership.workspace,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return _members_written(request)
    return _members_response(request, form)


@require_POST
@object_view(Membership.objects.all(), url_kwarg="membership_id", name="membership",
             write=Role.OWNER)
def member_role(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
    else:
        try:
            membership_set_role(membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _members_written(request)


@require_POST
@object_view(Membership.objects.all(), url_kwarg="membership_id", name="membership",
             write=Role.VIEWER)  # anyone may leave; removing someone else is checked below
def member_remove(request: HttpRequest, membership: Membership) -> HttpResponse:
    leaving = membership.user_id == request.user.pk
    if not leaving:
        require_role(request.membership, Role.OWNER)
    try:
        membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _members_written(request)
    if leaving:
        messages.success(request, f"You left {membership.workspace}.")
        return redirect("builder:home")
    messages.success(request, f"{membership.user} was removed from the workspace.")
    return _members_written(request)


@require_POST
@object_view(Invitation.objects.filter(accepted_at__isnull=True), url_kwarg="invitation_id",
             name="invitation", write=Role.OWNER)
def invitation_cancel(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    invitation_revoke(invitation=invitation)
    messages.success(request, f"Invitation to {invitation.email} cancelled.")
    return _members_written(request)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: anyone may look; accepting needs the invited address."""
    invitation = get_object_or_404(Invitation.objects.select_related("workspace", "invited_by"),
                                   token=token)
    error = None
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            switch_workspace(request, membership)
            messages.success(request, f"Welcome to {invitation.workspace}!")
            return redirect("builder:home")
    return render(request, "builder/invitation.html", {"invitation": invitation, "error": error})
