"""Who may see and change what in the builder.

Every builder object belongs to a workspace. A user reaches an object only through a membership of
its workspace: anything else is a 404 (never a 403, which would confirm the object exists). Within
that workspace — the object's own, whichever one the session was working in — the membership's
role decides: viewers read, editors write, owners manage people.

Views of one object use `object_view` (or `campaign_view`), which loads the object, checks the
role and hands the view the object; views of the current workspace itself use `workspace_view`.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect

from campaigns.models import Campaign, Membership, Role

SESSION_KEY = "workspace_id"

ROLE_REFUSALS = {
    Role.EDITOR: "You have view-only access to this workspace. Ask an owner to make you an editor.",
    Role.OWNER: "Only owners of this workspace can do this.",
}

READS = frozenset({"GET", "HEAD"})


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership of the workspace the user is working in, remembered in the session."""
    memberships = Membership.objects.select_related("workspace").filter(user=request.user)
    chosen = request.session.get(SESSION_KEY)
    membership = (chosen and memberships.filter(workspace_id=chosen).first()) or memberships.first()
    if membership is not None:
        request.session[SESSION_KEY] = membership.workspace_id
    return membership


def switch_workspace(request: HttpRequest, membership: Membership) -> None:
    request.session[SESSION_KEY] = membership.workspace_id
    request.membership = membership


def require_role(membership: Membership, role: str) -> None:
    if not membership.allows(role):
        raise PermissionDenied(ROLE_REFUSALS[Role(role)])


def workspace_view(role: str = Role.VIEWER):
    """Signed in, inside a workspace (`request.membership`), with at least `role` there.

    Only for views of the workspace itself (its campaign list, members, settings): a view of one
    object uses `object_view`, so that the role is the one in the object's workspace.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            membership = current_membership(request)
            if membership is None:
                return redirect("builder:no_workspace")
            request.membership = membership
            require_role(membership, role)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def object_view(queryset: QuerySet, *, url_kwarg: str, name: str, read: str = Role.VIEWER,
                write: str = Role.EDITOR):
    """Signed in and a member of the object's own workspace, with `read` to GET (or HEAD) it and
    `write` for any other method.

    The object whose pk is the URL's `url_kwarg` reaches the view as the keyword `name`, and
    `request.membership` is the membership of its workspace.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            role = read if request.method in READS else write
            kwargs[name] = member_object(request, queryset, role=role, pk=kwargs.pop(url_kwarg))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def campaign_view(*, read: str = Role.VIEWER, write: str = Role.EDITOR,
                  queryset: QuerySet | None = None):
    """`object_view` for the URL's `campaign_id`: the view takes `campaign`."""
    return object_view(Campaign.objects.all() if queryset is None else queryset,
                       url_kwarg="campaign_id", name="campaign", read=read, write=write)


def member_object(request: HttpRequest, queryset: QuerySet, *, role: str = Role.VIEWER,
                  **lookup) -> Model:
    """Fetch an object of any workspace the user belongs to and work in that workspace from now on.

    404 unless the user is a member of the object's workspace; 403 if their role is too low there.
    """
    obj = queryset.filter(workspace__memberships__user=request.user, **lookup).first()
    if obj is None:
        raise Http404("Not found.")
    membership = Membership.objects.select_related("workspace").get(
        user=request.user, workspace_id=obj.workspace_id
    )
    switch_workspace(request, membership)
    require_role(membership, role)
    return obj
