from django.urls import path, register_converter

from entries import contest_views, share_views, views
from entries.mail import views as mail_views

app_name = "entries"


class CapabilityToken:
    """A token as `secrets.token_urlsafe` writes it. Anything else is no URL of ours, and never
    reaches a query (PostgreSQL refuses a NUL in one)."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CapabilityToken, "token")


class LanguageCode:
    """A BCP 47 language as the runtime names them: "en", "pt-br"."""

    regex = "[a-z]{2,3}(?:-[a-z0-9]{2,8})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageCode, "lang")

urlpatterns = [
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.landing, name="landing"),
    path("<slug:slug>/e/<token:token>/", views.entry, name="entry"),
    path("<slug:slug>/e/<token:token>/events", views.entry_events, name="events"),
    path("<slug:slug>/e/<token:token>/later/", mail_views.resume, name="resume"),
    path("<slug:slug>/e/<token:token>/share", share_views.entry_share, name="share"),
    path("<slug:slug>/share/<int:version_id>/<lang:language>", share_views.share_image,
         name="share_image"),
    path("<slug:slug>/share/<int:version_id>/<lang:language>/<slug:outcome>",
         share_views.share_image, name="share_image_outcome"),
    path("verify_draw.py", contest_views.verifier, name="verifier"),
    path("<slug:slug>/rules/", contest_views.rules, name="rules"),
    path("<slug:slug>/draws/<int:draw_id>/", contest_views.draw, name="draw"),
    path("<slug:slug>/draws/<int:draw_id>/proof.json", contest_views.draw_proof_json,
         name="draw_proof"),
    path("<slug:slug>/draws/<int:draw_id>/tickets.csv", contest_views.draw_tickets_csv,
         name="draw_tickets"),
    path("<slug:slug>/claim/<token:token>/", contest_views.claim, name="claim"),
]
