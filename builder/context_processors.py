from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict:
    """The workspace switcher's data, for every builder page."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "memberships": request.user.memberships.select_related("workspace"),
    }
