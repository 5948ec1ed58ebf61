"""The API object: its routers, its docs at /api/v1/docs and its errors, every one a JSON body
with a `detail` sentence (and `problems` where the builder would list some), never a 500 page."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled

from builder.api import campaigns, entries, exports, hooks, people
from builder.api.errors import Refused

api = NinjaAPI(
    title="Stepcraft API",
    version="1",
    description="Campaigns, entries, results, draws, exports and personal-data requests of one "
                "workspace. Send a workspace API key (builder → API keys) as "
                "`Authorization: Bearer sc_…`.",
    urls_namespace="api",
)
api.add_router("", campaigns.router)
api.add_router("", entries.router)
api.add_router("", exports.router)
api.add_router("", people.router)
api.add_router("", hooks.router)


@api.exception_handler(Refused)
def refused(request: HttpRequest, error: Refused) -> HttpResponse:
    return api.create_response(request, error.body(), status=error.status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {
        "detail": "Send a live API key of the workspace as “Authorization: Bearer sc_…”; this "
                  "request had none, or one that is unknown or revoked."}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    response = api.create_response(request, {
        "detail": f"Too many requests with this key: wait {error.wait} s."}, status=429)
    response["Retry-After"] = str(error.wait)
    return response
