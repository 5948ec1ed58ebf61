"""Serving the images marketers uploaded (logos, covers, choice and outcome pictures).

Every stored image was decoded and re-encoded by `campaigns.services.images`, under a random,
never-reused name: safe to serve from the app, and cacheable forever. Only names that service
writes are served; anything else under the media root is not reachable through here.
"""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

STORED_NAME = re.compile(r"^\d+/[a-z]+-[0-9a-f]{16}\.(png|jpg)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@require_safe
def uploaded_image(request: HttpRequest, path: str) -> FileResponse:
    """`path` is relative to the media root's images/ folder, where image_store writes."""
    match = STORED_NAME.match(path)
    if not match or not default_storage.exists(f"images/{path}"):
        raise Http404("No such image.")
    response = FileResponse(default_storage.open(f"images/{path}"),
                            content_type=CONTENT_TYPES[match[1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    # Runtime pages are framed by other sites, but load images from their own origin.
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response
