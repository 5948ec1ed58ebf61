"""Start-up checks of the settings entries depend on."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def uploads_are_private(app_configs, **kwargs) -> list[Error]:
    """Visitors' files must not be where a URL reaches: under MEDIA_ROOT or STATIC_ROOT a web
    server (or the app's own media route) could hand them out as they came."""
    uploads = Path(settings.STORAGES["uploads"]["OPTIONS"]["location"]).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name)).resolve()
        if uploads == public or uploads.is_relative_to(public) or public.is_relative_to(uploads):
            errors.append(Error(
                f"UPLOADS_ROOT ({uploads}) overlaps {name} ({public}).",
                hint="Keep visitors' files in a folder of their own, outside every folder "
                     "served by URL.",
                id="entries.E001"))
    return errors
