from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView

from builder.api.site import api
from entries.uploads import uploaded_image


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico on their own (for bookmarks, tabs, pages naming no icon)."""
    return HttpResponseRedirect(static_url("img/favicon.ico"))


urlpatterns = [
    path("", RedirectView.as_view(url="/app/", permanent=False)),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("app/", include("builder.urls")),
    path("c/", include("entries.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

if settings.MEDIA_URL.startswith("/"):
    # Re-encoded images are served by the app itself, like static files (see entries/uploads.py).
    # Nothing else under MEDIA_ROOT has a URL, in DEBUG as in production; visitors' files are
    # not under it at all (UPLOADS_ROOT) and reach marketers only through the builder.
    urlpatterns.append(path(f"{settings.MEDIA_URL[1:]}images/<path:path>", uploaded_image,
                            name="uploaded_image"))
