from django.urls import path

from entries import contest_views, views
from entries.mail import views as mail_views

app_name = "entries"

urlpatterns = [
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.landing, name="landing"),
    path("<slug:slug>/e/<str:token>/", views.entry, name="entry"),
    path("<slug:slug>/e/<str:token>/events", views.entry_events, name="events"),
    path("<slug:slug>/e/<str:token>/later/", mail_views.resume, name="resume"),
    path("verify_draw.py", contest_views.verifier, name="verifier"),
    path("<slug:slug>/rules/", contest_views.rules, name="rules"),
    path("<slug:slug>/draws/<int:draw_id>/", contest_views.draw, name="draw"),
    path("<slug:slug>/draws/<int:draw_id>/proof.json", contest_views.draw_proof_json,
         name="draw_proof"),
    path("<slug:slug>/draws/<int:draw_id>/tickets.csv", contest_views.draw_tickets_csv,
         name="draw_tickets"),
    path("<slug:slug>/claim/<str:token>/", contest_views.claim, name="claim"),
]
