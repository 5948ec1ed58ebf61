from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from entries.uploads import uploaded_image

urlpatterns = [
    path("", RedirectView.as_view(url="/app/", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("app/", include("builder.urls")),
    path("c/", include("entries.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploaded images are served by the app itself, like static files (see entries/uploads.py).
    urlpatterns.append(path(f"{settings.MEDIA_URL[1:]}images/<path:path>", uploaded_image,
                            name="uploaded_image"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
